"""`yibao monitor generate|screen|execute-run|prescreen-compact`: 智能监控 from the command line.

Wired in yibao/cli.py as `app.add_typer(monitor_app, name="monitor")`.
"""

from pathlib import Path

import typer

from yibao.core.cli_support import django_setup, fail, megabytes, print_json

monitor_app = typer.Typer(help="智能监控：生成测试数据、筛查", no_args_is_help=True)


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
            fail("--region 与 --region-name 须同时给出，如 --region 410324 --region-name 栾川县")
        try:
            where = Region.of(region, region_name)
        except ValueError:
            fail(f"行政区划代码应为 6 位数字（650102–650106 除外），不是 {region[:20]}")
    if lines < MIN_LINES:
        fail(f"--lines 至少为 {MIN_LINES}（预置的违规与临界样例需要这么多行）")
    if fmt not in ("parquet", "csv"):
        fail(f"不支持的格式：{fmt}（应为 parquet 或 csv）")
    try:
        report = generate_dataset(out, lines=lines, seed=seed, fmt=fmt, region=where, list_every_institution=where != GUANGZHOU,
                                  progress=None if as_json else _progress_bar("生成"))
    except FileExistsError:
        fail(f"输出目录已存在且不为空：{out}")
    if as_json:
        print_json(report.as_dict() if hasattr(report, "as_dict") else vars(report))
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
        fail(f"不支持的引擎：{engine}（应为 duckdb 或 spark）")
    try:
        cfg = load_config(config)
    except ConfigError as e:
        fail(str(e))
    progress = None if as_json else (lambda rule, i, n: typer.echo(f"[{i}/{n}] {rule}", err=True))
    options = {"memory_limit": memory_limit} if engine == "duckdb" and memory_limit else {}
    try:
        if bureau:
            django_setup()
            from yibao.monitoring.services import do_screen_for_bureau

            summary = do_screen_for_bureau(bureau, dataset, engine=engine, config_path=config, out_dir=out)
        else:
            summary = screen(dataset, engine=engine, config=cfg, out_dir=out, progress=progress,
                             engine_options=options).summary()
    except DatasetError as e:
        fail("数据集不符合规范，未筛查：\n" + str(e))
    except (ConfigError, ValueError) as e:
        fail(str(e))
    if as_json:
        print_json({k: summary[k] for k in ("findings", "by_rule", "skipped", "seconds")} | {
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
    django_setup()
    from yibao.monitoring.constants import RunStatus
    from yibao.monitoring.models import ScreeningRun
    from yibao.monitoring.services import execute_run

    try:
        run = execute_run(run_id)
    except ScreeningRun.DoesNotExist:
        fail(f"未找到筛查批次 #{run_id}")
    except ValueError as e:
        fail(str(e))
    if run.status != RunStatus.SUCCEEDED:
        fail(f"筛查 #{run.pk} 失败：{run.error}")
    typer.echo(f"筛查 #{run.pk} 完成：疑点 {run.finding_count} 条，其中新发现 {run.new_count} 条")


@monitor_app.command("prescreen-compact")
def monitor_prescreen_compact(
    bureau: str | None = typer.Option(None, "--bureau", help="单位行政区划代码（默认：所有有预审日志的单位）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Drop from the pre-screen journals the settlements older than the history window."""
    django_setup()
    from yibao.monitoring.prescreen.service import compact_journal, journal_codes

    results = []
    for code in [bureau] if bureau else journal_codes():
        result = compact_journal(code)
        if result is None:
            fail(f"单位 {code} 没有预审日志")
        results.append({"bureau": code, **result.as_dict()})
    if as_json:
        print_json(results)
        return
    if not results:
        typer.echo("没有预审日志")
    for r in results:
        sizes = f"{megabytes(r['size_before'])} → {megabytes(r['size_after'])}"
        state = f"已改写（{sizes}）" if r["replaced"] else "没有超出历史窗口的结算，未改写"
        typer.echo(f"{r['bureau']}：保留 {r['kept']} 条，删除 {r['dropped']} 条，{state}")
