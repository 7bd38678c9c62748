"""The case file (一案一卷) on the case page: the PDF is asked for, built by a background job while the section
shows 生成中 and polls (HTMX), then offered for download; the ZIP downloads at once (views.case_file)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from yibao.cases.procedure import Refusal
from yibao.monitoring.views import forbidden

from . import casefile, casefile_builds
from .models import CaseFileBuild, DocumentStatus
from .views import _case


def _fragment(request: HttpRequest, case, *, refusal: Refusal | None = None, status: int = 200) -> HttpResponse:
    try:
        casefile.check_can_download(request.user, case)
    except Refusal:
        return HttpResponse("")  # the section shows nothing of the case file to whoever may not download it
    build = casefile_builds.latest_build(case)
    has_issued = case.documents.filter(status=DocumentStatus.ISSUED).exists()
    return render(request, "documents/_case_file.html", {
        "case": case, "build": build, "current": casefile_builds.is_current(build, case),
        "has_issued": has_issued, "refusal": refusal,
    }, status=status)


def case_file_state(request: HttpRequest, pk: int) -> HttpResponse:
    """The case file's part of the 文书 section: 生成 / 生成中 (polling) / 下载 / 生成失败 and 重新生成."""
    return _fragment(request, _case(request, pk))


@require_POST
def request_case_file(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    try:
        casefile_builds.do_request_case_file(case, actor=request.user)
    except Refusal as refused:
        return _fragment(request, case, refusal=refused)
    return _fragment(request, case)


def download_case_file_build(request: HttpRequest, pk: int, build: int) -> HttpResponse:
    case = _case(request, pk)
    found = get_object_or_404(CaseFileBuild, pk=build, case=case)
    try:
        path, name = casefile_builds.do_download_case_file_build(found, actor=request.user)
    except Refusal as refused:
        return forbidden(request, refused.message)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type="application/pdf")


def case_file_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address of the case file PDF: the built file if it is current, else the page that builds it."""
    case = _case(request, pk)
    build = casefile_builds.latest_build(case)
    if build is not None and build.status == "done" and casefile_builds.is_current(build, case):
        return download_case_file_build(request, pk, build.pk)
    try:
        casefile.check_can_download(request.user, case)
    except Refusal as refused:
        return forbidden(request, refused.message)
    return render(request, "documents/case_file.html", {"case": case})
