"""Execution of a decision: deferral or instalments the head approves on the party's application (行政处罚法 第六十六条
第二款); the penalty surcharge after the payment period (第七十二条第一款第（一）项, law/money.py); the court
enforcement (行政强制法 第五十三、五十四条) only after the periods for 行政复议 and 行政诉讼 ran out with neither
pending, a 催告 served at least 10 days before, and within 3 months after those periods; and the outcome of a
行政复议 or 行政诉讼 with its effect on what is executed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from yibao.deadlines.calendar import cn_date
from yibao.law.citations import Citation
from yibao.law.money import Surcharge, penalty_surcharge
from yibao.org.constants import Role

from ..case_clock import add_months
from ..models import ArrangementKind, Case, PaymentArrangement, PaymentItem, Remedy, RemedyKind, RemedyOutcome
from ..procedure import CaseState, GuardCode, Refusal, ServiceCode, penalty_law
from .facts import today
from .parameters import value
from .payments import instalment_surcharge, remaining, settle_after_change
from .steps import RecordStep, act_date, do_record

COERCION_LAW = "中华人民共和国行政强制法"


def coercion_law(article: int) -> Citation:
    return Citation(COERCION_LAW, "law", article)


AFTER_DECISION = frozenset({CaseState.SERVED, CaseState.ENFORCING})
ARRANGE_PAYMENT = RecordStep("arrange_payment", "批准暂缓或分期缴纳", AFTER_DECISION, frozenset({Role.HEAD}))
SERVE_REMINDER = RecordStep("serve_reminder", "送达催告书", frozenset({CaseState.ENFORCING}), frozenset({Role.OFFICER}),
                            on_case=True)
APPLY_COURT = RecordStep("apply_court_enforcement", "申请法院强制执行", frozenset({CaseState.ENFORCING}),
                         frozenset({Role.HEAD}))
COURT_ACCEPTED = RecordStep("record_court_acceptance", "记录法院受理", frozenset({CaseState.ENFORCING}),
                            frozenset({Role.HEAD}))
RECORD_REMEDY = RecordStep("record_remedy", "登记行政复议或诉讼", AFTER_DECISION | {CaseState.CLOSED},
                           frozenset({Role.HEAD, Role.LEGAL_REVIEWER}))
REMEDY_OUTCOME = RecordStep("record_remedy_outcome", "登记复议或诉讼结果", AFTER_DECISION | {CaseState.CLOSED},
                            frozenset({Role.HEAD, Role.LEGAL_REVIEWER}))
EXECUTION_STEPS: dict[str, RecordStep] = {r.action: r for r in (
    ARRANGE_PAYMENT, SERVE_REMINDER, APPLY_COURT, COURT_ACCEPTED, RECORD_REMEDY, REMEDY_OUTCOME)}


def _unpaid(case: Case) -> bool:
    return case.to_execute and not case.executed


EXECUTION_SHOWN = {
    # Deferral and instalments are of the fine only (第六十六条第二款).
    "arrange_payment": lambda c: _unpaid(c) and bool(c.decided_fine) and not PaymentArrangement.objects.filter(case=c).exists(),
    "serve_reminder": lambda c: _unpaid(c) and c.reminder_served_on is None,
    "apply_court_enforcement": lambda c: _unpaid(c) and c.reminder_served_on is not None and c.court_applied_on is None,
    "record_court_acceptance": lambda c: c.court_applied_on is not None and c.court_accepted_on is None,
    "record_remedy_outcome": lambda c: c.remedies.filter(outcome="").exists(),
}


class ExecutionCode:
    NOTHING_TO_EXECUTE = GuardCode.NOTHING_TO_EXECUTE
    ARRANGEMENT_EXISTS = "arrangement_exists"
    PAYMENT_DUE_PASSED = "payment_due_passed"
    ARRANGEMENT_TOO_LONG = "arrangement_too_long"
    INSTALMENTS_DO_NOT_ADD_UP = "instalments_do_not_add_up"
    PAYMENT_NOT_OVERDUE = "payment_not_overdue"
    REMEDY_PERIOD_RUNNING = "remedy_period_running"
    REMEDY_PENDING = "remedy_pending"
    NO_REMINDER = "no_reminder"
    REMINDER_TOO_RECENT = "reminder_too_recent"
    COURT_APPLICATION_LATE = "court_application_late"
    NOT_APPLIED = "court_not_applied"
    NO_PENDING_REMEDY = "no_pending_remedy"
    NO_REASON = "no_reason"


def _invalid(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def _must_be_unpaid(c: Case) -> None:
    if not _unpaid(c):
        raise Refusal(ExecutionCode.NOTHING_TO_EXECUTE, "该决定没有尚未执行的罚款")


def do_arrange_payment(case: Case | int, *, actor: Any, expected_version: int | None, kind: str, until: dt.date,
                       reason: str, instalments: Sequence[tuple[dt.date, Decimal | str]] = ()) -> Case:
    """The head approves a deferral to `until`, or instalments ending on `until`, once, before the payment period
    ends and within the bureau's longest term; the payment date becomes `until`."""
    reason = (reason or "").strip()
    try:
        plan = [(d, Decimal(str(a)).quantize(Decimal("0.01"))) for d, a in instalments]
    except (InvalidOperation, ValueError):
        raise _invalid("分期金额应为金额（元）") from None

    def change(c: Case) -> None:
        _must_be_unpaid(c)
        if remaining(c, PaymentItem.FINE) <= 0:
            raise Refusal(ExecutionCode.NOTHING_TO_EXECUTE, "暂缓或分期缴纳只适用于罚款，本案没有尚未缴纳的罚款",
                          penalty_law(66, 2))
        if kind not in ArrangementKind.values:
            raise _invalid("请选择暂缓缴纳或分期缴纳")
        if PaymentArrangement.objects.filter(case=c).exists():
            raise Refusal(ExecutionCode.ARRANGEMENT_EXISTS, "本案已批准过暂缓或分期缴纳")
        if not reason:
            raise Refusal(ExecutionCode.NO_REASON, "请写明当事人申请的理由（确有经济困难）", penalty_law(66, 2))
        if c.payment_due is not None and today() > c.payment_due:
            raise Refusal(ExecutionCode.PAYMENT_DUE_PASSED,
                          f"缴款期限已于 {c.payment_due.isoformat()} 届满，暂缓或分期须在届满前申请并批准", penalty_law(66, 2))
        longest = (c.payment_due or today()) + dt.timedelta(days=int(value(c.bureau, "payment_arrangement_max")))
        if until <= (c.payment_due or today()) or until > longest:
            raise Refusal(ExecutionCode.ARRANGEMENT_TOO_LONG,
                          f"最后缴款日期应晚于原缴款期限，且不晚于 {longest.isoformat()}（本局规定的最长期限）")
        if kind == ArrangementKind.INSTALMENTS:
            dates = [d for d, _ in plan]
            if len(plan) < 2 or dates != sorted(dates) or dates[-1] != until \
                    or sum(a for _, a in plan) != c.decided_fine:
                raise Refusal(ExecutionCode.INSTALMENTS_DO_NOT_ADD_UP,
                              f"分期安排须至少两期、日期递增、最后一期在 {until.isoformat()}，合计等于罚款 {c.decided_fine} 元")
        PaymentArrangement.objects.create(case=c, kind=kind, until=until, reason=reason, approved_by=actor,
                                          approved_on=today(),
                                          instalments=[[d.isoformat(), str(a)] for d, a in plan])
        c.payment_due = until

    return do_record(case, ARRANGE_PAYMENT, actor=actor, expected_version=expected_version, change=change,
                     reason=reason, data={"kind": kind, "until": until, "instalments": len(plan)})


