"""The layout of the document templates after GB/T 9704-2012 (page, grid, fonts, styles) and the blocks
the kinds' templates are made of; build_templates.py assembles each kind from them."""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

HERE = Path(__file__).resolve().parent

# GB/T 9704-2012 §5.2.1 (A4), §5.2.2 (margins and text block), §5.2.3 (22 lines × 28 characters), §7.5 (page number).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_FONT, TITLE_FONT, HEADING_FONT, PAGE_NUMBER_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体", "宋体"
LATIN_FONT = "Times New Roman"
BODY_PT, TITLE_PT, TABLE_PT, PAGE_NUMBER_PT = 16, 22, 14, 14  # 三号, 二号, 四号, 四号

TWIPS_PER_MM = 1440 / 25.4
TEXT_HEIGHT_TWIPS = (PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) * TWIPS_PER_MM
TEXT_WIDTH_TWIPS = (PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) * TWIPS_PER_MM
LINE_PITCH_TWIPS = int(TEXT_HEIGHT_TWIPS / LINES_PER_PAGE)  # 579
# Word's charSpace: the character pitch's difference from the font size, in 1/4096 of a point.
CHAR_SPACE = int((TEXT_WIDTH_TWIPS / CHARS_PER_LINE / 20 - BODY_PT) * 4096)
# 28 characters of 16 pt are 158 mm, 2 mm more than the text block: the standard's own numbers imply condensing.
# The characters are condensed by this much (in twentieths of a point): 28 × 15.75 pt fit the 156 mm line.
CONDENSE_TWENTIETHS = -5


# --- document set-up ------------------------------------------------------------------------------------------


def _fonts(rpr_owner, east_asian: str, size_pt: float, bold: bool = False) -> None:
    """Set a style's or run's fonts: Latin and East Asian faces and size."""
    font = rpr_owner.font
    font.name = LATIN_FONT
    font.size = Pt(size_pt)
    font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)


