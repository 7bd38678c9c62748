"""Assemble table rows into catalogue items.

Real lists are exported from Word or PDF into text: rows continue on following lines, headers
repeat for every item, a cell goes missing in some rows. The rules here are the ones the seed
documents need, stated once:

* a row whose sequence-number cell holds a number starts an item; a row whose first cells are
  empty continues the item above and its text joins the cell it belongs to;
* a row with fewer cells than the header is realigned only when its content fixes every cell
  (a 10-digit code, a level such as 县级, a type such as 行政处罚), otherwise it is refused;
* a section heading (一、行政处罚) sets the type where the table has no type column, and so does a
  title that names one type (…行政检查计划, …行政处罚事项清单) until a heading says otherwise; a
  random-inspection plan (…抽查工作计划, …行政执法检查计划, or columns 检查对象 | 抽查比例) lists inspections;
* a type cell merged down over several items that a text export kept only in its first row (the
  later rows one cell short) is the type of the item above, and the item notes so;
* a header may span two rows (事项名称 over 主项 | 子项; see columns.py);
* a cell that says 同上 (〃, 同前) holds the value of the cell above it, and the item notes so.

The pieces live beside this module: patterns.py (what cells look like), records.py (rows and items),
layout.py (which column a cell belongs to), cells.py (a cell's text), items.py (rows into items).
"""

import re
from pathlib import Path

from yibao.core.unpack import DEFAULT_LIMITS, UploadLimits, too_large_message
from yibao.law.text import squeeze_spaces

from .cells import split_duties
from .columns import detect_header, detect_two_row_header, sense_of
from .errors import CatalogParseError, Problem, clip
from .items import _Builder, _finish, _place_row
from .layout import align, rows_from_text, split_line
from .patterns import (
    DATE,
    FORM_LINE,
    HEADER_SAMPLE_ROWS,
    HTML_SUFFIXES,
    INSPECTION_COLUMN,
    INSPECTION_TITLE,
    SEPARATOR,
    SUPPORTED_SUFFIXES,
    TITLE_NOISE,
)
from .records import ParsedCatalog, ParsedDuty, ParsedItem, RawRow
from .types import POWER_TYPES, SECTION_HEADING, power_type

# The parsing API, and the file kinds the upload form accepts (forms.py imports them from here).
__all__ = [
    "SUPPORTED_SUFFIXES",
    "ParsedCatalog",
    "ParsedDuty",
    "ParsedItem",
    "RawRow",
    "align",
    "looks_like_html_table",
    "parse_catalog_file",
    "parse_catalog_rows",
    "parse_catalog_text",
    "rows_from_text",
    "split_duties",
    "split_line",
]


def parse_catalog_text(text: str, source: str = "<text>") -> ParsedCatalog:
    """Parse a catalogue exported as text (tab-separated rows, HTML fragments in cells)."""
    return parse_catalog_rows(rows_from_text(text), source)


def parse_catalog_file(path: str | Path, limits: UploadLimits = DEFAULT_LIMITS) -> ParsedCatalog:
    """Parse a catalogue file: .txt/.tsv/.md text, .html tables, .xlsx workbook or .docx tables.

    Within `limits`: what the file unpacks to, its rows, and the problems listed (the rest counted).
    """
    try:
        return _parse_file(Path(path), limits)
    except CatalogParseError as e:
        raise e.capped(limits.max_problems) from None


