"""Documents on the JSON API (/api/v1/): a case's documents, preview (rendering queued), issue, download
DOCX/PDF, the case file, and the public verification endpoint. Refusals are {"code", "message", "basis"}."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from yibao.api.errors import ApiError, ErrorCode
from yibao.cases.api.common import ERRORS, acting_user
from yibao.cases.services.access import visible_cases

from . import casefile, casefile_builds, services, verification
from .models import Document

case_router = Router(tags=["执法文书"])  # under /cases
router = Router(tags=["执法文书"])  # under /documents
verify_router = Router(tags=["执法文书"])


class DocumentOut(Schema):
    id: int
    case_id: int
    kind: str
    label: str
    status: str
    render_status: str
    render_error: str
    number: str
    issued_on: str | None
    verification_code: str
    docx_sha256: str
    pdf_sha256: str
    corrects: int | None
    docx_url: str | None
    pdf_url: str | None


class RenderIn(Schema):
    kind: str
    params: dict[str, Any] = {}


class CorrectionIn(Schema):
    reason: str


class VerificationOut(Schema):
    number: str
    kind: str
    kind_label: str
    bureau: str
    issued_on: str | None
    verification_code: str
    pdf_sha256: str
    docx_sha256: str
    corrects: str | None
    corrected_by: str | None


def document_json(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk, "case_id": d.case_id, "kind": d.kind, "label": d.label, "status": d.status,
        "render_status": d.render_status, "render_error": d.render_error, "number": d.number,
        "issued_on": d.issued_on.isoformat() if d.issued_on else None, "verification_code": d.verification_code,
        "docx_sha256": d.docx_sha256, "pdf_sha256": d.pdf_sha256, "corrects": d.corrects_id,
        "docx_url": f"/api/v1/documents/{d.pk}/docx" if d.docx_path else None,
        "pdf_url": f"/api/v1/documents/{d.pk}/pdf" if d.pdf_path else None,
    }


def _case(request: HttpRequest, pk: int):
    case = visible_cases(acting_user(request)).select_related("bureau").filter(pk=pk).first()
    if case is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"案件 {pk} 不存在，或不在您的查看范围内")
    return case


def _document(request: HttpRequest, pk: int) -> Document:
    document = Document.objects.select_related("case").filter(pk=pk).first()
    if document is None or not visible_cases(acting_user(request)).filter(pk=document.case_id).exists():
        raise ApiError(404, ErrorCode.NOT_FOUND, f"文书 {pk} 不存在，或不在您的查看范围内")
    return document


@case_router.get("/{case_id}/documents", response={200: list[DocumentOut], **ERRORS})
def list_documents(request: HttpRequest, case_id: int):
    """The case's documents: previews (no number) and issued ones, oldest first."""
    return [document_json(d) for d in services.case_documents(_case(request, case_id))]


@case_router.post("/{case_id}/documents/preview", response={202: DocumentOut, **ERRORS})
def preview_document(request: HttpRequest, case_id: int, payload: RenderIn):
    """Fill the kind without a number; the DOCX is there at once, the PDF when render_status is done."""
    d = services.do_request_preview(_case(request, case_id), payload.kind, payload.params, actor=acting_user(request))
    return Status(202, document_json(d))


@case_router.post("/{case_id}/documents/issue", response={201: DocumentOut, **ERRORS})
def issue_document(request: HttpRequest, case_id: int, payload: RenderIn):
    """Issue the kind once: numbered and frozen; status becomes issued when its PDF is stored."""
    d = services.do_issue_document(_case(request, case_id), payload.kind, payload.params, actor=acting_user(request))
    return Status(201, document_json(d))


@router.post("/{document_id}/correct", response={201: DocumentOut, **ERRORS})
def correct_document(request: HttpRequest, document_id: int, payload: CorrectionIn):
    """A correction: a new document of the same kind referring to this one."""
    d = services.do_issue_correction(_document(request, document_id), payload.reason, actor=acting_user(request))
    return Status(201, document_json(d))


@router.get("/{document_id}", response={200: DocumentOut, **ERRORS})
def get_document(request: HttpRequest, document_id: int):
    return document_json(_document(request, document_id))


