"""Previewing and issuing documents: every state change a do_…(…, *, actor) service with its audit event.

Who may issue (kept simple; docs/documents.md):

- a head (负责人) of the case's bureau or one above it: every kind (签发 is the head's);
- an officer on the case (not recused, certificate valid today): the internal forms (numbering "serial":
  审批表, 笔录, records) and the documents the officer serves or sends on the case's steps that are not
  decisions — none of the 文号 kinds, which the head signs;
- a legal reviewer (法制审核人员) of the bureau: the 法制审核意见书.

Previews (no number, not frozen) are open to whoever may see the case. The DOCX is filled in the request
(docxtpl, a fraction of a second); the PDF is LibreOffice's and runs as a background job
(`convert_document_job`), so no page waits for it: the page shows 生成中 and polls.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from yibao.cases.models import Case
from yibao.cases.procedure import Refusal, ServiceCode
from yibao.cases.services.access import actor_role, check_case_officer, check_scope, visible_cases
from yibao.core.audit import record_event
from yibao.org.constants import Role
from yibao.org.models import Bureau

from . import numbering, rendering
from .models import Document, DocumentSettings, DocumentStatus, DocumentTemplate, Numbering, RenderStatus

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_docx"
CONVERT_JOB = "yibao.documents.services.convert_document_job"
# The verification code: the number, this separator, then the first hex digits of the content's SHA-256.
CODE_SEPARATOR = "-"
CODE_HASH_LENGTH = 12
LEGAL_REVIEW_KINDS = frozenset({"legal_review_opinion"})


class DocumentCode:
    """Refusal codes of the documents services."""

    UNKNOWN_KIND = "unknown_document_kind"
    MISSING_DATA = "missing_document_data"
    NOT_ISSUED = "document_not_issued"
    ALREADY_CORRECTED = "document_already_corrected"
    NOT_RENDERED = "document_not_rendered"


# ---------------------------------------------------------------- kinds and settings

def kinds() -> dict[str, Any]:
    """The registry of kinds (kinds.py, in binding order)."""
    from .kinds import KINDS

    return KINDS


def kind_of(kind: str):
    try:
        return kinds()[kind]
    except KeyError:
        raise Refusal(DocumentCode.UNKNOWN_KIND, f"没有这种文书：{kind}") from None


def settings_of(bureau: Bureau) -> DocumentSettings:
    found = DocumentSettings.objects.filter(bureau=bureau).first()
    return found if found is not None else DocumentSettings(bureau=bureau)


def context_settings(bureau: Bureau):
    """The bureau's settings as the context builders take them (context/base.py)."""
    from .context.base import BureauDocumentSettings

    s = settings_of(bureau)
    return BureauDocumentSettings(
        full_name=s.full_name or bureau.name, short_name=bureau.name, address=s.address, postcode=s.postcode,
        contact=s.contact, payment_account_name=s.payment_account_name, payment_bank=s.payment_bank,
        payment_account_number=s.payment_account_number, payment_instructions=s.payment_instructions,
        seal_image=Path(s.seal_image.path) if s.seal_image else None, signer_name=s.signer_name)


def template_for(bureau: Bureau, kind) -> Path:
    """The bureau's own template of the kind if it uploaded one, else the repository's."""
    own = DocumentTemplate.objects.filter(bureau=bureau, kind=kind.kind).first()
    if own is not None and own.file:
        return Path(own.file.path)
    return TEMPLATES_DIR / kind.template


def storage_dir() -> Path:
    return Path(django_settings.YIBAO_DOCUMENTS_DIR)


def file_path(document: Document, fmt: str) -> Path | None:
    rel = document.docx_path if fmt == "docx" else document.pdf_path
    return storage_dir() / rel if rel else None


def verification_url(code: str) -> str:
    return f"{django_settings.YIBAO_PUBLIC_URL}/verify/?code={quote(code)}"


# ---------------------------------------------------------------- who may do what

def check_can_view(actor: Any, case: Case) -> None:
    if not visible_cases(actor).filter(pk=case.pk).exists():
        raise Refusal(ServiceCode.OUT_OF_SCOPE, "您无权查看该案件的文书")


def check_can_issue(actor: Any, case: Case, kind) -> None:
    role = actor_role(actor)
    check_scope(actor, case.bureau)
    if role == Role.HEAD:
        return
    if role == Role.LEGAL_REVIEWER and kind.kind in LEGAL_REVIEW_KINDS:
        return
    if role == Role.OFFICER and kind.numbering != Numbering.DOCUMENT_NUMBER:
        check_case_officer(actor, case, f"签发{kind.label}")
        return
    who = "负责人" if kind.numbering == Numbering.DOCUMENT_NUMBER else "负责人或本案的执法人员"
    raise Refusal("wrong_role", f"{kind.label}须由{who}签发")


# ---------------------------------------------------------------- filling the template