def _parse_file(path: Path, limits: UploadLimits) -> ParsedCatalog:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from .office import rows_from_xlsx

        return parse_catalog_rows(rows_from_xlsx(path, limits), path.name)
    if suffix == ".docx":
        from .office import rows_from_docx

        return parse_catalog_rows(rows_from_docx(path, limits), path.name)
    if path.stat().st_size > limits.max_unpacked_bytes:
        raise CatalogParseError([Problem(path.name, None, None,
                                         too_large_message(path.name, limits.max_unpacked_bytes)
                                         .removeprefix(f"{path.name}："))])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("gb18030")
        except UnicodeDecodeError:
            raise CatalogParseError([Problem(path.name, None, None, "文件编码无法识别（应为 UTF-8 或 GB18030 文本）")]) from None
    if text.count("\n") > limits.max_rows:
        raise CatalogParseError([Problem(path.name, None, None, f"文件超过 {limits.max_rows} 行，不像一份权责清单，不予读取。")])
    if suffix in HTML_SUFFIXES or looks_like_html_table(text):
        from .html_table import rows_from_html

        rows = rows_from_html(text)
        if len(rows) > limits.max_rows:
            raise CatalogParseError([Problem(path.name, None, None,
                                             f"表格超过 {limits.max_rows} 行，不像一份权责清单，不予读取。")])
        return parse_catalog_rows(rows, path.name)
    return parse_catalog_text(text, path.name)


def looks_like_html_table(text: str) -> bool:
    """A text export that is a whole HTML table (a web page saved as text), not a list with HTML in cells."""
    head = text.lstrip("\ufeff \t\r\n")[:2000].lower()
    return head.startswith("<") and "<table" in head and "\t" not in head


def _bureau_from_title(title: str | None) -> str | None:
    if not title:
        return None
    inner = re.search(r"[（(]([^（）()]*医疗保障局)[)）]", title)
    if inner:
        return inner.group(1)
    title = re.sub(r"^关于(?:印发|公布|发布|调整)?", "", title)  # 关于印发…局…清单的通知
    m = re.match(r"^(.+?医疗保障局)", title)
    if m:
        return m.group(1)
    m = re.match(r"^(.+?局)", title)
    return m.group(1) if m else None

def parse_catalog_rows(rows: list[RawRow], source: str) -> ParsedCatalog:
    """Turn rows into items; raise CatalogParseError naming every row that cannot be placed."""
    problems: list[Problem] = []
    warnings: list[str] = []
    titles: list[str] = []
    fields: dict[int, str] | None = None
    header_names: list[str] = []
    n = 0
    section_type: str | None = None
    builders: list[_Builder] = []

    def problem(row: RawRow, column: str | None, message: str) -> None:
        problems.append(Problem(source + (f"［{row.where}］" if row.where else ""), row.line, column, message))

    skip_to = 0
    for index, row in enumerate(rows):
        if index < skip_to:
            continue
        cells = [c.strip() for c in row.cells]
        nonempty = [c for c in cells if c]
        if not nonempty:
            continue
        if all(SEPARATOR.match(c) or not c for c in cells) and any(SEPARATOR.match(c) for c in cells):
            continue
        header = _read_header(rows, index, cells)
        if header:
            first_header = fields is None
            fields, names, skip_to = header
            if first_header and section_type is None:
                section_type = _type_named_in(titles) or _inspection_list(titles, names)
            n = len(names)
            while n and not names[n - 1] and (n - 1) not in fields:
                n -= 1
            header_names = names[:n]
            continue
        if len(nonempty) == 1 and (len(cells) == 1 or fields is None):
            text = re.sub(r"^#{1,6}\s+", "", squeeze_spaces(nonempty[0]))
            section = SECTION_HEADING.match(text)
            if section and power_type(section.group("name")):
                section_type = power_type(section.group("name"))
            elif section and fields is not None:
                problem(row, None, f"无法识别的事项类型标题“{clip(text)}”")
            elif fields is None and not TITLE_NOISE.match(text):
                titles.append(text)
            elif fields is not None and text not in titles:
                warnings.append(f"第{row.line}行：忽略表格外的文字“{clip(text)}”")
            continue
        if fields is None:
            if len(nonempty) == 1:
                titles.append(squeeze_spaces(nonempty[0]))
                continue
            if all(FORM_LINE.match(c) for c in nonempty):
                titles.extend(squeeze_spaces(c) for c in nonempty)
                continue
            problem(row, None, "在表头之前出现数据行：未找到包含“序号”和“名称”的表头")
            continue
        _place_row(row, cells, fields, n, header_names, builders, section_type, problem)

    if fields is None and not problems:
        problems.append(Problem(source, None, None, "不是权责清单：未找到包含“序号”和“事项名称/职权名称”等列的表头"))
    items: list[ParsedItem] = []
    for b in builders:
        item = _finish(b, fields or {}, header_names, source, problems, warnings)
        if item:
            items.append(item)
    if problems:
        raise CatalogParseError(problems)
    if not items:
        raise CatalogParseError([Problem(source, None, None, "清单中没有任何事项")])
    # Web pages put 索引号：… | 发布日期：… above the document's title; those lines are not it.
    title = next((t for t in titles if not FORM_LINE.match(t)), titles[0] if titles else None)
    bureau = _bureau_from_title(title)
    if bureau is None:
        subjects = {i.subject for i in items}
        if len(subjects) == 1 and next(iter(subjects)) and next(iter(subjects)).endswith("局"):
            bureau = next(iter(subjects))
    date = None
    for t in titles:
        d = DATE.search(t)
        if d:
            year, month, day = (int(g) for g in d.groups() if g)
            date = f"{year:04d}-{month:02d}-{day:02d}"
            break
    return ParsedCatalog(title, bureau, date, items, source, warnings)


