"""The PDF LibreOffice makes of an issued document: A4, text inside the GB/T 9704 text block, every font
embedded, the Chinese text extracted back as written (no missing glyph), the DOCX readable by python-docx."""

import io

import pytest
from docx import Document as Docx

from yibao.cases import services as cs
from yibao.documents import rendering, services
from yibao.documents.models import DocumentStatus

from .engine_support import MARGINS_MM, install_kinds, pdf_fonts

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]

MM = 72 / 25.4
A4_POINTS = (210 * MM, 297 * MM)
TOLERANCE = 1.5  # points: LibreOffice rounds the page box and glyph boxes


@pytest.fixture(scope="module", autouse=True)
def needs_soffice():
    import shutil

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: bash scripts/setup-system.sh")


@pytest.fixture
def issued(staff, file_input, monkeypatch, tmp_path, settings, jobs_inline):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    (tmp_path / "templates").mkdir()
    install_kinds(monkeypatch, tmp_path / "templates")
    proposed = cs.do_file_case(file_input(), actor=staff.officer1)
    case = cs.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    doc = services.do_issue_document(case, "test_decision", actor=staff.head)
    assert doc.status == DocumentStatus.ISSUED, doc.render_error
    return doc


def test_the_issued_pdf_is_a4_with_its_text_inside_the_gbt_9704_text_block(issued):
    import pdfplumber

    with pdfplumber.open(services.file_path(issued, "pdf")) as pdf:
        page = pdf.pages[0]
        assert page.width == pytest.approx(A4_POINTS[0], abs=TOLERANCE)
        assert page.height == pytest.approx(A4_POINTS[1], abs=TOLERANCE)
        chars = [c for c in page.chars if c["text"].strip()]
        assert chars
        left, right = MARGINS_MM["left"] * MM, page.width - MARGINS_MM["right"] * MM
        top, bottom = MARGINS_MM["top"] * MM, page.height - MARGINS_MM["bottom"] * MM
        assert min(c["x0"] for c in chars) >= left - TOLERANCE
        assert max(c["x1"] for c in chars) <= right + TOLERANCE
        assert min(c["top"] for c in chars) >= top - TOLERANCE
        assert max(c["bottom"] for c in chars) <= bottom + TOLERANCE
        assert page.images, "the verification QR code is an image on the page"


def test_every_font_of_the_issued_pdf_is_embedded_and_the_chinese_text_extracts_as_written(issued):
    from pypdf import PdfReader

    reader = PdfReader(services.file_path(issued, "pdf"))
    fonts = pdf_fonts(reader)
    names = [name for name, _ in fonts]
    assert [name for name, embedded in fonts if not embedded] == [], "every font embedded"
    assert any("CJK" in n for n in names), names
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    for expected in ("栾川县康宁诊所", "贰万零伍元整", "《医疗保障基金使用监督管理条例》第三十八条", issued.number,
                     issued.verification_code):
        assert expected in text
    assert "\ufffd" not in text and ".notdef" not in text


def test_the_issued_docx_reads_back_with_its_number_and_verification_code(issued):
    data = services.file_path(issued, "docx").read_bytes()
    text = "\n".join(p.text for p in Docx(io.BytesIO(data)).paragraphs)
    assert issued.number in text and issued.verification_code in text
    assert rendering.sha256_bytes(data) == issued.docx_sha256


def test_a_conversion_past_its_time_limit_is_killed_with_a_chinese_message(tmp_path, settings):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path
    script = tmp_path / "slow-soffice"
    script.write_text("#!/bin/sh\nsleep 30\n")
    script.chmod(0o755)
    settings.YIBAO_SOFFICE = str(script)
    with pytest.raises(rendering.RenderError, match="超时"):
        rendering.docx_to_pdf(b"not used", timeout=1)
