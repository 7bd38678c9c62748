"""The officers of a case: recusal (回避, 行政处罚法 第四十三条) asked by the officer or the party and decided by
the head, and the head's reassignment with a reason; a case never keeps fewer than the bureau's minimum of
active officers, each with a certificate valid today (第四十二条第一款)."""

from __future__ import annotations

from typing import Any

from yibao.org.constants import Role
from yibao.org.models import Officer

from ..models import Case, CaseOfficer, LeftHow, RecusalAskedBy, RecusalRequest
from ..procedure import OPEN_BEFORE_DECISION, CaseState, GuardCode, Refusal, ServiceCode, penalty_law
from .facts import today
from .parameters import value
from .steps import RecordStep, do_record

# From the filing to the decision: a proposed filing is the head's to approve or reject as it stands.
OPEN = OPEN_BEFORE_DECISION | {CaseState.SUSPENDED}
RECUSAL_BASIS = penalty_law(43)

ASK_RECUSAL = RecordStep("ask_recusal", "申请回避", OPEN, frozenset({Role.OFFICER}), on_case=True)
DECIDE_RECUSAL = RecordStep("decide_recusal", "决定回避申请", OPEN, frozenset({Role.HEAD}))
REASSIGN_OFFICER = RecordStep("reassign_officer", "改派执法人员", OPEN, frozenset({Role.HEAD}))
OFFICER_STEPS: dict[str, RecordStep] = {r.action: r for r in (ASK_RECUSAL, DECIDE_RECUSAL, REASSIGN_OFFICER)}
# A side action offered on the page only when there is something for it.
OFFICER_SHOWN = {"decide_recusal": lambda case: case.recusal_requests.filter(granted__isnull=True).exists()}


class OfficerCode:
    NO_REQUEST = "no_recusal_request"
    NOT_OWN = "not_own_recusal"
    NOT_ON_CASE = "not_on_case"
    ALREADY_ON_CASE = "already_on_case"
    NO_REASON = "no_reason"


def _active(case: Case) -> list[CaseOfficer]:
    return list(case.officers.filter(recused_on__isnull=True).select_related("officer"))


def _minimum(case: Case) -> int:
    return int(value(case.bureau, "min_officers"))


def _check_newcomer(case: Case, officer: Officer) -> None:
    if officer.bureau_id != case.bureau_id or not officer.active:
        raise Refusal(ServiceCode.INVALID_INPUT, f"执法人员 {officer} 不是{case.bureau.name}在岗的执法人员")
    if case.officers.filter(officer=officer).exists():
        raise Refusal(OfficerCode.ALREADY_ON_CASE, f"执法人员 {officer} 已经或曾经是本案的执法人员")
    if not officer.has_valid_certificate(today()):
        raise Refusal(GuardCode.CERTIFICATE_INVALID, f"执法人员 {officer} 的执法证今日无效，不能指派办案",
                      penalty_law(42, 1))


def _leave(row: CaseOfficer, how: str, reason: str) -> None:
    row.recused_on, row.recusal_reason, row.left_how = today(), reason, how
    row.save(update_fields=["recused_on", "recusal_reason", "left_how"])


def _add(case: Case, officer: Officer, actor: Any) -> CaseOfficer:
    return CaseOfficer.objects.create(case=case, officer=officer, assigned_on=today(), assigned_by=actor)


def _keep_minimum(case: Case, leaving: int, joining: int) -> None:
    left = len(_active(case)) - leaving + joining
    if left < _minimum(case):
        raise Refusal(GuardCode.TOO_FEW_OFFICERS,
                      f"办案执法人员不得少于{_minimum(case)}人：退出后只剩{left}人，须同时指派接替的执法人员",
                      penalty_law(42, 1))


