"""Evidence (证据, 行政处罚法 第四十六条) and its files (证据材料): streamed to disk while hashed, stored once, never
changed; a correction is a new item naming the old one, a withdrawal keeps the item and its files with the reason.

A file arrives through `EvidenceUploadHandler`, which a view installs before the request body is read: each chunk
goes to a temporary file under the evidence root and into the SHA-256 as it comes, so a video of gigabytes never
sits in memory, and a file over YIBAO_EVIDENCE_MAX_BYTES is stopped while it arrives. The service then moves the
temporary file into place (a rename on the same disk). Downloads are audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import DatabaseError
from django.db.models import Max
from django.http import FileResponse

from yibao.core.audit import record_event

from ..models import Attachment, Case, Evidence, EvidenceKind
from ..procedure import Refusal, ServiceCode, penalty_law
from .access import visible_cases
from .facts import today
from .investigation import (
    INVESTIGATING,
    InvestigationCode,
    check_present_officer,
    investigation_step,
    record_act,
)

ADD_EVIDENCE = investigation_step("add_evidence", "登记证据", INVESTIGATING)
WITHDRAW_EVIDENCE = investigation_step("withdraw_evidence", "撤回证据", INVESTIGATING)
EVIDENCE_BASIS = penalty_law(46, 1)
# Kinds that may be recorded without a file: a physical object is kept as it is (its photo is optional).
FILELESS_KINDS = frozenset({EvidenceKind.PHYSICAL})
COPY_CHUNK = 1024 * 1024


def evidence_root() -> Path:
    return Path(settings.YIBAO_EVIDENCE_ROOT)


def max_bytes() -> int:
    return int(settings.YIBAO_EVIDENCE_MAX_BYTES)


def size_text(n: int) -> str:
    for unit, size in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".0 ", " ")
    return f"{n} 字节"


def too_large(name: str) -> Refusal:
    return Refusal(InvestigationCode.EVIDENCE_TOO_LARGE,
                   f"文件“{name}”超过本系统允许的单个证据文件大小上限（{size_text(max_bytes())}），未保存。"
                   "请分段上传或联系系统管理员调整上限（YIBAO_EVIDENCE_MAX_BYTES）")


def _incoming() -> Path:
    folder = evidence_root() / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class HashedUploadedFile(UploadedFile):
    """A received file on disk with its SHA-256 computed while it arrived; closing it removes the temporary file
    unless the service has already moved it into the evidence store."""

    def __init__(self, path: str, name: str, content_type: str, size: int, charset: str | None, sha256: str):
        super().__init__(open(path, "rb"), name, content_type, size, charset)  # noqa: SIM115 - closed by close()
        self.path, self.sha256 = path, sha256

    def temporary_file_path(self) -> str:
        return self.path

    def close(self) -> None:
        try:
            self.file.close()
        finally:
            Path(self.path).unlink(missing_ok=True)


class EvidenceUploadHandler(FileUploadHandler):
    """Write each chunk to a temporary file under the evidence root and into the hash; stop a file over the limit.

    Install it before the body is read (`request.upload_handlers = [EvidenceUploadHandler(request)]`); after a
    stop, `refused` holds the refusal to show (the form's later fields are lost with the rest of the body).
    """

    chunk_size = 256 * 1024

    def __init__(self, request: Any = None, limit: int | None = None):
        super().__init__(request)
        self.limit = max_bytes() if limit is None else limit
        self.refused: Refusal | None = None
        self._out: Any = None
        self._path = ""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        fd, self._path = tempfile.mkstemp(dir=_incoming(), suffix=".part")
        self._out = os.fdopen(fd, "wb")
        self._hash, self._size = hashlib.sha256(), 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._size += len(raw_data)
        if self._size > self.limit:
            self.refused = too_large(self.file_name or "")
            self._discard()
            raise StopUpload(connection_reset=False)
        self._hash.update(raw_data)
        self._out.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> HashedUploadedFile:
        self._out.close()
        self._out = None
        return HashedUploadedFile(self._path, self.file_name or "", self.content_type or "application/octet-stream",
                                  self._size, self.charset, self._hash.hexdigest())

    def upload_interrupted(self) -> None:
        self._discard()

    def _discard(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        if self._path:
            Path(self._path).unlink(missing_ok=True)


def install_upload_handler(request: Any) -> EvidenceUploadHandler:
    """Make this request's files stream through the evidence handler (before anything reads the body)."""
    handler = EvidenceUploadHandler(request)
    request.upload_handlers = [handler]
    return handler


@dataclass(frozen=True)
class Staged:
    path: Path
    name: str
    content_type: str
    size: int
    sha256: str


def stage(upload: UploadedFile) -> Staged:
    """The received file on disk with its hash: as the handler left it, or copied chunk by chunk from a file
    that came another way (a test's, a command's), hashing as it is copied."""
    name = Path(upload.name or "文件").name
    content_type = upload.content_type or "application/octet-stream"
    if isinstance(upload, HashedUploadedFile):
        return Staged(Path(upload.path), name, content_type, upload.size, upload.sha256)
    digest, size = hashlib.sha256(), 0
    fd, path = tempfile.mkstemp(dir=_incoming(), suffix=".part")
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks(COPY_CHUNK):
            size += len(chunk)
            if size > max_bytes():
                out.close()
                Path(path).unlink(missing_ok=True)
                raise too_large(name)
            digest.update(chunk)
            out.write(chunk)
    return Staged(Path(path), name, content_type, size, digest.hexdigest())


def _store(case: Case, staged: Staged, fresh: list[str]) -> str:
    """Move the staged file to <root>/<case>/<sha256>; the same content in the same case is stored once.
    A file this call puts in place is added to `fresh`, so that a rollback can take it away again."""
    relative = f"{case.pk}/{staged.sha256}"
    target = evidence_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        staged.path.unlink(missing_ok=True)
    else:
        os.replace(staged.path, target)
        target.chmod(0o440)
        fresh.append(relative)
    return relative


def _discard_uncommitted(staged: list[Staged], fresh: list[str]) -> None:
    """After a rollback: remove the staged files not yet moved and the files this call newly stored, unless a
    committed attachment (another upload of the same content) now names the file."""
    for s in staged:
        s.path.unlink(missing_ok=True)
    for relative in fresh:
        try:
            named = Attachment.objects.filter(path=relative).exists()
        except DatabaseError:
            named = True  # the database cannot say: keeping an orphan is better than losing evidence
        if not named:
            (evidence_root() / relative).unlink(missing_ok=True)


@dataclass
class EvidenceInput:
    """What an officer records of an evidence item; `collected_by` is the id of an officer of the case."""

    kind: str
    title: str
    source: str
    collected_by: int
    collected_on: dt.date
    place: str
    quantity: int
    description: str = ""
    corrects: int | None = None


def _check_evidence(case: Case, data: EvidenceInput, files: list[UploadedFile]) -> Evidence | None:
    if data.kind not in EvidenceKind.values:
        raise Refusal(ServiceCode.INVALID_INPUT, "请选择证据种类（书证、物证、视听资料、电子数据、证人证言、当事人的陈述、"
                      "鉴定意见、勘验笔录、现场笔录）", EVIDENCE_BASIS)
    for value, label in ((data.title, "证据名称"), (data.source, "来源（提供人）"), (data.place, "收集地点")):
        if not (value or "").strip():
            raise Refusal(ServiceCode.INVALID_INPUT, f"请填写{label}")
    if not isinstance(data.quantity, int) or data.quantity < 1:
        raise Refusal(ServiceCode.INVALID_INPUT, "页数或件数应为正整数")
    if data.collected_on > today():
        raise Refusal(ServiceCode.INVALID_INPUT, "收集日期不能晚于今天")
    check_present_officer(case, data.collected_by, data.collected_on, "收集证据")
    if not files and data.kind not in FILELESS_KINDS:
        raise Refusal(InvestigationCode.EVIDENCE_WITHOUT_FILE,
                      f"{EvidenceKind(data.kind).label}须上传证据材料（文件）；只有物证可以不附文件", EVIDENCE_BASIS)
    if data.corrects is None:
        return None
    old = case.evidence.filter(pk=data.corrects).first()
    if old is None:
        raise Refusal(ServiceCode.INVALID_INPUT, "被更正的证据不是本案的证据")
    return old


def do_add_evidence(case: Case | int, data: EvidenceInput, files: list[UploadedFile], *, actor: Any) -> Evidence:
    """An officer of the case at 调查岗 records an evidence item with its files, numbered next in the case."""
    files = list(files)
    staged: list[Staged] = []
    fresh: list[str] = []

    def change(c: Case) -> Evidence:
        old = _check_evidence(c, data, files)
        staged.extend(stage(f) for f in files)
        number = (c.evidence.aggregate(n=Max("number"))["n"] or 0) + 1
        item = Evidence.objects.create(
            case=c, number=number, kind=data.kind, title=data.title.strip(), description=(data.description or "").strip(),
            source=data.source.strip(), collected_by_id=data.collected_by, collected_on=data.collected_on,
            place=data.place.strip(), quantity=data.quantity, corrects=old, recorded_by=actor)
        for s in staged:
            Attachment.objects.create(evidence=item, original_name=s.name[:255], content_type=s.content_type[:120],
                                      size=s.size, sha256=s.sha256, path=_store(c, s, fresh))
        return item

    def described(item: Evidence) -> dict:
        return {"evidence": item.pk, "number": item.number, "kind": item.kind, "corrects": data.corrects,
                "files": [f"{a.sha256} {a.size}" for a in item.attachments.all()]}

    try:
        return record_act(case, ADD_EVIDENCE, actor=actor, change=change, describe=described,
                          summary=lambda item: f"登记{item}")
    except BaseException:
        # The rows are rolled back; a file stored for them would stay on disk with no row naming it.
        _discard_uncommitted(staged, fresh)
        raise


def do_withdraw_evidence(evidence: Evidence | int, *, actor: Any, reason: str) -> Evidence:
    """Withdraw an item from the evidence list with the reason; the item and its files stay on record."""
    reason = (reason or "").strip()
    pk = evidence.pk if isinstance(evidence, Evidence) else evidence
    case_id = Evidence.objects.values_list("case_id", flat=True).get(pk=pk)

    def change(c: Case) -> Evidence:
        item = Evidence.objects.get(pk=pk)
        if item.withdrawn:
            raise Refusal(InvestigationCode.EVIDENCE_WITHDRAWN, f"{item}已于 {item.withdrawn_on.isoformat()} 撤回")
        if not reason:
            raise Refusal(InvestigationCode.NO_REASON, "撤回证据须写明理由")
        item.withdrawn_on, item.withdrawn_by, item.withdrawal_reason = today(), actor, reason
        item.save(update_fields=list(Evidence.WITHDRAWAL_FIELDS))
        return item

    return record_act(case_id, WITHDRAW_EVIDENCE, actor=actor, change=change, reason=reason,
                      describe=lambda item: {"evidence": item.pk, "number": item.number},
                      summary=lambda item: f"撤回{item}")


def attachment_for(user: Any, pk: int) -> Attachment:
    """The attachment if its case is one the user may see; Attachment.DoesNotExist otherwise (a 404)."""
    return Attachment.objects.select_related("evidence__case").get(pk=pk, evidence__case__in=visible_cases(user))


def download(attachment: Attachment, *, actor: Any) -> FileResponse:
    """The file as a download, its view recorded on the audit trail."""
    evidence = attachment.evidence
    record_event("case.download_evidence", actor=actor, obj=evidence.case,
                 summary=f"{evidence.case}：下载{evidence}的材料 {attachment.original_name}",
                 data={"evidence": evidence.pk, "attachment": attachment.pk, "sha256": attachment.sha256})
    path = evidence_root() / attachment.path
    return FileResponse(path.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


__all__ = ["ADD_EVIDENCE", "WITHDRAW_EVIDENCE", "EvidenceInput", "EvidenceUploadHandler", "HashedUploadedFile",
           "attachment_for", "do_add_evidence", "do_withdraw_evidence", "download", "install_upload_handler", "stage"]
