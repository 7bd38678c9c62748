"""The steps after filing that carry data: the investigation report, the legal review, the proposal and
its notice, the hearing, the decision, service, payment and closing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from yibao.org.constants import Role
from yibao.org.models import Bureau

from ..models import Case, DecisionKind, ReviewOpinion
from ..procedure import (
    FUND_SUPERVISION,
    LEGAL_REVIEW,
    Action,
    CaseState,
    Refusal,
    ServiceCode,
)
from .facts import count, today
from .hearing import check_host_may_record
from .payments import RECORD_PAYMENT, do_record_payment  # noqa: F401 - payments are one by one (payments.py)
from .report import do_finish_investigation  # noqa: F401 - the step's home is report.py
from .service import do_serve  # noqa: F401 - service with its receipt and announcement (service.py)
from .steps import RecordStep, act_date, do_record, do_take_step
from .thresholds import hearing_right_by_amount

APPROVE_PROPOSAL = RecordStep("approve_proposal", "批准拟处理意见", frozenset({CaseState.UNDER_REVIEW}), frozenset({Role.HEAD}))
CLOSE_STATEMENTS = RecordStep("close_statements", "记录陈述申辩", frozenset({CaseState.NOTIFIED}), frozenset({Role.OFFICER}),
                              ("告知岗", FUND_SUPERVISION), on_case=True)
RECORD_HEARING = RecordStep("record_hearing", "记录听证", frozenset({CaseState.HEARING}), frozenset({Role.LEGAL_REVIEWER}),
                            ("审查岗", LEGAL_REVIEW))
RECORD_STEPS: dict[str, RecordStep] = {r.action: r for r in (APPROVE_PROPOSAL, CLOSE_STATEMENTS, RECORD_HEARING,
                                                             RECORD_PAYMENT)}


def _invalid(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def _fine(value: Decimal | int | str | None, what: str) -> Decimal:
    try:
        fine = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _invalid(f"{what}应为金额（元），收到：{value}") from None
    if fine < 0:
        raise _invalid(f"{what}不能为负数")
    return fine


def do_start_investigation(case: Case | int, *, actor: Any, expected_version: int | None) -> Case:
    return do_take_step(case, Action.START_INVESTIGATION, actor=actor, expected_version=expected_version)


def do_complete_review(case: Case | int, *, actor: Any, expected_version: int | None, opinion: str,
                       text: str = "") -> Case:
    """法制审核 opinion: agree passes the review; investigate further returns the case to the officers;
    change, correct or other leave it under review until the officers act on it and it is reviewed again."""
    if opinion not in ReviewOpinion.values:
        raise _invalid("请选择审核意见：同意、补充调查、变更、纠正或其他意见")
    text = (text or "").strip()
    if opinion != ReviewOpinion.AGREE and not text:
        raise _invalid(f"审核意见为“{ReviewOpinion(opinion).label}”时须写明具体意见")
    data = {"opinion": opinion, "text": text}
    if opinion == ReviewOpinion.INVESTIGATE_FURTHER:
        return do_take_step(case, Action.RETURN_FOR_INVESTIGATION, actor=actor, expected_version=expected_version,
                            reason=text, data=data,
                            after=lambda c: setattr(c, "review_opinion", opinion))

    def after(c: Case) -> None:
        c.review_opinion = opinion
        c.review_passed = opinion == ReviewOpinion.AGREE

    return do_take_step(case, Action.COMPLETE_REVIEW, actor=actor, expected_version=expected_version,
                        reason=text, data=data, after=after)


def do_approve_proposal(case: Case | int, *, actor: Any, expected_version: int | None,
                        decision_kind: str = DecisionKind.PENALTY, fine: Decimal | int | str | None = None,
                        hearing_right: bool = False, opinion: str = "") -> Case:
    """The head approves the proposed outcome before the party is told of it (行政处罚法 第五十七条)."""
    if decision_kind not in DecisionKind.values:
        raise _invalid("请选择拟作出的处理决定")
    amount = _fine(fine, "拟罚款金额") if decision_kind == DecisionKind.PENALTY and fine not in (None, "") else None

    def change(c: Case) -> None:
        # 第六十三条: a fine of the bureau's 较大数额 carries the hearing right whatever the head ticked; other
        # grounds (licences, closure…) stay the head's to mark.
        by_amount = decision_kind == DecisionKind.PENALTY and hearing_right_by_amount(c, amount)
        c.decision_kind, c.proposed_fine, c.hearing_right = decision_kind, amount, hearing_right or by_amount
        c.proposal_approved = True

    return do_record(case, APPROVE_PROPOSAL, actor=actor, expected_version=expected_version, change=change,
                     reason=opinion, data={"decision_kind": decision_kind, "fine": amount,
                                           "hearing_right": hearing_right})


def do_notify(case: Case | int, *, actor: Any, expected_version: int | None, on: dt.date | None = None) -> Case:
    """事先告知 of the approved proposal: the statement window and the hearing request period start."""
    day = act_date(on)

    def after(c: Case) -> None:
        c.notified_on, c.notified_fine = day, c.proposed_fine
        c.statement_window_ends = statement_window_end(day, c.bureau)
        c.hearing_request_due = count("request_hearing", day, bureau=c.bureau).due if c.hearing_right else None

    return do_take_step(case, Action.NOTIFY, actor=actor, expected_version=expected_version, after=after,
                        data={"notified_on": day})


def statement_window_end(day: dt.date, bureau: Bureau | None = None) -> dt.date:
    """The last day for statements and defence after a notice given on `day` (the bureau's window)."""
    return count("statement_window", day, bureau=bureau).due


def do_close_statements(case: Case | int, *, actor: Any, expected_version: int | None, text: str) -> Case:
    """The party gave its statements (or waived them) before the window ended: recorded by 告知岗."""
    text = (text or "").strip()
    if not text:
        raise _invalid("请记录当事人陈述、申辩的情况或放弃陈述、申辩的表示")
    return do_record(case, CLOSE_STATEMENTS, actor=actor, expected_version=expected_version,
                     change=lambda c: setattr(c, "statements_closed", True),
                     reason=text)


def do_request_hearing(case: Case | int, *, actor: Any, expected_version: int | None) -> Case:
    return do_take_step(case, Action.REQUEST_HEARING, actor=actor, expected_version=expected_version,
                        after=lambda c: setattr(c, "hearing_requested", True))


def do_record_hearing(case: Case | int, *, actor: Any, expected_version: int | None, record: str,
                      host_opinion: str) -> Case:
    """The hearing record and the host's opinion, entered by the host (法制审核股, not a case officer)."""
    record, host_opinion = (record or "").strip(), (host_opinion or "").strip()
    if not record or not host_opinion:
        raise _invalid("请填写听证笔录和主持人意见")

    def change(c: Case) -> None:
        if c.officers.filter(officer__user=actor, recused_on__isnull=True).exists():
            raise Refusal("reviewer_is_case_officer", "听证主持人不得是本案的执法人员")
        check_host_may_record(c, actor)
        c.hearing_record, c.host_opinion = record, host_opinion

    return do_record(case, RECORD_HEARING, actor=actor, expected_version=expected_version, change=change)


def do_finish_hearing(case: Case | int, *, actor: Any, expected_version: int | None) -> Case:
    def after(c: Case) -> None:
        c.review_passed, c.review_opinion = False, ""  # 第五十八条: reviewed again after the hearing

    return do_take_step(case, Action.FINISH_HEARING, actor=actor, expected_version=expected_version, after=after)


def do_decide(case: Case | int, *, actor: Any, expected_version: int | None, decision_kind: str,
              fine: Decimal | int | str | None = None, reason: str = "", refund: Decimal | int | str | None = None,
              confiscation: Decimal | int | str | None = None) -> Case:
    """The head's decision: penalty (with its fine, the refund to the fund ordered and the confiscation, each apart
    and each optional), no penalty, or facts not established."""
    if decision_kind not in DecisionKind.values:
        raise _invalid("请选择决定类型")
    penalty = decision_kind == DecisionKind.PENALTY
    amount = _fine(fine, "罚款金额") if penalty and fine not in (None, "") else None
    refund_amount = _fine(refund, "责令退回的医保基金金额") if penalty and refund not in (None, "") else None
    seized = _fine(confiscation, "没收违法所得金额") if penalty and confiscation not in (None, "") else None
    on = today()

    def before(c: Case) -> None:
        c.decision_kind, c.decided_fine = decision_kind, amount
        c.decided_refund, c.decided_confiscation = refund_amount, seized

    def after(c: Case) -> None:
        c.decided_on = on
        c.service_due = count("serve_decision", on, bureau=c.bureau).due

    return do_take_step(case, Action.DECIDE, actor=actor, expected_version=expected_version, reason=reason,
                        before=before, after=after, data={"decision_kind": decision_kind, "fine": amount,
                                                          "refund": refund_amount, "confiscation": seized})


def do_start_enforcement(case: Case | int, *, actor: Any, expected_version: int | None) -> Case:
    return do_take_step(case, Action.START_ENFORCEMENT, actor=actor, expected_version=expected_version)
