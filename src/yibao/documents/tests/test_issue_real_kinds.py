"""The engine with the real kinds (kinds.py, templates_docx/): a penalty decision issued for a decided case is
numbered, carries its verification code and QR code, and its PDF holds the party, the fine in figures and in
大写, the provision and the rights, in embedded fonts."""

import io

import pytest
from docx import Document as Docx

from yibao.cases import services as s
from yibao.cases.tests.test_services import investigated
from yibao.documents import services
from yibao.documents.models import DocumentSettings, DocumentStatus

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


@pytest.fixture
def decided(staff, file_input, clock, tmp_path, settings, jobs_inline):
    from yibao.law.services import do_load_law_texts

    do_load_law_texts()
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="20005")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="当事人放弃陈述申辩")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="20005")
    DocumentSettings.objects.create(
        bureau=case.bureau, payment_account_name="栾川县财政局非税收入专户", payment_bank="中国农业银行栾川县支行",
        payment_account_number="16-123456789012345", signer_name="张局长")
    return case


def test_a_penalty_decision_issued_through_the_engine_reads_back_from_docx_and_pdf(decided, staff):
    from pypdf import PdfReader

    doc = services.do_issue_document(decided, "penalty_decision", actor=staff.head)
    assert doc.status == DocumentStatus.ISSUED, doc.render_error
    assert doc.number == "栾医保罚〔2026〕1号"
    docx = Docx(io.BytesIO(services.file_path(doc, "docx").read_bytes()))
    docx_text = "\n".join([p.text for p in docx.paragraphs]
                          + [c.text for t in docx.tables for r in t.rows for c in r.cells])
    reader = PdfReader(services.file_path(doc, "pdf"))
    pdf_text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    for text in (docx_text.replace(" ", ""), pdf_text):
        for expected in ("栾川县康宁诊所", "贰万零伍元整", "20,005.00", "《医疗保障基金使用监督管理条例》第三十八条",
                         "行政复议", "行政诉讼", doc.number):
            assert expected in text, expected
    assert doc.verification_code.replace(" ", "") in pdf_text
    assert any(page.images for page in reader.pages), "the QR code"
    # GB/T 9704 §5.2.2: 28 characters of 三号 to a line of the 156 mm text block, not 27, not 29.
    advance = character_advance(services.file_path(doc, "pdf"))
    assert 28 * advance <= TEXT_WIDTH + 0.5 < 29 * advance
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))



TEXT_WIDTH = 156 * 72 / 25.4  # points


def character_advance(pdf_path) -> float:
    """The typical advance from one Chinese body character (16 pt) to the next on a line of the first page."""
    import statistics

    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        chars = [c for c in pdf.pages[0].chars if round(c["size"]) == 16 and "\u4e00" <= c["text"] <= "\u9fff"]
    steps = [b["x0"] - a["x0"] for a, b in zip(chars, chars[1:], strict=False)
             if round(a["top"]) == round(b["top"]) and 0 < b["x0"] - a["x0"] < 20]
    return statistics.median(steps)
