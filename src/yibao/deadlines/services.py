"""Keep the working-day calendar: seed it from the chinesecalendar package, let an administrator enter a
State Council notice, and load it for computations (cached, reloaded when the data changes)."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Sum

from yibao.core.audit import record_event
from yibao.deadlines import calendar as cal
from yibao.deadlines.calendar import CalendarDataError, DayEntry, WorkCalendar, YearCalendar
from yibao.deadlines.constants import CalendarSource
from yibao.deadlines.models import CalendarDay, CalendarYear, Recount
from yibao.deadlines.seeding import store_year, stored_entries

log = logging.getLogger(__name__)


class CalendarRefused(ValueError):
    """An arrangement the system will not store; the message is Chinese, for the user."""


@dataclass
class SeedResult:
    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    kept_admin: list[int] = field(default_factory=list)  # entered by an administrator: never overwritten
    not_covered: list[int] = field(default_factory=list)  # asked for, but the package does not know them

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def seed_from_chinesecalendar(years: Iterable[int] | None = None, *, actor=None, recount: bool = True) -> SeedResult:
    """Store the package's arrangements of the given years (default: every year it covers).

    Idempotent: a year already stored with the same days is left alone; a package year whose data the
    package has since corrected is refreshed; a year an administrator entered is never touched.
    """
    wanted = None if years is None else sorted(set(years))
    result = SeedResult()
    covered = set(cal.package_years())
    if wanted is not None:
        result.not_covered = [y for y in wanted if y not in covered]
    version = cal.package_version()
    with transaction.atomic():
        for year in cal.read_package(wanted):
            row = CalendarYear.objects.filter(year=year.year).first()
            if row is not None and row.source == CalendarSource.ADMIN:
                result.kept_admin.append(year.year)
                continue
            if row is not None and stored_entries(CalendarDay, row) == {
                (e.date, e.kind, e.name) for e in year.entries()
            }:
                continue
            store_year(CalendarYear, CalendarDay, year, source_version=version)
            (result.updated if row is not None else result.added).append(year.year)
        if result.changed:
            record_event(
                "calendar.seed", actor=actor,
                summary=f"从 chinesecalendar {version} 导入节假日安排：新增{len(result.added)}年，更新{len(result.updated)}年",
                data={"package_version": version, "added": result.added, "updated": result.updated},
            )
    if result.changed:
        log.info("calendar seeded from chinesecalendar %s: added %s, updated %s", version, result.added,
                 result.updated)
    clear_calendar_cache()
    if result.changed and recount:
        do_recount_deadlines(actor=actor, reason=f"从 chinesecalendar {version} 导入节假日安排")
    return result


def _entries(days: Iterable[DayEntry | tuple | dict]) -> list[DayEntry]:
    out = []
    for d in days:
        if isinstance(d, DayEntry):
            out.append(d)
        elif isinstance(d, dict):
            out.append(DayEntry(_as_date(d["date"]), d["kind"], d.get("name", "")))
        else:
            out.append(DayEntry(_as_date(d[0]), d[1], d[2] if len(d) > 2 else ""))
    return out


def _as_date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CalendarRefused(f"日期格式不正确：{value}（应为 YYYY-MM-DD）") from None


def do_publish_year(
    year: int,
    days: Iterable[DayEntry | tuple | dict],
    *,
    notice: str,
    actor,
    published_on: dt.date | None = None,
    replace: bool = False,
) -> CalendarYear:
    """Store a year's arrangement as an administrator enters it from the State Council notice.

    `days` lists every holiday and every make-up workday of the year. A year already stored is refused
    unless `replace=True` (a correction); either way the change is written to the audit trail.
    """
    notice = (notice or "").strip()
    if not notice:
        raise CalendarRefused("请填写国务院办公厅通知的文号，例如：国办发明电〔2025〕7号")
    try:
        entries = _entries(days)
        arrangement = YearCalendar.from_entries(year, entries, source=CalendarSource.ADMIN, notice=notice)
    except CalendarDataError as e:
        raise CalendarRefused(str(e)) from None
    if not arrangement.holidays:
        raise CalendarRefused(f"{year}年的安排中没有任何法定节假日，请核对通知后再录入")
    with transaction.atomic():
        existing = CalendarYear.objects.select_for_update().filter(year=year).first()
        if existing is not None and not replace:
            raise CalendarRefused(
                f"{year}年的节假日安排已存在（来源：{existing.get_source_display()}），如需更正请选择替换"
            )
        row = store_year(
            CalendarYear, CalendarDay, arrangement, notice=notice, published_on=published_on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_event(
            "calendar.replace" if existing else "calendar.publish", actor=actor, obj=row,
            summary=f"{'替换' if existing else '录入'}{year}年节假日安排（{notice}）",
            data={
                "year": year,
                "notice": notice,
                "published_on": published_on.isoformat() if published_on else None,
                "holidays": [d.isoformat() for d in arrangement.holidays],
                "makeup_workdays": [d.isoformat() for d in arrangement.makeup_workdays],
                "replaced": existing is not None,
            },
        )
    log.info("calendar year %s %s by administrator (%s)", year, "replaced" if existing else "published", notice)
    clear_calendar_cache()
    do_recount_deadlines(actor=actor, reason=f"{'替换' if existing else '录入'}{year}年节假日安排（{notice}）")
    return row


def do_record_admin_edit(row: CalendarYear, *, actor, fields: Iterable[str] = ()) -> None:
    """An administrator changed a year or its days in the admin: it becomes theirs, with a new revision."""
    row.source = CalendarSource.ADMIN
    row.revision += 1
    if row.created_by_id is None and getattr(actor, "is_authenticated", False):
        row.created_by = actor
    row.save()
    record_event(
        "calendar.edit", actor=actor, obj=row, summary=f"后台修改{row.year}年节假日安排",
        data={"year": row.year, "fields": sorted(fields), "revision": row.revision, "via": "admin"},
    )
    clear_calendar_cache()
    do_recount_deadlines(actor=actor, reason=f"后台修改{row.year}年节假日安排")


# --- loading ---------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: tuple[tuple, WorkCalendar] | None = None


def clear_calendar_cache() -> None:
    global _cache
    with _cache_lock:
        _cache = None


def _stamp() -> tuple:
    """Changes whenever any process changes the calendar: counts, last update time, revisions, last id."""
    years = CalendarYear.objects.aggregate(n=Count("id"), last=Max("updated_at"), rev=Sum("revision"))
    days = CalendarDay.objects.aggregate(n=Count("id"), last=Max("id"))
    return (years["n"], years["last"], years["rev"], days["n"], days["last"])


def calendar_version(rows: Iterable[CalendarYear]) -> str:
    """e.g. chinesecalendar-1.11.0+admin-3: the package data, then how many administrator revisions."""
    rows = list(rows)
    package = sorted({r.source_version for r in rows if r.source == CalendarSource.CHINESECALENDAR})
    admin = sum(r.revision for r in rows if r.source == CalendarSource.ADMIN)
    parts = []
    if package:
        parts.append(f"{cal.SOURCE_PACKAGE}-{package[-1] or 'unknown'}")
    if admin:
        parts.append(f"admin-{admin}")
    return "+".join(parts) or "empty"


def load_calendar() -> WorkCalendar:
    """The calendar as stored, built once and rebuilt only when the data has changed."""
    global _cache
    stamp = _stamp()
    with _cache_lock:
        if _cache is not None and _cache[0] == stamp:
            return _cache[1]
    rows = list(CalendarYear.objects.all())
    by_year: dict[int, list[DayEntry]] = {r.pk: [] for r in rows}
    for pk, date, kind, name in CalendarDay.objects.values_list("calendar_year_id", "date", "kind", "name"):
        by_year[pk].append(DayEntry(date, kind, name))
    years = [YearCalendar.from_entries(r.year, by_year[r.pk], source=r.source, notice=r.notice) for r in rows]
    built = WorkCalendar(years, version=calendar_version(rows))
    with _cache_lock:
        _cache = (stamp, built)
    return built


# --- stored due dates follow the calendar --------------------------------------------------------------

# Where due dates are stored when a period starts: each "module:function" takes today and recounts the dates
# not yet passed from their stored start, returning a RecountChange for each it recounted. One line per app.
RECOUNTERS: list[str] = ["yibao.cases.deadlines:recount_stored_due_dates"]


@dataclass(frozen=True)
class RecountChange:
    """One stored due date counted again on the current calendar: moved, or confirmed (待定 → 确定), or neither."""

    subject_type: str
    subject_id: int
    kind: str
    start: dt.date
    before: dt.date
    after: dt.date
    was_provisional: bool
    provisional: bool

    @property
    def moved(self) -> bool:
        return self.before != self.after

    @property
    def confirmed(self) -> bool:
        return self.was_provisional and not self.provisional


def do_recount_deadlines(*, actor, reason: str, today: dt.date | None = None) -> dict[str, int | str]:
    """When the holiday table changes, the due dates not yet passed follow: every app of RECOUNTERS counts its
    stored dates due today or later again from their start; a date already passed never moves. Each date that
    moved or stopped being provisional is kept in `Recount` with the calendar version; one audit event counts
    them all."""
    from django.utils import timezone  # noqa: PLC0415

    today = today or timezone.localdate()
    version = load_calendar().version
    changes: list[RecountChange] = []
    for path in RECOUNTERS:
        module, _, name = path.partition(":")
        changes += getattr(importlib.import_module(module), name)(today)
    kept = [c for c in changes if c.moved or c.was_provisional != c.provisional]
    with transaction.atomic():
        for c in kept:
            Recount.objects.update_or_create(
                subject_type=c.subject_type, subject_id=c.subject_id, kind=c.kind,
                defaults={"start": c.start, "due_before": c.before, "due_after": c.after,
                          "provisional": c.provisional, "calendar_version": version})
        result: dict[str, int | str] = {
            "calendar_version": version, "recounted": len(changes), "moved": sum(c.moved for c in changes),
            "confirmed": sum(c.confirmed for c in changes), "still_provisional": sum(c.provisional for c in changes)}
        record_event("deadline.recount", actor=actor,
                     summary=f"节假日安排变更（{reason}），重新计算未届满的期限 {len(changes)} 项：改变 {result['moved']} 项，"
                             f"待定转为确定 {result['confirmed']} 项（日历版本 {version}）",
                     data={**result, "reason": reason, "today": today.isoformat()})
    log.info("deadlines recounted on calendar %s: %s", version, result)
    return result
