"""The investigation (调查岗, 行政处罚法 第五十四至五十六条): inquiry and on-site inspection records, 先行登记保存 and
协查 letters. Evidence and its files are in evidence.py.

Each act is a `do_…(…, *, actor)` that locks the case row (so two acts on one case queue, without bumping its
version: these are records beside the procedure, not steps of it), checks state, role, post and place on the case,
writes the row, a timeline entry and one audit event in one transaction.

先行登记保存 (第五十六条) needs the head's approval before the items are registered: the law gives no emergency path
with approval afterwards (that is 行政强制法 第十九条, for coercive measures such as 封存), so none is offered. The
decision on the items is due within 7 working days (第八十五条, period `preservation_decision`); a decision after
that is refused and the preservation shows as overdue. A 协查 letter's reply period is the bureau's parameter
`assistance_reply`: no law fixes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from yibao.core.audit import record_event
from yibao.org.constants import Role

from ..models import (
    AssistanceRequest,
    Case,
    CaseStep,
    InquiryRecord,
    InspectionRecord,
    Preservation,
    PreservationOutcome,
    PreservationStatus,
    Signature,
)
from ..parameters import defaults
from ..procedure import FUND_SUPERVISION, CaseState, GuardCode, Refusal, ServiceCode, penalty_law
from .facts import count, today
from .parameters import value
from .steps import RecordStep, _json, act_date, check_record_step, lock

INVESTIGATION_POST = "调查岗"
INVESTIGATING = frozenset({CaseState.INVESTIGATING})
# A preservation's decision and a letter's reply may come after the investigation ended (or the case stopped):
# every state of a filed case.
AFTER_FILING = frozenset(CaseState) - {CaseState.PROPOSED, CaseState.NOT_FILED}
SHOW_CERTIFICATES = penalty_law(55, 1)
RECORD_REQUIRED = penalty_law(55, 2)
PRESERVATION_BASIS = penalty_law(56)
# 第四十二条第一款 through the bureau's parameter min_officers (its default is the law's two).
TWO_OFFICERS_BASIS = penalty_law(42, 1)


class InvestigationCode:
    NOT_ON_CASE = "not_on_case"
    CERTIFICATES_NOT_SHOWN = "certificates_not_shown"
    NO_QUESTIONS = "no_questions"
    REFUSAL_WITHOUT_WITNESS = "refusal_without_witness"
    EVIDENCE_TOO_LARGE = "evidence_too_large"
    EVIDENCE_WITHOUT_FILE = "evidence_without_file"
    EVIDENCE_WITHDRAWN = "evidence_withdrawn"
    PRESERVATION_NOT_PROPOSED = "preservation_not_proposed"
    PRESERVATION_NOT_APPROVED = "preservation_not_approved"
    PRESERVATION_BEFORE_APPROVAL = "preservation_before_approval"
    PRESERVATION_NOT_REGISTERED = "preservation_not_registered"
    PRESERVATION_DECISION_LATE = "preservation_decision_late"
    REPLY_RECORDED = "reply_already_recorded"
    NO_REASON = "no_reason"


def investigation_step(action: str, label: str, states: frozenset[CaseState]) -> RecordStep:
    """An act of the investigating officers: an officer of the case at 调查岗 of the fund-supervision section."""
    return RecordStep(action, label, states, frozenset({Role.OFFICER}), (INVESTIGATION_POST, FUND_SUPERVISION),
                      on_case=True)


RECORD_INQUIRY = investigation_step("record_inquiry", "制作询问笔录", INVESTIGATING)
RECORD_INSPECTION = investigation_step("record_inspection", "制作现场检查笔录", INVESTIGATING)
PROPOSE_PRESERVATION = investigation_step("propose_preservation", "申请先行登记保存", INVESTIGATING)
APPROVE_PRESERVATION = RecordStep("approve_preservation", "审批先行登记保存", INVESTIGATING, frozenset({Role.HEAD}))
REGISTER_PRESERVATION = investigation_step("register_preservation", "先行登记保存", INVESTIGATING)
DECIDE_PRESERVATION = RecordStep("decide_preservation", "先行登记保存处理决定", AFTER_FILING, frozenset({Role.HEAD}))
SEND_ASSISTANCE = investigation_step("send_assistance_request", "发出协助调查函", INVESTIGATING)
RECORD_REPLY = RecordStep("record_assistance_reply", "登记协查回复", AFTER_FILING, frozenset({Role.OFFICER}),
                          on_case=True)

Made = Any  # the row an act creates or changes


def record_act(case: Case | int, spec: RecordStep, *, actor: Any, change: Callable[[Case], Made],
               describe: Callable[[Made], dict], summary: Callable[[Made], str], reason: str = "") -> Made:
    """Run one investigation act: lock the case, check who acts, change, then the timeline entry and one audit
    event, all in one transaction."""
    with transaction.atomic():
        c = lock(case, None)
        check_record_step(c, spec, actor)
        made = change(c)
        data = _json(describe(made))
        CaseStep.objects.create(case=c, action=spec.action, label=spec.label, from_state=c.state, to_state=c.state,
                                actor=actor, at=timezone.now(), reason=reason, data=data)
        record_event(f"case.{spec.action}", actor=actor, obj=c, summary=f"{c}：{summary(made)}", data=data)
    return made


def check_present_officer(case: Case, officer_id: int, on: dt.date, label: str) -> None:
    """The officer is on the case (not withdrawn) and holds a certificate valid on the day."""
    row = case.officers.filter(officer_id=officer_id, recused_on__isnull=True).select_related("officer").first()
    if row is None:
        raise Refusal(InvestigationCode.NOT_ON_CASE, f"{label}的执法人员须是本案在办的执法人员")
    if not row.officer.has_valid_certificate(on):
        raise Refusal(GuardCode.CERTIFICATE_INVALID,
                      f"执法人员 {row.officer} 的执法证在 {on.isoformat()} 无效，不能{label}", TWO_OFFICERS_BASIS)


# ---------------------------------------------------------------- records (笔录)

@dataclass
class RecordInput:
    """An inquiry or inspection record as the officers wrote it; `qa` in the order asked."""

    started_at: dt.datetime
    ended_at: dt.datetime
    place: str
    officer_ids: Sequence[int]
    certificates_shown: bool
    person_name: str
    person_relation: str
    signature: str
    page_count: int
    qa: Sequence[tuple[str, str]] = ()
    person_id_number: str = ""
    person_contact: str = ""
    witness: str = ""
    findings: str = ""


def _invalid(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def _check_record(c: Case, data: RecordInput, label: str, *, inquiry: bool) -> list[dict]:
    """Check a record; return the officers' certificate snapshot."""
    for text, name in ((data.place, "地点"), (data.person_name, "被询问人或在场人姓名"),
                       (data.person_relation, "与当事人的关系")):
        if not (text or "").strip():
            raise _invalid(f"请填写{name}")
    if data.ended_at <= data.started_at:
        raise _invalid("结束时间应晚于开始时间")
    if data.ended_at > timezone.now():
        raise _invalid("笔录时间不能晚于现在")
    day = timezone.localtime(data.started_at).date()
    if c.filed_on is not None and day < c.filed_on:
        raise _invalid(f"笔录时间不能早于立案日期 {c.filed_on.isoformat()}")
    if not data.certificates_shown:
        raise Refusal(InvestigationCode.CERTIFICATES_NOT_SHOWN,
                      "执法人员在调查或者检查时应当主动向当事人或者有关人员出示执法证件", SHOW_CERTIFICATES)
    ids = list(dict.fromkeys(int(i) for i in data.officer_ids))
    minimum = int(value(c.bureau, "min_officers", day))
    if len(ids) < minimum:
        raise Refusal(GuardCode.TOO_FEW_OFFICERS, f"询问或者检查时在场的执法人员不得少于{minimum}人", TWO_OFFICERS_BASIS)
    for officer_id in ids:
        check_present_officer(c, officer_id, day, label)
    if inquiry and not any((q or "").strip() for q, _ in data.qa):
        raise Refusal(InvestigationCode.NO_QUESTIONS, "询问笔录应当记录所问的问题和回答", RECORD_REQUIRED)
    if any(not (q or "").strip() or not (a or "").strip() for q, a in data.qa):
        raise _invalid("每一问都应有回答（拒绝回答的，如实记明“拒绝回答”）")
    if not inquiry and not (data.findings or "").strip():
        raise _invalid("请填写检查情况")
    if data.signature not in Signature.values:
        raise _invalid("请选择签名情况：已核对并签名，或拒绝签名")
    if data.signature == Signature.REFUSED and not (data.witness or "").strip():
        raise Refusal(InvestigationCode.REFUSAL_WITHOUT_WITNESS, "被询问人或在场人拒绝签名的，应当注明并由见证人签名")
    if not isinstance(data.page_count, int) or data.page_count < 1:
        raise _invalid("页数应为正整数")
    rows = c.officers.filter(officer_id__in=ids).select_related("officer")
    return [{"officer_id": r.officer_id, "name": r.officer.name, "certificate_number": r.officer.certificate_number,
             "certificate_expiry": r.officer.certificate_expiry.isoformat()} for r in rows]


