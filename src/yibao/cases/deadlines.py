"""The deadlines cases and leads run against now, for the 工作台 and the supervision board (督办).

Each kind of deadline is a registered source (`register`): its kind, label, basis and a function giving the
rows near or past for the bureaus asked. A source outside this module joins with one line, e.g.
`register("seal", "封存期限", "《中华人民共和国行政强制法》第二十五条", "yibao.coercion.deadlines:seal_deadlines")`
where `seal_deadlines(bureau_ids)` returns `OpenDeadline` rows; the board keeps those near or past.

Where the case services store a due date when its period starts (filing, notice, decision, service), the
board reads that column, so it shows what the case page shows. The others are counted here from the dates
the case stores, with the bureau's parameters and the working-day calendar: the legal review (from the day
the case went to review), the hearing and its notice, instalments, the 催告 and the application to the court
(行政强制法 第五十三、五十四条). A date in a year whose holidays are not published yet is provisional (待定),
never guessed. A case whose clock is stopped (中止, or a period not counted such as an appraisal) is never
overdue on its case deadline: it shows as 中止 or 暂停 with the days it had left when the clock stopped.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import F, Max, Q

from yibao.deadlines.calendar import CalendarMissing, WorkCalendar, cn_date
from yibao.deadlines.periods import STATUTORY_PERIODS, StatutoryPeriod, compute_statutory_deadline
from yibao.deadlines.services import load_calendar

from .case_clock import EXCLUDED_KINDS, add_months
from .constants import LeadStatus
from .models import (
    ArrangementKind,
    Case,
    CaseStep,
    DecisionKind,
    ExcludedPeriod,
    Lead,
    PaymentArrangement,
    Remedy,
)
from .parameters import defaults
from .procedure import OPEN_BEFORE_DECISION, STATE_LABELS, STATEMENT_WINDOW_WORKDAYS, CaseState
from .services.investigation import (
    ASSISTANCE_BASIS,
    ASSISTANCE_KIND,
    INVESTIGATION_KIND_LABELS,
    PRESERVATION_BASIS,
    PRESERVATION_KIND,
    investigation_deadlines_until,
)

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
# The anchor of the case page's deadlines table, where each date says why it is that date.
WHY_ANCHOR = "#case-deadlines"


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
        # Reversed only for the rows a page shows: a board or a 工作台 builds many more than it lists.
        if self.href:
            return self.href
        return (Lead if self.kind == LEAD_KIND else Case)(pk=self.pk).get_absolute_url()

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


# --- deadlines stored on the case -------------------------------------------------------------------


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
    CaseDeadlineSpec("service", "送达期限", "service_due", frozenset({CaseState.DECIDED}), _basis("serve_decision"),
                     start="decided_on", start_label="决定"),
    CaseDeadlineSpec("payment", "缴款期限", "payment_due", frozenset({CaseState.SERVED, CaseState.ENFORCING}),
                     _basis("pay_fine"), {"executed": False}, "served_on", "送达"),
)
LEAD_KIND = "lead"
CASE_KIND = "case"
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


def _case_number(number: str | None, pk: int) -> str:
    return number or f"立案申请 {pk}"


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


def _cases(bureau_ids: list[int] | None, q: BoardQuery) -> Any:
    cases = Case.objects.all() if bureau_ids is None else Case.objects.filter(bureau_id__in=bureau_ids)
    return cases.filter(state=q.state) if q.state else cases


def _sliced(qs: Any, q: BoardQuery) -> Any:
    return qs if q.limit is None else qs[:q.limit]


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


# --- deadlines counted from what the case stores -----------------------------------------------------


def _period(key: str, bureau_id: int | None, start: dt.date, cache: dict) -> StatutoryPeriod:
    """The bureau's period in force on the start day (cases.services.parameters), once per bureau and day."""
    from .services.parameters import period  # noqa: PLC0415 - the services import this module's callers

    if (key, bureau_id, start) not in cache:
        from yibao.org.models import Bureau  # noqa: PLC0415

        bureau = Bureau.objects.filter(pk=bureau_id).first() if bureau_id else None
        cache[key, bureau_id, start] = period(bureau, key, start)
    return cache[key, bureau_id, start]


def _computed(kind: str, label: str, basis: str, row: dict, due: dt.date, provisional: bool, why: str,
              days: Days) -> OpenDeadline:
    return OpenDeadline(kind, label, due, provisional or not days.published(due), basis,
                        _case_number(row["number"], row["pk"]), row["title"], row["bureau__name"],
                        STATE_LABELS[CaseState(row["state"])], row["pk"], row["bureau_id"], row["state"], why)


