"""`yibao deadline --from DATE --days N [--workdays] [--json]`: when does a period end?

Wired in yibao/cli.py as `app.command("deadline")(deadline_command)`.
"""

import datetime as dt
import json
import logging
import os

import typer

log = logging.getLogger(__name__)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    import django

    django.setup()


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def deadline_command(
    from_: str = typer.Option(..., "--from", help="起算日 YYYY-MM-DD（当日不计入期限）"),
    days: int = typer.Option(..., "--days", help="期限天数"),
    workdays: bool = typer.Option(False, "--workdays", help="按工作日计算（不含法定节假日和休息日）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Compute the last day of a period of N calendar days or working days after a date."""
    try:
        start = dt.date.fromisoformat(from_)
    except ValueError:
        _fail(f"日期格式不正确：{from_}（应为 YYYY-MM-DD）")
    if days < 1:
        _fail(f"期限天数应为正整数，收到：{days}")

    _setup_django()
    from django.db import DatabaseError

    from yibao.deadlines.calendar import CalendarMissing
    from yibao.deadlines.periods import compute_deadline
    from yibao.deadlines.services import load_calendar

    try:
        calendar = load_calendar()
    except DatabaseError as e:
        log.error("cannot load the working-day calendar: %s", e)
        _fail("数据库尚未初始化或无法访问，请先运行 yibao migrate")
    try:
        deadline = compute_deadline(start, days, workdays=workdays, calendar=calendar)
    except CalendarMissing as e:
        log.debug("deadline refused: no calendar for year %s", e.year)
        _fail(str(e))
    if as_json:
        typer.echo(json.dumps({"due": deadline.due.isoformat(), "calendar_version": deadline.calendar_version},
                              ensure_ascii=False))
    else:
        typer.echo(f"期限届满日：{deadline.due.isoformat()}。{deadline.explanation}（日历版本：{deadline.calendar_version}）")
