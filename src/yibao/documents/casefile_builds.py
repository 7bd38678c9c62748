"""The case file PDF as a background job: asking for it queues a build (django-q2, as the documents' PDFs are),
the page shows 生成中 and polls, and the built file is kept and served until the case's bound documents or
evidence change (the build's fingerprint). Asking and downloading are audit events; a failed build keeps its
Chinese reason and is asked for again to retry.

A real case file (dozens of documents and evidence) takes a minute to build: no request waits for it. The ZIP
only copies stored files into an archive and stays in the request (casefile.do_download_case_file).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from yibao.cases.models import Case
from yibao.cases.procedure import Refusal
from yibao.core.audit import record_event

from . import casefile, rendering
from .models import CaseFileBuild, RenderStatus
from .services import storage_dir

log = logging.getLogger(__name__)

BUILD_JOB = "yibao.documents.casefile_builds.build_case_file_job"
PDF = "pdf"


def fingerprint(case: Case) -> str:
    """SHA-256 over what the file binds: each issued document's PDF hash in binding order and each evidence
    file's hash with its entry, so a new, corrected or withdrawn item means a new build."""
    digest = hashlib.sha256()
    for d in casefile.bound_documents(case):
        digest.update(f"doc:{d.pk}:{d.pdf_sha256}\n".encode())
    for row in casefile.evidence_rows(case):
        digest.update(f"evidence:{row['number']}:{row['kind']}:{row['title']}:{row['source']}\n".encode())
        for a in row["attachments"]:
            digest.update(f"file:{a.original_name}:{a.sha256}\n".encode())
    return digest.hexdigest()


def latest_build(case: Case, fmt: str = PDF) -> CaseFileBuild | None:
    return CaseFileBuild.objects.filter(case=case, format=fmt).order_by("-id").first()


def is_current(build: CaseFileBuild | None, case: Case) -> bool:
    """The build still shows the case as it is (its documents and evidence unchanged since it was asked for)."""
    return build is not None and build.fingerprint == fingerprint(case)


def build_path(build: CaseFileBuild) -> Path | None:
    return storage_dir() / build.path if build.path else None


def do_request_case_file(case: Case, fmt: str = PDF, *, actor: Any) -> CaseFileBuild:
    """Queue a build of the case file, unless one of the case as it is now is built or being built."""
    casefile.check_can_download(actor, case)
    if fmt != PDF:
        raise Refusal("invalid_input", f"后台生成只用于案卷 PDF（{fmt.upper()} 可直接下载）")
    if not casefile.bound_documents(case):
        raise Refusal("no_issued_documents", "本案尚无已签发的文书，无法组卷")
    current = fingerprint(case)
    with transaction.atomic():
        build = (CaseFileBuild.objects.select_for_update()
                 .filter(case=case, format=fmt, fingerprint=current,
                         status__in=[RenderStatus.PENDING, RenderStatus.DONE]).order_by("-id").first())
        if build is not None and (build.status == RenderStatus.PENDING or _stored(build)):
            return build
        build = CaseFileBuild.objects.create(case=case, format=fmt, fingerprint=current,
                                             requested_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_event("case_file.request", actor=actor, obj=case, summary=f"申请生成案卷（{fmt.upper()}）：{case}",
                     data={"build": build.pk, "format": fmt, "fingerprint": current})
        # Queued in the caller's transaction, as the documents' PDFs are; in django-q2's sync mode (tests) the
        # job runs right here.
        async_task(BUILD_JOB, build.pk, task_name=f"案卷 #{build.pk} {fmt.upper()}", group="documents")
    build.refresh_from_db()
    return build


def _stored(build: CaseFileBuild) -> bool:
    path = build_path(build)
    return path is not None and path.exists()


def do_download_case_file_build(build: CaseFileBuild, *, actor: Any) -> tuple[Path, str]:
    """The built file and its download name, for whoever may download the case file; audited with its hash."""
    case = build.case
    casefile.check_can_download(actor, case)
    if build.status != RenderStatus.DONE or not _stored(build):
        raise Refusal("case_file_not_ready", "案卷尚未生成完毕，请稍候" if build.status == RenderStatus.PENDING
                      else "案卷未能生成，请重新生成")
    record_event("case_file.download", actor=actor, obj=case, summary=f"下载案卷（{build.format.upper()}）：{case}",
                 data={"format": build.format, "build": build.pk, "sha256": build.sha256, "size": build.size,
                       "fingerprint": build.fingerprint, "current": is_current(build, case)})
    return build_path(build), casefile.file_name(case, build.format)


def build_case_file_job(build_id: int) -> dict:
    """Build the case file of a queued build, store it with its SHA-256; a failure keeps its Chinese reason."""
    build = CaseFileBuild.objects.select_related("case__bureau").get(pk=build_id)
    if build.status == RenderStatus.DONE:
        return {"build": build_id, "status": build.status}
    try:
        data = casefile.build_pdf(build.case)
    except rendering.RenderError as e:
        return _failed(build_id, str(e))
    except Exception as e:  # a broken stored PDF (pypdf) must not leave the page saying 生成中 for ever
        log.exception("案卷 #%s 生成失败", build_id)
        return _failed(build_id, f"组卷出错：{e}")
    rel = Path("casefiles") / (build.case.bureau.code or str(build.case.bureau_id)) / str(build.case_id) / \
        f"{build.pk}.{build.format}"
    path = storage_dir() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{build.format}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    CaseFileBuild.objects.filter(pk=build_id).update(
        status=RenderStatus.DONE, path=str(rel), sha256=rendering.sha256_bytes(data), size=len(data), error="",
        finished_at=timezone.now())
    _prune(build)
    return {"build": build_id, "status": RenderStatus.DONE}


def _prune(build: CaseFileBuild) -> None:
    """Remove the files of the case's earlier builds: a case file is rebuilt from what it binds, and the rows
    (with their SHA-256) stay as the record of what was built and downloaded."""
    earlier = CaseFileBuild.objects.filter(case_id=build.case_id, format=build.format, pk__lt=build.pk).exclude(path="")
    for old in earlier:
        path = build_path(old)
        if path is not None:
            path.unlink(missing_ok=True)
    earlier.update(path="")


def _failed(build_id: int, reason: str) -> dict:
    CaseFileBuild.objects.filter(pk=build_id).update(status=RenderStatus.FAILED, error=reason,
                                                     finished_at=timezone.now())
    log.error("案卷 #%s 生成失败：%s", build_id, reason)
    return {"build": build_id, "status": RenderStatus.FAILED, "error": reason}


def _worker_died(args, kwargs, *, reason: str, retried: bool) -> None:
    if not retried and args:
        CaseFileBuild.objects.filter(pk=args[0], status=RenderStatus.PENDING).update(
            status=RenderStatus.FAILED, error=f"生成进程中断：{reason}", finished_at=timezone.now())


build_case_file_job.on_worker_died = _worker_died
