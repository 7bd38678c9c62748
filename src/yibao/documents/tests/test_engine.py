"""The engine: previews, issuing once with a number and its hashes, corrections, and frozen documents."""

import threading

import pytest
from django.db import connection

from yibao.cases import services as cs
from yibao.cases.procedure import Refusal
from yibao.core.models import AuditEvent
from yibao.documents import services
from yibao.documents.models import Document, DocumentSettings, DocumentStatus, RenderStatus
from yibao.documents.rendering import sha256_file

from .engine_support import install_kinds

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds(monkeypatch, tmp_path, settings):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    (tmp_path / "templates").mkdir()
    return install_kinds(monkeypatch, tmp_path / "templates")


@pytest.fixture
def case(staff, file_input):
    proposed = cs.do_file_case(file_input(), actor=staff.officer1)
    return cs.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)


@pytest.fixture
def no_pdf(monkeypatch):
    """Skip LibreOffice where a test is about numbers, not layout: the 'PDF' is a fixed stand-in."""
    from yibao.documents import rendering

    monkeypatch.setattr(rendering, "docx_to_pdf", lambda docx, **kw: b"%PDF-1.4 stand-in " + docx.name.encode()
                        if hasattr(docx, "name") else b"%PDF-1.4 stand-in")


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    return caught.value


def test_issuing_numbers_the_document_in_the_bureaus_format_and_stores_both_files_with_their_hashes(
        case, staff, kinds, jobs_inline, no_pdf):
    doc = services.do_issue_document(case, "test_decision", actor=staff.head)
    assert doc.status == DocumentStatus.ISSUED
    assert doc.number == "栾医保罚〔2026〕1号"
    assert doc.docx_sha256 == sha256_file(services.file_path(doc, "docx"))
    assert doc.pdf_sha256 == sha256_file(services.file_path(doc, "pdf"))
    assert doc.verification_code == f"栾医保罚〔2026〕1号-{doc.content_sha256[:12]}"
    assert AuditEvent.objects.filter(action="document.issue", object_id=str(doc.pk)).exists()
    second = services.do_issue_document(case, "test_decision", actor=staff.head)
    assert second.number == "栾医保罚〔2026〕2号"


def test_a_bureaus_own_number_format_and_abbreviation_are_used(case, staff, kinds, jobs_inline, no_pdf):
    DocumentSettings.objects.create(bureau=case.bureau, abbreviation="栾川", number_format="{abbr}医保{kind_abbr}字〔{year}〕第{n}号")
    doc = services.do_issue_document(case, "test_decision", actor=staff.head)
    assert doc.number == "栾川医保罚字〔2026〕第1号"


def test_internal_forms_get_a_serial_of_their_own_kind(case, staff, kinds, jobs_inline, no_pdf):
    form = services.do_issue_document(case, "test_form", actor=staff.officer1)
    decision = services.do_issue_document(case, "test_decision", actor=staff.head)
    assert form.number == "测试审批表〔2026〕1号"
    assert decision.number == "栾医保罚〔2026〕1号"


def test_only_the_head_issues_a_numbered_document_sent_to_the_party(case, staff, kinds, jobs_inline, no_pdf):
    refusal = refused(services.do_issue_document, case, "test_decision", actor=staff.officer1)
    assert refusal.code == "wrong_role" and "负责人" in refusal.message
    assert not Document.objects.exists()


