"""`yibao audit verify|anchor|restored|archive`: the audit chain from the command line.

Wired in yibao/cli.py as `app.add_typer(audit_app, name="audit")`.
"""

import typer

from yibao.core.cli_support import django_setup, print_json

audit_app = typer.Typer(help="审计日志：核验、锚定、恢复记录、归档", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(
    full: bool = typer.Option(False, "--full", help="从头核验（默认从上次核验点续验）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Verify the audit chain; exit 1 when an event was changed or a link is broken."""
    django_setup()
    from yibao.core.audit import check_chain

    report = check_chain(resume=not full)
    if as_json:
        print_json(report.as_dict())
    elif report.intact:
        typer.echo(f"审计链完整：核验 {report.checked} 条事件（自事件 {report.start_after} 之后至 {report.through_id}）")
    else:
        typer.echo(f"审计链被破坏：{report.first_break()}；共 {len(report.broken)} 条异常", err=True)
    if not report.intact:
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Append the chain's newest event to the anchor file (YIBAO_AUDIT_ANCHOR_FILE)."""
    django_setup()
    from yibao.core.auditlog.anchors import anchor_file, write_anchor

    anchor = write_anchor()
    if anchor is None:
        typer.echo("审计链为空，未写锚点")
    else:
        typer.echo(f"已锚定事件 {anchor.event_id} 于 {anchor_file()}")


@audit_app.command("restored")
def audit_restored(note: str = typer.Option(..., "--note", help="恢复的说明：哪个备份、何时、为何")) -> None:
    """Record that the database was restored from a backup: a restore event and a new anchor line."""
    django_setup()
    from yibao.core.auditlog.restore import do_record_restore

    event = do_record_restore(note, actor=None)
    typer.echo(f"已记录数据库恢复（事件 {event.id}），并写入新的锚点")


@audit_app.command("archive")
def audit_archive(
    before: str = typer.Option(..., "--before", help="归档此日期（YYYY-MM-DD）之前的事件"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Move events older than --before to a compressed, hashed archive file (never earlier than retention)."""
    django_setup()
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
        print_json(result)
    elif result["count"] == 0:
        typer.echo("没有需要归档的事件")
    else:
        typer.echo(f"已归档 {result['count']} 条事件（{result['first_id']}–{result['last_id']}）到 {result['file']}")
