"""The deadlines a case stores when its period starts (filing, notice, decision, service): the board reads the
column, so it shows what the case page shows. A case whose clock is stopped shows as 中止 or 暂停."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q

from yibao.deadlines.calendar import cn_date
from yibao.deadlines.periods import STATUTORY_PERIODS

from ..case_clock import EXCLUDED_KINDS
from ..models import ExcludedPeriod
from ..procedure import OPEN_BEFORE_DECISION, STATE_LABELS, STATEMENT_WINDOW_WORKDAYS, CaseState
from .registry import CASE_KIND, BoardQuery, Days, OpenDeadline, Picked, _case_number, _cases, _sliced


@dataclass(frozen=True)
class CaseDeadlineSpec:
    """A deadline a case runs against while it is in `states` and its `flags` hold: the column that
    holds the due date, the column of the day it was counted from, and where the period comes from."""

    kind: str
    label: str
    column: str
    states: frozenset[CaseState]
    basis: str
    flags: dict[str, Any] = field(default_factory=dict)
    start: str = ""
    start_label: str = ""

    def q(self) -> Q:
        return Q(state__in=[s.value for s in self.states], **{f"{self.column}__isnull": False}, **self.flags)

    def runs(self, row: dict) -> bool:
        return (row["state"] in self.states and row[self.column] is not None
                and all(row[k] == v for k, v in self.flags.items()))


def _basis(key: str) -> str:
    return STATUTORY_PERIODS[key].citation.label()


CASE_DEADLINES: tuple[CaseDeadlineSpec, ...] = (
    CaseDeadlineSpec("case", "办案期限", "due_on", OPEN_BEFORE_DECISION, _basis("decide_case"),
                     start="filed_on", start_label="立案"),
    CaseDeadlineSpec("statements", "陈述申辩期限", "statement_window_ends", frozenset({CaseState.NOTIFIED}),
                     f"本局默认期限（{STATEMENT_WINDOW_WORKDAYS}个工作日，与要求听证期限一致）",
                     {"statements_closed": False}, "notified_on", "告知"),
    CaseDeadlineSpec("hearing_request", "要求听证期限", "hearing_request_due", frozenset({CaseState.NOTIFIED}),
                     _basis("request_hearing"), {"hearing_right": True, "hearing_requested": False},
                     "notified_on", "告知"),
    # Publishing the announcement meets the seven days of 第六十一条; its own period then runs to the day of service.
    CaseDeadlineSpec("service", "送达期限", "service_due", frozenset({CaseState.DECIDED}), _basis("serve_decision"),
                     {"announced_on": None}, start="decided_on", start_label="决定"),
    CaseDeadlineSpec("announcement", "公告送达期满（期满视为送达，届时记录送达）", "announcement_ends",
                     frozenset({CaseState.DECIDED}), _basis("announce_service"), start="announced_on",
                     start_label="公告"),
    CaseDeadlineSpec("payment", "缴款期限", "payment_due", frozenset({CaseState.SERVED, CaseState.ENFORCING}),
                     _basis("pay_fine"), {"executed": False}, "served_on", "送达"),
)
# A stopped clock: the earliest period not counted that is still running, and its kind. While periods run,
# the days not counted grow with each day, so the days left stay those left the day before the first began.
PAUSE_FIELDS = ("paused_from", "paused_kind")


def open_pauses(case_ids: Iterable[int] | None = None) -> dict[int, tuple[dt.date, str]]:
    """{case id: (first day, kind)} of the earliest period not counted still running, of the cases given (None:
    all). Read apart from the cases (few such periods run at once): a subquery per case row costs the board and
    the 工作台 their speed."""
    periods = ExcludedPeriod.objects.filter(end_on__isnull=True)
    if case_ids is not None:
        periods = periods.filter(case_id__in=list(case_ids))
    out: dict[int, tuple[dt.date, str]] = {}
    for case_id, start, kind in periods.order_by("-start_on", "-id").values_list("case_id", "start_on", "kind"):
        out[case_id] = (start, kind)  # the earliest wins
    return out


def with_pauses(rows: list[dict], pauses: dict[int, tuple[dt.date, str]] | None = None) -> list[dict]:
    """The rows with PAUSE_FIELDS set from their cases' running periods."""
    pauses = open_pauses(r["pk"] for r in rows) if pauses is None else pauses
    for r in rows:
        r["paused_from"], r["paused_kind"] = pauses.get(r["pk"], (None, ""))
    return rows

