"""The yibao command line: `yibao --help`."""

import datetime as dt
import json
import os
import sys
from pathlib import Path

import typer

from yibao.api.cli import token_app
from yibao.documents.cli import case_app, documents_app

app = typer.Typer(help="医保执法系统命令行 (yibao)", no_args_is_help=True, add_completion=False)
catalog_app = typer.Typer(help="权责清单：解析、导入、导出", no_args_is_help=True)
law_app = typer.Typer(help="法规库：解析法规文本", no_args_is_help=True)
penalty_app = typer.Typer(help="处罚裁量计算", no_args_is_help=True)
monitor_app = typer.Typer(help="智能监控：生成测试数据、筛查", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(law_app, name="law")
app.add_typer(penalty_app, name="penalty")
app.add_typer(monitor_app, name="monitor")
audit_app = typer.Typer(help="审计日志：核验、锚定、恢复记录、归档", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(token_app, name="api-token")
app.add_typer(case_app, name="case")
app.add_typer(documents_app, name="documents")

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    import django

    django.setup()
    # Every caller reads the database: on a fresh checkout the SQLite file has no tables yet.
    from yibao.core.schema import ensure_sqlite_schema

    ensure_sqlite_schema()


def _print_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@catalog_app.command("parse")
def catalog_parse(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="清单文件（.txt .tsv .md .html .xlsx .docx，同 parsing.document.SUPPORTED_SUFFIXES）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Parse catalogue files and print them; touch no database."""
    from yibao.catalog.parsing import CatalogParseError, parse_catalog_file

    out, failed = [], False
    for f in files:
        try:
            out.append(parse_catalog_file(f).as_dict())
        except CatalogParseError as e:
            failed = True
            typer.echo(str(e), err=True)
    if as_json:
        _print_json(out)
    else:
        for doc in out:
            typer.echo(f"{doc['source']}: {doc['title']}（{doc['bureau']}）{len(doc['items'])} 项")
    if failed:
        raise typer.Exit(1)


@catalog_app.command("import")
def catalog_import(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False),
    bureau: str | None = typer.Option(None, "--bureau", help="单位名称（文件未写明时）"),
    date: str | None = typer.Option(None, "--date", help="清单日期 YYYY-MM-DD（文件未写明时）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import catalogue files into the database: each file all or nothing."""
    _django()
    from yibao.catalog.importing import import_files

    try:
        when = dt.date.fromisoformat(date) if date else None
    except ValueError:
        _fail(f"日期格式不正确：{date}（应为 YYYY-MM-DD）")
    results, errors = import_files(files, bureau=bureau, date=when)
    if as_json:
        _print_json({"imported": results, "errors": errors})
    else:
        for r in results:
            state = "新版本" if r["created"] else "内容未变，未导入"
            typer.echo(f"{r['title']}：{state}（第{r['version']}版，{r['items']}项；"
                       f"新增{len(r['added'])}，删除{len(r['removed'])}，变更{len(r['changed'])}，"
                       f"更名{len(r['renamed'])}）")
        for e in errors:
            typer.echo(e, err=True)
    if errors:
        raise typer.Exit(1)


@catalog_app.command("export")
def catalog_export(
    fmt: str = typer.Option("json", "--format", help="json 或 xlsx"),
    out: Path = typer.Option(..., "--out", help="输出文件"),
    bureau: str | None = typer.Option(None, "--bureau", help="只导出该单位"),
) -> None:
    """Export the current items of every (or one) bureau."""
    _django()
    from yibao.catalog.exporting import export_catalog

    if fmt not in ("json", "xlsx"):
        _fail(f"不支持的格式：{fmt}（应为 json 或 xlsx）")
    count = export_catalog(out, fmt=fmt, bureau=bureau)
    typer.echo(f"已导出 {count} 项到 {out}")


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
        _fail(str(e))
    if as_json:
        _print_json(parsed.as_dict())
    else:
        typer.echo(f"{parsed.title}：{len(parsed.articles)} 条")


@law_app.command("import")
def law_import(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import a regulation's articles into the law library."""
    _django()
    from yibao.law.regulation import RegulationParseError, parse_regulation_file
    from yibao.law.services import do_import_regulation

    try:
        law = do_import_regulation(parse_regulation_file(file), source_file=file.name)
    except (RegulationParseError, ValueError) as e:
        _fail(str(e))
    typer.echo(f"已导入《{law.name}》{law.articles.count()} 条")


def _date_option(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{label}格式不正确：{value}（应为 YYYY-MM-DD）")


def _money_option(value: str | None, label: str):
    from decimal import Decimal, InvalidOperation

    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        _fail(f"{label}不是有效金额：{value}")
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        _fail(f"{label}应为非负数，最多两位小数：{value}")
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
            _fail(f"--base 应写作 名称=金额：{item}")
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
        _fail(str(e))
    if as_json:
        _print_json(result)
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


@monitor_app.command("generate")
def monitor_generate(
    out: Path = typer.Option(..., "--out", help="输出目录"),
    lines: int = typer.Option(..., "--lines", help="费用明细行数"),
    seed: int = typer.Option(1, "--seed", help="随机种子（相同种子生成相同数据）"),
    fmt: str = typer.Option("parquet", "--format", help="parquet 或 csv"),
    region: str = typer.Option("", "--region", help="行政区划代码（6 位），如 410324；默认广州市"),
    region_name: str = typer.Option("", "--region-name", help="行政区划名称，如 栾川县（与 --region 同用）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generate a synthetic dataset with planted violations and near-misses of every rule."""
    from yibao.monitoring.engine.generator import GUANGZHOU, MIN_LINES, Region, generate_dataset

    where = GUANGZHOU
    if region or region_name:
        if not (region and region_name):
            _fail("--region 与 --region-name 须同时给出，如 --region 410324 --region-name 栾川县")
        try:
            where = Region.of(region, region_name)
        except ValueError:
            _fail(f"行政区划代码应为 6 位数字（650102–650106 除外），不是 {region[:20]}")
    if lines < MIN_LINES:
        _fail(f"--lines 至少为 {MIN_LINES}（预置的违规与临界样例需要这么多行）")
    if fmt not in ("parquet", "csv"):
        _fail(f"不支持的格式：{fmt}（应为 parquet 或 csv）")
    try:
        report = generate_dataset(out, lines=lines, seed=seed, fmt=fmt, region=where, list_every_institution=where != GUANGZHOU,
                                  progress=None if as_json else _progress_bar("生成"))
    except FileExistsError:
        _fail(f"输出目录已存在且不为空：{out}")
    if as_json:
        _print_json(report.as_dict() if hasattr(report, "as_dict") else vars(report))
    else:
        typer.echo(f"已生成 {lines} 行费用明细到 {out}")


def _progress_bar(label: str):
    def show(done, total=None) -> None:
        typer.echo(f"{label}：{done}/{total}" if total else f"{label}：{done}", err=True)

    return show


@monitor_app.command("screen")
def monitor_screen(
    dataset: Path = typer.Argument(..., exists=True, file_okay=False, help="数据集目录"),
    out: Path = typer.Option(..., "--out", help="疑点输出目录（findings.parquet、findings.csv）"),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb 或 spark"),
    config: Path | None = typer.Option(None, "--config", exists=True, dir_okay=False, help="规则配置文件"),
    bureau: str | None = typer.Option(None, "--bureau", help="单位行政区划代码：记录本次筛查并入库疑点"),
    memory_limit: str | None = typer.Option(None, "--memory-limit", help="DuckDB 内存上限，如 12GB"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Screen a dataset with the enabled rules; write the findings and print a summary."""
    from yibao.monitoring.engine.config import ConfigError, load_config
    from yibao.monitoring.engine.dataset import DatasetError
    from yibao.monitoring.engine.runner import screen

    if engine not in ("duckdb", "spark"):
        _fail(f"不支持的引擎：{engine}（应为 duckdb 或 spark）")
    try:
        cfg = load_config(config)
    except ConfigError as e:
        _fail(str(e))
    progress = None if as_json else (lambda rule, i, n: typer.echo(f"[{i}/{n}] {rule}", err=True))
    options = {"memory_limit": memory_limit} if engine == "duckdb" and memory_limit else {}
    try:
        if bureau:
            _django()
            from yibao.monitoring.services import do_screen_for_bureau

            summary = do_screen_for_bureau(bureau, dataset, engine=engine, config_path=config, out_dir=out)
        else:
            summary = screen(dataset, engine=engine, config=cfg, out_dir=out, progress=progress,
                             engine_options=options).summary()
    except DatasetError as e:
        _fail("数据集不符合规范，未筛查：\n" + str(e))
    except (ConfigError, ValueError) as e:
        _fail(str(e))
    if as_json:
        _print_json({k: summary[k] for k in ("findings", "by_rule", "skipped", "seconds")} | {
            k: v for k, v in summary.items() if k not in ("findings", "by_rule", "skipped", "seconds")})
    else:
        typer.echo(f"疑点 {summary['findings']} 条，用时 {summary['seconds']} 秒；输出：{out}")
        for rule, n in summary["by_rule"].items():
            typer.echo(f"  {rule}: {n}")
        for rule, reason in summary["skipped"].items():
            typer.echo(f"  {rule}: 跳过（{reason}）")


@monitor_app.command("execute-run")
def monitor_execute_run(run_id: int = typer.Argument(..., help="排队中的筛查批次编号")) -> None:
    """Screen a queued run here and now, by hand (the web's runs are jobs that `yibao worker` runs)."""
    _django()
    from yibao.monitoring.constants import RunStatus
    from yibao.monitoring.models import ScreeningRun
    from yibao.monitoring.services import execute_run

    try:
        run = execute_run(run_id)
    except ScreeningRun.DoesNotExist:
        _fail(f"未找到筛查批次 #{run_id}")
    except ValueError as e:
        _fail(str(e))
    if run.status != RunStatus.SUCCEEDED:
        _fail(f"筛查 #{run.pk} 失败：{run.error}")
    typer.echo(f"筛查 #{run.pk} 完成：疑点 {run.finding_count} 条，其中新发现 {run.new_count} 条")


@monitor_app.command("prescreen-compact")
def monitor_prescreen_compact(
    bureau: str | None = typer.Option(None, "--bureau", help="单位行政区划代码（默认：所有有预审日志的单位）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Drop from the pre-screen journals the settlements older than the history window."""
    _django()
    from yibao.monitoring.prescreen.service import compact_journal, journal_codes

    results = []
    for code in [bureau] if bureau else journal_codes():
        result = compact_journal(code)
        if result is None:
            _fail(f"单位 {code} 没有预审日志")
        results.append({"bureau": code, **result.as_dict()})
    if as_json:
        _print_json(results)
        return
    if not results:
        typer.echo("没有预审日志")
    for r in results:
        sizes = f"{_megabytes(r['size_before'])} → {_megabytes(r['size_after'])}"
        state = f"已改写（{sizes}）" if r["replaced"] else "没有超出历史窗口的结算，未改写"
        typer.echo(f"{r['bureau']}：保留 {r['kept']} 条，删除 {r['dropped']} 条，{state}")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    typer.echo("数据库已是最新结构")


@app.command(help="提供网页服务：默认用 Django 自带的服务器，--production 用 gunicorn")
def serve(
    port: int = typer.Option(8000, "--port"),
    host: str = typer.Option("127.0.0.1", "--host"),
    production: bool = typer.Option(False, "--production", help="用 gunicorn 多进程服务（生产环境）"),
    workers: int = typer.Option(2, "--workers", min=1, help="gunicorn 工作进程数（--production）"),
    threads: int = typer.Option(4, "--threads", min=1, help="每个工作进程的线程数（--production）"),
    no_worker: bool = typer.Option(False, "--no-worker", help="不在旁边启动后台任务进程（另行运行 yibao worker 时）"),
) -> None:
    """Serve the web application: Django's server by default, gunicorn with --production."""
    if production:
        _serve_production(host, port, workers, threads, with_worker=not no_worker)
    else:
        _serve_development(host, port, with_worker=not no_worker)


def _serve_development(host: str, port: int, *, with_worker: bool = True) -> None:
    _django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if not settings.DEBUG:
        # Django's server serves static files only with DEBUG on; WhiteNoise serves the collected copy.
        call_command("collectstatic", interactive=False, verbosity=0)
    typer.echo(f"医保执法系统：http://{host}:{port}/")
    if not with_worker:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        return
    from yibao.jobs.worker import worker_beside

    with worker_beside():
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


def _serve_production(host: str, port: int, workers: int, threads: int, *, with_worker: bool = True) -> None:
    """Migrate, collect the static files (WhiteNoise serves them) and replace this process with gunicorn."""
    # Settings are read when Django starts: HTTPS-only cookies and HSTS unless the site says otherwise.
    os.environ.setdefault("YIBAO_HTTPS", "1")
    _django()
    from django.core.management import call_command

    from yibao.org.auth.production import account_problems, configuration_problems

    _refuse_production(configuration_problems())
    call_command("migrate", interactive=False, verbosity=0)
    _refuse_production(account_problems())
    call_command("collectstatic", interactive=False, verbosity=0)
    typer.echo(f"医保执法系统（生产模式，{workers} 个进程 × {threads} 线程）：http://{host}:{port}/")
    # The pre-screen's entry point: the project's application plus the API-key fast path, with the
    # bureaus' pre-screen data loaded before the workers fork (--preload).
    args = [sys.executable, "-m", "gunicorn", "yibao.monitoring.prescreen.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--worker-class", "gthread",
            "--threads", str(threads), "--preload", "--timeout", "120", "--access-logfile", "-"]
    sys.stdout.flush()
    if not with_worker:
        os.execv(sys.executable, args)
    from yibao.jobs.worker import run_beside_worker

    raise typer.Exit(run_beside_worker(args))


def _refuse_production(problems: list[str]) -> None:
    if problems:
        typer.echo("拒绝以生产模式启动：\n" + "\n".join(f"  - {p}" for p in problems), err=True)
        raise typer.Exit(2)


@app.command(help="运行后台任务（筛查、定时核验审计链、期限提醒、预审历史压缩），直到收到 SIGTERM 或 Ctrl-C")
def worker() -> None:
    """Run the background-jobs worker (django-q2's cluster and the watchdog)."""
    _django()
    from yibao.jobs.worker import run_worker

    run_worker()


@app.command(help="准备演示数据（单位、账号、示例清单和法规、一次筛查），然后提供网页服务（DEBUG 关闭）")
def demo(
    port: int = typer.Option(8000, "--port"),
    seeds: Path | None = typer.Option(None, "--seeds", help="示例文件目录（默认 ../shared/seeds）"),
    no_serve: bool = typer.Option(False, "--no-serve", help="只准备示例数据，不启动服务"),
) -> None:
    """Prepare the demo database (bureaus, users, the five seeds) if needed, then serve."""
    # What people first see: a mistyped address is a Chinese 404, not Django's debug page listing
    # every URL. Settings read DEBUG once, when Django starts; YIBAO_DEBUG=1 still turns it on.
    os.environ.setdefault("YIBAO_DEBUG", "0")
    # The demo's head and admin sign in with the password alone; production refuses this setting.
    os.environ.setdefault("YIBAO_REQUIRE_2FA", "0")
    _django()
    from yibao.core.demo import prepare_demo

    summary = prepare_demo(seeds)
    typer.echo(summary)
    if not no_serve:
        # Not serve(): called directly, its typer options would be their OptionInfo defaults (truthy).
        _serve_development("127.0.0.1", port)


def _deadline_command():
    from yibao.deadlines.cli import deadline_command

    return deadline_command


app.command("deadline", help="计算期限届满日（起算日不计入；届满日遇节假日顺延）")(_deadline_command())


def _recount_command():
    from yibao.deadlines.cli import recount_command

    return recount_command


app.command("deadline-recount", help="按现有节假日安排重新计算所有未届满的期限（已届满的不变）")(_recount_command())


@audit_app.command("verify")
def audit_verify(
    full: bool = typer.Option(False, "--full", help="从头核验（默认从上次核验点续验）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Verify the audit chain; exit 1 when an event was changed or a link is broken."""
    _django()
    from yibao.core.audit import check_chain

    report = check_chain(resume=not full)
    if as_json:
        _print_json(report.as_dict())
    elif report.intact:
        typer.echo(f"审计链完整：核验 {report.checked} 条事件（自事件 {report.start_after} 之后至 {report.through_id}）")
    else:
        typer.echo(f"审计链被破坏：{report.first_break()}；共 {len(report.broken)} 条异常", err=True)
    if not report.intact:
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Append the chain's newest event to the anchor file (YIBAO_AUDIT_ANCHOR_FILE)."""
    _django()
    from yibao.core.auditlog.anchors import anchor_file, write_anchor

    anchor = write_anchor()
    if anchor is None:
        typer.echo("审计链为空，未写锚点")
    else:
        typer.echo(f"已锚定事件 {anchor.event_id} 于 {anchor_file()}")


@audit_app.command("restored")
def audit_restored(note: str = typer.Option(..., "--note", help="恢复的说明：哪个备份、何时、为何")) -> None:
    """Record that the database was restored from a backup: a restore event and a new anchor line."""
    _django()
    from yibao.core.auditlog.restore import do_record_restore

    event = do_record_restore(note, actor=None)
    typer.echo(f"已记录数据库恢复（事件 {event.id}），并写入新的锚点")


@app.command(help="备份数据库和证据、文书等文件到一个新目录，附 SHA-256 清单（不含审计密钥，须另行保管）")
def backup(out: Path = typer.Option(..., "--out", help="新的备份目录")) -> None:
    _django()
    from yibao.core.backup import BackupError, do_backup

    try:
        result = do_backup(out)
    except BackupError as e:
        _fail(str(e))
    typer.echo(f"已备份到 {result.path}：数据库 {result.database}，共 {result.files} 个文件，{_megabytes(result.bytes)}")


@app.command(help="从 yibao backup 的目录恢复数据库和文件（先核对清单的 SHA-256），并在审计链中记录恢复")
def restore(
    path: Path = typer.Argument(..., exists=True, file_okay=False, help="备份目录"),
    note: str = typer.Option("", "--note", help="恢复的说明：为何恢复"),
    yes: bool = typer.Option(False, "--yes", help="不再确认，直接覆盖当前数据库和文件"),
) -> None:
    _django()
    from yibao.core.backup import BackupError, do_restore, read_manifest

    try:
        manifest = read_manifest(path)
    except BackupError as e:
        _fail(str(e))
    if not yes and not typer.confirm(f"将用 {manifest['created_at']} 的备份覆盖当前数据库和文件，继续吗？"):
        _fail("已取消，未做任何改动")
    try:
        do_restore(path, note=note)
    except BackupError as e:
        _fail(str(e))
    typer.echo(f"已从 {path} 恢复（备份时间 {manifest['created_at']}），并在审计链中记录了这次恢复")


@audit_app.command("archive")
def audit_archive(
    before: str = typer.Option(..., "--before", help="归档此日期（YYYY-MM-DD）之前的事件"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Move events older than --before to a compressed, hashed archive file (never earlier than retention)."""
    _django()
    import datetime as dt

    from yibao.core.auditlog.archive import ArchiveRefused, do_archive_events

    try:
        day = dt.date.fromisoformat(before)
    except ValueError:
        typer.echo(f"日期“{before}”无效，请按 年-月-日 填写，如 2026-03-02", err=True)
        raise typer.Exit(2) from None
    try:
        result = do_archive_events(day, actor=None)
    except ArchiveRefused as refused:
        typer.echo(str(refused), err=True)
        raise typer.Exit(1) from None
    if as_json:
        _print_json(result)
    elif result["count"] == 0:
        typer.echo("没有需要归档的事件")
    else:
        typer.echo(f"已归档 {result['count']} 条事件（{result['first_id']}–{result['last_id']}）到 {result['file']}")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
