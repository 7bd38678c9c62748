"""Lead verification (线索核查): 立案岗 verifies a lead, then it is filed (filing.py), not filed with the reason, or
transferred to another authority, within the bureau's lead verification period (`lead_verification`,
counted from the day the lead was received), which the head may extend once (`lead_verification_extension`)
with a reason. Refusals are procedure.Refusal with stable codes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from yibao.core.audit import record_event
from yibao.org.constants import Role

from ..constants import LeadStatus
from ..models import Lead
from ..parameters import defaults
from ..procedure import FUND_SUPERVISION, Refusal, ServiceCode
from .access import actor_role, check_post, check_scope, role_refusal
from .facts import CountedDeadline, count, today
from .leads import FILABLE_LEAD_STATUSES, _move

VERIFY_POST = "立案岗"


class LeadCode:
    NOT_VERIFIED = "lead_not_verified"
    ALREADY_EXTENDED = "verification_already_extended"
    PERIOD_PASSED = "lead_verification_passed"
    NO_REASON = "no_reason"
    CLOSED = "lead_closed"


def verification_deadline(lead: Lead) -> CountedDeadline:
    """The last day to verify and decide on the lead: the bureau's period from the day it was received, and
    the extension after it once the head approved one."""
    due = count("lead_verification", lead.received_date, bureau=lead.bureau, label="线索核查期限")
    if lead.verification_extended_by_id is None:
        return due
    extended = count("lead_verification_extension", due.due, bureau=lead.bureau, label="线索核查期限（已延长）")
    return CountedDeadline(extended.key, extended.label, extended.due,
                           f"{due.explanation} 经负责人批准延长：{extended.explanation}",
                           f"{due.basis}；{extended.basis}", due.provisional or extended.provisional)


def _open(lead: Lead) -> None:
    if lead.status not in FILABLE_LEAD_STATUSES:
        raise Refusal(LeadCode.CLOSED, f"线索 {lead.number} 已“{lead.get_status_display()}”，不能再核查或决定")


def check_within_period(lead: Lead) -> None:
    """Refuse an act on the lead after its verification period (filing too calls this)."""
    due = verification_deadline(lead)
    if today() > due.due:
        raise Refusal(LeadCode.PERIOD_PASSED,
                      f"线索 {lead.number} 的核查期限已于 {due.due.isoformat()} 届满"
                      f"（{defaults()['lead_verification'].label}），须先经负责人批准延长")


def _locked(lead: Lead | int) -> Lead:
    pk = lead.pk if isinstance(lead, Lead) else lead
    return Lead.objects.select_for_update().select_related("bureau").get(pk=pk)


def _save(lead: Lead, action: str, summary: str, *, actor: Any, data: dict) -> None:
    lead.verification_due = verification_deadline(lead).due
    lead.verification_due_explanation = verification_deadline(lead).explanation
    lead.save()
    record_event(f"lead.{action}", actor=actor, obj=lead, summary=f"线索 {lead.number}：{summary}", data=data)


def do_verify_lead(lead: Lead | int, *, actor: Any, note: str) -> Lead:
    """立案岗 records what verification found; the lead is then under assessment (评估中)."""
    note = (note or "").strip()
    with transaction.atomic():
        lead = _locked(lead)
        role = actor_role(actor)
        check_scope(actor, lead.bureau)
        if role != Role.OFFICER:
            raise role_refusal("核查线索", {Role.OFFICER})
        check_post(actor, lead.bureau, VERIFY_POST, FUND_SUPERVISION, "核查线索")
        _open(lead)
        check_within_period(lead)
        if not note:
            raise Refusal(ServiceCode.INVALID_INPUT, "请填写核查情况")
        lead.verified_by, lead.verified_on, lead.verification_note = actor, today(), note
        if lead.status == LeadStatus.RECEIVED:
            _move(lead, LeadStatus.ASSESSING, "已核查", actor=actor)
        _save(lead, "verify", "核查完成", actor=actor, data={"note": note})
    return lead


def do_extend_lead_verification(lead: Lead | int, *, actor: Any, reason: str) -> Lead:
    """The head extends the verification period once, with the reason, before it ends."""
    reason = (reason or "").strip()
    with transaction.atomic():
        lead = _locked(lead)
        role = actor_role(actor)
        check_scope(actor, lead.bureau)
        if role != Role.HEAD:
            raise role_refusal("延长线索核查期限", {Role.HEAD})
        _open(lead)
        if lead.verification_extended_by_id is not None:
            raise Refusal(LeadCode.ALREADY_EXTENDED, "线索核查期限只能延长一次，已经延长过")
        if not reason:
            raise Refusal(LeadCode.NO_REASON, "延长线索核查期限须写明理由")
        check_within_period(lead)
        lead.verification_extended_by, lead.verification_extension_reason = actor, reason
        _save(lead, "extend_verification", f"负责人批准延长核查期限至 {verification_deadline(lead).due.isoformat()}",
              actor=actor, data={"reason": reason})
    return lead


DECISIONS = {LeadStatus.NOT_FILED: "不予立案", LeadStatus.TRANSFERRED: "移送其他机关"}


def do_decide_lead(lead: Lead | int, decision: str, *, actor: Any, reason: str, transferred_to: str = "") -> Lead:
    """The head decides not to file (with the reason) or to transfer the lead to another authority (named),
    after verification and within the period. Filing is do_file_case."""
    reason, transferred_to = (reason or "").strip(), (transferred_to or "").strip()
    if decision not in DECISIONS:
        raise Refusal(ServiceCode.INVALID_INPUT, "请选择：不予立案或移送其他机关（立案请走立案申请）")
    with transaction.atomic():
        lead = _locked(lead)
        role = actor_role(actor)
        check_scope(actor, lead.bureau)
        if role != Role.HEAD:
            raise role_refusal(DECISIONS[decision], {Role.HEAD})
        _open(lead)
        if lead.verified_on is None:
            raise Refusal(LeadCode.NOT_VERIFIED, f"线索 {lead.number} 尚未经立案岗核查，不能决定{DECISIONS[decision]}")
        check_within_period(lead)
        if not reason:
            raise Refusal(LeadCode.NO_REASON, f"{DECISIONS[decision]}须写明理由")
        if decision == LeadStatus.TRANSFERRED and not transferred_to:
            raise Refusal(ServiceCode.INVALID_INPUT, "请写明移送的机关")
        lead.transferred_to = transferred_to if decision == LeadStatus.TRANSFERRED else ""
        _move(lead, decision, reason, actor=actor, data={"transferred_to": lead.transferred_to})
        _save(lead, "decide", DECISIONS[decision], actor=actor,
              data={"decision": decision, "reason": reason, "transferred_to": lead.transferred_to})
    return lead