CASE_FIELDS = ("pk", "number", "title", "state", "bureau_id", "bureau__name", "due_provisional")


def _pause(spec: CaseDeadlineSpec, row: dict, today: dt.date | None) -> tuple[str, int | None, dt.date]:
    """(the pause's label, days left frozen, where the due date stands today) of a case deadline."""
    since = row.get("paused_from")
    due = row[spec.column]
    if spec.kind != CASE_KIND or since is None or today is None:
        return "", None, due
    kind = row.get("paused_kind") or ""
    label = "中止" if kind == "suspension" else f"暂停（{EXCLUDED_KINDS.get(kind, kind)}）"
    frozen = (due - since).days + 1  # the first day of the period is not counted
    return label, frozen, today + dt.timedelta(days=frozen)


def _stored_why(spec: CaseDeadlineSpec, row: dict, calendar_version: str) -> str:
    if spec.kind == CASE_KIND and row.get("due_explanation"):
        return row["due_explanation"]
    start = row.get(spec.start) if spec.start else None
    counted = f"自{spec.start_label}之日（{cn_date(start)}）次日起算，" if start else ""
    return f"{counted}{spec.label}，依据{spec.basis}；日历版本 {calendar_version}。"


def case_deadline(spec: CaseDeadlineSpec, row: dict, days: Days, today: dt.date | None = None) -> OpenDeadline:
    paused, frozen, due = _pause(spec, row, today)
    provisional = not days.published(due) or (spec.column == "due_on" and row["due_provisional"])
    why = _stored_why(spec, row, days.calendar.version)
    if paused:
        why = f"{paused}：期限自{cn_date(row['paused_from'])}起停止计算，剩余 {frozen} 日。" + why
    return OpenDeadline(spec.kind, spec.label, due, provisional, spec.basis, _case_number(row["number"], row["pk"]),
                        row["title"], row["bureau__name"], STATE_LABELS[CaseState(row["state"])], row["pk"],
                        row.get("bureau_id"), row["state"], why, paused, frozen)

def _stored_source(spec: CaseDeadlineSpec) -> Callable[[list[int] | None, BoardQuery], Picked]:
    fields = (*CASE_FIELDS, spec.column, *((spec.start,) if spec.start else ()),
              *(("due_explanation",) if spec.kind == CASE_KIND else ()))

    def pick(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
        near = _cases(bureau_ids, q).filter(spec.q(), **{f"{spec.column}__lte": q.horizon})
        pauses = open_pauses() if spec.kind == CASE_KIND else {}
        if pauses:
            near = near.exclude(pk__in=list(pauses))
        total = near.count()
        rows = [case_deadline(spec, r, q.days, q.today)
                for r in _sliced(near.order_by(spec.column, "pk").values(*fields), q)]
        if pauses:
            paused = _paused_cases(bureau_ids, q, fields, pauses)
            rows += paused
            total += len(paused)
        return Picked(rows, total)

    return pick


# A suspended case is out of the states the case deadline runs in, yet its deadline is still the board's.
PAUSABLE = OPEN_BEFORE_DECISION | {CaseState.SUSPENDED}


def _paused_cases(bureau_ids: list[int] | None, q: BoardQuery, fields: tuple[str, ...],
                  pauses: dict[int, tuple[dt.date, str]]) -> list[OpenDeadline]:
    """Cases whose clock is stopped, when the days they had left are within the horizon (few: read them all)."""
    spec = CASE_DEADLINES[0]
    cases = _cases(bureau_ids, q).filter(state__in=[s.value for s in PAUSABLE], due_on__isnull=False,
                                         pk__in=list(pauses))
    rows = [case_deadline(spec, r, q.days, q.today) for r in with_pauses(list(cases.values(*fields)), pauses)]
    return sorted((r for r in rows if r.due <= q.horizon), key=lambda d: (d.due, d.subject))

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


def running_deadlines(row: dict, days: Days, today: dt.date | None = None) -> list[OpenDeadline]:
    """The deadlines a case runs against now, nearest first, from a row with the columns of CASE_FIELDS,
    CASE_COLUMNS, the specs' flags and (for a stopped clock) PAUSE_FIELDS."""
    return sorted((case_deadline(spec, row, days, today) for spec in CASE_DEADLINES if spec.runs(row)),
                  key=lambda d: d.due)
