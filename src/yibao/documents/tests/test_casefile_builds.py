"""The case file PDF as a background job: asked for → 生成中 → ready → downloaded (a PDF with its contents page);
a build is reused until the case's documents change; a failed build says why in Chinese and is asked for again;
only heads, reviewers and the case's officers ask and download; asking and downloading are audited."""

import io

import pytest
from django_q.conf import Conf

from yibao.cases.procedure import Refusal
from yibao.core.models import AuditEvent
from yibao.documents import casefile, casefile_builds, rendering, services
from yibao.documents.models import CaseFileBuild, RenderStatus

from . import test_casefile

pytestmark = pytest.mark.django_db
case_with_documents = test_casefile.case_with_documents  # the case file tests' case with two issued documents


def tiny_pdf(text: str = "stand-in") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def queued_only(monkeypatch):
    """Jobs wait in the queue as on a site (no worker runs them): the test runs the job itself."""
    monkeypatch.setattr(Conf, "SYNC", False)


@pytest.fixture
def quick_build(monkeypatch):
    """A stand-in for the LibreOffice build where the test is about the job's states, not the file."""
    monkeypatch.setattr(casefile, "build_pdf", lambda case: tiny_pdf(case.number))


@pytest.mark.libreoffice
def test_a_requested_case_file_is_pending_until_its_job_runs_then_downloads_as_a_pdf_with_its_contents(
        case_with_documents, staff, queued_only):
    from django_q.models import OrmQ
    from pypdf import PdfReader

    case, form, decision = case_with_documents
    build = casefile_builds.do_request_case_file(case, actor=staff.head)
    assert build.status == RenderStatus.PENDING and build.requested_by == staff.head
    assert OrmQ.objects.count() == 1  # queued, not built in the request
    with pytest.raises(Refusal, match="尚未生成完毕"):
        casefile_builds.do_download_case_file_build(build, actor=staff.head)

    casefile_builds.build_case_file_job(build.pk)
    build.refresh_from_db()
    assert build.status == RenderStatus.DONE and build.size and build.finished_at
    path, name = casefile_builds.do_download_case_file_build(build, actor=staff.officer1)
    data = path.read_bytes()
    assert name.endswith("案卷.pdf") and rendering.sha256_bytes(data) == build.sha256
    texts = [p.extract_text().replace(" ", "").replace("\n", "") for p in PdfReader(io.BytesIO(data)).pages]
    assert "行政处罚案卷" in texts[0] and "卷内文件目录" in texts[1]
    assert texts[1].index(decision.number) < texts[1].index(form.number)
    requested = AuditEvent.objects.get(action="case_file.request")
    downloaded = AuditEvent.objects.get(action="case_file.download")
    assert requested.actor == staff.head and requested.data["build"] == build.pk
    assert downloaded.actor == staff.officer1 and downloaded.data["sha256"] == build.sha256


def test_a_built_file_is_reused_until_the_cases_documents_change(case_with_documents, staff, quick_build):
    case, *_ = case_with_documents
    first = casefile_builds.do_request_case_file(case, actor=staff.head)
    assert first.status == RenderStatus.DONE
    assert casefile_builds.do_request_case_file(case, actor=staff.officer1) == first
    assert AuditEvent.objects.filter(action="case_file.request").count() == 1

    services.do_issue_document(case, "test_form", actor=staff.officer1)  # a new document binds into the file
    assert not casefile_builds.is_current(first, case)
    second = casefile_builds.do_request_case_file(case, actor=staff.head)
    assert second != first and second.status == RenderStatus.DONE
    assert second.fingerprint != first.fingerprint and CaseFileBuild.objects.count() == 2
    old_file = casefile_builds.build_path(first)
    first.refresh_from_db()
    assert first.path == "" and not old_file.exists()  # the earlier file is removed, its row (and hash) kept
    assert casefile_builds.build_path(second).exists()


def test_a_pending_build_is_not_queued_twice(case_with_documents, staff, queued_only):
    case, *_ = case_with_documents
    first = casefile_builds.do_request_case_file(case, actor=staff.head)
    assert casefile_builds.do_request_case_file(case, actor=staff.head) == first
    assert CaseFileBuild.objects.count() == 1


def test_a_failed_build_keeps_its_chinese_reason_and_asking_again_builds_it(case_with_documents, staff,
                                                                           monkeypatch):
    case, *_ = case_with_documents

    def broken(case):
        raise rendering.RenderError("生成 PDF 超时（超过 120 秒），已中止转换")

    monkeypatch.setattr(casefile, "build_pdf", broken)
    failed = casefile_builds.do_request_case_file(case, actor=staff.head)
    assert failed.status == RenderStatus.FAILED and "超时" in failed.error
    with pytest.raises(Refusal, match="未能生成"):
        casefile_builds.do_download_case_file_build(failed, actor=staff.head)

    monkeypatch.setattr(casefile, "build_pdf", lambda case: tiny_pdf())
    retried = casefile_builds.do_request_case_file(case, actor=staff.head)
    assert retried != failed and retried.status == RenderStatus.DONE


