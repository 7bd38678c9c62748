"""The case deadline (办案期限, 行政处罚法 第六十条): the head's extension (a further one only after collective
deliberation, where the bureau's rule says so), the periods not counted (case_clock.EXCLUDED_KINDS) and
suspension, each recomputing `due_on` with the reasons in its explanation; and revoking a filing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yibao.org.constants import Role

from ..case_clock import EXCLUDED_KINDS, ExcludedSpan, excluded_days, overlaps, spans_text
from ..models import Case, DeadlineExtension, ExcludedPeriod
from ..procedure import OPEN_BEFORE_DECISION, Action, GuardCode, Refusal, ServiceCode, penalty_law
from .facts import count, running_due, today
from .parameters import value
from .steps import RecordStep, do_record, do_take_step

EXTEND_DEADLINE = RecordStep("extend_deadline", "延长办案期限", OPEN_BEFORE_DECISION, frozenset({Role.HEAD}))
RECORD_EXCLUDED = RecordStep("record_excluded_period", "登记不计入期限的期间", OPEN_BEFORE_DECISION,
                             frozenset({Role.OFFICER}), on_case=True)
END_EXCLUDED = RecordStep("end_excluded_period", "结束不计入期限的期间", OPEN_BEFORE_DECISION,
                          frozenset({Role.OFFICER}), on_case=True)
CLOCK_STEPS: dict[str, RecordStep] = {r.action: r for r in (EXTEND_DEADLINE, RECORD_EXCLUDED, END_EXCLUDED)}
CLOCK_SHOWN = {"end_excluded_period": lambda case: case.excluded_periods.filter(end_on__isnull=True)
               .exclude(kind="suspension").exists()}

# Kinds an officer records; a suspension is recorded by the suspend and resume steps.
RECORDED_KINDS = {k: v for k, v in EXCLUDED_KINDS.items() if k != "suspension"}


class ClockCode:
    NEEDS_DELIBERATION = "extension_needs_deliberation"
    OVERLAPPING = "overlapping_period"
    NO_OPEN_PERIOD = "no_open_period"
    NO_REASON = "no_reason"


def _spans(case: Case) -> list[ExcludedSpan]:
    return [ExcludedSpan(p.kind, p.start_on, p.end_on, p.reason) for p in case.excluded_periods.all()]


def recompute_due(case: Case) -> None:
    """due_on from the filing: the bureau's period, every approved extension, every ended excluded period."""
    if case.filed_on is None:
        return
    spans = _spans(case)
    extensions = list(case.extensions.all())
    extra = sum(e.days for e in extensions) + excluded_days(spans, today(), closed_only=True)
    due = count("decide_case", case.filed_on, bureau=case.bureau, extra_days=extra)
    why = [due.explanation]
    if extensions:
        why.append("经负责人批准延长：" + "；".join(f"{e.approved_on.isoformat()} 延长 {e.days} 日（{e.reason}）"
                                              for e in extensions))
    if spans:
        why.append(f"不计入办案期限的期间（共 {excluded_days(spans, today())} 日）：{spans_text(spans)}")
    case.due_on, case.due_explanation, case.due_provisional = due.due, " ".join(why), due.provisional


def do_extend_deadline(case: Case | int, *, actor: Any, expected_version: int | None, reason: str,
                       deliberation_record: str = "") -> Case:
    """The head extends the case deadline by the bureau's `case_extension` days, before it ends; a second
    extension needs the record of the collective deliberation (`case_further_extension_needs_deliberation`)."""
    reason, deliberation_record = (reason or "").strip(), (deliberation_record or "").strip()

    def change(c: Case) -> None:
        if not reason:
            raise Refusal(ClockCode.NO_REASON, "延长办案期限须写明理由")
        due = running_due(c, today())
        if due is not None and today() > due:
            raise Refusal(GuardCode.CASE_DEADLINE_PASSED, f"办案期限已于 {due.isoformat()} 届满，延长须在届满前批准",
                          penalty_law(60))
        if c.extensions.exists() and value(c.bureau, "case_further_extension_needs_deliberation") \
                and not deliberation_record:
            raise Refusal(ClockCode.NEEDS_DELIBERATION, "已延长过一次：再次延长须经负责人集体讨论决定，请填写集体讨论记录")
        DeadlineExtension.objects.create(case=c, days=int(value(c.bureau, "case_extension")), reason=reason,
                                         deliberation_record=deliberation_record, approved_by=actor,
                                         approved_on=today())
        recompute_due(c)

    return do_record(case, EXTEND_DEADLINE, actor=actor, expected_version=expected_version, change=change,
                     reason=reason, data={"deliberation": bool(deliberation_record)})


