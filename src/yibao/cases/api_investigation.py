"""The investigation of a case on the JSON API (/api/v1/cases/{case_id}/records, evidence, preservations,
assistance-requests): the same services as the pages, the authenticated user as the actor, refusals as
`{"code", "message", "basis"}`. A case outside the caller's view is 404.

The evidence upload is multipart/form-data read by the operation itself, after `evidence_upload_handler` (the
first of its authentications, which authenticates no one) has made the files stream to disk through the evidence
handler: Ninja's own form parsing would read the body with Django's default handlers first, and a refusal for a
file over the limit could not be told from missing fields.

No `from __future__ import annotations`: Ninja reads the annotations.
"""

import contextlib
import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from yibao.api.auth import AUTH
from yibao.api.errors import ApiError, ErrorCode

from .api.common import ERRORS, acting_user
from .models import (
    AssistanceRequest,
    Attachment,
    Case,
    Evidence,
    EvidenceKind,
    InquiryRecord,
    InspectionRecord,
    Preservation,
    PreservationOutcome,
    Signature,
)
from .services.access import visible_cases
from .services.evidence import (
    EvidenceInput,
    attachment_for,
    do_add_evidence,
    do_withdraw_evidence,
    download,
    install_upload_handler,
)
from .services.investigation import (
    RecordInput,
    do_approve_preservation,
    do_decide_preservation,
    do_propose_preservation,
    do_record_assistance_reply,
    do_record_inquiry,
    do_record_inspection,
    do_register_preservation,
    do_send_assistance_request,
    investigation_deadlines,
)

router = Router(tags=["调查取证"])


def evidence_upload_handler(request: HttpRequest) -> None:
    """Not an authentication: installs the streaming evidence handler before anything reads the body."""
    # When something read the body already, its files are copied chunk by chunk by the service instead.
    with contextlib.suppress(AttributeError):
        request._evidence_upload = install_upload_handler(request)  # type: ignore[attr-defined]
    return None


def _case(request: HttpRequest, case_id: int) -> Case:
    case = visible_cases(acting_user(request)).filter(pk=case_id).first()
    if case is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"案件 {case_id} 不存在，或不在您的查看范围内")
    return case


def _row(model: type, request: HttpRequest, pk: int) -> Any:
    row = model.objects.filter(pk=pk, case__in=visible_cases(acting_user(request))).first()
    if row is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"{model._meta.verbose_name} {pk} 不存在，或不在您的查看范围内")
    return row


# ---------------------------------------------------------------- records

class QA(Schema):
    question: str
    answer: str


class RecordIn(Schema):
    kind: Literal["inquiry_record", "inspection_record"]
    started_at: dt.datetime = Field(description="开始时间（带时区，或按北京时间）")
    ended_at: dt.datetime
    place: str
    officer_ids: list[int] = Field(description="在场执法人员（org 执法人员 id），不少于两人，执法证当日有效")
    certificates_shown: bool = Field(description="已出示执法证件（行政处罚法第五十五条第一款）")
    person_name: str
    person_relation: str = Field(description="与当事人的关系")
    person_id_number: str = ""
    person_contact: str = ""
    qa: list[QA] = Field(default_factory=list, description="问答，按顺序")
    findings: str = Field("", description="检查情况（现场检查笔录必填）")
    signature: Literal[tuple(Signature.values)]  # type: ignore[valid-type]
    witness: str = ""
    page_count: int = Field(ge=1)


class OfficerCertificate(Schema):
    officer_id: int
    name: str
    certificate_number: str
    certificate_expiry: str


class RecordOut(Schema):
    id: int
    kind: str
    started_at: dt.datetime
    ended_at: dt.datetime
    place: str
    officer_certificates: list[OfficerCertificate]
    certificates_shown: bool
    person_name: str
    person_relation: str
    qa: list[QA]
    findings: str
    signature: str
    witness: str
    page_count: int
    recorded_by: str