def _record(case: Case | int, data: RecordInput, spec: RecordStep, model: type[models.Model], *, actor: Any,
            inquiry: bool, extra: dict) -> Any:
    def change(c: Case) -> Any:
        certificates = _check_record(c, data, spec.label, inquiry=inquiry)
        row = model.objects.create(
            case=c, started_at=data.started_at, ended_at=data.ended_at, place=data.place.strip(),
            officer_certificates=certificates, certificates_shown=True, person_name=data.person_name.strip(),
            person_id_number=(data.person_id_number or "").strip(), person_relation=data.person_relation.strip(),
            person_contact=(data.person_contact or "").strip(),
            qa=[{"question": q.strip(), "answer": a.strip()} for q, a in data.qa],
            signature=data.signature, witness=(data.witness or "").strip(), page_count=data.page_count,
            recorded_by=actor, **extra)
        row.officers.set([o["officer_id"] for o in certificates])
        return row

    return record_act(case, spec, actor=actor, change=change,
                      describe=lambda r: {"record": r.pk, "kind": r.kind, "officers": [o.pk for o in r.officers.all()],
                                          "questions": len(r.qa), "signature": r.signature},
                      summary=lambda r: f"{spec.label}（{r.started_at.astimezone(timezone.get_current_timezone()):%Y-%m-%d %H:%M}）")