def test_an_issued_document_cannot_be_changed_by_the_model_the_queryset_or_raw_sql(
        case, staff, kinds, jobs_inline, no_pdf):
    doc = services.do_issue_document(case, "test_decision", actor=staff.head)
    doc.number = "栾医保罚〔2026〕99号"
    with pytest.raises(PermissionError):
        doc.save()
    with pytest.raises(PermissionError):
        Document.objects.filter(pk=doc.pk).update(number="x")
    with pytest.raises(PermissionError):
        Document.objects.get(pk=doc.pk).delete()
    from django.db import DatabaseError, transaction

    # A savepoint: on PostgreSQL the refused statement aborts the transaction it runs in.
    with (pytest.raises(DatabaseError, match="issued documents cannot be changed"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute("UPDATE documents_document SET number = 'x' WHERE id = %s", [doc.pk])
    assert Document.objects.get(pk=doc.pk).number == "栾医保罚〔2026〕1号"


def test_a_correction_is_a_new_numbered_document_referring_to_the_one_it_corrects(
        case, staff, kinds, jobs_inline, no_pdf):
    doc = services.do_issue_document(case, "test_decision", actor=staff.head)
    assert refused(services.do_issue_correction, doc, "  ", actor=staff.head).code == "invalid_input"
    fixed = services.do_issue_correction(doc, "当事人名称有误", actor=staff.head)
    assert fixed.corrects == doc and fixed.number == "栾医保罚〔2026〕2号"
    assert fixed.correction_reason == "当事人名称有误"
    assert refused(services.do_issue_correction, doc, "再次更正", actor=staff.head).code == "document_already_corrected"
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.ISSUED


def test_a_preview_has_no_number_and_replaces_the_previous_preview(case, staff, kinds, jobs_inline, no_pdf):
    first = services.do_request_preview(case, "test_decision", actor=staff.officer1)
    second = services.do_request_preview(case, "test_decision", actor=staff.officer1)
    assert second.status == DocumentStatus.DRAFT and second.number == ""
    assert second.render_status == RenderStatus.DONE
    assert not Document.objects.filter(pk=first.pk).exists()
    assert not services.file_path(first, "docx").exists()


def test_a_failed_conversion_leaves_the_number_and_says_why(case, staff, kinds, jobs_inline, monkeypatch):
    from yibao.documents import rendering

    def fail(docx, **kw):
        raise rendering.RenderError("生成 PDF 超时（超过 1 秒），已中止转换")

    monkeypatch.setattr(rendering, "docx_to_pdf", fail)
    doc = services.do_issue_document(case, "test_decision", actor=staff.head)
    assert doc.status == DocumentStatus.ISSUING and doc.render_status == RenderStatus.FAILED
    assert "超时" in doc.render_error and doc.number == "栾医保罚〔2026〕1号"


def test_a_kind_missing_data_is_refused_before_a_number_is_taken(case, staff, kinds, jobs_inline, no_pdf):
    from yibao.documents.context.base import MissingData

    def missing(case, inp):
        raise MissingData("测试处罚决定书", ["决定日期"])

    kinds["test_decision"].build_context = missing
    refusal = refused(services.do_issue_document, case, "test_decision", actor=staff.head)
    assert refusal.code == "missing_document_data" and "决定日期" in refusal.message
    kinds["test_decision"].build_context = kinds["test_form"].build_context
    assert services.do_issue_document(case, "test_decision", actor=staff.head).number.endswith("〔2026〕1号")


def test_an_issuing_that_fails_after_taking_its_number_gives_the_number_back(
        case, staff, kinds, jobs_inline, no_pdf, monkeypatch):
    store = services._store

    def broken_store(document, fmt, data):
        raise OSError("disk full")

    monkeypatch.setattr(services, "_store", broken_store)
    with pytest.raises(OSError):
        services.do_issue_document(case, "test_decision", actor=staff.head)
    assert not Document.objects.exists()
    monkeypatch.setattr(services, "_store", store)
    assert services.do_issue_document(case, "test_decision", actor=staff.head).number == "栾医保罚〔2026〕1号"


@pytest.mark.django_db(transaction=True)
def test_two_documents_issued_at_once_get_two_distinct_numbers(staff, file_input, kinds, settings, monkeypatch):
    # PostgreSQL only, like the case numbers' and the audit chain's thread tests: SQLite's in-memory test
    # database locks whole tables between threads ("database table is locked"), so it cannot show a race;
    # there the write lock taken at BEGIN IMMEDIATE serialises issuings outright.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database locks whole tables between threads; runs on PostgreSQL")
    from yibao.documents import numbering

    proposed = cs.do_file_case(file_input(), actor=staff.officer1)
    case = cs.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    monkeypatch.setattr(services, "_queue_pdf", lambda document: None)
    barrier = threading.Barrier(2)
    original = numbering.next_sequence

    def together(*args, **kwargs):
        barrier.wait(timeout=10)  # both issuings reach the counter before either takes a number
        return original(*args, **kwargs)

    monkeypatch.setattr(numbering, "next_sequence", together)
    numbers, errors = [], []

    def issue():
        try:
            numbers.append(services.do_issue_document(case, "test_decision", actor=staff.head).number)
        except Exception as e:  # noqa: BLE001 - the assertion below shows it
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sorted(numbers) == ["栾医保罚〔2026〕1号", "栾医保罚〔2026〕2号"]