def _aware(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return value if timezone.is_aware(value) else timezone.make_aware(value)


def record_out(r: InquiryRecord | InspectionRecord) -> dict:
    return {"id": r.pk, "kind": r.kind, "started_at": r.started_at, "ended_at": r.ended_at, "place": r.place,
            "officer_certificates": r.officer_certificates, "certificates_shown": r.certificates_shown,
            "person_name": r.person_name, "person_relation": r.person_relation, "qa": r.qa,
            "findings": getattr(r, "findings", ""), "signature": r.signature, "witness": r.witness,
            "page_count": r.page_count, "recorded_by": r.recorded_by.get_username()}


@router.get("/{case_id}/records", response={200: list[RecordOut], **ERRORS}, summary="案件的询问笔录和现场检查笔录")
def list_records(request: HttpRequest, case_id: int) -> Any:
    case = _case(request, case_id)
    rows = [*InquiryRecord.objects.filter(case=case).select_related("recorded_by"),
            *InspectionRecord.objects.filter(case=case).select_related("recorded_by")]
    return [record_out(r) for r in sorted(rows, key=lambda r: (r.started_at, r.kind, r.pk))]


@router.post("/{case_id}/records", response={201: RecordOut, **ERRORS},
             summary="制作询问笔录或现场检查笔录（调查中，本案调查岗执法人员）")
def create_record(request: HttpRequest, case_id: int, payload: RecordIn) -> Any:
    case = _case(request, case_id)
    data = RecordInput(
        started_at=_aware(payload.started_at), ended_at=_aware(payload.ended_at), place=payload.place,
        officer_ids=payload.officer_ids, certificates_shown=payload.certificates_shown,
        person_name=payload.person_name, person_relation=payload.person_relation,
        person_id_number=payload.person_id_number, person_contact=payload.person_contact,
        qa=[(p.question, p.answer) for p in payload.qa], findings=payload.findings, signature=payload.signature,
        witness=payload.witness, page_count=payload.page_count)
    call = do_record_inquiry if payload.kind == "inquiry_record" else do_record_inspection
    return Status(201, record_out(call(case, data, actor=acting_user(request))))


# ---------------------------------------------------------------- evidence

class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    download_url: str


class EvidenceOut(Schema):
    id: int
    number: int
    kind: str
    kind_label: str
    title: str
    description: str
    source: str
    collected_by: int
    collected_on: dt.date
    place: str
    quantity: int
    corrects: int | None
    withdrawn_on: dt.date | None
    withdrawal_reason: str
    attachments: list[AttachmentOut]


def evidence_out(e: Evidence) -> dict:
    return {"id": e.pk, "number": e.number, "kind": e.kind, "kind_label": e.get_kind_display(), "title": e.title,
            "description": e.description, "source": e.source, "collected_by": e.collected_by_id,
            "collected_on": e.collected_on, "place": e.place, "quantity": e.quantity, "corrects": e.corrects_id,
            "withdrawn_on": e.withdrawn_on, "withdrawal_reason": e.withdrawal_reason,
            "attachments": [{"id": a.pk, "original_name": a.original_name, "content_type": a.content_type,
                             "size": a.size, "sha256": a.sha256,
                             "download_url": f"/api/v1/cases/evidence/files/{a.pk}"} for a in e.attachments.all()]}


EVIDENCE_FORM = {
    "type": "object",
    "required": ["kind", "title", "source", "collected_by", "collected_on", "place", "quantity"],
    "properties": {
        "kind": {"type": "string", "enum": EvidenceKind.values, "description": "证据种类（行政处罚法第四十六条）"},
        "title": {"type": "string"}, "description": {"type": "string"},
        "source": {"type": "string", "description": "来源（提供人）"},
        "collected_by": {"type": "integer", "description": "收集人（本案执法人员的 id）"},
        "collected_on": {"type": "string", "format": "date"}, "place": {"type": "string"},
        "quantity": {"type": "integer", "minimum": 1, "description": "页数或件数"},
        "corrects": {"type": "integer", "description": "更正的证据 id"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": "证据材料；放在表单最后。超过 YIBAO_EVIDENCE_MAX_BYTES 的文件被拒绝（evidence_too_large）"},
    },
}


def _int(raw: str, label: str) -> int:
    if not (raw or "").strip().isdigit():
        raise ApiError(400, ErrorCode.INVALID_INPUT, f"{label}应为正整数")
    return int(raw)


@router.get("/{case_id}/evidence", response={200: list[EvidenceOut], **ERRORS}, summary="证据清单")
def list_evidence(request: HttpRequest, case_id: int) -> Any:
    case = _case(request, case_id)
    return [evidence_out(e) for e in Evidence.objects.filter(case=case).prefetch_related("attachments")]


@router.post("/{case_id}/evidence", response={201: EvidenceOut, **ERRORS}, auth=[evidence_upload_handler, *AUTH],
             summary="登记证据并上传证据材料（multipart/form-data；文件流式写入磁盘并计算 SHA-256）",
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"multipart/form-data": {"schema": EVIDENCE_FORM}}}})
def create_evidence(request: HttpRequest, case_id: int) -> Any:
    handler = getattr(request, "_evidence_upload", None)
    if handler is not None and handler.refused is None:
        request.POST  # noqa: B018 - parse the body now, through the handler
    if handler is not None and handler.refused is not None:
        raise handler.refused
    case = _case(request, case_id)
    post = request.POST
    try:
        collected_on = dt.date.fromisoformat(post.get("collected_on", ""))
    except ValueError:
        raise ApiError(400, ErrorCode.INVALID_INPUT, "collected_on：应为日期（年-月-日，如 2026-03-02）") from None
    corrects = post.get("corrects", "")
    data = EvidenceInput(kind=post.get("kind", ""), title=post.get("title", ""), source=post.get("source", ""),
                         collected_by=_int(post.get("collected_by", ""), "collected_by"), collected_on=collected_on,
                         place=post.get("place", ""), quantity=_int(post.get("quantity", ""), "quantity"),
                         description=post.get("description", ""),
                         corrects=_int(corrects, "corrects") if corrects else None)
    item = do_add_evidence(case, data, request.FILES.getlist("files"), actor=acting_user(request))
    return Status(201, evidence_out(item))


