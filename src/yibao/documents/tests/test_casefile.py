"""The case file (一案一卷): one PDF in binding order with contents and page numbers, a ZIP of the originals
with a manifest of hashes; downloaded only by heads, reviewers and the case's officers, every time audited."""

import hashlib
import io
import json
import zipfile

import pytest

from yibao.cases import services as cs
from yibao.cases.procedure import Refusal
from yibao.core.models import AuditEvent
from yibao.documents import casefile, services

from .engine_support import install_kinds

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_documents(staff, file_input, monkeypatch, tmp_path, settings, jobs_inline):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    (tmp_path / "templates").mkdir()
    install_kinds(monkeypatch, tmp_path / "templates")
    proposed = cs.do_file_case(file_input(), actor=staff.officer1)
    case = cs.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    # Issued in the opposite of binding order: the file binds by the kinds' order, not by date.
    form = services.do_issue_document(case, "test_form", actor=staff.officer1)
    decision = services.do_issue_document(case, "test_decision", actor=staff.head)
    return case, form, decision


@pytest.mark.libreoffice
def test_the_case_file_pdf_has_cover_contents_documents_in_binding_order_and_numbered_pages(case_with_documents,
                                                                                           staff):
    from pypdf import PdfReader

    case, form, decision = case_with_documents
    data, name = casefile.do_download_case_file(case, "pdf", actor=staff.head)
    assert name.endswith("案卷.pdf")
    reader = PdfReader(io.BytesIO(data))
    texts = [p.extract_text().replace(" ", "") for p in reader.pages]
    assert "行政处罚案卷" in texts[0]
    contents = texts[1].replace("\n", "")  # table cells wrap
    assert "卷内文件目录" in contents
    assert contents.index(decision.number) < contents.index(form.number)
    # cover, contents, the two one-page documents, the evidence list; numbers from the first document on
    assert len(reader.pages) == 5
    assert decision.number in texts[2] and form.number in texts[3] and "证据目录" in texts[4]
    # The stamped number is the last text drawn on each page (merged over it), on a line of its own.
    for page_text, number in zip(texts[2:], ("1", "2", "3"), strict=True):
        assert page_text.strip().splitlines()[-1].strip() == number
    assert texts[0].strip().splitlines()[-1].strip() != "1"  # the cover is not numbered
    event = AuditEvent.objects.get(action="case_file.download")
    assert event.data["sha256"] == hashlib.sha256(data).hexdigest() and event.actor == staff.head


def test_the_case_file_zip_holds_the_originals_with_a_manifest_of_their_hashes(case_with_documents, staff):
    case, form, decision = case_with_documents
    data, name = casefile.do_download_case_file(case, "zip", actor=staff.officer2)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        manifest = json.loads(z.read("manifest.json"))
        assert "manifest.csv" in z.namelist()
        files = manifest["files"]
        assert [f["number"] for f in files if f["path"].endswith(".pdf")] == [decision.number, form.number]
        for f in files:
            assert hashlib.sha256(z.read(f["path"])).hexdigest() == f["sha256"]
    assert AuditEvent.objects.filter(action="case_file.download", actor=staff.officer2).exists()


def test_someone_neither_head_reviewer_nor_officer_of_the_case_cannot_download_the_file(case_with_documents, staff):
    case, *_ = case_with_documents
    with pytest.raises(Refusal) as refused:
        casefile.do_download_case_file(case, "zip", actor=staff.auditor)
    assert "负责人、法制审核人员和本案的执法人员" in refused.value.message
    assert not AuditEvent.objects.filter(action="case_file.download").exists()