def _type_named_in(titles: list[str]) -> str | None:
    """The type a title names when it names exactly one: 辰溪县医疗保障局涉企行政检查计划 → inspection."""
    named = {code for t in titles for name, code in POWER_TYPES.items() if code != "other" and name in t}
    return named.pop() if len(named) == 1 else None


def _inspection_list(titles: list[str], header_names: list[str]) -> str | None:
    """Inspections, for a random-inspection plan or list that no cell calls 行政检查: its title says
    抽查 or 检查计划 (双随机抽查工作计划, 行政执法检查计划), or its columns 检查对象, 抽查比例.
    A title that names types (…行政处罚和行政检查事项) has said what it holds: nothing is guessed."""
    if any(name in t for t in titles for name in POWER_TYPES if name != "其他"):
        return None
    if any(INSPECTION_TITLE.search(t) for t in titles):
        return POWER_TYPES["行政检查"]
    if any(INSPECTION_COLUMN.match(re.sub(r"\s", "", n)) for n in header_names):
        return POWER_TYPES["行政检查"]
    return None


def _next_filled(rows: list[RawRow], index: int) -> int | None:
    """The index of the first row after `index` with any content, in the same sheet or table."""
    for j in range(index + 1, len(rows)):
        if rows[j].where != rows[index].where:
            return None
        if any(c.strip() for c in rows[j].cells):
            return j
    return None


def _read_header(rows: list[RawRow], index: int, cells: list[str]) -> tuple[dict[int, str], list[str], int] | None:
    """Return (fields, column names, index of the first row after the header) when a header starts here.

    A two-row header (事项名称 over 主项 | 子项) is tried first: its top row alone may pass for a
    header and would leave the second row to be refused as data.
    """
    if any(c.isdigit() for c in cells):  # a row numbered 1, 2, … is data: spare it the header tests
        return None
    below = _next_filled(rows, index)
    if below is not None and sum(1 for c in cells if c) >= 2 and any(sense_of(c).field for c in cells if c):
        samples = [[c.strip() for c in r.cells] for r in rows[below + 1: below + 1 + HEADER_SAMPLE_ROWS]]
        two = detect_two_row_header(cells, [c.strip() for c in rows[below].cells], samples)
        if two:
            return two[0], two[1], below + 1
    if detect_header(cells) is None:
        return None
    samples = [[c.strip() for c in r.cells] for r in rows[index + 1: index + 1 + HEADER_SAMPLE_ROWS]]
    one = detect_header(cells, samples)
    return (one, cells, index + 1) if one else None
