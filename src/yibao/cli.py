"""The yibao command line: `yibao --help`. The servers, the deadlines and backups are here; each app's group of
commands is in its own cli module (catalog, law, monitoring, core.auditlog, api, documents)."""

import os
import sys
from pathlib import Path

import typer

from yibao.api.cli import token_app
from yibao.catalog.cli import catalog_app
from yibao.core.auditlog.cli import audit_app
from yibao.core.cli_support import django_setup, fail, megabytes
from yibao.documents.cli import case_app, documents_app
from yibao.law.cli import law_app, penalty_app
from yibao.monitoring.cli import monitor_app
from yibao.org.cli import account_app

# documents/cli.py starts Django by this name.
_django = django_setup

app = typer.Typer(help="医保执法系统命令行 (yibao)", no_args_is_help=True, add_completion=False)
app.add_typer(catalog_app, name="catalog")
app.add_typer(law_app, name="law")
app.add_typer(penalty_app, name="penalty")
app.add_typer(monitor_app, name="monitor")
app.add_typer(audit_app, name="audit")
app.add_typer(token_app, name="api-token")
app.add_typer(case_app, name="case")
app.add_typer(documents_app, name="documents")
app.add_typer(account_app, name="account")


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    django_setup()
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
    django_setup()
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
    django_setup()
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
    django_setup()
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
    django_setup()
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


@app.command(help="备份数据库和证据、文书等文件到一个新目录，附 SHA-256 清单（不含审计密钥，须另行保管）")
def backup(out: Path = typer.Option(..., "--out", help="新的备份目录")) -> None:
    django_setup()
    from yibao.core.backup import BackupError, do_backup

    try:
        result = do_backup(out)
    except BackupError as e:
        fail(str(e))
    typer.echo(f"已备份到 {result.path}：数据库 {result.database}，共 {result.files} 个文件，{megabytes(result.bytes)}")


@app.command(help="从 yibao backup 的目录恢复数据库和文件（先核对清单的 SHA-256），并在审计链中记录恢复")
def restore(
    path: Path = typer.Argument(..., exists=True, file_okay=False, help="备份目录"),
    note: str = typer.Option("", "--note", help="恢复的说明：为何恢复"),
    yes: bool = typer.Option(False, "--yes", help="不再确认，直接覆盖当前数据库和文件"),
) -> None:
    django_setup()
    from yibao.core.backup import BackupError, do_restore, read_manifest

    try:
        manifest = read_manifest(path)
    except BackupError as e:
        fail(str(e))
    if not yes and not typer.confirm(f"将用 {manifest['created_at']} 的备份覆盖当前数据库和文件，继续吗？"):
        fail("已取消，未做任何改动")
    try:
        do_restore(path, note=note)
    except BackupError as e:
        fail(str(e))
    typer.echo(f"已从 {path} 恢复（备份时间 {manifest['created_at']}），并在审计链中记录了这次恢复")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