def _doc_defaults(doc) -> None:
    """The document defaults in 三号: Word and LibreOffice size the grid's character cell from them, so a smaller
    default would make every 16 pt character take two cells (14 characters a line instead of 28)."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for name in ("w:rFonts", "w:sz", "w:szCs"):
        old = rpr.find(qn(name))
        if old is not None:
            rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr, face in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:eastAsia", BODY_FONT),
                       ("w:cs", LATIN_FONT)):
        fonts.set(qn(attr), face)
    rpr.insert(0, fonts)
    old = rpr.find(qn("w:spacing"))
    if old is not None:
        rpr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSE_TWENTIETHS))
    rpr.append(spacing)
    for name in ("w:sz", "w:szCs"):
        size = OxmlElement(name)
        size.set(qn("w:val"), str(BODY_PT * 2))  # half-points
        rpr.append(size)


def _styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    _doc_defaults(doc)
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(LINE_PITCH_TWIPS)
    pf.space_before = pf.space_after = Pt(0)

    def add(name: str, font: str, size: float, align=None, indent: bool = False, bold: bool = False):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _fonts(style, font, size, bold)
        if align is not None:
            style.paragraph_format.alignment = align
        if indent:
            style.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        return style

    title = add("文书标题", TITLE_FONT, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(TITLE_PT * 1.5)
    add("文号", BODY_FONT, BODY_PT, WD_ALIGN_PARAGRAPH.CENTER)
    add("正文", BODY_FONT, BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    add("一级标题", HEADING_FONT, BODY_PT, indent=True)
    add("落款", BODY_FONT, BODY_PT, WD_ALIGN_PARAGRAPH.RIGHT)
    table = add("表格文字", BODY_FONT, TABLE_PT)
    table.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    add("核验", BODY_FONT, 10.5)


def _section(doc) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    s.top_margin, s.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    s.left_margin, s.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    s.footer_distance = Mm(MARGIN_BOTTOM_MM - 7)  # the number sits 7 mm below the text block (§7.5)
    sect = s._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    # A grid of lines only: LibreOffice (the PDF renderer) spreads the characters of a justified line over a
    # character grid and gives wider ones two cells; the 28 characters come from the condensed 16 pt instead.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    _page_number(s.footer.paragraphs[0])


def _page_number(p) -> None:
    """— 1 — centred, in 宋体 四号 (GB/T 9704 puts it right or left by page; centred reads the same in WPS)."""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def run(text: str = ""):
        r = p.add_run(text)
        _fonts(r, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        return r

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        else:
            r.text = text
    run(" —")


# --- blocks ---------------------------------------------------------------------------------------------------


def title(doc) -> None:
    doc.add_paragraph("{{ bureau_name }}", style="文书标题")
    doc.add_paragraph("{{ document_title }}", style="文书标题")


def number(doc) -> None:
    doc.add_paragraph("{{ number }}", style="文号")


def p(doc, text: str, style: str = "正文") -> None:
    doc.add_paragraph(text, style=style)


def h(doc, text: str) -> None:
    doc.add_paragraph(text, style="一级标题")


def tag(doc, text: str) -> None:
    """A paragraph holding only a {%p %} tag (docxtpl removes it)."""
    doc.add_paragraph(text, style="正文")


def party_block(doc) -> None:
    tag(doc, "{%p for pt in parties %}")
    p(doc, "当事人：{{ pt.name }}", "Normal")
    p(doc, "{{ pt.id_label }}：{{ pt.id_value }}", "Normal")
    tag(doc, "{%p if pt.legal_representative %}")
    p(doc, "{{ pt.representative_label }}：{{ pt.legal_representative }}", "Normal")
    tag(doc, "{%p endif %}")
    p(doc, "住所（地址）：{{ pt.address }}", "Normal")
    tag(doc, "{%p endfor %}")


def addressee(doc) -> None:
    p(doc, "{{ party.name }}：", "Normal")


def provisions(doc) -> None:
    tag(doc, "{%p for r in provisions %}")
    p(doc, "{{ r.label }}：“{{ r.text }}”")
    tag(doc, "{%p endfor %}")


def evidence(doc) -> None:
    tag(doc, "{%p if evidence %}")
    p(doc, "以上事实，有下列证据证明：")
    tag(doc, "{%p for e in evidence %}")
    p(doc, "{{ e.number }}. {{ e.title }}（{{ e.kind }}{% if e.quantity %}，{{ e.quantity }}页（件）{% endif %}）"
           "{% if e.description %}，证明{{ e.description }}{% endif %}；")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def rights(doc) -> None:
    p(doc, "当事人如不服本决定，可以在收到本决定书之日起{{ reconsideration_days }}{{ reconsideration_unit }}内向"
           "{{ reconsideration_body }}申请行政复议（{{ reconsideration_basis }}），也可以在{{ litigation_months }}"
           "{{ litigation_unit }}内依法向{{ court }}提起行政诉讼（{{ litigation_basis }}）。申请行政复议或者提起"
           "行政诉讼期间，本决定不停止执行，法律另有规定的除外。")


def payment(doc) -> None:
    p(doc, "当事人应当自收到本决定书之日起{{ pay_days }}日内（{{ pay_basis }}），将罚款缴至：户名{{ payment_account_name }}，"
           "开户银行{{ payment_bank }}，账号{{ payment_account_number }}。{{ payment_instructions }}")
    p(doc, "到期不缴纳罚款的，本机关将依据{{ surcharge_basis }}，每日按罚款数额的{{ surcharge_rate }}加处罚款，"
           "并依法申请人民法院强制执行。")


def sign(doc) -> None:
    p(doc, "", "Normal")
    p(doc, "{{ bureau_name }}", "落款")
    p(doc, "{% if seal %}{{ seal }}{% endif %}", "落款")
    p(doc, "{{ issued_on }}", "落款")


def verify(doc) -> None:
    tag(doc, "{%p if verification_code %}")
    p(doc, "核验码：{{ verification_code }}{% if verification_qr %} {{ verification_qr }}{% endif %}"
           "（可在本局文书核验页面核对文号、日期和摘要）", "核验")
    tag(doc, "{%p endif %}")


def contact(doc) -> None:
    p(doc, "联系地址：{{ bureau_address }}  邮编：{{ bureau_postcode }}  联系电话：{{ bureau_contact }}", "Normal")


def form(doc, rows: list[tuple[str, str]]) -> None:
    """An approval form: a two-column table of labels and values (values may hold tags within one paragraph)."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Mm(40), Mm(116)
        cells[0].paragraphs[0].text = label
        cells[0].paragraphs[0].style = "表格文字"
        cells[1].paragraphs[0].text = value
        cells[1].paragraphs[0].style = "表格文字"
    # The grid's columns are what LibreOffice reads; the cells' widths are what Word reads.
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Mm(40), Mm(116)


def loop_table(doc, headers: list[str], loop: str, cells: list[str]) -> None:
    """A table with a header row and one row per item ({%tr for %} … {%tr endfor %})."""
    n = len(headers)
    table = doc.add_table(rows=0, cols=n)
    table.style = "Table Grid"
    for values in (headers, [f"{{%tr for {loop} %}}"] + [""] * (n - 1), cells, ["{%tr endfor %}"] + [""] * (n - 1)):
        row = table.add_row().cells
        for cell, value in zip(row, values, strict=True):
            cell.paragraphs[0].text = value
            cell.paragraphs[0].style = "表格文字"


def head_of_form(doc) -> None:
    title(doc)
    p(doc, "案号：{{ case_number }}　　编号：{{ number }}", "文号")


def officers_row() -> tuple[str, str]:
    return ("执法人员", "{% for o in officers %}{{ o.name }}（执法证号：{{ o.certificate_number }}）"
                      "{% if not loop.last %}、{% endif %}{% endfor %}")


PARTY_ROWS = [
    ("当事人", "{{ party.name }}"),
    ("{{ party.id_label }}", "{{ party.id_value }}"),
    ("法定代表人（负责人）", "{{ party.legal_representative }}"),
    ("住所（地址）", "{{ party.address }}"),
    ("联系方式", "{{ party.contact }}"),
]


# --- the kinds ------------------------------------------------------------------------------------------------