def surcharge(case: Case, on: dt.date | None = None) -> Surcharge | None:
    """The penalty surcharge as of the day: under a plan of instalments on the earliest missed instalment from its
    date, otherwise on the fine still unpaid from the payment deadline (None when nothing is owed or due yet)."""
    if not _unpaid(case) or case.payment_due is None:
        return None
    if PaymentArrangement.objects.filter(case=case, kind=ArrangementKind.INSTALMENTS).exists():
        return instalment_surcharge(case, on)
    rest = remaining(case, PaymentItem.FINE)  # 加处罚款 runs on the fine only, not on a refund or a confiscation
    if rest <= 0:
        return None
    late = penalty_surcharge(rest, case.payment_due, on or today())
    if rest == case.decided_fine:
        return late
    # Part paid: the surcharge runs on what is still unpaid and is capped at it (the law's 罚款数额 read as the
    # amount overdue, as for an instalment).
    return replace(late, explanation=f"罚款{case.decided_fine}元已缴{case.decided_fine - rest}元，尚欠{rest}元："
                                     + late.explanation)


def do_serve_reminder(case: Case | int, *, actor: Any, expected_version: int | None,
                      served_on: dt.date | None = None) -> Case:
    """催告 (行政强制法 第五十四条), after the payment period has run out unpaid."""
    day = act_date(served_on)

    def change(c: Case) -> None:
        _must_be_unpaid(c)
        if c.payment_due is None or day <= c.payment_due:
            raise Refusal(ExecutionCode.PAYMENT_NOT_OVERDUE, "缴款期限尚未届满，不能催告", coercion_law(54))
        c.reminder_served_on = day

    return do_record(case, SERVE_REMINDER, actor=actor, expected_version=expected_version, change=change,
                     data={"served_on": day})