def _finish(rows: list[OpenDeadline], q: BoardQuery) -> Picked:
    rows = sorted((r for r in rows if r.due <= q.horizon), key=lambda d: (d.due, d.subject))
    return Picked(rows if q.limit is None else rows[:q.limit], len(rows))


REVIEW_LABEL = "法制审核期限"
_REVIEW = defaults()["legal_review"]
REVIEW_BASIS = f"{_REVIEW.basis}；本局默认期限（{_REVIEW.source}）"

def _minimum_days(key: str) -> int:
    """The shortest value of a period any bureau has set (or the default): a query bound that misses none."""
    from .models import BureauParameter  # noqa: PLC0415

    values = [int(v) for v in BureauParameter.objects.filter(key=key).values_list("value", flat=True)
              if str(v).isdigit()]
    return min([int(defaults()[key].value), *values])


def review_deadlines(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
    """法制审核: the bureau's `legal_review` working days from the day the case went to review."""
    from django.utils import timezone  # noqa: PLC0415

    if q.state and q.state != CaseState.UNDER_REVIEW:
        return Picked([], 0)
    bound = q.days.latest_start(_minimum_days("legal_review"), q.horizon) + dt.timedelta(days=1)
    since = timezone.make_aware(dt.datetime.combine(bound, dt.time()))
    cases = _cases(bureau_ids, q).filter(state=CaseState.UNDER_REVIEW, review_passed=False, review_required=True)
    # One grouped read of the steps into review, rather than a subquery per case.
    # Grouped by the case id alone (index cases_step_to_state): grouping by the case's columns sorted every
    # step row on disk at 100,000 cases.
    grouped = (CaseStep.objects.filter(to_state=CaseState.UNDER_REVIEW, case__in=cases.values("pk"))
               .values("case_id").annotate(last=Max("at")).filter(last__lt=since))
    went = dict(grouped.values_list("case_id", "last"))
    cache: dict = {}
    rows = []
    for r in Case.objects.filter(pk__in=grouped.values("case_id")).values(*CASE_FIELDS):
        if r["pk"] not in went:  # went to review between the two reads
            continue
        start = timezone.localtime(went[r["pk"]]).date()
        due, provisional, why = q.days.count(_period("legal_review", r["bureau_id"], start, cache), start)
        rows.append(_computed("review", REVIEW_LABEL, REVIEW_BASIS, r, due, provisional,
                              f"自移送法制审核之日（{cn_date(start)}）起算。{why}", q.days))
    return _finish(rows, q)


HEARING_NOTICE = STATUTORY_PERIODS["hearing_notice"]


def hearing_deadlines(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
    """The hearing day set but the party not yet told: the notice's last day, 7 working days before
    (第六十四条第（二）项); told: the hearing day itself, when the host records the hearing."""
    if q.state and q.state != CaseState.HEARING:
        return Picked([], 0)
    cases = _cases(bureau_ids, q).filter(state=CaseState.HEARING, hearing_on__isnull=False, hearing_record="")
    rows = []
    for r in cases.filter(hearing_on__lte=q.horizon + dt.timedelta(days=60)).values(
            *CASE_FIELDS, "hearing_on", "hearing_noticed_on"):
        if r["hearing_noticed_on"] is None:
            due, provisional, why = q.days.count(HEARING_NOTICE, r["hearing_on"])
            rows.append(_computed("hearing_notice", "听证通知期限", HEARING_NOTICE.citation.label(), r, due,
                                  provisional, why, q.days))
        else:
            rows.append(_computed("hearing", "举行听证", HEARING_NOTICE.citation.label(), r, r["hearing_on"], False,
                                  f"已于{cn_date(r['hearing_noticed_on'])}通知当事人于{cn_date(r['hearing_on'])}"
                                  "举行听证；听证笔录和主持人意见由主持人记录。", q.days))
    return _finish(rows, replace(q, limit=None))


def _hearing_kind(kind: str) -> Callable[[list[int] | None, BoardQuery], Picked]:
    def pick(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
        mine = [r for r in hearing_deadlines(bureau_ids, q).rows if r.kind == kind]
        return Picked(mine if q.limit is None else mine[:q.limit], len(mine))

    return pick


def _unpaid(prefix: str = "") -> Q:
    return Q(**{f"{prefix}{k}": v for k, v in {
        "state__in": [CaseState.SERVED, CaseState.ENFORCING], "executed": False, "decision_kind": DecisionKind.PENALTY,
        "decided_fine__gt": 0, "decision_set_aside": False}.items()})


def instalment_deadlines(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
    """The next instalment of an approved plan (第六十六条第二款). Instalments paid are not recorded one by one,
    so only the next one to come is shown; the plan's last day is the case's payment deadline."""
    if q.state and q.state not in (CaseState.SERVED, CaseState.ENFORCING):
        return Picked([], 0)
    # Read from the plans (few), not from the cases.
    plans = PaymentArrangement.objects.filter(kind=ArrangementKind.INSTALMENTS, until__gte=q.today)
    plans = plans.filter(_unpaid("case__"), case_id__in=list(plans.values_list("case_id", flat=True)))
    if bureau_ids is not None:
        plans = plans.filter(case__bureau_id__in=bureau_ids)
    if q.state:
        plans = plans.filter(case__state=q.state)
    rows = []
    for plan in plans.select_related("case", "case__bureau"):
        dates = sorted(dt.date.fromisoformat(d) for d, _ in plan.instalments)
        upcoming = [(i, d) for i, d in enumerate(dates, 1) if d >= q.today]
        if not upcoming:
            continue
        number, due = upcoming[0]
        c = plan.case
        row = {"pk": c.pk, "number": c.number, "title": c.title, "state": c.state, "bureau_id": c.bureau_id,
               "bureau__name": c.bureau.name}
        rows.append(_computed("instalment", f"分期缴款期限（第{number}期）", "《中华人民共和国行政处罚法》第六十六条第二款",
                              row, due, False, f"负责人于{cn_date(plan.approved_on)}批准分期缴纳，共{len(dates)}期，"
                              f"第{number}期应于{cn_date(due)}前缴纳，最后一期{cn_date(plan.until)}。", q.days))
    return _finish(rows, q)


def _law_value(key: str) -> int:
    # Fixed by law: a bureau cannot set its own (services.parameters refuses), so the default is the value.
    assert defaults()[key].fixed_by_law, key
    return int(defaults()[key].value)


def court_window(served_on: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(remedy periods end, last day for the 催告, last day to apply to the court) after service on `served_on`,
    as the execution guards count them (services.execution.remedy_periods_end, 行政强制法 第五十三、五十四条)."""
    from .services.execution import remedy_periods_end  # noqa: PLC0415 - services import this module's callers

    ends = remedy_periods_end(SimpleNamespace(served_on=served_on, bureau=None))
    last = add_months(ends, _law_value("court_application_period"))
    return ends, last - dt.timedelta(days=_law_value("enforcement_reminder")), last


COURT_BASIS = "《中华人民共和国行政强制法》第五十三条；《中华人民共和国行政复议法》第二十条；《中华人民共和国行政诉讼法》第四十六条"
REMINDER_BASIS = "《中华人民共和国行政强制法》第五十四条、第五十三条"


def enforcement_deadlines(bureau_ids: list[int] | None, q: BoardQuery, *, kind: str) -> Picked:
    """催告 (`reminder`) and the court application (`court_enforcement`) of an unpaid fine, while no 行政复议 or
    行政诉讼 was brought (one brought counts the period from its outcome instead, not done here)."""
    if q.state and q.state not in (CaseState.SERVED, CaseState.ENFORCING):
        return Picked([], 0)
    key = ("enforcement", None if bureau_ids is None else tuple(bureau_ids))
    if key not in q.memo:
        # The due date grows with the day of service, so a bound on it selects the rows due by the horizon; the
        # 催告 falls before the court application, so its bound covers both kinds, read once for the two.
        bound = latest(lambda s: court_window(s)[1], q.horizon)
        cases = _cases(bureau_ids, q).filter(_unpaid(), served_on__isnull=False, served_on__lte=bound).filter(
            Q(reminder_served_on__isnull=True) | Q(court_applied_on__isnull=True))
        remedied = list(Remedy.objects.values_list("case_id", flat=True).distinct())
        if remedied:
            cases = cases.exclude(pk__in=remedied)
        q.memo[key] = list(cases.values(*CASE_FIELDS, "served_on", "reminder_served_on", "court_applied_on"))
    done = "reminder_served_on" if kind == "reminder" else "court_applied_on"
    due: list[tuple[dt.date, tuple[dt.date, dt.date, dt.date], dict]] = []
    for r in q.memo[key]:
        if r[done] is None:
            window = court_window(r["served_on"])
            if window[1 if kind == "reminder" else 2] <= q.horizon:
                due.append((window[1 if kind == "reminder" else 2], window, r))
    due.sort(key=lambda d: (d[0], d[2]["pk"]))
    rows = []
    for _, (ends, reminder, last), r in due if q.limit is None else due[:q.limit]:
        window = (f"决定书于{cn_date(r['served_on'])}送达，申请行政复议（{_law_value('reconsideration_period')}日）和提起"
                  f"行政诉讼（{_law_value('litigation_period')}个月）的期限至{cn_date(ends)}届满，当事人未申请、未起诉；"
                  f"应自届满之日起{_law_value('court_application_period')}个月内即{cn_date(last)}前申请人民法院强制执行")
        if kind == "reminder":
            rows.append(_computed("reminder", "催告期限", REMINDER_BASIS, r, reminder, False,
                                  f"{window}，催告书须在申请前至少{_law_value('enforcement_reminder')}日送达，"
                                  f"即最迟{cn_date(reminder)}。", q.days))
        else:
            rows.append(_computed("court_enforcement", "申请法院强制执行期限", COURT_BASIS, r, last, False,
                                  f"{window}。", q.days))
    return Picked(rows, len(due))


# --- leads -------------------------------------------------------------------------------------------


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
        why = row.get("verification_due_explanation") or ""
    else:
        due, provisional = days.add(row["received_date"], LEAD_VERIFICATION_WORKDAYS)
        why = (f"自收到线索之日（{cn_date(row['received_date'])}）次日起 {LEAD_VERIFICATION_WORKDAYS} 个工作日；"
               f"日历版本 {days.calendar.version}。")
    return OpenDeadline(LEAD_KIND, "线索核查期限", due, provisional or not days.published(due),
                        LEAD_VERIFICATION_BASIS, row["number"], row["party_name"] or row["summary"][:40],
                        row["bureau__name"], LeadStatus(row["status"]).label, row["pk"], row.get("bureau_id"), "", why)


LEAD_FIELDS = ("pk", "number", "party_name", "summary", "status", "received_date", "verification_due",
               "bureau_id", "bureau__name")


def lead_deadlines(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
    if q.state:  # a case state leaves the leads out
        return Picked([], 0)
    leads = open_leads(bureau_ids).filter(
        Q(verification_due__lte=q.horizon) | Q(verification_due__isnull=True,
                                               received_date__lte=q.days.latest_start(LEAD_VERIFICATION_WORKDAYS,
                                                                                      q.horizon)))
    picked = leads.order_by("received_date", "pk").values(*LEAD_FIELDS, "verification_due_explanation")
    return Picked([lead_deadline(r, q.days) for r in _sliced(picked, q)], leads.count())


register(LEAD_KIND, "线索核查期限", LEAD_VERIFICATION_BASIS, lead_deadlines, native=True)
for _spec in CASE_DEADLINES:
    register(_spec.kind, _spec.label, _spec.basis, _stored_source(_spec),
             states=PAUSABLE if _spec.kind == CASE_KIND else _spec.states, native=True)
register("review", REVIEW_LABEL, REVIEW_BASIS, review_deadlines, states={CaseState.UNDER_REVIEW}, native=True)
register("hearing_notice", "听证通知期限", HEARING_NOTICE.citation.label(), _hearing_kind("hearing_notice"),
         states={CaseState.HEARING}, native=True)
register("hearing", "举行听证", HEARING_NOTICE.citation.label(), _hearing_kind("hearing"), states={CaseState.HEARING},
         native=True)
register("instalment", "分期缴款期限", "《中华人民共和国行政处罚法》第六十六条第二款", instalment_deadlines,
         states={CaseState.SERVED, CaseState.ENFORCING}, native=True)
register("reminder", "催告期限", REMINDER_BASIS, lambda ids, q: enforcement_deadlines(ids, q, kind="reminder"),
         states={CaseState.SERVED, CaseState.ENFORCING}, native=True)
register("court_enforcement", "申请法院强制执行期限", COURT_BASIS,
         lambda ids, q: enforcement_deadlines(ids, q, kind="court_enforcement"),
         states={CaseState.SERVED, CaseState.ENFORCING}, native=True)


def _investigation_source(kind: str) -> Callable[[list[int] | None, BoardQuery], Picked]:
    """先行登记保存 and 协查 replies, as the investigation services store them (services.investigation)."""

    def pick(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
        found = [d for d in investigation_deadlines_until(q.horizon, bureau_ids) if d.kind == kind]
        cases = {r["pk"]: r for r in _cases(bureau_ids, q).filter(pk__in={d.case_id for d in found})
                 .values(*CASE_FIELDS)}
        rows = [_computed(kind, d.label, d.basis, cases[d.case_id], d.due, d.provisional, d.explanation, q.days)
                for d in found if d.case_id in cases]
        return _finish(rows, q)

    return pick


for _kind in (PRESERVATION_KIND, ASSISTANCE_KIND):
    register(_kind, INVESTIGATION_KIND_LABELS[_kind],
             PRESERVATION_BASIS.label() if _kind == PRESERVATION_KIND else ASSISTANCE_BASIS, _investigation_source(_kind),
             states=frozenset(CaseState) - {CaseState.PROPOSED}, native=True)
# The seals (封存) register theirs when the coercion app is ready (coercion.deadlines.register_sources).



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
    wanted = set(kinds) or set(SOURCES)
    q = BoardQuery(today, horizon, days, state, limit)
    rows: list[OpenDeadline] = []
    total = 0
    for source in SOURCES.values():
        if source.kind not in wanted or (state and (source.states is None or CaseState(state) not in source.states)):
            continue
        picked = source.pick(bureau_ids, q)
        rows += picked.rows
        total += picked.total
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


def running_deadlines(row: dict, days: Days, today: dt.date | None = None) -> list[OpenDeadline]:
    """The deadlines a case runs against now, nearest first, from a row with the columns of CASE_FIELDS,
    CASE_COLUMNS, the specs' flags and (for a stopped clock) PAUSE_FIELDS."""
    return sorted((case_deadline(spec, row, days, today) for spec in CASE_DEADLINES if spec.runs(row)),
                  key=lambda d: d.due)


# --- when the holiday table changes -------------------------------------------------------------------

# The stored due dates and the day each is counted from, by the state in which it still runs.
RECOUNTED: tuple[tuple[str, str, str, frozenset[CaseState]], ...] = (
    ("statement_window_ends", "notified_on", "statement_window", frozenset({CaseState.NOTIFIED})),
    ("hearing_request_due", "notified_on", "request_hearing", frozenset({CaseState.NOTIFIED})),
    ("service_due", "decided_on", "serve_decision", frozenset({CaseState.DECIDED})),
    ("payment_due", "served_on", "pay_fine", frozenset({CaseState.SERVED, CaseState.ENFORCING})),
)


def recount_stored_due_dates(today: dt.date) -> list[Any]:
    """The deadlines app's recounter (deadlines.services.RECOUNTERS): every date a case or lead stores that is
    due today or later and still runs, counted again from its stored start as the services count it (the case
    deadline with its extensions and the periods not counted; a payment date an approved deferral set is the
    head's, not a period's, and stays). A date already passed never moves. Each case is locked and saved with a
    new version, so a page opened before the recount is told the case changed."""
    from django.db import transaction  # noqa: PLC0415

    from yibao.deadlines.services import RecountChange  # noqa: PLC0415

    from .services.clock import recompute_due  # noqa: PLC0415 - the services import this module's callers
    from .services.facts import count  # noqa: PLC0415
    from .services.lead_verification import verification_deadline  # noqa: PLC0415

    running = Q(due_on__gte=today, filed_on__isnull=False, state__in=[s.value for s in PAUSABLE])
    for column, start, _key, states in RECOUNTED:
        running |= Q(**{f"{column}__gte": today, f"{start}__isnull": False}, state__in=[s.value for s in states])
    changes: list[Any] = []
    for pk in Case.objects.filter(running).values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("bureau").get(pk=pk)
            found: list[Any] = []
            if case.due_on and case.due_on >= today and case.filed_on and case.state in PAUSABLE:
                before, was = case.due_on, case.due_provisional
                recompute_due(case)
                found.append(RecountChange("case", pk, CASE_KIND, case.filed_on, before, case.due_on, was,
                                           case.due_provisional))
            for column, start, key, states in RECOUNTED:
                due, begun = getattr(case, column), getattr(case, start)
                if due is None or due < today or begun is None or case.state not in states:
                    continue
                if column == "payment_due" and PaymentArrangement.objects.filter(case=case).exists():
                    continue
                counted = count(key, begun, bureau=case.bureau)
                setattr(case, column, counted.due)
                # Only the case deadline stores whether it was provisional; the board reads the others' from
                # the calendar, so a date of theirs that did not move has nothing to confirm.
                found.append(RecountChange("case", pk, key, begun, due, counted.due, counted.provisional,
                                           counted.provisional))
            if any(c.moved or c.was_provisional != c.provisional for c in found):
                case.version += 1
                case.save()
            changes += found
    for lead in Lead.objects.filter(status__in=OPEN_LEAD_STATUSES, verification_due__gte=today).select_related(
            "bureau"):
        counted = verification_deadline(lead)
        changes.append(RecountChange("lead", lead.pk, LEAD_KIND, lead.received_date, lead.verification_due,
                                     counted.due, counted.provisional, counted.provisional))
        if counted.due != lead.verification_due:
            Lead.objects.filter(pk=lead.pk).update(verification_due=counted.due,
                                                   verification_due_explanation=counted.explanation)
    return changes
