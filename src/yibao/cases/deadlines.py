"""The deadlines cases and leads run against now, read from what the case records, for the 工作台 and the
supervision board (督办).

A deadline's date is the one the case services stored when the period started (filing, notice, decision,
service), so the board shows what the case page shows. A date in a year whose holidays are not published
yet is provisional (待定), never guessed. A lead's verification period is counted here from its receipt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Q

from yibao.deadlines.calendar import CalendarMissing, WorkCalendar
from yibao.deadlines.periods import STATUTORY_PERIODS
from yibao.deadlines.services import load_calendar

from .constants import LeadStatus
from .models import Case, Lead
from .parameters import defaults
from .procedure import OPEN_BEFORE_DECISION, STATE_LABELS, STATEMENT_WINDOW_WORKDAYS, CaseState

# Lead verification: decide to file, not to file or to transfer within the period of the parameter
# `lead_verification` (parameters/defaults.yaml). Its rule's text is not in the law library, so no article
# is cited: the board shows it as the bureau's default with the parameter's source (待核实).
_LEAD_PERIOD = defaults()["lead_verification"]
LEAD_VERIFICATION_WORKDAYS = int(_LEAD_PERIOD.value)
LEAD_VERIFICATION_BASIS = f"本局默认期限：{_LEAD_PERIOD.basis}（{_LEAD_PERIOD.source}，未引用条款）"
# Leads whose verification is still running (the same statuses filing accepts).
OPEN_LEAD_STATUSES = (LeadStatus.RECEIVED, LeadStatus.ASSESSING)
# How near a deadline must be, in working days from today, to show on the board: the bureau's setting
# YIBAO_BOARD_NEAR_WORKDAYS, this by default (a working week).
BOARD_NEAR_WORKDAYS = 5
PROVISIONAL_NOTE = "届满年份的节假日安排尚未公布，届满日待定"


def near_workdays() -> int:
    return int(getattr(settings, "YIBAO_BOARD_NEAR_WORKDAYS", BOARD_NEAR_WORKDAYS))


@dataclass(frozen=True)
class CaseDeadlineSpec:
    """A deadline a case runs against while it is in `states` and its `flags` hold: the column that
    holds the due date, and where the period comes from."""

    kind: str
    label: str
    column: str
    states: frozenset[CaseState]
    basis: str
    flags: dict[str, Any] = field(default_factory=dict)

    def q(self) -> Q:
        return Q(state__in=[s.value for s in self.states], **{f"{self.column}__isnull": False}, **self.flags)

    def runs(self, row: dict) -> bool:
        return (row["state"] in self.states and row[self.column] is not None
                and all(row[k] == v for k, v in self.flags.items()))


def _basis(key: str) -> str:
    return STATUTORY_PERIODS[key].citation.label()


CASE_DEADLINES: tuple[CaseDeadlineSpec, ...] = (
    CaseDeadlineSpec("case", "办案期限", "due_on", OPEN_BEFORE_DECISION, _basis("decide_case")),
    CaseDeadlineSpec("statements", "陈述申辩期限", "statement_window_ends", frozenset({CaseState.NOTIFIED}),
                     f"本局默认期限（{STATEMENT_WINDOW_WORKDAYS}个工作日，与要求听证期限一致）",
                     {"statements_closed": False}),
    CaseDeadlineSpec("hearing_request", "要求听证期限", "hearing_request_due", frozenset({CaseState.NOTIFIED}),
                     _basis("request_hearing"), {"hearing_right": True, "hearing_requested": False}),
    CaseDeadlineSpec("service", "送达期限", "service_due", frozenset({CaseState.DECIDED}), _basis("serve_decision")),
    CaseDeadlineSpec("payment", "缴款期限", "payment_due", frozenset({CaseState.SERVED, CaseState.ENFORCING}),
                     _basis("pay_fine"), {"executed": False}),
)
LEAD_KIND = "lead"
KIND_LABELS: dict[str, str] = {LEAD_KIND: "线索核查期限", **{s.kind: s.label for s in CASE_DEADLINES}}


@dataclass(frozen=True)
class OpenDeadline:
    """One running deadline of one case or lead, as the board and the 工作台 show it."""

    kind: str
    label: str
    due: dt.date
    provisional: bool
    basis: str
    subject: str  # the case number (or 立案申请 N) or the lead number
    title: str
    bureau: str
    state: str  # the case state's or the lead status's label
    pk: int  # of the case, or of the lead when kind is LEAD_KIND

    @property
    def url(self) -> str:
        # Reversed only for the rows a page shows: a board or a 工作台 builds many more than it lists.
        return (Lead if self.kind == LEAD_KIND else Case)(pk=self.pk).get_absolute_url()

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days

    def overdue(self, today: dt.date) -> bool:
        return self.due < today


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
        start = due_by - dt.timedelta(days=n)
        while self.add(start, n)[0] > due_by:
            start -= dt.timedelta(days=1)
        while self.add(start + dt.timedelta(days=1), n)[0] <= due_by:
            start += dt.timedelta(days=1)
        return start


def _case_number(number: str | None, pk: int) -> str:
    return number or f"立案申请 {pk}"


CASE_FIELDS = ("pk", "number", "title", "state", "bureau__name", "due_provisional")


def case_deadline(spec: CaseDeadlineSpec, row: dict, days: Days) -> OpenDeadline:
    due = row[spec.column]
    provisional = not days.published(due) or (spec.column == "due_on" and row["due_provisional"])
    return OpenDeadline(spec.kind, spec.label, due, provisional, spec.basis, _case_number(row["number"], row["pk"]),
                        row["title"], row["bureau__name"], STATE_LABELS[CaseState(row["state"])],
                        row["pk"])


def open_leads(bureau_ids: list[int] | None) -> Any:
    """Leads whose verification runs: received or being assessed, without a filing proposed or made."""
    leads = Lead.objects.filter(status__in=OPEN_LEAD_STATUSES).exclude(
        cases__state__in=[s.value for s in CaseState if s != CaseState.NOT_FILED])
    return leads if bureau_ids is None else leads.filter(bureau_id__in=bureau_ids)


def lead_deadline(row: dict, days: Days) -> OpenDeadline:
    """The lead's verification deadline: as the lead services stored it (after a verification or an
    extension), else counted from the day it was received."""
    if row.get("verification_due"):
        due, provisional = row["verification_due"], False
    else:
        due, provisional = days.add(row["received_date"], LEAD_VERIFICATION_WORKDAYS)
    return OpenDeadline(LEAD_KIND, KIND_LABELS[LEAD_KIND], due, provisional or not days.published(due),
                        LEAD_VERIFICATION_BASIS, row["number"], row["party_name"] or row["summary"][:40],
                        row["bureau__name"], LeadStatus(row["status"]).label,
                        row["pk"])


LEAD_FIELDS = ("pk", "number", "party_name", "summary", "status", "received_date", "verification_due", "bureau__name")


@dataclass
class Board:
    rows: list[OpenDeadline]
    total: int
    horizon: dt.date
    truncated: bool


def board(bureau_ids: list[int] | None, *, today: dt.date, kinds: Iterable[str] = (), state: str = "",
          near: int | None = None, limit: int | None = 500) -> Board:
    """Every deadline past or within `near` working days of today, of the bureaus given (None: all),
    nearest first; `kinds` and `state` narrow it (a case state leaves the leads out)."""
    days = Days()
    horizon, _ = days.add(today, near_workdays() if near is None else near)
    kinds = set(kinds) or set(KIND_LABELS)
    rows: list[OpenDeadline] = []
    total = 0
    for spec in CASE_DEADLINES:
        if spec.kind not in kinds or (state and CaseState(state) not in spec.states):
            continue
        cases = Case.objects.filter(spec.q(), **{f"{spec.column}__lte": horizon})
        if state:
            cases = cases.filter(state=state)
        if bureau_ids is not None:
            cases = cases.filter(bureau_id__in=bureau_ids)
        total += cases.count()
        picked = cases.order_by(spec.column, "pk").values(*CASE_FIELDS, spec.column)
        rows += [case_deadline(spec, r, days) for r in (picked if limit is None else picked[:limit])]
    if LEAD_KIND in kinds and not state:
        leads = open_leads(bureau_ids).filter(
            Q(verification_due__lte=horizon) | Q(verification_due__isnull=True,
                                                 received_date__lte=days.latest_start(LEAD_VERIFICATION_WORKDAYS,
                                                                                      horizon)))
        total += leads.count()
        picked = leads.order_by("received_date", "pk").values(*LEAD_FIELDS)
        rows += [lead_deadline(r, days) for r in (picked if limit is None else picked[:limit])]
    rows.sort(key=lambda d: (d.due, d.subject))
    truncated = limit is not None and len(rows) > limit
    return Board(rows[:limit] if limit is not None else rows, total, horizon, truncated or total > len(rows))


# For the 工作台: the column by which a state's cases are most urgent (their nearest running deadline).
STATE_URGENCY: dict[CaseState, str] = {
    **{s: "due_on" for s in OPEN_BEFORE_DECISION},
    CaseState.NOTIFIED: "statement_window_ends",
    CaseState.DECIDED: "service_due",
    CaseState.SERVED: "payment_due",
    CaseState.ENFORCING: "payment_due",
}
CASE_COLUMNS = tuple(dict.fromkeys(s.column for s in CASE_DEADLINES))


def urgency_order(state: CaseState) -> list:
    column = STATE_URGENCY.get(state)
    return [F(column).asc(nulls_last=True), "pk"] if column else ["pk"]


def running_deadlines(row: dict, days: Days) -> list[OpenDeadline]:
    """The deadlines a case runs against now, nearest first, from a row with the columns of CASE_FIELDS,
    CASE_COLUMNS and the specs' flags."""
    return sorted((case_deadline(spec, row, days) for spec in CASE_DEADLINES if spec.runs(row)),
                  key=lambda d: d.due)
