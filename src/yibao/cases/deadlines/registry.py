"""The board's types and registry: a deadline row (`OpenDeadline`), the working days it is counted in (`Days`),
what a source is asked (`BoardQuery`) and the sources themselves (`register`, `SOURCES`)."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from yibao.deadlines.calendar import CalendarMissing, WorkCalendar
from yibao.deadlines.periods import StatutoryPeriod, compute_statutory_deadline
from yibao.deadlines.services import load_calendar

from ..models import Case, Lead
from ..procedure import CaseState

# How near a deadline must be, in working days from today, to show on the board: the bureau's setting
# YIBAO_BOARD_NEAR_WORKDAYS, this by default (a working week).
BOARD_NEAR_WORKDAYS = 5
PROVISIONAL_NOTE = "届满年份的节假日安排尚未公布，届满日待定"
# The anchor of the case page's deadlines table, where each date says why it is that date.
WHY_ANCHOR = "#case-deadlines"
LEAD_KIND = "lead"
CASE_KIND = "case"



_URL_MARK = 987654321


@functools.cache
def _url_pattern(kind: str) -> str:
    # One reverse per kind, not per row: a board of a hundred rows spent a fifth of its time reversing.
    return (Lead if kind == LEAD_KIND else Case)(pk=_URL_MARK).get_absolute_url()


def _detail_url(kind: str, pk: int) -> str:
    return _url_pattern(kind).replace(str(_URL_MARK), str(pk), 1)


def near_workdays() -> int:
    return int(getattr(settings, "YIBAO_BOARD_NEAR_WORKDAYS", BOARD_NEAR_WORKDAYS))


@dataclass(frozen=True)
class OpenDeadline:
    """One running deadline of one case, lead or other record, as the board and the 工作台 show it."""

    kind: str
    label: str
    due: dt.date
    provisional: bool
    basis: str
    subject: str  # the case number (or 立案申请 N), the lead number, or a source's own reference
    title: str
    bureau: str
    state: str  # the case state's or the lead status's label
    pk: int  # of the case, or of the lead when kind is LEAD_KIND (a source's own record with href)
    bureau_id: int | None = None
    state_code: str = ""  # the case state, for the board's state filter
    why: str = ""  # start, period, article, days not counted, calendar version
    paused: str = ""  # 中止 / 暂停（鉴定）: the clock is stopped, `due` is where it stands today
    frozen_days: int | None = None  # the days left when the clock stopped
    href: str = ""  # a source's own page; by default the case's or the lead's

    @property
    def url(self) -> str:
        # Built only for the rows a page shows: a board or a 工作台 builds many more than it lists.
        if self.href:
            return self.href
        return _detail_url(LEAD_KIND if self.kind == LEAD_KIND else CASE_KIND, self.pk)

    @property
    def why_url(self) -> str:
        """Where the full explanation of the date is: the case page's deadlines, else the record's page."""
        return self.url + (WHY_ANCHOR if not self.href and self.kind != LEAD_KIND else "")

    def days_left(self, today: dt.date) -> int:
        if self.paused and self.frozen_days is not None:
            return self.frozen_days
        return (self.due - today).days

    def overdue(self, today: dt.date) -> bool:
        return not self.paused and self.due < today


class Days:
    """Working days on the published calendar; Monday to Friday where a year is missing (then provisional)."""

    def __init__(self, calendar: WorkCalendar | None = None):
        self.calendar = calendar or load_calendar()

    def published(self, day: dt.date) -> bool:
        return self.calendar.has_year(day.year)

    def add(self, start: dt.date, n: int) -> tuple[dt.date, bool]:
        """(n working days after start, provisional)."""
        try:
            return self.calendar.add_workdays(start, n), False
        except CalendarMissing:
            day = start
            while n:
                day += dt.timedelta(days=1)
                if day.weekday() < 5:
                    n -= 1
            return day, True

    def latest_start(self, n: int, due_by: dt.date) -> dt.date:
        """The latest start whose n working days end on or before due_by."""
        return latest(lambda s: self.add(s, n)[0], due_by)

    def count(self, period: StatutoryPeriod, start: dt.date) -> tuple[dt.date, bool, str]:
        """(due, provisional, why) of a period from start, as the case services count it (facts.count)."""
        try:
            d = compute_statutory_deadline(period, start, calendar=self.calendar)
            return d.due, False, f"{d.explanation}（日历版本 {d.calendar_version}）"
        except CalendarMissing as missing:
            if period.backwards:
                due = start
                for _ in range(period.days):
                    due -= dt.timedelta(days=1)
                    while due.weekday() >= 5:
                        due -= dt.timedelta(days=1)
            elif period.workdays:
                due = self.add(start, period.days)[0]
            else:
                due = start + dt.timedelta(days=period.days)
            return due, True, f"{missing}。暂按{'周一至周五' if period.workdays else '日历日'}计算，届满日待定。"


def latest(f: Callable[[dt.date], dt.date], due_by: dt.date) -> dt.date:
    """The latest start s with f(s) <= due_by, for f non-decreasing and f(s) > s (a period counted from s):
    what a query compares the stored start with, so that only the rows near or past are read."""
    low, high = due_by - dt.timedelta(days=4000), due_by
    while low < high:  # f(low) <= due_by < f(high + 1)
        mid = low + dt.timedelta(days=(high - low).days // 2 + 1)
        if f(mid) <= due_by:
            low = mid
        else:
            high = mid - dt.timedelta(days=1)
    return low


@dataclass(frozen=True)
class BoardQuery:
    """What a source is asked: the deadlines due by `horizon` (past ones included), in a case state if given."""

    today: dt.date
    horizon: dt.date
    days: Days
    state: str = ""
    limit: int | None = None
    # One case's deadlines (its page), not the bureau's: the sources read that case's rows only.
    case_id: int | None = None
    # What sources asked by one board share (one read of the unpaid fines for the 催告 and the court rows).
    memo: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass
class Picked:
    rows: list[OpenDeadline]
    total: int


@dataclass(frozen=True)
class DeadlineSource:
    """A kind of deadline on the board. `function` (or "module:function") takes the bureau ids (None: all)
    and returns OpenDeadline rows; a native source also takes the BoardQuery and returns Picked."""

    kind: str
    label: str
    basis: str
    function: Callable[..., Any] | str
    states: frozenset[CaseState] | None = None  # the case states it runs in (None: not a case's)
    native: bool = False

    def resolve(self) -> Callable[..., Any]:
        if callable(self.function):
            return self.function
        module, _, name = self.function.partition(":")
        return getattr(importlib.import_module(module), name)

    def pick(self, bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
        if self.native:
            return self.resolve()(bureau_ids, q)
        rows = [r for r in self.resolve()(bureau_ids)
                if (r.paused or r.due <= q.horizon) and (not q.state or r.state_code == q.state)]
        rows.sort(key=lambda d: (d.due, d.subject))
        return Picked(rows if q.limit is None else rows[:q.limit], len(rows))


SOURCES: dict[str, DeadlineSource] = {}


def register(kind: str, label: str, basis: str, function: Callable[..., Any] | str, *,
             states: Iterable[CaseState] | None = None, native: bool = False) -> DeadlineSource:
    """Add a kind of deadline to the board, the alerts and the 工作台's filters (a kind registered again replaces
    the earlier one)."""
    source = DeadlineSource(kind, label, basis, function, frozenset(states) if states is not None else None, native)
    SOURCES[kind] = source
    return source


def kind_labels() -> dict[str, str]:
    return {s.kind: s.label for s in SOURCES.values()}

def _case_number(number: str | None, pk: int) -> str:
    return number or f"立案申请 {pk}"

def _cases(bureau_ids: list[int] | None, q: BoardQuery) -> Any:
    cases = Case.objects.all() if bureau_ids is None else Case.objects.filter(bureau_id__in=bureau_ids)
    if q.case_id is not None:
        cases = cases.filter(pk=q.case_id)
    return cases.filter(state=q.state) if q.state else cases


def _sliced(qs: Any, q: BoardQuery) -> Any:
    return qs if q.limit is None else qs[:q.limit]

def _finish(rows: list[OpenDeadline], q: BoardQuery) -> Picked:
    rows = sorted((r for r in rows if r.due <= q.horizon), key=lambda d: (d.due, d.subject))
    return Picked(rows if q.limit is None else rows[:q.limit], len(rows))