class WithdrawIn(Schema):
    reason: str


@router.post("/evidence/{evidence_id}/withdraw", response={200: EvidenceOut, **ERRORS},
             summary="撤回证据（写明理由；证据和文件保留）")
def withdraw_evidence(request: HttpRequest, evidence_id: int, payload: WithdrawIn) -> Any:
    item = _row(Evidence, request, evidence_id)
    return evidence_out(do_withdraw_evidence(item, actor=acting_user(request), reason=payload.reason))


@router.get("/evidence/files/{attachment_id}", response={200: None, **ERRORS}, summary="下载证据材料（记入审计日志）",
            openapi_extra={"responses": {"200": {"description": "文件",
                                                 "content": {"application/octet-stream": {}}}}})
def download_evidence(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        attachment = attachment_for(acting_user(request), attachment_id)
    except Attachment.DoesNotExist:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"证据材料 {attachment_id} 不存在，或不在您的查看范围内") from None
    return download(attachment, actor=acting_user(request))


# ---------------------------------------------------------------- 先行登记保存

class PreservationItem(Schema):
    name: str
    specification: str = ""
    quantity: str
    holder: str = ""


class PreservationIn(Schema):
    items: list[PreservationItem]
    reason: str = Field(description="证据可能灭失或者以后难以取得的情形")
    place: str


class ApprovalIn(Schema):
    approve: bool
    note: str = ""


class RegisterIn(Schema):
    preserved_on: dt.date | None = None
    notice_number: str = ""


class PreservationDecisionIn(Schema):
    outcome: Literal[tuple(PreservationOutcome.values)]  # type: ignore[valid-type]
    note: str = ""
    decided_on: dt.date | None = None


class PreservationOut(Schema):
    id: int
    status: str
    status_label: str
    items: list[PreservationItem]
    reason: str
    place: str
    approved_on: dt.date | None
    preserved_on: dt.date | None
    notice_number: str
    due_on: dt.date | None
    due_explanation: str
    due_provisional: bool
    overdue: bool
    outcome: str
    outcome_note: str
    decided_on: dt.date | None


def preservation_out(p: Preservation) -> dict:
    return {"id": p.pk, "status": p.status, "status_label": p.get_status_display(), "items": p.items,
            "reason": p.reason, "place": p.place, "approved_on": p.approved_on, "preserved_on": p.preserved_on,
            "notice_number": p.notice_number, "due_on": p.due_on, "due_explanation": p.due_explanation,
            "due_provisional": p.due_provisional, "overdue": p.overdue(), "outcome": p.outcome,
            "outcome_note": p.outcome_note, "decided_on": p.decided_on}


@router.get("/{case_id}/preservations", response={200: list[PreservationOut], **ERRORS}, summary="先行登记保存")
def list_preservations(request: HttpRequest, case_id: int) -> Any:
    return [preservation_out(p) for p in Preservation.objects.filter(case=_case(request, case_id))]


@router.post("/{case_id}/preservations", response={201: PreservationOut, **ERRORS},
             summary="申请先行登记保存（行政处罚法第五十六条，须经负责人批准）")
def create_preservation(request: HttpRequest, case_id: int, payload: PreservationIn) -> Any:
    p = do_propose_preservation(_case(request, case_id), actor=acting_user(request),
                                items=[i.dict() for i in payload.items], reason=payload.reason, place=payload.place)
    return Status(201, preservation_out(p))


