"""Pages of the documents: the 文书 section of a case page (HTMX, polling while a PDF is made), downloads,
the case file, the bureau's document settings, and the public verification page (no sign-in)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yibao.cases.models import Case
from yibao.cases.procedure import Refusal
from yibao.cases.services.access import visible_cases
from yibao.cases.services.registry import action_label
from yibao.monitoring.views import forbidden
from yibao.org.permissions import get_profile, has_role, role_refusal_message

from . import applicable, casefile, services, verification
from .models import Document, DocumentSettings, DocumentStatus, RenderStatus

SETTINGS_ROLES = frozenset({"head", "admin"})
UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(visible_cases(request.user).select_related("bureau"), pk=pk)


def _step_label(step: str) -> str:
    """The step's name as the case page's actions give it (one table: cases.services.registry)."""
    try:
        return action_label(step)
    except (ValueError, KeyError):
        return step


def _section(request: HttpRequest, case: Case, *, refusal: Refusal | None = None, done: str = "") -> HttpResponse:
    documents = services.case_documents(case)
    by_kind: dict[str, list[Document]] = {}
    for d in documents:
        by_kind.setdefault(d.kind, []).append(d)
    groups: list[dict[str, Any]] = []
    try:
        registry = services.kinds()
    except ImportError:
        registry = {}
    # The kinds of the case's procedure and of the steps it has reached, and those it already has documents
    # of; 「全部文书」 (all=1) lists every kind, for a reviewer.
    show_all = request.GET.get("all") == "1"
    offered = set(applicable.applicable_kinds(applicable.facts_of(case), registry)) | set(by_kind)
    for kind in registry.values():
        if not show_all and kind.kind not in offered:
            continue
        try:
            services.check_can_issue(request.user, case, kind)
            may_issue = True
        except Refusal:
            may_issue = False
        row = {"kind": kind, "documents": by_kind.get(kind.kind, []), "may_issue": may_issue}
        if not groups or groups[-1]["step"] != kind.step:
            groups.append({"step": kind.step, "label": _step_label(kind.step), "rows": []})
        groups[-1]["rows"].append(row)
    pending = any(d.render_status == RenderStatus.PENDING for d in documents)
    may_download_file = True
    try:
        casefile.check_can_download(request.user, case)
    except Refusal:
        may_download_file = False
    return render(request, "documents/_case_documents.html", {
        "case": case, "groups": groups, "pending": pending, "refusal": refusal, "done": done,
        "show_all": show_all, "hidden": len(registry) - len(offered & set(registry)),
        "all_query": "?all=1" if show_all else "",
        "may_download_file": may_download_file,
        "has_issued": any(d.status == DocumentStatus.ISSUED for d in documents),
    })


def case_documents(request: HttpRequest, pk: int) -> HttpResponse:
    return _section(request, _case(request, pk))


@require_POST
def preview(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case = _case(request, pk)
    try:
        services.do_request_preview(case, kind, _params(request), actor=request.user)
    except Refusal as refused:
        return _section(request, case, refusal=refused)
    return _section(request, case, done="已生成预览（DOCX 可立即下载，PDF 生成后可下载）")


@require_POST
def issue(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case = _case(request, pk)
    try:
        doc = services.do_issue_document(case, kind, _params(request), actor=request.user)
    except Refusal as refused:
        return _section(request, case, refusal=refused)
    return _section(request, case, done=f"已签发 {doc.label} {doc.number}")


@require_POST
def correct(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    case = _case(request, pk)
    document = get_object_or_404(Document, pk=doc, case=case)
    try:
        fixed = services.do_issue_correction(document, request.POST.get("reason", ""), actor=request.user)
    except Refusal as refused:
        return _section(request, case, refusal=refused)
    return _section(request, case, done=f"已签发更正文书 {fixed.number}")


@require_POST
def rerender(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    case = _case(request, pk)
    document = get_object_or_404(Document, pk=doc, case=case)
    try:
        services.do_retry_rendering(document, actor=request.user)
    except Refusal as refused:
        return _section(request, case, refusal=refused)
    return _section(request, case, done="已重新排队生成 PDF")


def _params(request: HttpRequest) -> dict:
    # Which record a document is about (询问笔录 of record 3…): params.<name>=<id or text> fields.
    out: dict[str, Any] = {}
    for key, value in request.POST.items():
        if key.startswith("params.") and value.strip():
            out[key.removeprefix("params.")] = int(value) if value.strip().isdigit() else value.strip()
    return out


def download(request: HttpRequest, doc: int, fmt: str) -> HttpResponse:
    document = get_object_or_404(Document.objects.select_related("case"), pk=doc)
    try:
        path = services.do_download(document, fmt, actor=request.user)
    except Refusal as refused:
        return forbidden(request, refused.message)
    suffix = document.number or "预览"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"{document.label}-{suffix}.{fmt}")


def case_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    case = _case(request, pk)
    try:
        data, name = casefile.do_download_case_file(case, fmt, actor=request.user)
    except Refusal as refused:
        return forbidden(request, refused.message)
    except services.rendering.RenderError as e:
        return forbidden(request, str(e))
    content_type = "application/pdf" if fmt == "pdf" else "application/zip"
    response = HttpResponse(data, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# ---------------------------------------------------------------- settings

class DocumentSettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = ["full_name", "abbreviation", "address", "postcode", "contact", "payment_account_name",
                  "payment_bank", "payment_account_number", "payment_instructions", "number_format",
                  "seal_image", "signer_name"]
        widgets = {"payment_instructions": forms.Textarea(attrs={"rows": 3, "cols": 60})}


def document_settings(request: HttpRequest) -> HttpResponse:
    profile = get_profile(request.user)
    if profile is None or not has_role(request.user, SETTINGS_ROLES):
        return forbidden(request, role_refusal_message("设置本局文书", SETTINGS_ROLES))
    instance = DocumentSettings.objects.filter(bureau=profile.bureau).first() or DocumentSettings(bureau=profile.bureau)
    form = DocumentSettingsForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        from django.db import transaction

        from yibao.core.audit import record_event

        with transaction.atomic():
            saved = form.save()
            record_event("document_settings.update", actor=request.user, obj=saved,
                         summary=f"修改文书设置：{profile.bureau.name}", data={"fields": form.changed_data})
        messages.success(request, "已保存本局文书设置")
        return redirect("documents:settings")
    return render(request, "documents/settings.html", {"form": form, "bureau": profile.bureau})


# ---------------------------------------------------------------- public verification

def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def verify(request: HttpRequest) -> HttpResponse:
    """Check a code (or an uploaded file) against the record; shows the record, never the content."""
    code = (request.GET.get("code") or request.POST.get("code") or "").strip()
    upload = request.FILES.get("file")
    context: dict[str, Any] = {"code": code, "record": None, "message": "", "checked": False}
    if code or upload:
        if not verification.allow_lookup(_client(request)):
            context["message"] = "查询过于频繁，请一分钟后再试。"
            return render(request, "documents/verify.html", context, status=429)
        context["checked"] = True
        if upload is not None:
            if upload.size > UPLOAD_MAX_BYTES:
                context["message"] = f"文件过大（不超过 {UPLOAD_MAX_BYTES // 1024 // 1024} MB）"
                return render(request, "documents/verify.html", context, status=400)
            found = verification.find_by_file(data=upload.read())
            context["file_name"] = upload.name
            if found is None:
                context["message"] = ("该文件与任何已签发文书的记录均不一致：文件可能被修改过，或不是本系统签发的文书。")
        else:
            if verification.parse_code(code) is None:
                context["message"] = verification.MALFORMED_MESSAGE
                found = None
            else:
                found = verification.find_by_code(code)
                if found is None:
                    context["message"] = verification.UNKNOWN_MESSAGE
        if found is not None:
            context["record"] = verification.public_record(found)
    return render(request, "documents/verify.html", context)