def do_record_excluded_period(case: Case | int, *, actor: Any, expected_version: int | None, kind: str,
                              start: dt.date, end: dt.date | None, reason: str) -> Case:
    """An officer of the case records a period not counted (ended, or still running with no end)."""
    reason = (reason or "").strip()

    def change(c: Case) -> None:
        if kind not in RECORDED_KINDS:
            raise Refusal(ServiceCode.INVALID_INPUT, "请选择期间类别：" + "、".join(RECORDED_KINDS.values()))
        if not reason:
            raise Refusal(ClockCode.NO_REASON, "请写明事由（如委托检测的机构和事项）")
        if c.filed_on is None or start < c.filed_on:
            raise Refusal(ServiceCode.INVALID_INPUT, "期间不能早于立案日期")
        if start > today() or (end is not None and end > today()):
            raise Refusal(ServiceCode.INVALID_INPUT, "日期不能晚于今天；尚未结束的期间请不填结束日期")
        if end is not None and end < start:
            raise Refusal(ServiceCode.INVALID_INPUT, "结束日期不能早于开始日期")
        span = ExcludedSpan(kind, start, end, reason)
        clash = overlaps(span, _spans(c), today())
        if clash is not None:
            raise Refusal(ClockCode.OVERLAPPING, f"与已登记的期间重叠：{spans_text([clash])}")
        ExcludedPeriod.objects.create(case=c, kind=kind, start_on=start, end_on=end, reason=reason,
                                      recorded_by=actor)
        recompute_due(c)

    return do_record(case, RECORD_EXCLUDED, actor=actor, expected_version=expected_version, change=change,
                     reason=reason, data={"kind": kind, "start": start, "end": end})


def do_end_excluded_period(case: Case | int, *, actor: Any, expected_version: int | None, end: dt.date) -> Case:
    """The running period (not a suspension) ended on `end`: the clock runs again from the day after."""
    def change(c: Case) -> None:
        period = c.excluded_periods.filter(end_on__isnull=True).exclude(kind="suspension").first()
        if period is None:
            raise Refusal(ClockCode.NO_OPEN_PERIOD, "没有尚未结束的期间")
        if end < period.start_on or end > today():
            raise Refusal(ServiceCode.INVALID_INPUT, "结束日期应在期间开始之后、今天或以前")
        period.end_on = end
        period.save(update_fields=["end_on"])
        recompute_due(c)

    return do_record(case, END_EXCLUDED, actor=actor, expected_version=expected_version, change=change,
                     data={"end": end})


def stop_or_restart_clock(case: Case, action: Action, *, actor: Any, reason: str) -> None:
    """Suspension (中止) stops the clock from its day; resumption ends it the day before (the clock runs again that
    day) and moves due_on by its days. Every suspend and resume step calls this, whoever takes it."""
    if action == Action.SUSPEND:
        ExcludedPeriod.objects.create(case=case, kind="suspension", start_on=today(), end_on=None, reason=reason,
                                      recorded_by=actor)
        return
    period = case.excluded_periods.filter(kind="suspension", end_on__isnull=True).first()
    if period is not None:
        period.end_on = max(period.start_on, today() - dt.timedelta(days=1))
        period.save(update_fields=["end_on"])
        recompute_due(case)


def do_suspend(case: Case | int, *, actor: Any, expected_version: int | None, reason: str) -> Case:
    """中止调查 by the head with the reason: the clock stops until the case is resumed."""
    return do_take_step(case, Action.SUSPEND, actor=actor, expected_version=expected_version, reason=reason)


def do_resume(case: Case | int, *, actor: Any, expected_version: int | None, reason: str) -> Case:
    """恢复调查 by the head with the reason: the deadline moves by the days suspended."""
    return do_take_step(case, Action.RESUME, actor=actor, expected_version=expected_version, reason=reason)


def do_revoke_filing(case: Case | int, *, actor: Any, expected_version: int | None, reason: str) -> Case:
    """撤销立案 by the head with the reason: the filing should not have been made."""
    return do_take_step(case, Action.REVOKE_FILING, actor=actor, expected_version=expected_version, reason=reason)


__all__ = ["CLOCK_SHOWN", "CLOCK_STEPS", "ClockCode", "do_end_excluded_period", "do_extend_deadline",
           "do_record_excluded_period", "do_resume", "do_revoke_filing", "do_suspend", "recompute_due"]