def do_record_inquiry(case: Case | int, data: RecordInput, *, actor: Any) -> InquiryRecord:
    """询问笔录 (第五十五条): at least two officers of the case present with certificates valid that day and shown."""
    return _record(case, data, RECORD_INQUIRY, InquiryRecord, actor=actor, inquiry=True, extra={})


def do_record_inspection(case: Case | int, data: RecordInput, *, actor: Any) -> InspectionRecord:
    """现场检查笔录 (第五十五条), with what was inspected and found."""
    return _record(case, data, RECORD_INSPECTION, InspectionRecord, actor=actor, inquiry=False,
                   extra={"findings": (data.findings or "").strip()})


# ---------------------------------------------------------------- 先行登记保存

def _items(items: Sequence[dict]) -> list[dict]:
    out = []
    for item in items:
        name = str(item.get("name", "")).strip()
        quantity = str(item.get("quantity", "")).strip()
        if not name or not quantity:
            raise _invalid("物品清单每一项都应有名称和数量")
        out.append({"name": name, "specification": str(item.get("specification", "")).strip(), "quantity": quantity,
                    "holder": str(item.get("holder", "")).strip()})
    if not out:
        raise _invalid("请列明先行登记保存的物品")
    return out


def _preservation(pk: Preservation | int) -> tuple[int, int]:
    pk = pk.pk if isinstance(pk, Preservation) else pk
    return pk, Preservation.objects.values_list("case_id", flat=True).get(pk=pk)