def test_a_build_whose_worker_died_is_failed_with_the_reason(case_with_documents, staff, queued_only):
    case, *_ = case_with_documents
    build = casefile_builds.do_request_case_file(case, actor=staff.head)
    casefile_builds.build_case_file_job.on_worker_died((build.pk,), {}, reason="进程被终止", retried=False)
    build.refresh_from_db()
    assert build.status == RenderStatus.FAILED and build.error == "生成进程中断：进程被终止"


def test_only_heads_reviewers_and_the_cases_officers_ask_for_and_download_the_file(case_with_documents, staff,
                                                                                  quick_build):
    case, *_ = case_with_documents
    with pytest.raises(Refusal, match="负责人、法制审核人员和本案的执法人员"):
        casefile_builds.do_request_case_file(case, actor=staff.auditor)
    build = casefile_builds.do_request_case_file(case, actor=staff.reviewer)
    with pytest.raises(Refusal, match="负责人、法制审核人员和本案的执法人员"):
        casefile_builds.do_download_case_file_build(build, actor=staff.auditor)
    assert not AuditEvent.objects.filter(action="case_file.download").exists()
    assert AuditEvent.objects.filter(action="case_file.request").count() == 1


def test_the_case_page_shows_building_polls_then_offers_the_download(case_with_documents, staff, client,
                                                                    queued_only, quick_build):
    case, *_ = case_with_documents
    client.force_login(staff.head)
    section = client.get(f"/documents/cases/{case.pk}/").content.decode()
    assert f'hx-get="/documents/cases/{case.pk}/casefile/"' in section
    fresh = client.get(f"/documents/cases/{case.pk}/casefile/").content.decode()
    assert "生成 PDF</button>" in fresh and "下载原件 ZIP" in fresh
    old_address = client.get(f"/documents/cases/{case.pk}/file.pdf").content.decode()  # nothing built yet
    assert "案卷 PDF 在后台生成" in old_address and f'hx-get="/documents/cases/{case.pk}/casefile/"' in old_address
    assert not CaseFileBuild.objects.exists()

    pending = client.post(f"/documents/cases/{case.pk}/casefile/request/").content.decode()
    assert "生成中" in pending and 'hx-trigger="every 2s"' in pending and "<script" not in pending
    build = CaseFileBuild.objects.get()
    casefile_builds.build_case_file_job(build.pk)
    ready = client.get(f"/documents/cases/{case.pk}/casefile/").content.decode()
    assert "every 2s" not in ready and f"/casefile/{build.pk}/download.pdf" in ready
    download = client.get(f"/documents/cases/{case.pk}/casefile/{build.pk}/download.pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # The old address serves the current built file.
    assert client.get(f"/documents/cases/{case.pk}/file.pdf").status_code == 200
    assert AuditEvent.objects.filter(action="case_file.download").count() == 2


def test_a_failed_build_shows_its_reason_and_a_button_to_build_it_again(case_with_documents, staff, client,
                                                                       monkeypatch):
    case, *_ = case_with_documents

    def broken(case):
        raise rendering.RenderError("LibreOffice 未能生成 PDF（退出码 1）")

    monkeypatch.setattr(casefile, "build_pdf", broken)
    client.force_login(staff.head)
    failed = client.post(f"/documents/cases/{case.pk}/casefile/request/").content.decode()
    assert "生成失败" in failed and "LibreOffice 未能生成 PDF" in failed and "重新生成 PDF</button>" in failed


def test_someone_who_may_not_download_the_file_sees_no_case_file_and_cannot_download_it(
        case_with_documents, staff, client, quick_build):
    case, *_ = case_with_documents
    build = casefile_builds.do_request_case_file(case, actor=staff.head)
    client.force_login(staff.officer2)
    assert client.get(f"/documents/cases/{case.pk}/casefile/{build.pk}/download.pdf").status_code == 200
    client.force_login(staff.auditor)
    assert client.get(f"/documents/cases/{case.pk}/casefile/{build.pk}/download.pdf").status_code in (403, 404)


def test_the_api_answers_202_with_a_status_url_while_building_then_the_pdf(case_with_documents, staff, client,
                                                                          queued_only, quick_build):
    case, *_ = case_with_documents
    client.force_login(staff.head)
    asked = client.get(f"/api/v1/cases/{case.pk}/file/pdf")
    assert asked.status_code == 202, asked.content
    body = asked.json()
    assert body["status"] == "pending" and body["download_url"] is None
    assert client.get(body["status_url"]).json()["status"] == "pending"
    assert client.get(f"/api/v1/cases/{case.pk}/file/pdf").json()["id"] == body["id"]  # not queued twice

    casefile_builds.build_case_file_job(body["id"])
    status = client.get(body["status_url"]).json()
    assert status["status"] == "done" and status["current"] and status["download_url"]
    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    again = client.get(f"/api/v1/cases/{case.pk}/file/pdf")
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
    posted = client.post(f"/api/v1/cases/{case.pk}/file/pdf")
    assert posted.status_code == 202 and posted.json()["id"] == body["id"]
    assert client.get(f"/api/v1/cases/{case.pk}/file/zip").status_code == 200  # the ZIP at once