def _context(case: Case, kind, *, number: str | None, on: dt.date, params: dict) -> dict:
    from .context.base import DocumentContextInput, MissingData

    inp = DocumentContextInput(settings=context_settings(case.bureau), number=number, issued_on=on,
                               params=dict(params or {}))
    try:
        return kind.build_context(case, inp)
    except MissingData as e:
        raise Refusal(DocumentCode.MISSING_DATA, str(e)) from None
    except ValueError as e:
        raise Refusal(DocumentCode.MISSING_DATA, f"无法生成{kind.label}：{e}") from None


def _fill(case: Case, kind, context: dict, *, qr: bytes | None = None, with_seal: bool = False) -> bytes:
    s = settings_of(case.bureau)
    seal = Path(s.seal_image.path) if with_seal and s.seal_image else None
    try:
        return rendering.render_docx(template_for(case.bureau, kind), context, seal_image=seal, qr=qr)
    except rendering.RenderError as e:
        raise Refusal(DocumentCode.NOT_RENDERED, str(e)) from None


def _store(document: Document, fmt: str, data: bytes) -> tuple[str, str]:
    rel = Path(document.bureau.code or str(document.bureau_id)) / str(document.case_id) / \
        f"{document.pk}-{document.kind}.{fmt}"
    path = storage_dir() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{fmt}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return str(rel), rendering.sha256_bytes(data)


def _queue_pdf(document: Document) -> None:
    # The job's queue row is written in the caller's transaction, as the screening runs' are: both commit or
    # neither. In django-q2's sync mode (tests) the job runs right here.
    async_task(CONVERT_JOB, document.pk, task_name=f"文书 #{document.pk} PDF", group="documents")


# ---------------------------------------------------------------- previews

def do_request_preview(case: Case, kind: str, params: dict | None = None, *, actor: Any) -> Document:
    """Fill the kind for the case without a number (a draft), store the DOCX and queue its PDF."""
    check_can_view(actor, case)
    k = kind_of(kind)
    today = timezone.localdate()
    context = _context(case, k, number=None, on=today, params=params or {})
    docx = _fill(case, k, context)
    with transaction.atomic():
        old = list(Document.objects.filter(case=case, kind=k.kind, status=DocumentStatus.DRAFT))
        document = Document.objects.create(
            case=case, bureau=case.bureau, kind=k.kind, label=k.label, params=_jsonable(params),
            status=DocumentStatus.DRAFT, created_by=_user(actor))
        document.docx_path, document.docx_sha256 = _store(document, "docx", docx)
        document.save()
        record_event("document.preview", actor=actor, obj=document,
                     summary=f"预览{k.label}：{case}", data={"case": case.pk, "kind": k.kind})
        _queue_pdf(document)
    for stale in old:  # one preview of a kind per case is enough; its files go with it
        _discard(stale)
    document.refresh_from_db()
    return document


def _discard(document: Document) -> None:
    for fmt in ("docx", "pdf"):
        path = file_path(document, fmt)
        if path is not None:
            path.unlink(missing_ok=True)
    Document.objects.filter(pk=document.pk, status=DocumentStatus.DRAFT).delete()


# ---------------------------------------------------------------- issuing

def do_issue_document(case: Case, kind: str, params: dict | None = None, *, actor: Any,
                      on: dt.date | None = None) -> Document:
    """Issue the kind once: number it, fill it with the number, its verification code and QR code, store the
    DOCX with its SHA-256 and queue the PDF; the document is frozen once the PDF is stored (status issued)."""
    k = kind_of(kind)
    check_can_issue(actor, case, k)
    return _issue(case, k, params or {}, actor=actor, on=on)


def _issue(case: Case, k, params: dict, *, actor: Any, on: dt.date | None, corrects: Document | None = None,
           reason: str = "") -> Document:
    on = on or timezone.localdate()
    _context(case, k, number=None, on=on, params=params)  # refuse missing data before a number is taken
    s = settings_of(case.bureau)
    with transaction.atomic():
        series = numbering.series_of(k.numbering, k.kind, getattr(k, "abbr", "") or "")
        n = numbering.next_sequence(case.bureau, series, on.year)
        number = numbering.format_number(s, numbering=k.numbering, kind=k.kind, label=k.label,
                                         kind_abbr=getattr(k, "abbr", "") or "", year=on.year, n=n)
        context = _context(case, k, number=number, on=on, params=params)
        # The code cannot carry the hash of the file that prints it: it carries the hash of the body
        # filled with the number, before the code and QR code are added (docs/documents.md).
        content_hash = rendering.content_digest(_fill(case, k, context))
        code = f"{number}{CODE_SEPARATOR}{content_hash[:CODE_HASH_LENGTH]}"
        final = _fill(case, k, context | {"verification_code": code}, qr=rendering.qr_png(verification_url(code)),
                      with_seal=True)
        document = Document.objects.create(
            case=case, bureau=case.bureau, kind=k.kind, label=k.label, params=_jsonable(params),
            status=DocumentStatus.ISSUING, numbering=k.numbering, series=series, year=on.year, sequence=n,
            number=number, issued_on=on, issued_at=timezone.now(), issued_by=_user(actor),
            content_sha256=content_hash, verification_code=code, verification_key=content_hash[:CODE_HASH_LENGTH],
            corrects=corrects, correction_reason=reason, created_by=_user(actor))
        document.docx_path, document.docx_sha256 = _store(document, "docx", final)
        document.save()
        action = "document.correct" if corrects else "document.issue"
        record_event(action, actor=actor, obj=document,
                     summary=f"签发{k.label} {number}：{case}" + (f"（更正 {corrects.number}：{reason}）" if corrects else ""),
                     data={"case": case.pk, "kind": k.kind, "number": number, "docx_sha256": document.docx_sha256,
                           "content_sha256": content_hash, "corrects": corrects.pk if corrects else None})
        _queue_pdf(document)
    document.refresh_from_db()
    return document