@dataclass(frozen=True)
class RemedyPeriods:
    """When the party's last period to seek a remedy ends, and why (for the board's and the page's why-text)."""

    ends: dt.date
    why: str
    outcome: str = ""  # the RemedyOutcome the periods follow, "" when counted from service of the decision


def remedy_periods(case: Case) -> RemedyPeriods | None:
    """The party's remedy periods after the decision or after the last outcome of a 行政复议 or 行政诉讼.

    - No remedy brought: 60 days to apply for 复议 (行政复议法 第二十条) and 6 months to sue (行政诉讼法 第四十六条)
      from service of the decision; the later end counts.
    - After a 复议 decision (upheld, changed, confirmed unlawful): 15 days to sue from its receipt (行政诉讼法
      第四十五条). Having chosen 复议 the party sues the 复议 outcome, so the 6 months from service no longer count.
    - After a first-instance judgment: 15 days to appeal from its service (第八十五条); it is then in force.
    - After a final (second-instance) judgment: nothing further; it ends on its receipt.
    Simplified: the receipt is the day recorded, or the decision's date when none was; 第四十五条's 复议机关逾期不作决定
    and 第四十八条's delays are not counted; enforcing a judgment itself (行政诉讼法 第九十五条) is read as the same
    application within 行政强制法 第五十三条's three months. None while a remedy is pending or before service.
    """
    if case.served_on is None:
        return None
    remedies = list(case.remedies.all()) if getattr(case, "pk", None) else []
    if any(not r.outcome for r in remedies):
        return None
    if not remedies:
        days = int(value(case.bureau, "reconsideration_period"))
        months = int(value(case.bureau, "litigation_period"))
        ends = max(case.served_on + dt.timedelta(days=days), add_months(case.served_on, months))
        return RemedyPeriods(ends, f"决定书于{cn_date(case.served_on)}送达，申请行政复议（{days}日）"
                                   f"和提起行政诉讼（{months}个月）的期限")
    last = max(remedies, key=lambda r: (r.decided_on, r.id))
    received = last.received_on or last.decided_on
    outcome = f"{last.get_kind_display()}（{last.body}）于{cn_date(last.decided_on)}{last.get_outcome_display()}"
    if last.kind == RemedyKind.RECONSIDERATION:
        days = int(value(case.bureau, "litigation_after_reconsideration"))
        return RemedyPeriods(received + dt.timedelta(days=days),
                             f"{outcome}，当事人于{cn_date(received)}收到复议决定书，不服复议决定提起行政诉讼的期限"
                             f"（{days}日，《中华人民共和国行政诉讼法》第四十五条）", last.outcome)
    if last.final:
        return RemedyPeriods(received, f"{outcome}（终审判决），判决书于{cn_date(received)}送达", last.outcome)
    days = int(value(case.bureau, "appeal_period"))
    return RemedyPeriods(received + dt.timedelta(days=days),
                         f"{outcome}（第一审判决），判决书于{cn_date(received)}送达，上诉期限"
                         f"（{days}日，《中华人民共和国行政诉讼法》第八十五条）", last.outcome)


def remedy_periods_end(case: Case) -> dt.date | None:
    """The last day the party could still apply for 行政复议, sue or appeal (see remedy_periods)."""
    periods = remedy_periods(case)
    return periods.ends if periods else None


def do_apply_court_enforcement(case: Case | int, *, actor: Any, expected_version: int | None,
                               applied_on: dt.date | None = None) -> Case:
    """申请人民法院强制执行: after the remedy periods, with no remedy pending, at least 10 days after the 催告, and
    within 3 months after the periods ended."""
    day = act_date(applied_on)

    def change(c: Case) -> None:
        _must_be_unpaid(c)
        if c.remedies.filter(outcome="").exists():
            raise Refusal(ExecutionCode.REMEDY_PENDING, "当事人的行政复议或行政诉讼尚未结束", coercion_law(53))
        periods = remedy_periods(c)
        ends = periods.ends if periods else None
        if ends is None or day <= ends:
            raise Refusal(ExecutionCode.REMEDY_PERIOD_RUNNING,
                          f"{periods.why if periods else '当事人申请行政复议或提起行政诉讼的期限'}至 "
                          f"{ends.isoformat() if ends else '—'} 届满，届满前不能申请", coercion_law(53))
        if c.reminder_served_on is None:
            raise Refusal(ExecutionCode.NO_REMINDER, "申请强制执行前应当催告当事人履行义务", coercion_law(54))
        ready = c.reminder_served_on + dt.timedelta(days=int(value(c.bureau, "enforcement_reminder")))
        if day < ready:
            raise Refusal(ExecutionCode.REMINDER_TOO_RECENT,
                          f"催告书送达十日后当事人仍未履行的，方可申请：{ready.isoformat()} 起", coercion_law(54))
        last = add_months(ends, int(value(c.bureau, "court_application_period")))
        if day > last:
            raise Refusal(ExecutionCode.COURT_APPLICATION_LATE,
                          f"应当自期限届满之日起三个月内申请，已于 {last.isoformat()} 届满", coercion_law(53))
        c.court_applied_on = day

    return do_record(case, APPLY_COURT, actor=actor, expected_version=expected_version, change=change,
                     data={"applied_on": day})


