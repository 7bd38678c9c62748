"""`yibao law parse|import` (the law library) and `yibao penalty assess` (the penalty calculator).

Wired in yibao/cli.py as `app.add_typer(law_app, name="law")` and `app.add_typer(penalty_app, name="penalty")`.
"""

import datetime as dt
from pathlib import Path

import typer

from yibao.core.cli_support import django_setup, fail, print_json

law_app = typer.Typer(help="法规库：解析法规文本", no_args_is_help=True)
penalty_app = typer.Typer(help="处罚裁量计算", no_args_is_help=True)


@law_app.command("parse")
def law_parse(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Parse a regulation into articles, paragraphs and clauses; touch no database."""
    from yibao.law.regulation import RegulationParseError, parse_regulation_file

    try:
        parsed = parse_regulation_file(file)
    except RegulationParseError as e:
        fail(str(e))
    if as_json:
        print_json(parsed.as_dict())
    else:
        typer.echo(f"{parsed.title}：{len(parsed.articles)} 条")


@law_app.command("import")
def law_import(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import a regulation's articles into the law library."""
    django_setup()
    from yibao.law.regulation import RegulationParseError, parse_regulation_file
    from yibao.law.services import do_import_regulation

    try:
        law = do_import_regulation(parse_regulation_file(file), source_file=file.name)
    except (RegulationParseError, ValueError) as e:
        fail(str(e))
    typer.echo(f"已导入《{law.name}》{law.articles.count()} 条")


def _date_option(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{label}格式不正确：{value}（应为 YYYY-MM-DD）")


def _money_option(value: str | None, label: str):
    from decimal import Decimal, InvalidOperation

    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        fail(f"{label}不是有效金额：{value}")
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        fail(f"{label}应为非负数，最多两位小数：{value}")
    return amount


@penalty_app.command("assess")
def penalty_assess(
    provision: list[str] = typer.Option(..., "--provision", help="条款，如 《条例》第40条第1款（可多次指定）"),
    party: str = typer.Option(..., "--party", help="当事人类型：individual insured_person institution agency employer "
                              "bidder responsible_person legal_representative"),
    amount: str | None = typer.Option(None, "--amount", help="计算基数（元），如骗取金额；罚则按两种以上基数计算时须用 --base"),
    amount_of: list[str] = typer.Option([], "--base", "--amount-of",
                                        help="指名的基数：名称=金额，如 illegal_gains=1500（可多次指定）"),
    unit_fine: str | None = typer.Option(None, "--unit-fine", help="单位罚款数额（元），用于责任人员按比例罚款"),
    circumstance: list[str] = typer.Option([], "--circumstance", help="情节，如 loss_caused（可多次指定）"),
    benchmark: str = typer.Option("national", "--benchmark", help="裁量基准名称"),
    age: int | None = typer.Option(None, "--age", help="个人当事人的年龄"),
    act_date: str | None = typer.Option(None, "--act-date", help="违法行为发生日期"),
    act_end_date: str | None = typer.Option(None, "--act-end-date", help="连续或继续状态终了日期"),
    discovery_date: str | None = typer.Option(None, "--discovery-date", help="违法行为被发现日期"),
    decision_date: str | None = typer.Option(None, "--decision-date", help="作出处罚决定的日期（默认今天）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Assess a penalty: provisions, measures, fine range and discretion grade, with citations."""
    from yibao.law.calculator import AssessmentError, Facts, assess

    amounts = {}
    for item in amount_of:
        name, sep, value = item.partition("=")
        if not sep:
            fail(f"--base 应写作 名称=金额：{item}")
        amounts[name.strip()] = _money_option(value.strip(), name)
    facts = Facts(
        party=party, provisions=provision, amount=_money_option(amount, "--amount"), amounts=amounts,
        unit_fine=_money_option(unit_fine, "--unit-fine"), circumstances=set(circumstance), age=age,
        act_date=_date_option(act_date, "违法行为发生日期"), act_end_date=_date_option(act_end_date, "行为终了日期"),
        discovery_date=_date_option(discovery_date, "发现日期"), decision_date=_date_option(decision_date, "决定日期"),
        benchmark=benchmark,
    )
    try:
        result = assess(facts).as_dict()
    except AssessmentError as e:
        fail(str(e))
    if as_json:
        print_json(result)
        return
    units = {"yuan": "元", "months": "个月", "years": "年", "per_day": "/日"}

    def show(m: dict, indent: str = "  ") -> None:
        unit = units.get(m["unit"], m["unit"] or "")
        rng = "" if m["min"] is None else f" {m['min']} {unit}" if m["min"] == m["max"] else f" {m['min']}–{m['max']} {unit}"
        typer.echo(f"{indent}{m['label']}{'（可以）' if m['optional'] else ''}{rng}")

    for p in result["provisions"]:
        typer.echo(("【适用】" if p["applied"] else "【符合】") + p["citation"])
    no_penalty = result["no_penalty"]
    typer.echo(f"不予处罚：{no_penalty['label']}（{no_penalty['reason'].rstrip('。')}）")
    for outcome in result["outcomes"]:
        if len(result["outcomes"]) > 1:
            typer.echo(f"〔{outcome['label']}〕")
        for m in outcome["measures"]:
            show(m)
        for m in outcome["not_imposed"]:
            typer.echo(f"  不予{m['label']}（不予处罚）")
        if outcome["fine"]:
            typer.echo(f"罚款幅度：{outcome['fine']['min']}–{outcome['fine']['max']} 元")
        grade = outcome["grade"]
        if grade:
            rng = f" {grade['min']}–{grade['max']} 元" if grade["min"] is not None else ""
            typer.echo(f"裁量档次：{grade['label']}{rng}")
            typer.echo(f"  {grade['reason']}")
    if result["other_party_measures"]:
        typer.echo("对其他责任人员的措施（另行决定，不是对本当事人的处理）：")
        for m in result["other_party_measures"]:
            show(m, f"  {m['target_label']}：")
    for note in result["notes"]:
        typer.echo(f"说明：{note}")
