"""The investigation pages of a case (调查): records, the evidence list with its files, 先行登记保存 and 协查 letters,
each form posting to its service with the signed-in user as the actor.

Evidence files come through `EvidenceUploadHandler`, installed before anything reads the body: the upload view is
exempt from the CSRF middleware (which would read the body first with Django's own handlers) and checks the token
itself right after.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from yibao.api.errors import refusal_status
from yibao.core.forms import DATE_INPUT_FORMATS

from .models import (
    AssistanceRequest,
    Attachment,
    Case,
    CaseOfficer,
    Evidence,
    EvidenceKind,
    InquiryRecord,
    InspectionRecord,
    InvestigationReport,
    Preservation,
    PreservationOutcome,
    Signature,
)
from .procedure import Refusal, ServiceCode
from .services.access import visible_cases
from .services.evidence import (
    EvidenceInput,
    attachment_for,
    do_add_evidence,
    do_withdraw_evidence,
    download,
    install_upload_handler,
    max_bytes,
    size_text,
)
from .services.facts import today
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

RECORD_MODELS: dict[str, type[InquiryRecord] | type[InspectionRecord]] = {
    "inquiry_record": InquiryRecord, "inspection_record": InspectionRecord}


def _invalid(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def parse_date(value: str, label: str, *, required: bool = False) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise _invalid(f"请填写{label}")
        return None
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise _invalid(f"“{label}”不是有效的日期，请按 年-月-日 填写，如 2026-03-02")


def parse_datetime(value: str, label: str) -> dt.datetime:
    value = (value or "").strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return timezone.make_aware(dt.datetime.strptime(value, fmt))
        except ValueError:
            continue
    raise _invalid(f"请按 年-月-日 时:分 填写{label}，如 2026-03-02 09:30")


def parse_qa(text: str) -> list[tuple[str, str]]:
    """Lines 问：… and 答：… (an answer may run over several lines) into ordered pairs."""
    pairs: list[list[str]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        mark = re.match(r"^(问|答)[:：]\s*(.*)$", line)
        if mark and mark.group(1) == "问":
            pairs.append([mark.group(2), ""])
        elif mark:
            if not pairs:
                raise _invalid("问答应以“问：”开始")
            pairs[-1][1] = (pairs[-1][1] + "\n" + mark.group(2)).strip()
        elif pairs:
            pairs[-1][1 if pairs[-1][1] else 0] += "\n" + line
        else:
            raise _invalid("问答每一行应以“问：”或“答：”开始")
    return [(q, a) for q, a in pairs]


def parse_items(text: str) -> list[dict]:
    """Lines "名称，规格，数量，持有人" (规格 and 持有人 may be empty)."""
    items = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in re.split(r"[，,\t]", line)]
        if not any(parts):
            continue
        parts += [""] * (4 - len(parts))
        items.append({"name": parts[0], "specification": parts[1], "quantity": parts[2], "holder": parts[3]})
    return items


def _positive(value: str, label: str) -> int:
    value = (value or "").strip()
    if not value.isdigit() or int(value) < 1:
        raise _invalid(f"{label}应为正整数")
    return int(value)


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(visible_cases(request.user).select_related("bureau"), pk=pk)


def record_input(post: Any) -> RecordInput:
    return RecordInput(
        started_at=parse_datetime(post.get("started_at", ""), "开始时间"),
        ended_at=parse_datetime(post.get("ended_at", ""), "结束时间"),
        place=post.get("place", ""), officer_ids=[int(i) for i in post.getlist("officers") if i.isdigit()],
        certificates_shown=bool(post.get("certificates_shown")), person_name=post.get("person_name", ""),
        person_relation=post.get("person_relation", ""), person_id_number=post.get("person_id_number", ""),
        person_contact=post.get("person_contact", ""), qa=parse_qa(post.get("qa", "")),
        signature=post.get("signature", ""), witness=post.get("witness", ""),
        page_count=_positive(post.get("page_count", ""), "页数"), findings=post.get("findings", ""))


def _own(model: type, case: Case, raw: str) -> Any:
    row = model.objects.filter(case=case, pk=int(raw)).first() if (raw or "").isdigit() else None
    if row is None:
        raise Http404("没有这一项")
    return row


def _act(act: str, case: Case, post: Any, actor: Any) -> str:
    """Run the posted act; return the success message."""
    if act in ("record_inquiry", "record_inspection"):
        record = (do_record_inquiry if act == "record_inquiry" else do_record_inspection)(
            case, record_input(post), actor=actor)
        return f"已制作{record._meta.verbose_name}"
    if act == "propose_preservation":
        do_propose_preservation(case, actor=actor, items=parse_items(post.get("items", "")),
                                reason=post.get("reason", ""), place=post.get("place", ""))
        return "已申请先行登记保存，待负责人批准"
    if act == "approve_preservation":
        do_approve_preservation(_own(Preservation, case, post.get("preservation")), actor=actor,
                                approve=post.get("approve") == "1", note=post.get("note", ""))
        return "已审批先行登记保存"
    if act == "register_preservation":
        p = do_register_preservation(_own(Preservation, case, post.get("preservation")), actor=actor,
                                     preserved_on=parse_date(post.get("preserved_on", ""), "登记保存日期"),
                                     notice_number=post.get("notice_number", ""))
        return f"已先行登记保存，须在 {p.due_on.isoformat()} 前作出处理决定"
    if act == "decide_preservation":
        do_decide_preservation(_own(Preservation, case, post.get("preservation")), actor=actor,
                               outcome=post.get("outcome", ""), note=post.get("note", ""),
                               decided_on=parse_date(post.get("decided_on", ""), "决定日期"))
        return "已作出先行登记保存处理决定"
    if act == "send_assistance_request":
        r = do_send_assistance_request(case, actor=actor, to_authority=post.get("to_authority", ""),
                                       matters=post.get("matters", ""), document_number=post.get("document_number", ""),
                                       sent_on=parse_date(post.get("sent_on", ""), "发函日期"))
        return f"已发出协助调查函，回复期限 {r.reply_due.isoformat()}"
    if act == "record_assistance_reply":
        do_record_assistance_reply(_own(AssistanceRequest, case, post.get("request")), actor=actor,
                                   reply=post.get("reply", ""),
                                   replied_on=parse_date(post.get("replied_on", ""), "回复日期"))
        return "已登记协查回复"
    if act == "withdraw_evidence":
        item = do_withdraw_evidence(_own(Evidence, case, post.get("evidence")), actor=actor,
                                    reason=post.get("reason", ""))
        return f"已撤回{item}"
    raise Http404("没有这个调查事项")


def _render(request: HttpRequest, case: Case, refusal: Refusal | None = None, failed: str = "") -> HttpResponse:
    return render(request, "cases/investigation/page.html", {
        "case": case, "refusal": refusal, "failed": failed, "today": today(),
        "inquiries": InquiryRecord.objects.filter(case=case), "inspections": InspectionRecord.objects.filter(case=case),
        "evidence": Evidence.objects.filter(case=case).prefetch_related("attachments").select_related("collected_by",
                                                                                                      "corrects"),
        "preservations": Preservation.objects.filter(case=case),
        "reports": InvestigationReport.objects.filter(case=case).select_related("drafted_by").prefetch_related(
            "evidence").order_by("-drafted_at", "-id"),
        "letters": AssistanceRequest.objects.filter(case=case),
        "deadlines": investigation_deadlines(case),
        "officers": CaseOfficer.objects.filter(case=case, recused_on__isnull=True).select_related("officer"),
        "evidence_kinds": EvidenceKind.choices, "signatures": Signature.choices,
        "outcomes": PreservationOutcome.choices, "max_size": size_text(max_bytes()),
    }, status=refusal_status(refusal) if refusal else 200)


def investigation(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _case(request, pk))


@require_POST
def investigation_act(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    case = _case(request, pk)
    try:
        message = _act(act, case, request.POST, request.user)
    except Refusal as refusal:
        return _render(request, case, refusal, act)
    messages.success(request, message)
    return redirect("cases:investigation", pk=case.pk)


@csrf_protect
def _upload(request: HttpRequest, pk: int, handler: Any) -> HttpResponse:
    case = _case(request, pk)
    try:
        post = request.POST  # read the body (through the handler) before asking whether it refused a file
        if handler.refused is not None:
            raise handler.refused
        data = EvidenceInput(
            kind=post.get("kind", ""), title=post.get("title", ""), source=post.get("source", ""),
            collected_by=int(post["collected_by"]) if post.get("collected_by", "").isdigit() else 0,
            collected_on=parse_date(post.get("collected_on", ""), "收集日期", required=True),
            place=post.get("place", ""), quantity=_positive(post.get("quantity", ""), "页数或件数"),
            description=post.get("description", ""),
            corrects=int(post["corrects"]) if post.get("corrects", "").isdigit() else None)
        item = do_add_evidence(case, data, request.FILES.getlist("files"), actor=request.user)
    except Refusal as refusal:
        return _render(request, case, refusal, "add_evidence")
    messages.success(request, f"已登记{item}（{item.attachments.count()} 个文件）")
    return redirect("cases:investigation", pk=case.pk)


@csrf_exempt
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence form: files stream to disk through the evidence handler; the CSRF token is checked after."""
    handler = install_upload_handler(request)
    return _upload(request, pk, handler)


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        attachment = attachment_for(request.user, pk)
    except Attachment.DoesNotExist:
        raise Http404("没有这个证据材料") from None
    return download(attachment, actor=request.user)


def record_detail(request: HttpRequest, pk: int, kind: str, record: int) -> HttpResponse:
    case = _case(request, pk)
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise Http404("没有这种笔录")
    row = get_object_or_404(model, case=case, pk=record)
    return render(request, "cases/investigation/record.html", {"case": case, "record": row,
                                                              "back": reverse("cases:investigation", args=[case.pk])})
