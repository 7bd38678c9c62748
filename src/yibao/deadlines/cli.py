"""`yibao deadline --from DATE (--days N [--workdays] | --period KEY) [--json]`: when does a period end?

Wired in yibao/cli.py as `app.command("deadline")(deadline_command)`.
"""

import datetime as dt
import json
import logging
import os

import typer

from yibao.core.text import shorten
from yibao.deadlines.periods import (
    STATUTORY_PERIODS,
    compute_deadline,
    compute_statutory_deadline,
    uncounted_days,
)

log = logging.getLogger(__name__)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    import django

    django.setup()
    from yibao.core.schema import ensure_sqlite_schema

    ensure_sqlite_schema()


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _calendar():
    """The calendar as stored; the chinesecalendar package's when the database cannot be read."""
    from django.db import DatabaseError

    from yibao.deadlines.calendar import package_calendar
    from yibao.deadlines.services import load_calendar

    try:
        return load_calendar()
    except DatabaseError as e:
        log.error("cannot load the working-day calendar: %s", e)
        calendar = package_calendar()
        typer.echo(f"数据库无法读取（请运行 yibao migrate），改用 chinesecalendar 软件包的节假日安排（{calendar.version}），"
                   "管理员录入的年份不在其中", err=True)
        return calendar


def deadline_command(
    from_: str = typer.Option(..., "--from", help="起算日 YYYY-MM-DD（当日不计入期限）"),
    days: int | None = typer.Option(None, "--days", help="期限天数"),
    workdays: bool = typer.Option(False, "--workdays", help="按工作日计算（不含法定节假日和休息日）"),
    period: str | None = typer.Option(None, "--period", help="法定期限（代替 --days），如 request_hearing；"
                                      "可选：" + "、".join(STATUTORY_PERIODS)),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Compute the last day of a period of N calendar days or working days after a date, or of a statutory period."""
    try:
        start = dt.date.fromisoformat(from_)
    except ValueError:
        _fail(f"日期格式不正确：{shorten(from_)}（应为 YYYY-MM-DD）")
    if period is not None:
        if days is not None:
            _fail("--period 与 --days 只能指定其一")
        if period not in STATUTORY_PERIODS:
            _fail(f"没有这个法定期限：{shorten(period)}（可选：{'、'.join(STATUTORY_PERIODS)}）")
    elif days is None:
        _fail("请指定期限天数 --days，或法定期限 --period")
    elif days < 1:
        _fail(f"期限天数应为正整数，收到：{days}")

    _setup_django()
    from yibao.deadlines.calendar import CalendarMissing

    calendar = _calendar()
    try:
        if period is not None:
            deadline = compute_statutory_deadline(STATUTORY_PERIODS[period], start, calendar=calendar)
        else:
            deadline = compute_deadline(start, days, workdays=workdays, calendar=calendar)
    except CalendarMissing as e:
        log.debug("deadline refused: no calendar for year %s", e.year)
        _fail(str(e))
    if as_json:
        typer.echo(json.dumps({"due": deadline.due.isoformat(), "calendar_version": deadline.calendar_version},
                              ensure_ascii=False))
    else:
        typer.echo(f"期限届满日：{deadline.due.isoformat()}。{deadline.explanation}（日历版本：{deadline.calendar_version}）")
        typer.echo("依据：" + "；".join(c.label() for c in deadline.citations))
        skipped = uncounted_days(deadline, calendar)
        if skipped:
            typer.echo("未计入的日子：" + "；".join(str(run) for run in skipped))


def recount_command(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """Recount every stored due date not yet passed on the calendar as stored (after loading a year by hand)."""
    _setup_django()
    from yibao.deadlines.services import do_recount_deadlines

    result = do_recount_deadlines(actor=None, reason="命令行 yibao deadline-recount")
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(f"已重新计算未届满的期限 {result['recounted']} 项：改变 {result['moved']} 项，待定转为确定 "
                   f"{result['confirmed']} 项，仍待定 {result['still_provisional']} 项（日历版本 {result['calendar_version']}）")