def do_issue_correction(document: Document, reason: str, *, actor: Any, params: dict | None = None) -> Document:
    """A correction is a new document of the same kind, with its own number, referring to the one it corrects."""
    if document.status != DocumentStatus.ISSUED:
        raise Refusal(DocumentCode.NOT_ISSUED, "只能更正已签发的文书")
    if not (reason or "").strip():
        raise Refusal(ServiceCode.INVALID_INPUT, "请写明更正理由")
    if document.corrections.exists():
        raise Refusal(DocumentCode.ALREADY_CORRECTED,
                      f"{document.number}已被更正（{document.corrections.first().number}），请更正最新的文书")
    k = kind_of(document.kind)
    check_can_issue(actor, document.case, k)
    merged = dict(document.params or {}) | dict(params or {})
    return _issue(document.case, k, merged, actor=actor, on=None, corrects=document, reason=reason.strip())


def do_retry_rendering(document: Document, *, actor: Any) -> Document:
    """Queue the PDF again after a failed conversion (the DOCX and the number stay as they are)."""
    check_can_view(actor, document.case)
    if document.status == DocumentStatus.ISSUED:
        return document
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(render_status=RenderStatus.PENDING, render_error="")
        record_event("document.rerender", actor=actor, obj=document, summary=f"重新生成 {document}")
        _queue_pdf(document)
    document.refresh_from_db()
    return document


# ---------------------------------------------------------------- the background job

def convert_document_job(document_id: int) -> dict:
    """Convert the document's DOCX to PDF and store it with its SHA-256; an issuing document becomes issued."""
    document = Document.objects.select_related("bureau").get(pk=document_id)
    if document.status == DocumentStatus.ISSUED:
        return {"document": document_id, "status": "already issued"}
    try:
        pdf = rendering.docx_to_pdf(file_path(document, "docx"))
    except rendering.RenderError as e:
        Document.objects.filter(pk=document_id).update(render_status=RenderStatus.FAILED, render_error=str(e))
        log.error("文书 #%s PDF 生成失败：%s", document_id, e)
        return {"document": document_id, "status": "failed", "error": str(e)}
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        document.pdf_path, document.pdf_sha256 = _store(document, "pdf", pdf)
        document.render_status, document.render_error = RenderStatus.DONE, ""
        if document.status == DocumentStatus.ISSUING:
            document.status = DocumentStatus.ISSUED
            record_event("document.issued", obj=document, summary=f"{document.label} {document.number} 已生成 PDF",
                         data={"pdf_sha256": document.pdf_sha256, "docx_sha256": document.docx_sha256})
        document.save()
    return {"document": document_id, "status": document.status}


def _worker_died(args, kwargs, *, reason: str, retried: bool) -> None:
    if not retried and args:
        Document.objects.filter(pk=args[0]).exclude(status=DocumentStatus.ISSUED).update(
            render_status=RenderStatus.FAILED, render_error=f"生成进程中断：{reason}")


convert_document_job.on_worker_died = _worker_died


# ---------------------------------------------------------------- reading

def case_documents(case: Case) -> list[Document]:
    return list(Document.objects.filter(case=case).select_related("issued_by", "corrects").order_by("id"))


def issued_document(case: Case, kind: str) -> Document | None:
    """The latest issued document of the kind (a correction supersedes what it corrects)."""
    return Document.objects.filter(case=case, kind=kind, status=DocumentStatus.ISSUED).order_by("-id").first()


def do_download(document: Document, fmt: str, *, actor: Any) -> Path:
    """The stored file, after checking the actor sees the case; recorded on the audit trail."""
    check_can_view(actor, document.case)
    if fmt not in ("docx", "pdf"):
        raise Refusal(ServiceCode.INVALID_INPUT, f"不支持的格式：{fmt}（应为 docx 或 pdf）")
    path = file_path(document, fmt)
    if path is None or not path.exists():
        raise Refusal(DocumentCode.NOT_RENDERED, f"{document.label}的 {fmt.upper()} 尚未生成")
    record_event("document.download", actor=actor, obj=document,
                 summary=f"下载{document} {fmt.upper()}", data={"format": fmt, "case": document.case_id})
    return path


def _user(actor: Any):
    return actor if getattr(actor, "is_authenticated", False) else None


def _jsonable(params: dict | None) -> dict:
    """Params as stored: model instances by their id (the builders accept an id of the case's records)."""
    out = {}
    for key, value in (params or {}).items():
        out[key] = value.pk if hasattr(value, "pk") else value
    return out