@router.get("/{document_id}/{fmt}", response={200: None, **ERRORS})
def download_document(request: HttpRequest, document_id: int, fmt: str):
    """The stored DOCX or PDF (fmt: docx or pdf); each download is audited."""
    document = _document(request, document_id)
    path = services.do_download(document, fmt, actor=acting_user(request))
    return FileResponse(open(path, "rb"), as_attachment=True,
                        filename=f"{document.label}-{document.number or '预览'}.{fmt}")


class CaseFileBuildOut(Schema):
    id: int
    case_id: int
    format: str
    status: str
    error: str
    sha256: str
    size: int | None
    current: bool
    created_at: str
    finished_at: str | None
    status_url: str
    download_url: str | None


def build_json(build, case) -> dict[str, Any]:
    base = f"/api/v1/cases/{case.pk}/file/builds/{build.pk}"
    return {
        "id": build.pk, "case_id": case.pk, "format": build.format, "status": build.status, "error": build.error,
        "sha256": build.sha256, "size": build.size, "current": casefile_builds.is_current(build, case),
        "created_at": build.created_at.isoformat(),
        "finished_at": build.finished_at.isoformat() if build.finished_at else None,
        "status_url": base, "download_url": f"{base}/pdf" if build.status == "done" else None,
    }


def _build_response(build, case, request: HttpRequest):
    if build.status == "done":
        path, name = casefile_builds.do_download_case_file_build(build, actor=acting_user(request))
        return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type="application/pdf")
    return Status(202, build_json(build, case))


def _build(request: HttpRequest, case, build_id: int):
    casefile.check_can_download(acting_user(request), case)
    build = case.file_builds.filter(pk=build_id).first()
    if build is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"案卷生成记录 {build_id} 不存在")
    return build


@case_router.post("/{case_id}/file/{fmt}", response={202: CaseFileBuildOut, **ERRORS})
def request_case_file(request: HttpRequest, case_id: int, fmt: str):
    """Ask for the case file PDF (fmt: pdf): built in the background; 202 with the build, whose status_url to
    poll. The ZIP needs no asking: GET it."""
    case = _case(request, case_id)
    if fmt != "pdf":
        raise ApiError(400, ErrorCode.INVALID_INPUT, "只有案卷 PDF 在后台生成；ZIP 请直接下载（GET）")
    return Status(202, build_json(casefile_builds.do_request_case_file(case, actor=acting_user(request)), case))


@case_router.get("/{case_id}/file/builds/{build_id}", response={200: CaseFileBuildOut, **ERRORS})
def case_file_build(request: HttpRequest, case_id: int, build_id: int):
    """A build of the case file: pending, done (download_url) or failed (error; ask again to retry)."""
    case = _case(request, case_id)
    return build_json(_build(request, case, build_id), case)


@case_router.get("/{case_id}/file/builds/{build_id}/pdf", response={200: None, 202: CaseFileBuildOut, **ERRORS})
def download_case_file_build(request: HttpRequest, case_id: int, build_id: int):
    """The built case file PDF (audited); 202 with the build while it is still being built."""
    case = _case(request, case_id)
    return _build_response(_build(request, case, build_id), case, request)


@case_router.get("/{case_id}/file/{fmt}", response={200: None, 202: CaseFileBuildOut, **ERRORS})
def download_case_file(request: HttpRequest, case_id: int, fmt: str):
    """The case file (一案一卷); heads, legal reviewers and the case's officers; audited. zip: at once. pdf: the
    built file if it shows the case as it is, else a build is asked for and 202 names its status_url."""
    case = _case(request, case_id)
    if fmt == "pdf":
        return _build_response(casefile_builds.do_request_case_file(case, actor=acting_user(request)), case, request)
    data, name = casefile.do_download_case_file(case, fmt, actor=acting_user(request))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@verify_router.get("", response={200: VerificationOut, **ERRORS}, auth=None)
def verify_code(request: HttpRequest, code: str):
    """Public: the record of the issued document a verification code names (never its content)."""
    if not verification.allow_lookup(request.META.get("REMOTE_ADDR", "")):
        raise ApiError(429, "too_many_requests", "查询过于频繁，请一分钟后再试")
    if verification.parse_code(code) is None:
        raise ApiError(400, ErrorCode.INVALID_INPUT, verification.MALFORMED_MESSAGE)
    document = verification.find_by_code(code)
    if document is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, verification.UNKNOWN_MESSAGE)
    return verification.public_record(document)