def _describe_preservation(p: Preservation) -> dict:
    return {"preservation": p.pk, "status": p.status, "due_on": p.due_on, "outcome": p.outcome}


def do_propose_preservation(case: Case | int, *, actor: Any, items: Sequence[dict], reason: str,
                            place: str) -> Preservation:
    """An officer asks the head to approve 先行登记保存 of the items listed, saying why the evidence may be lost."""
    reason, place = (reason or "").strip(), (place or "").strip()

    def change(c: Case) -> Preservation:
        listed = _items(items)
        if not reason:
            raise Refusal(InvestigationCode.NO_REASON, "请写明证据可能灭失或者以后难以取得的情形", PRESERVATION_BASIS)
        if not place:
            raise _invalid("请填写保存地点")
        return Preservation.objects.create(case=c, items=listed, reason=reason, place=place, proposed_by=actor,
                                           proposed_on=today())

    return record_act(case, PROPOSE_PRESERVATION, actor=actor, change=change, reason=reason,
                      describe=_describe_preservation, summary=lambda p: f"申请先行登记保存（{len(p.items)}项）")


def do_approve_preservation(preservation: Preservation | int, *, actor: Any, approve: bool,
                            note: str = "") -> Preservation:
    """The head approves or refuses the proposal (第五十六条: 经行政机关负责人批准)."""
    pk, case_id = _preservation(preservation)
    note = (note or "").strip()

    def change(c: Case) -> Preservation:
        p = Preservation.objects.get(pk=pk)
        if p.status != PreservationStatus.PROPOSED:
            raise Refusal(InvestigationCode.PRESERVATION_NOT_PROPOSED,
                          f"该先行登记保存处于“{p.get_status_display()}”，不是待批准的申请")
        if not approve and not note:
            raise Refusal(InvestigationCode.NO_REASON, "不批准的，须写明理由")
        p.status = PreservationStatus.APPROVED if approve else PreservationStatus.REFUSED
        p.approved_by, p.approved_on, p.approval_note = actor, today(), note
        p.save()
        return p

    return record_act(case_id, APPROVE_PRESERVATION, actor=actor, change=change, reason=note,
                      describe=_describe_preservation,
                      summary=lambda p: "批准先行登记保存" if approve else "不批准先行登记保存")


def do_register_preservation(preservation: Preservation | int, *, actor: Any, preserved_on: dt.date | None = None,
                             notice_number: str = "") -> Preservation:
    """The officers register the approved items on the day (not before the approval); the decision is due
    7 working days later (第五十六条, 第八十五条)."""
    pk, case_id = _preservation(preservation)
    day = act_date(preserved_on)

    def change(c: Case) -> Preservation:
        p = Preservation.objects.get(pk=pk)
        if p.status != PreservationStatus.APPROVED:
            raise Refusal(InvestigationCode.PRESERVATION_NOT_APPROVED,
                          "先行登记保存须经行政机关负责人批准后方可实施", PRESERVATION_BASIS)
        if day < p.approved_on:
            raise Refusal(InvestigationCode.PRESERVATION_BEFORE_APPROVAL,
                          f"登记保存日期不能早于负责人批准的日期 {p.approved_on.isoformat()}", PRESERVATION_BASIS)
        due = count("preservation_decision", day, bureau=c.bureau, label="先行登记保存处理决定期限")
        p.status, p.preserved_on, p.notice_number = PreservationStatus.PRESERVED, day, (notice_number or "").strip()
        p.due_on, p.due_explanation, p.due_provisional = due.due, due.explanation, due.provisional
        p.save()
        return p

    return record_act(case_id, REGISTER_PRESERVATION, actor=actor, change=change, describe=_describe_preservation,
                      summary=lambda p: f"先行登记保存，处理决定期限 {p.due_on.isoformat()}")


