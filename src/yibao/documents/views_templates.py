"""The 文书模板 page of the bureau's document settings: each kind's template in force (the bureau's own or the
repository's), download it, upload a replacement, go back to the default (bureau_templates.py checks and keeps)."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yibao.cases.procedure import Refusal
from yibao.monitoring.views import forbidden
from yibao.org.models import Bureau
from yibao.org.permissions import get_profile, restrict, role_refusal_message

from . import bureau_templates, services


def _template_bureau(request: HttpRequest, bureau: int | None) -> Bureau | None:
    """The user's own bureau, or one they see (404 for any other)."""
    if bureau is None:
        profile = get_profile(request.user)
        return profile.bureau if profile is not None else None
    return get_object_or_404(restrict(Bureau.objects.all(), request.user, "pk"), pk=bureau)


def _templates_page(request: HttpRequest, bureau: Bureau, *, errors: dict[str, str] | None = None,
                    status: int = 200) -> HttpResponse:
    # A head of a city or province bureau manages the templates of the bureaus below it as well.
    bureaus = [b for b in restrict(Bureau.objects.all(), request.user, "pk")
               if bureau_templates.may_manage(request.user, b)]
    return render(request, "documents/templates.html", {
        "bureau": bureau, "rows": bureau_templates.templates_in_force(bureau), "errors": errors or {},
        "bureaus": bureaus if len(bureaus) > 1 else [],
        "max_mb": django_settings.YIBAO_DOCUMENT_TEMPLATE_MAX_BYTES // 1024 // 1024,
    }, status=status)


def _managed_bureau(request: HttpRequest, bureau: int | None) -> Bureau | HttpResponse:
    target = _template_bureau(request, bureau)
    try:
        if target is None:
            raise Refusal("wrong_role", role_refusal_message("管理本局文书模板", bureau_templates.TEMPLATE_ROLES))
        bureau_templates.check_can_manage(request.user, target)
    except Refusal as refused:
        return forbidden(request, refused.message)
    return target


def document_templates(request: HttpRequest, bureau: int | None = None) -> HttpResponse:
    target = _managed_bureau(request, bureau)
    if isinstance(target, HttpResponse):
        return target
    return _templates_page(request, target)


def _known_kind(kind: str) -> None:
    if kind not in services.kinds():
        raise Http404(kind)


def template_download(request: HttpRequest, bureau: int, kind: str) -> HttpResponse:
    target = _managed_bureau(request, bureau)
    if isinstance(target, HttpResponse):
        return target
    _known_kind(kind)
    path, name = bureau_templates.template_file(target, kind, actor=request.user)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)


@require_POST
def template_upload(request: HttpRequest, bureau: int, kind: str) -> HttpResponse:
    target = _managed_bureau(request, bureau)
    if isinstance(target, HttpResponse):
        return target
    _known_kind(kind)
    upload = request.FILES.get("file")
    if upload is None:
        return _templates_page(request, target, errors={kind: "请选择要上传的 .docx 文件"}, status=400)
    try:
        row = bureau_templates.do_upload_template(target, kind, upload, actor=request.user)
    except Refusal as refused:
        return _templates_page(request, target, errors={kind: refused.message}, status=400)
    messages.success(request, f"已启用本局的{services.kind_of(kind).label}模板（SHA-256 {row.sha256[:12]}…）")
    return redirect("documents:templates_of", bureau=target.pk)


@require_POST
def template_revert(request: HttpRequest, bureau: int, kind: str) -> HttpResponse:
    target = _managed_bureau(request, bureau)
    if isinstance(target, HttpResponse):
        return target
    _known_kind(kind)
    try:
        bureau_templates.do_revert_template(target, kind, actor=request.user)
    except Refusal as refused:
        return _templates_page(request, target, errors={kind: refused.message}, status=400)
    messages.success(request, f"{services.kind_of(kind).label}已恢复为默认模板")
    return redirect("documents:templates_of", bureau=target.pk)