@router.post("/preservations/{preservation_id}/approve", response={200: PreservationOut, **ERRORS},
             summary="负责人批准或不批准先行登记保存")
def approve_preservation(request: HttpRequest, preservation_id: int, payload: ApprovalIn) -> Any:
    p = _row(Preservation, request, preservation_id)
    return preservation_out(do_approve_preservation(p, actor=acting_user(request), approve=payload.approve,
                                                    note=payload.note))


@router.post("/preservations/{preservation_id}/register", response={200: PreservationOut, **ERRORS},
             summary="登记保存（批准之后），起算七个工作日的处理决定期限")
def register_preservation(request: HttpRequest, preservation_id: int, payload: RegisterIn) -> Any:
    p = _row(Preservation, request, preservation_id)
    return preservation_out(do_register_preservation(p, actor=acting_user(request), preserved_on=payload.preserved_on,
                                                     notice_number=payload.notice_number))


@router.post("/preservations/{preservation_id}/decide", response={200: PreservationOut, **ERRORS},
             summary="先行登记保存的处理决定（七个工作日内；逾期被拒绝 preservation_decision_late）")
def decide_preservation(request: HttpRequest, preservation_id: int, payload: PreservationDecisionIn) -> Any:
    p = _row(Preservation, request, preservation_id)
    return preservation_out(do_decide_preservation(p, actor=acting_user(request), outcome=payload.outcome,
                                                   note=payload.note, decided_on=payload.decided_on))


# ---------------------------------------------------------------- 协查

class AssistanceIn(Schema):
    to_authority: str
    matters: str
    document_number: str = ""
    sent_on: dt.date | None = None


class ReplyIn(Schema):
    reply: str
    replied_on: dt.date | None = None


class AssistanceOut(Schema):
    id: int
    to_authority: str
    matters: str
    document_number: str
    sent_on: dt.date
    reply_due: dt.date
    due_explanation: str
    due_provisional: bool
    overdue: bool
    replied_on: dt.date | None
    reply: str


def assistance_out(r: AssistanceRequest) -> dict:
    return {"id": r.pk, "to_authority": r.to_authority, "matters": r.matters, "document_number": r.document_number,
            "sent_on": r.sent_on, "reply_due": r.reply_due, "due_explanation": r.due_explanation,
            "due_provisional": r.due_provisional, "overdue": r.overdue(), "replied_on": r.replied_on,
            "reply": r.reply}


@router.get("/{case_id}/assistance-requests", response={200: list[AssistanceOut], **ERRORS}, summary="协助调查函")
def list_assistance_requests(request: HttpRequest, case_id: int) -> Any:
    return [assistance_out(r) for r in AssistanceRequest.objects.filter(case=_case(request, case_id))]


@router.post("/{case_id}/assistance-requests", response={201: AssistanceOut, **ERRORS},
             summary="发出协助调查函（回复期限为本局参数 assistance_reply）")
def create_assistance_request(request: HttpRequest, case_id: int, payload: AssistanceIn) -> Any:
    r = do_send_assistance_request(_case(request, case_id), actor=acting_user(request),
                                   to_authority=payload.to_authority, matters=payload.matters,
                                   document_number=payload.document_number, sent_on=payload.sent_on)
    return Status(201, assistance_out(r))


@router.post("/assistance-requests/{request_id}/reply", response={200: AssistanceOut, **ERRORS},
             summary="登记协查回复（一次）")
def record_assistance_reply(request: HttpRequest, request_id: int, payload: ReplyIn) -> Any:
    r = _row(AssistanceRequest, request, request_id)
    return assistance_out(do_record_assistance_reply(r, actor=acting_user(request), reply=payload.reply,
                                                     replied_on=payload.replied_on))


class InvestigationDeadlineOut(Schema):
    kind: str
    label: str
    due: dt.date
    provisional: bool
    basis: str
    explanation: str
    id: int


@router.get("/{case_id}/investigation-deadlines", response={200: list[InvestigationDeadlineOut], **ERRORS},
            summary="未结的调查期限：先行登记保存处理决定、协查回复")
def list_investigation_deadlines(request: HttpRequest, case_id: int) -> Any:
    return [{"kind": d.kind, "label": d.label, "due": d.due, "provisional": d.provisional, "basis": d.basis,
             "explanation": d.explanation, "id": d.pk} for d in investigation_deadlines(_case(request, case_id))]