def do_decide_preservation(preservation: Preservation | int, *, actor: Any, outcome: str, note: str = "",
                           decided_on: dt.date | None = None) -> Preservation:
    """The head decides on the preserved items within the 7 working days; later is refused."""
    pk, case_id = _preservation(preservation)
    note = (note or "").strip()
    day = act_date(decided_on)

    def change(c: Case) -> Preservation:
        p = Preservation.objects.get(pk=pk)
        if p.status != PreservationStatus.PRESERVED:
            raise Refusal(InvestigationCode.PRESERVATION_NOT_REGISTERED,
                          f"该先行登记保存处于“{p.get_status_display()}”，没有待处理的保存物品")
        if outcome not in PreservationOutcome.values:
            raise _invalid("请选择处理决定：退还、移送有关部门、依法没收或其他处理")
        if outcome != PreservationOutcome.RETURN and not note:
            raise _invalid(f"处理决定为“{PreservationOutcome(outcome).label}”时须写明具体内容（接收部门、依据等）")
        if day < p.preserved_on:
            raise _invalid("决定日期不能早于登记保存日期")
        if day > p.due_on:
            raise Refusal(InvestigationCode.PRESERVATION_DECISION_LATE,
                          f"先行登记保存应当在七日（工作日）内作出处理决定：期限已于 {p.due_on.isoformat()} 届满",
                          PRESERVATION_BASIS)
        p.status, p.outcome, p.outcome_note = PreservationStatus.DECIDED, outcome, note
        p.decided_by, p.decided_on = actor, day
        p.save()
        return p

    return record_act(case_id, DECIDE_PRESERVATION, actor=actor, change=change, reason=note,
                      describe=_describe_preservation,
                      summary=lambda p: f"先行登记保存处理决定：{p.get_outcome_display()}")


# ---------------------------------------------------------------- 协查

def do_send_assistance_request(case: Case | int, *, actor: Any, to_authority: str, matters: str,
                               document_number: str = "", sent_on: dt.date | None = None) -> AssistanceRequest:
    """An officer sends a 协助调查函; the reply is due after the bureau's period `assistance_reply`."""
    to_authority, matters = (to_authority or "").strip(), (matters or "").strip()
    day = act_date(sent_on)

    def change(c: Case) -> AssistanceRequest:
        if not to_authority or not matters:
            raise _invalid("请填写协查单位和协查事项")
        due = count("assistance_reply", day, bureau=c.bureau, label="协查回复期限")
        return AssistanceRequest.objects.create(
            case=c, to_authority=to_authority, matters=matters, document_number=(document_number or "").strip(),
            sent_on=day, sent_by=actor, reply_due=due.due, due_explanation=due.explanation,
            due_provisional=due.provisional)

    return record_act(case, SEND_ASSISTANCE, actor=actor, change=change,
                      describe=lambda r: {"assistance_request": r.pk, "to": r.to_authority, "reply_due": r.reply_due},
                      summary=lambda r: f"向{r.to_authority}发出协助调查函，回复期限 {r.reply_due.isoformat()}")


