"""A test-only document kind with a tiny template laid out after GB/T 9704, and a filed demo case, so the
engine's tests do not depend on the real kinds' templates (doc-templates tests those)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document as Docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# GB/T 9704-2012 §5.2.1–5.2.2: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BODY = "仿宋_GB2312"


@dataclass
class TestKind:
    kind: str
    label: str
    template: str
    numbering: str
    abbr: str
    addressed_to_party: bool
    step: str
    build_context: Callable[[Any, Any], dict]


def build_template(path: Path) -> Path:
    doc = Docx()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = BODY, Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), "579")
    grid.set(qn("w:charSpace"), "0")
    for text in ["{{ bureau_name }}测试决定书", "{{ number }}", "当事人：{{ party_name }}",
                 "罚款{{ fine }}元（{{ fine_capitals }}）。", "依据《医疗保障基金使用监督管理条例》第三十八条。",
                 "{% if verification_code %}核验码：{{ verification_code }}{% endif %}",
                 "{% if verification_qr %}{{ verification_qr }}{% endif %}"]:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def context(case, inp) -> dict:
    party = case.parties.first()
    return {"bureau_name": inp.settings.full_name, "number": inp.number or "（预览，未编号）",
            "party_name": party.name if party else "", "fine": "20,005.00", "fine_capitals": "贰万零伍元整",
            "verification_code": None, "verification_qr": None}


def install_kinds(monkeypatch, templates_dir: Path) -> dict[str, TestKind]:
    from yibao.documents import services

    build_template(templates_dir / "test_decision.docx")
    registry = {
        "test_decision": TestKind("test_decision", "测试处罚决定书", "test_decision.docx", "document_number", "罚",
                                  True, "decide", context),
        "test_form": TestKind("test_form", "测试审批表", "test_decision.docx", "serial", "", False, "file", context),
    }
    monkeypatch.setattr(services, "kinds", lambda: registry)
    monkeypatch.setattr(services, "TEMPLATES_DIR", templates_dir)
    return registry


def filed_case(staff, file_input):
    from yibao.cases import services as cs

    proposed = cs.do_file_case(file_input(), actor=staff.officer1)
    return cs.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)


def stand_in_pdf(monkeypatch) -> None:
    """Skip LibreOffice where a test is not about layout: the 'PDF' is the DOCX's bytes behind a PDF header."""
    from pathlib import Path

    from yibao.documents import rendering

    monkeypatch.setattr(rendering, "docx_to_pdf",
                        lambda docx, **kw: b"%PDF-1.4 stand-in\n" + (Path(docx).read_bytes() if isinstance(docx, Path)
                                                                      else bytes(docx)))


def pdf_fonts(reader: Any) -> list[tuple[str, bool]]:
    """(base font name, embedded) of every font of every page of a pypdf reader."""
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts.append((str(font["/BaseFont"]),
                          any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))))
    return fonts