def do_record_court_acceptance(case: Case | int, *, actor: Any, expected_version: int | None,
                               accepted_on: dt.date | None = None) -> Case:
    """The court accepted the application: the case may be closed (第七十二条 guard EXECUTED)."""
    day = act_date(accepted_on)

    def change(c: Case) -> None:
        if c.court_applied_on is None:
            raise Refusal(ExecutionCode.NOT_APPLIED, "尚未申请人民法院强制执行")
        if day < c.court_applied_on:
            raise _invalid("受理日期不能早于申请日期")
        c.court_accepted_on = day

    return do_record(case, COURT_ACCEPTED, actor=actor, expected_version=expected_version, change=change,
                     data={"accepted_on": day})


def do_record_remedy(case: Case | int, *, actor: Any, expected_version: int | None, kind: str, body: str,
                     filed_on: dt.date | None = None) -> Case:
    """The party applied for 行政复议 or sued: court enforcement waits for the outcome."""
    day, body = act_date(filed_on), (body or "").strip()

    def change(c: Case) -> None:
        if kind not in RemedyKind.values or not body:
            raise _invalid("请选择行政复议或行政诉讼，并填写复议机关或法院")
        if c.served_on is None or day < c.served_on:
            raise _invalid("申请或起诉日期不能早于决定书送达日期")
        Remedy.objects.create(case=c, kind=kind, filed_on=day, body=body)

    return do_record(case, RECORD_REMEDY, actor=actor, expected_version=expected_version, change=change,
                     data={"kind": kind, "body": body, "filed_on": day})


EFFECTS = {
    RemedyOutcome.UPHELD: "维持：按原决定执行",
    RemedyOutcome.CHANGED: "变更：按变更后的罚款执行",
    RemedyOutcome.REVOKED: "撤销：不再执行；已缴的罚款应当退还",
    # 行政诉讼法 第七十四条第一款 (checked against the 2017 text): the court confirms the act unlawful "但不撤销
    # 行政行为", so the decision stands. Its 第二款 (nothing left to revoke, or already changed by the bureau)
    # is recorded as the outcome of the change itself (changed or revoked), not as this one.
    RemedyOutcome.CONFIRMED_UNLAWFUL: "确认违法：不撤销决定，按原决定执行",
}


def do_record_remedy_outcome(case: Case | int, *, actor: Any, expected_version: int | None, outcome: str,
                             decided_on: dt.date | None = None, changed_fine: Decimal | str | None = None,
                             note: str = "", received_on: dt.date | None = None, final: bool = False) -> Case:
    """The outcome of the pending 行政复议 or 行政诉讼 and its effect on the fine to execute; the party's remaining
    periods then run from its receipt (remedy_periods), and a lowered fine already paid is executed."""
    day = act_date(decided_on)
    received = act_date(received_on) if received_on else None

    def change(c: Case) -> None:
        remedy = c.remedies.filter(outcome="").first()
        if remedy is None:
            raise Refusal(ExecutionCode.NO_PENDING_REMEDY, "本案没有待登记结果的行政复议或行政诉讼")
        if outcome not in RemedyOutcome.values:
            raise _invalid("请选择结果：维持、变更、撤销或确认违法")
        if day < remedy.filed_on:
            raise _invalid("决定或判决日期不能早于申请或起诉日期")
        if received is not None and received < day:
            raise _invalid("收到日期不能早于决定或判决日期")
        if final and remedy.kind != RemedyKind.LITIGATION:
            raise _invalid("只有行政诉讼的判决可以是终审判决")
        amount = None
        if outcome == RemedyOutcome.CHANGED:
            try:
                amount = Decimal(str(changed_fine)).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                raise _invalid("变更的，请填写变更后的罚款金额（元）") from None
            if amount < 0:
                raise _invalid("变更后的罚款不能为负数")
            c.decided_fine = amount  # a fine already paid above it is refunded (recorded in the note)
        if outcome == RemedyOutcome.REVOKED:
            c.decision_set_aside = True
        remedy.outcome, remedy.decided_on, remedy.changed_fine = outcome, day, amount
        remedy.received_on, remedy.final = received, bool(final)
        remedy.note = (note or "").strip()
        remedy.save()
        settle_after_change(c)

    return do_record(case, REMEDY_OUTCOME, actor=actor, expected_version=expected_version, change=change,
                     reason=EFFECTS.get(outcome, ""), data={"outcome": outcome, "changed_fine": changed_fine,
                                                            "received_on": received, "final": bool(final)})