def do_record_assistance_reply(request: AssistanceRequest | int, *, actor: Any, reply: str,
                               replied_on: dt.date | None = None) -> AssistanceRequest:
    """An officer of the case records the reply, once; a late reply is recorded as it came (it stays marked late)."""
    pk = request.pk if isinstance(request, AssistanceRequest) else request
    case_id = AssistanceRequest.objects.values_list("case_id", flat=True).get(pk=pk)
    reply = (reply or "").strip()
    day = act_date(replied_on)

    def change(c: Case) -> AssistanceRequest:
        r = AssistanceRequest.objects.get(pk=pk)
        if r.replied_on is not None:
            raise Refusal(InvestigationCode.REPLY_RECORDED, f"该函的回复已于 {r.replied_on.isoformat()} 登记")
        if not reply:
            raise _invalid("请填写回复内容")
        if day < r.sent_on:
            raise _invalid("回复日期不能早于发函日期")
        r.replied_on, r.reply, r.reply_recorded_by = day, reply, actor
        r.save()
        return r

    return record_act(case_id, RECORD_REPLY, actor=actor, change=change,
                      describe=lambda r: {"assistance_request": r.pk, "replied_on": r.replied_on,
                                          "late": r.replied_on > r.reply_due},
                      summary=lambda r: f"登记{r.to_authority}的协查回复")


# ---------------------------------------------------------------- deadlines

@dataclass(frozen=True)
class InvestigationDeadline:
    """An open deadline of the investigation: a preservation to decide on, or a 协查 reply awaited."""

    kind: str  # "preservation" or "assistance_reply"
    label: str
    due: dt.date
    provisional: bool
    basis: str
    explanation: str
    case_id: int
    pk: int  # of the Preservation or the AssistanceRequest

    def overdue(self, on: dt.date) -> bool:
        return on > self.due


PRESERVATION_KIND, ASSISTANCE_KIND = "preservation", "assistance_reply"
# No law fixes the reply period: the board shows the parameter's own basis and source.
ASSISTANCE_BASIS = f"{defaults()['assistance_reply'].basis}（{defaults()['assistance_reply'].source}）"
INVESTIGATION_KIND_LABELS = {PRESERVATION_KIND: "先行登记保存处理决定期限", ASSISTANCE_KIND: "协查回复期限"}


def _preservation_deadline(p: Preservation) -> InvestigationDeadline:
    return InvestigationDeadline(PRESERVATION_KIND, INVESTIGATION_KIND_LABELS[PRESERVATION_KIND], p.due_on,
                                 p.due_provisional, PRESERVATION_BASIS.label(), p.due_explanation, p.case_id, p.pk)


def _assistance_deadline(r: AssistanceRequest) -> InvestigationDeadline:
    return InvestigationDeadline(ASSISTANCE_KIND, INVESTIGATION_KIND_LABELS[ASSISTANCE_KIND], r.reply_due,
                                 r.due_provisional, ASSISTANCE_BASIS, r.due_explanation, r.case_id, r.pk)


def open_preservations() -> Any:
    return Preservation.objects.filter(status=PreservationStatus.PRESERVED)


def open_assistance_requests() -> Any:
    return AssistanceRequest.objects.filter(replied_on__isnull=True)


def investigation_deadlines(case: Case) -> list[InvestigationDeadline]:
    """The case's open investigation deadlines, nearest first: preservations awaiting their decision and 协查
    letters awaiting their reply."""
    rows = [_preservation_deadline(p) for p in open_preservations().filter(case=case)]
    rows += [_assistance_deadline(r) for r in open_assistance_requests().filter(case=case)]
    return sorted(rows, key=lambda d: (d.due, d.kind, d.pk))


def investigation_deadlines_until(until: dt.date, bureau_ids: list[int] | None = None) -> list[InvestigationDeadline]:
    """The same across cases (of the bureaus given; None: all), due on or before `until`, nearest first: for the
    supervision board."""
    preservations = open_preservations().filter(due_on__lte=until)
    letters = open_assistance_requests().filter(reply_due__lte=until)
    if bureau_ids is not None:
        preservations = preservations.filter(case__bureau_id__in=bureau_ids)
        letters = letters.filter(case__bureau_id__in=bureau_ids)
    rows = [_preservation_deadline(p) for p in preservations] + [_assistance_deadline(r) for r in letters]
    return sorted(rows, key=lambda d: (d.due, d.kind, d.pk))