def do_ask_recusal(case: Case | int, officer: Officer | int, *, actor: Any, expected_version: int | None,
                   asked_by: str, reason: str) -> Case:
    """An officer of the case asks to withdraw, or records the party's request naming an officer of the case."""
    reason = (reason or "").strip()
    officer_id = officer.pk if isinstance(officer, Officer) else officer

    def change(c: Case) -> None:
        if asked_by not in RecusalAskedBy.values:
            raise Refusal(ServiceCode.INVALID_INPUT, "请选择回避申请人：执法人员本人或当事人")
        row = c.officers.filter(officer_id=officer_id, recused_on__isnull=True).first()
        if row is None:
            raise Refusal(OfficerCode.NOT_ON_CASE, "被申请回避的人员不是本案在办的执法人员")
        if asked_by == RecusalAskedBy.OFFICER and row.officer.user_id != actor.pk:
            raise Refusal(OfficerCode.NOT_OWN, "执法人员只能申请本人回避；当事人的申请请选择“当事人申请”")
        if not reason:
            raise Refusal(OfficerCode.NO_REASON, "申请回避须写明理由（与案件有直接利害关系或者有其他关系可能影响公正执法）",
                          RECUSAL_BASIS)
        RecusalRequest.objects.create(case=c, case_officer=row, asked_by=asked_by, reason=reason,
                                      asked_on=today(), recorded_by=actor)

    return do_record(case, ASK_RECUSAL, actor=actor, expected_version=expected_version, change=change,
                     reason=reason, data={"officer": officer_id, "asked_by": asked_by})


def do_decide_recusal(case: Case | int, *, actor: Any, expected_version: int | None, granted: bool, reason: str,
                      replacement: Officer | None = None) -> Case:
    """The head decides the pending request (第四十三条第三款); a granted recusal that would leave too few officers
    needs a replacement named at once."""
    reason = (reason or "").strip()

    def change(c: Case) -> None:
        request = c.recusal_requests.filter(granted__isnull=True).select_related("case_officer__officer").first()
        if request is None:
            raise Refusal(OfficerCode.NO_REQUEST, "本案没有待决定的回避申请")
        if not reason:
            raise Refusal(OfficerCode.NO_REASON, "决定回避申请须写明理由", RECUSAL_BASIS)
        if granted:
            if replacement is not None:
                _check_newcomer(c, replacement)
            _keep_minimum(c, 1, 1 if replacement is not None else 0)
            _leave(request.case_officer, LeftHow.RECUSAL, reason)
            if replacement is not None:
                _add(c, replacement, actor)
        request.granted, request.decided_by, request.decided_on = granted, actor, today()
        request.decision_reason = reason
        request.save()

    return do_record(case, DECIDE_RECUSAL, actor=actor, expected_version=expected_version, change=change,
                     reason=reason, data={"granted": granted, "replacement": replacement.pk if replacement else None})


def do_reassign_officer(case: Case | int, *, actor: Any, expected_version: int | None, reason: str,
                        remove: Officer | None = None, add: Officer | None = None) -> Case:
    """The head takes an officer off the case, puts one on, or both, with the reason."""
    reason = (reason or "").strip()

    def change(c: Case) -> None:
        if remove is None and add is None:
            raise Refusal(ServiceCode.INVALID_INPUT, "请选择调出或调入的执法人员")
        if not reason:
            raise Refusal(OfficerCode.NO_REASON, "改派执法人员须写明理由")
        row = None
        if remove is not None:
            row = c.officers.filter(officer=remove, recused_on__isnull=True).first()
            if row is None:
                raise Refusal(OfficerCode.NOT_ON_CASE, f"执法人员 {remove} 不是本案在办的执法人员")
        if add is not None:
            _check_newcomer(c, add)
        _keep_minimum(c, 1 if row else 0, 1 if add else 0)
        if row is not None:
            _leave(row, LeftHow.REASSIGNED, reason)
        if add is not None:
            _add(c, add, actor)

    return do_record(case, REASSIGN_OFFICER, actor=actor, expected_version=expected_version, change=change,
                     reason=reason, data={"remove": remove.pk if remove else None, "add": add.pk if add else None})


def certificate_warnings(case: Case) -> dict[int, str]:
    """Officer id → a warning for each active officer whose certificate ends before the case's deadline."""
    if case.due_on is None:
        return {}
    return {co.officer_id: f"执法证有效期至 {co.officer.certificate_expiry.isoformat()}，早于办案期限 {case.due_on.isoformat()}"
            for co in _active(case)
            if co.officer.certificate_expiry is not None and co.officer.certificate_expiry < case.due_on}


__all__ = ["OFFICER_STEPS", "OfficerCode", "certificate_warnings", "do_ask_recusal",
           "do_decide_recusal", "do_reassign_officer"]
