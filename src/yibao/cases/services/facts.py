"""What the guards read, taken from the database, and the statutory deadlines a case runs against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone

from yibao.deadlines.calendar import CalendarMissing
from yibao.deadlines.periods import STATUTORY_PERIODS, StatutoryPeriod, compute_statutory_deadline
from yibao.deadlines.services import load_calendar
from yibao.org.models import Bureau

from ..case_clock import ExcludedSpan, excluded_days
from ..models import Case, ClosingReport
from ..parameters import defaults
from ..procedure import HEAD, CaseFacts, OfficerFacts


def bureau_period(bureau: Bureau | None, key: str, on: dt.date) -> StatutoryPeriod:
    from .parameters import period  # noqa: PLC0415 - parameters imports today() from here

    return period(bureau, key, on)


def today() -> dt.date:
    """The day an act is taken: the server's date in Asia/Shanghai (tests move it)."""
    return timezone.localdate()


@dataclass(frozen=True)
class CountedDeadline:
    """A due date and why; provisional when the year it ends in has no published holidays yet."""

    key: str
    label: str
    due: dt.date
    explanation: str
    basis: str
    provisional: bool = False


def _weekdays_after(start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def add_workdays(start: dt.date, n: int) -> dt.date:
    """n working days after start; Monday to Friday where the year's holidays are not yet published."""
    try:
        return load_calendar().add_workdays(start, n)
    except CalendarMissing:
        return _weekdays_after(start, n)


def count(key: str, start: dt.date, *, bureau: Bureau | None = None, label: str | None = None,
          extra_days: int = 0) -> CountedDeadline:
    """Count a statutory period of deadlines/periods.py from `start`.

    A year whose holidays are not published makes the date provisional, never guessed: a calendar-day
    period shows its nominal end (it may still move past a holiday); a working-day one counts Monday to
    Friday and says so. A period that is a parameter (parameters/defaults.yaml) takes the value in force
    for the bureau on the start day.
    """
    period: StatutoryPeriod = bureau_period(bureau, key, start) if key in defaults() else STATUTORY_PERIODS[key]
    if extra_days:  # extensions and days not counted, added to the period's own (calendar-day) length
        period = replace(period, days=period.days + extra_days)
    basis = period.citation.label()
    try:
        deadline = compute_statutory_deadline(period, start, calendar=load_calendar())
    except CalendarMissing as missing:
        due = _weekdays_after(start, period.days) if period.workdays else start + dt.timedelta(days=period.days)
        return CountedDeadline(key, label or period.description, due,
                               f"{missing}。暂按{'周一至周五' if period.workdays else '日历日'}计算，届满日待定。",
                               basis, provisional=True)
    text = f"{deadline.explanation}（日历版本 {deadline.calendar_version}）"
    return CountedDeadline(key, label or period.description, deadline.due, text, basis)


def case_facts(case: Case, *, actor: Any, role: str, reason: str = "", on: dt.date | None = None) -> CaseFacts:
    from .thresholds import deliberation_required, review_required  # noqa: PLC0415 - thresholds reads parameters

    fine = case.decided_fine if case.decided_fine is not None else case.proposed_fine
    officers = [
        OfficerFacts(
            user_id=co.officer.user_id if co.officer.user_id is not None else -co.officer_id,
            certificate_valid_until=co.officer.certificate_expiry if co.officer.certificate_number else None,
            recused=co.recused_on is not None,
        )
        for co in case.officers.select_related("officer")
    ]
    return CaseFacts(
        today=on or today(),
        officers=officers,
        actor_id=actor.pk,
        actor_is_head=role == HEAD,
        reason=reason,
        **report_facts(case),
        review_required=review_required(case, fine),
        review_passed=case.review_passed,
        proposal_approved=case.proposal_approved,
        hearing_right=case.hearing_right,
        notified_on=case.notified_on,
        hearing_request_due=case.hearing_request_due,
        statement_window_ends=case.statement_window_ends,
        statements_closed=case.statements_closed,
        hearing_requested=case.hearing_requested,
        hearing_record=bool(case.hearing_record.strip()),
        host_opinion=bool(case.host_opinion.strip()),
        deliberation_required=deliberation_required(case, fine),
        deliberation_done=case.deliberation_done,
        decision_kind=case.decision_kind or "penalty",
        proposed_fine=fine,
        notified_fine=case.notified_fine,
        case_due=running_due(case, on or today()),
        service_due=case.service_due,
        announced_on=case.announced_on if case.service_method == "announcement" else None,
        to_execute=case.to_execute,
        executed=case.executed,
        court_enforcement_accepted=case.court_accepted_on is not None,
        **closing_facts(case),
    )


def closing_facts(case: Case) -> dict[str, str]:
    """The closing report's status and ground, as the closing guards read them (none yet: empty)."""
    report = ClosingReport.objects.filter(case_id=case.pk).only("status", "ground").first()
    return {"closing_report": report.status, "closing_ground": report.ground} if report else {}


def report_facts(case: Case) -> dict:
    """Whether the case has a current 调查终结报告, and which of its required parts are missing."""
    from .report import current_report, missing_parts  # noqa: PLC0415 - report.py takes steps, which read facts

    report = current_report(case)
    return {"investigation_report": report is not None, "report_missing": missing_parts(report)}


def running_due(case: Case, on: dt.date) -> dt.date | None:
    """The case deadline on a day: the stored due date moved by the days of a period still running (a
    suspension, an appraisal…), since the clock does not run while it lasts."""
    if case.due_on is None:
        return None
    running = [ExcludedSpan(p.kind, p.start_on, None) for p in case.excluded_periods.filter(end_on__isnull=True)]
    return case.due_on + dt.timedelta(days=excluded_days(running, on))


def case_deadlines(case: Case) -> list[CountedDeadline]:
    """Every deadline the case has run against so far, with why it is that date."""
    out: list[CountedDeadline] = []
    if case.filed_on and case.due_on:
        basis = STATUTORY_PERIODS["decide_case"].citation.label()
        out.append(CountedDeadline("decide_case", "办案期限（作出处理决定）", running_due(case, today()),
                                   case.due_explanation, basis, case.due_provisional))
    if case.notified_on:
        out.append(count("request_hearing", case.notified_on, bureau=case.bureau, label="要求听证期限"))
    if case.decided_on:
        out.append(count("serve_decision", case.decided_on, bureau=case.bureau, label="送达处罚决定书期限"))
    if case.announced_on:
        out.append(count("announce_service", case.announced_on, bureau=case.bureau, label="公告送达期满（视为送达）"))
    if case.served_on and case.to_execute:
        out.append(count("pay_fine", case.served_on, bureau=case.bureau, label="缴纳罚款期限"))
    return out
