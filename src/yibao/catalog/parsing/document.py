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
"""

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from yibao.core.unpack import DEFAULT_LIMITS, UploadLimits, too_large_message
from yibao.law.citations import ARTICLE_MENTION, Citation, split_bases
from yibao.law.text import html_to_paragraphs, squeeze_spaces

from .columns import MULTI_COLUMN_FIELDS, detect_header, detect_two_row_header, sense_of
from .errors import CatalogParseError, Problem, clip
from .types import POWER_TYPES, SECTION_HEADING, power_type

SEQ = re.compile(
    r"^\s*(?:\d{1,4}(?:[.\-－]\d{1,3})*|[一二三四五六七八九十百]{1,4}|[（(]\s*[一二三四五六七八九十百\d]{1,4}\s*[)）])"
    r"\s*[.、．]?\s*$"
)
CODE = re.compile(r"^\s*\d{10}\s*$")
_ONE_LEVEL = r"(?:国家级|省级|市级|州级|区级|县级|区县级|县区级|乡级|镇级|乡镇级|街乡级|街道级)"
LEVEL = re.compile(
    r"^\s*(?:[省市县区乡镇、，,/和及]{1,12})级\s*$"
    rf"|^\s*{_ONE_LEVEL}(?:\s*[、，,/和及]\s*{_ONE_LEVEL})*\s*$"
)
# A line above the header that fills in a form (填报单位（盖章）：…局 | 联系人及联系电话：) is not data.
FORM_LINE = re.compile(r"^[^：:]{1,20}[：:]")
SEPARATOR = re.compile(r"^\s*:?-{2,}:?\s*$")
NUMBERED_SUB = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、)")
INSPECTION_TITLE = re.compile(r"抽查|检查(?:计划|事项)")
INSPECTION_COLUMN = re.compile(r"^(?:检查|抽查|抽取)(?:对象|方式|比例|频次)")
# A date in the lines above a table: 2023年11月2日, or 日期：2023-03-07 as web pages write it.
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日|(?:日期|时间)\s*[：:]\s*(\d{4})-(\d{1,2})-(\d{1,2})")
TITLE_NOISE = re.compile(r"^(?:附件\s*\d*|附表\s*\d*)$")
DUTY_STEP = re.compile(r"(?:(?<=\s)|^|(?<=[。；;]))(?:\d{1,2}\s*[.、．]\s*)?(?P<step>[\u4e00-\u9fff]{1,10}?责任)\s*[：:]")
OTHER_DUTY = re.compile(r"(?:\d{1,2}\s*[.、．]\s*)?(?P<text>[^。；:：]{0,30}其他责任[。；]?)\s*$")

# Columns whose cells must look a certain way; a cell that looks like one belongs there.
TYPED = {
    "seq": lambda s: bool(SEQ.match(s)),
    "national_code": lambda s: bool(CODE.match(s)),
    "level": lambda s: bool(LEVEL.match(s)),
    "type": lambda s: power_type(s) is not None,
}
EXTRA_FIELDS = ("accountability", "accountability_basis", "guiding_department")
# Cells of running text, whose continuation fragments join paragraph-wise.
TEXT_CELLS = ("basis", "duty", "duty_basis", "scope", "remark", "accountability", "accountability_basis")
SUB_ITEM_INHERITS = ("seq", "name", "type", "subject", "implementer", "level")
PARAGRAPH_START = re.compile(
    rf"^(?:《|【|{ARTICLE_MENTION}|[（(]\s*[0-9０-９一二三四五六七八九十]{{1,3}}\s*[)）]"
    r"|\d{1,2}\s*[.、．]|[一二三四五六七八九十]{1,3}\s*、)"
)
SENTENCE_END = re.compile(r"[。；;：:！？!?]$")
# A cell that repeats the one above it: 同上, “同上”, 〃, 同前.
DITTO = re.compile(r"^\s*[“”\"'「『]?\s*(?:同上|同前|同上栏|〃|″)\s*[”“\"'」』]?\s*[。.]?\s*$")
# Rows below a header read to confirm what its columns hold.
HEADER_SAMPLE_ROWS = 30
TEXT_SUFFIXES = (".txt", ".tsv", ".md")
HTML_SUFFIXES = (".html", ".htm")
OFFICE_SUFFIXES = (".xlsx", ".docx")
# Every kind of file parse_catalog_file reads; the upload form accepts these.
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + OFFICE_SUFFIXES


@dataclass
class RawRow:
    """One row of a table as read from a file; `line` is the line (or sheet row) to report."""

    line: int
    cells: list[str]
    where: str | None = None  # e.g. 'Sheet1' for spreadsheets


@dataclass
class ParsedDuty:
    step: str | None
    text: str
    post: str | None = None
    department: str | None = None

    def as_dict(self) -> dict:
        return {"step": self.step, "text": self.text, "post": self.post, "department": self.department}


@dataclass
class ParsedItem:
    seq: str | None
    name: str
    sub_item: str | None
    type: str
    national_code: str | None
    subject: str | None
    implementer: str | None
    level: str | None
    scope: str | None
    remark: str | None
    bases: list[Citation]
    duties: list[ParsedDuty]
    duty_bases: list[Citation]
    basis_text: str
    line: int
    extra: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # how cells were read, e.g. 同上 taken from the row above

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "name": self.name,
            "sub_item": self.sub_item,
            "type": self.type,
            "national_code": self.national_code,
            "subject": self.subject,
            "implementer": self.implementer,
            "level": self.level,
            "scope": self.scope,
            "remark": self.remark,
            "bases": [c.as_dict() for c in self.bases],
            "duties": [d.as_dict() for d in self.duties],
            "duty_bases": [c.as_dict() for c in self.duty_bases],
            "extra": self.extra,
            "line": self.line,
            "notes": self.notes,
        }


@dataclass
class ParsedCatalog:
    title: str | None
    bureau: str | None
    date: str | None
    items: list[ParsedItem]
    source: str
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "bureau": self.bureau,
            "date": self.date,
            "source": self.source,
            "items": [i.as_dict() for i in self.items],
            "warnings": self.warnings,
        }


@dataclass
class _Builder:
    line: int
    cells: dict[str, str]
    layout: tuple[int, ...]  # column index of each raw cell, for continuation rows of the same shape
    section_type: str | None
    duties: list[ParsedDuty] = field(default_factory=list)
    where: str | None = None  # the sheet or table of the item's first row, for problems
    notes: list[str] = field(default_factory=list)


def split_line(line: str) -> list[str]:
    """Split a text line into cells: tab-separated, or a Markdown pipe row."""
    line = line.rstrip("\r\n")
    stripped = line.strip()
    if "\t" not in line and stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        return [c.strip() for c in stripped[1:-1].split("|")]
    return line.split("\t")


def rows_from_text(text: str) -> list[RawRow]:
    text = text.lstrip("\ufeff")
    return [RawRow(i, split_line(line)) for i, line in enumerate(text.split("\n"), start=1)]


def _placements(cells: list[str], n: int):
    """Yield column indexes for each cell: order kept, len(cells) ≤ n, the rest left empty."""
    m = len(cells)
    if m > n:
        return
    for gaps in itertools.combinations(range(n), n - m):
        gapset = set(gaps)
        yield tuple(i for i in range(n) if i not in gapset)


def _anchor(value: str) -> str | None:
    """Return the field a cell's content pins it to: a 10-digit code, a level, a named type."""
    if CODE.match(value):
        return "national_code"
    if LEVEL.match(value):
        return "level"
    if power_type(value) not in (None, "other"):
        return "type"
    return None


def _valid(cells: list[str], layout: tuple[int, ...], fields: dict[int, str], *, item_row: bool,
           realigned: bool = True) -> bool:
    """Check a placement. A full-length item row keeps its cells where they are (a wrong value
    there is reported by its column later); a realigned row must look right everywhere."""
    present = set(fields.values())
    for i, cell in enumerate(cells):
        value = cell.strip()
        if not value:
            continue
        f = fields.get(layout[i])
        check = TYPED.get(f or "")
        if not item_row and check and not check(value):
            return False
        if check and realigned and not check(value):
            return False
        anchor = _anchor(value)
        if anchor and anchor in present and f != anchor:
            return False
    if item_row:
        for required in ("seq", "name"):
            col = next((c for c, f in fields.items() if f == required), None)
            if col is not None and not any(layout[i] == col and cells[i].strip() for i in range(len(cells))):
                return False
    return True


def _signature(cells: list[str], layout: tuple[int, ...]) -> tuple:
    return tuple((layout[i], c.strip()) for i, c in enumerate(cells) if c.strip())


def align(cells: list[str], fields: dict[int, str], n: int, *, item_row: bool,
          prefer: tuple[int, ...] | None = None) -> tuple[int, ...] | None:
    """Return the column of each cell, or None when the row cannot be placed unambiguously."""
    versions = [cells]
    trimmed = list(cells)
    while trimmed and not trimmed[-1].strip():
        trimmed = trimmed[:-1]
        versions.append(list(trimmed))
    for version in versions:
        if len(version) > n:
            continue
        if prefer is not None and len(prefer) == len(version) and _valid(version, prefer, fields, item_row=item_row):
            return _pad(prefer, cells, n)
        valid = [
            lay for lay in _placements(version, n)
            if _valid(version, lay, fields, item_row=item_row, realigned=len(version) < n)
        ]
        if not valid:
            continue
        signatures = {_signature(version, lay) for lay in valid}
        if len(signatures) == 1:
            return _pad(valid[0], cells, n)
        if not item_row:
            # Continuation rows lose their leading empty cells: prefer the gaps at the front.
            return _pad(valid[-1], cells, n)
        return None
    return None


def _pad(layout: tuple[int, ...], cells: list[str], n: int) -> tuple[int, ...]:
    """Extend a layout to cover trailing empty cells that were trimmed (they map nowhere)."""
    return layout + tuple(-1 for _ in range(len(cells) - len(layout)))


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


def _join(old: str, new: str) -> str:
    return old + new if old else new


def _join_text(old: str, new: str) -> str:
    """Join a continuation fragment to a text cell (basis, duty, …).

    A page break cuts a paragraph in two: the fragment goes on with the cell's last paragraph,
    unless that paragraph ended a sentence or the fragment starts one of its own (《…》, 第N条, （一）).
    """
    before, after = html_to_paragraphs(old), html_to_paragraphs(new)
    if not before or not after:
        return _join(old, new)
    if SENTENCE_END.search(before[-1]) or PARAGRAPH_START.match(after[0]):
        return f"{old}\n{new}"
    return re.sub(r"\s*</p>\s*$", "", old, flags=re.I) + re.sub(r"^\s*<p\b[^>]*>\s*", "", new, flags=re.I)


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


def _col_name(header_names: list[str], col: int) -> str:
    return header_names[col] if 0 <= col < len(header_names) and header_names[col] else f"第{col + 1}列"


def _place_row(row, cells, fields, n, header_names, builders, section_type, problem) -> None:
    seq_col = next((c for c, f in fields.items() if f == "seq"), 0)
    first = cells[seq_col] if seq_col < len(cells) else ""
    is_item = bool(first) and bool(SEQ.match(first))
    leading_empty = all(not c for c in cells[: seq_col + 1])
    if not is_item and not leading_empty:
        problem(row, _col_name(header_names, seq_col), f"无法归属的行：“{clip(first)}”既不是序号，也不是上一事项的续行")
        return
    if not is_item and not builders:
        problem(row, None, "续行之前没有事项")
        return
    prefer = builders[-1].layout if (not is_item and builders) else None
    layout = align(cells, fields, n, item_row=is_item, prefer=prefer)
    if layout is None:
        if len([c for c in cells if c]) and len(cells) > n and any(c for c in cells[n:]):
            problem(row, None, f"单元格数（{len(cells)}）多于表头列数（{n}），无法确定各列位置")
        else:
            problem(row, None, f"该行有{len(cells)}个单元格，表头有{n}列，无法根据内容唯一确定各单元格所属的列")
        return
    placed: dict[str, str] = {}
    dittos: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(cells):
        col = layout[i]
        if col < 0 or not cell:
            continue
        f = fields.get(col)
        if f is None:
            continue
        if DITTO.match(cell):
            dittos[f] = (col, cell.strip().strip("“”\"'「」『』。. "))
            continue
        if f in MULTI_COLUMN_FIELDS and placed.get(f):
            placed[f] = f"{placed[f]}\n{cell}"
        else:
            placed[f] = cell
    notes: list[str] = []
    for f, (col, word) in dittos.items():
        above = _value_above(builders, f)
        if not above:
            problem(row, _col_name(header_names, col), f"单元格写“{word}”，但上方没有可沿用的内容")
            return
        placed[f] = above
        notes.append(f"“{_col_name(header_names, col)}”列写“{word}”，取上一行的值")
    if is_item:
        current = builders[-1] if builders else None
        same = (
            current is not None
            and placed.get("seq") == current.cells.get("seq")
            and placed.get("name", "") == current.cells.get("name", "")
            and placed.get("sub_item", "") == current.cells.get("sub_item", "")
        )
        if same:
            # Merged cells repeated on every row (Word, filled spreadsheets): the same item goes on.
            _add_duty_row(current, placed, fields)
            return
        b = _Builder(row.line, {}, tuple(c for c in layout if c >= 0), section_type, where=row.where, notes=notes)
        type_col = next((c for c, f in fields.items() if f == "type"), None)
        if (type_col is not None and not placed.get("type") and current is not None and current.cells.get("type")
                and type_col not in layout):
            placed["type"] = current.cells["type"]
            notes.append(f"“{_col_name(header_names, type_col)}”列缺失（合并单元格），沿用上一事项的类型")
        if not placed.get("name") and current is not None:
            placed["name"] = current.cells.get("name", "")
        b.cells.update({f: v for f, v in placed.items() if f not in ("duty_post", "duty_text")})
        builders.append(b)
        _add_duty_row(b, placed, fields, first=True)
        return
    current = builders[-1]
    starts_sub_item = (
        placed.get("sub_item") and current.cells.get("sub_item") and NUMBERED_SUB.match(placed["sub_item"])
    ) or (placed.get("national_code") and current.cells.get("national_code"))
    if starts_sub_item:
        b = _Builder(row.line, {}, current.layout, current.section_type, where=row.where, notes=notes)
        # The main item's cells merged over its sub-items (name, type, subject, level) hold for each.
        b.cells.update({f: current.cells[f] for f in SUB_ITEM_INHERITS if current.cells.get(f)})
        b.cells.update({f: v for f, v in placed.items() if f not in ("duty_post", "duty_text")})
        builders.append(b)
        _add_duty_row(b, placed, fields, first=True)
        return
    current.notes.extend(n for n in notes if n not in current.notes)
    if placed.get("duty_post"):
        _add_duty_row(current, placed, fields)
        return
    for f, v in placed.items():
        if f == "duty_text" and current.duties:
            current.duties[-1].text = _join_text(current.duties[-1].text, v)
        elif f == "implementer" and "duty_post" in fields.values() and current.duties:
            current.duties[-1].department = _join(current.duties[-1].department or "", v)
        else:
            current.cells[f] = (_join_text if f in TEXT_CELLS else _join)(current.cells.get(f, ""), v)


def _value_above(builders: list[_Builder], f: str) -> str:
    """The value the row above gave field `f`: the last item's cell, or its last duty's post or text."""
    if not builders:
        return ""
    last = builders[-1]
    if f in ("duty_post", "duty_text"):
        if not last.duties:
            return ""
        return last.duties[-1].post or "" if f == "duty_post" else last.duties[-1].text
    return last.cells.get(f, "")


def _add_duty_row(b: _Builder, placed: dict[str, str], fields: dict[int, str], first: bool = False) -> None:
    """Add the post-and-department duty a row of a post-responsibility table carries."""
    if "duty_post" not in fields.values():
        return
    post, text = placed.get("duty_post", ""), placed.get("duty_text", "")
    if not post and not text:
        return
    department = placed.get("implementer") or placed.get("department")
    b.duties.append(ParsedDuty(None, squeeze_spaces(text), squeeze_spaces(post) or None, department or None))


def split_duties(cell: str) -> list[ParsedDuty]:
    """Split a duty cell (1. 立案责任：… 2. 调查责任：…) into steps without their list numbers."""
    text = " ".join(html_to_paragraphs(cell))
    matches = list(DUTY_STEP.finditer(text))
    duties: list[ParsedDuty] = []
    if not matches:
        t = squeeze_spaces(text)
        return [ParsedDuty(None, t)] if t else []
    head = text[: matches[0].start()].strip()
    if head:
        duties.append(ParsedDuty(None, squeeze_spaces(head)))
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        body = text[m.end():end].strip()
        tail = None
        if k + 1 == len(matches):
            other = OTHER_DUTY.search(body)
            if other and other.start() > 0:
                tail = re.sub(r"^\d{1,2}\s*[.、．]\s*", "", other.group("text").strip())
                body = body[: other.start()].strip()
        body = re.sub(r"\s*\d{1,2}\s*[.、．]\s*$", "", body)
        duties.append(ParsedDuty(m.group("step"), squeeze_spaces(body)))
        if tail:
            duties.append(ParsedDuty("其他责任", squeeze_spaces(tail)))
    return duties


def _plain(cell: str) -> str:
    """A text cell as plain text: HTML paragraphs (<p>…</p>) become lines, PDF spaces go."""
    if "<" not in cell:
        return squeeze_spaces(cell)
    return "\n".join(squeeze_spaces(p) for p in html_to_paragraphs(cell))


def _finish(b: _Builder, fields, header_names, source, problems, warnings) -> ParsedItem | None:
    c = {k: v.strip() for k, v in b.cells.items()}
    source = source + (f"［{b.where}］" if b.where else "")

    def where(f: str) -> str | None:
        col = next((i for i, x in fields.items() if x == f), None)
        return _col_name(header_names, col) if col is not None else None

    name = squeeze_spaces(c.get("name", ""))
    if not name:
        problems.append(Problem(source, b.line, where("name"), "事项名称为空"))
        return None
    type_text = c.get("type", "")
    if type_text:
        ptype = power_type(type_text)
        if ptype is None:
            problems.append(Problem(source, b.line, where("type"),
                                    f"未知的事项类型“{clip(type_text)}”（应为{'、'.join(POWER_TYPES)}之一）"))
            return None
    elif b.section_type:
        ptype = b.section_type
    else:
        problems.append(Problem(source, b.line, where("type"), "无法确定事项类型：既无类型列，也无“一、行政处罚”式的分类标题"))
        return None
    code = c.get("national_code", "").strip() or None
    if code and not CODE.match(code):
        problems.append(Problem(source, b.line, where("national_code"), f"基本编码“{clip(code)}”不是10位数字"))
        return None
    basis_raw = c.get("basis", "")
    bases = split_bases(basis_raw) if basis_raw else None
    duty_bases = split_bases(c["duty_basis"]) if c.get("duty_basis") else None
    for parse in (bases, duty_bases):
        if parse:
            for w in parse.warnings:
                msg = f"第{b.line}行：{w}"
                if msg not in warnings:
                    warnings.append(msg)
    duties = list(b.duties)
    if c.get("duty"):
        duties = split_duties(c["duty"]) + duties
    seq = re.sub(r"[.、．\s]+$", "", c.get("seq", "")) or None
    return ParsedItem(
        seq=seq,
        name=name,
        sub_item=squeeze_spaces(c.get("sub_item", "")) or None,
        type=ptype,
        national_code=code.strip() if code else None,
        subject=squeeze_spaces(c.get("subject", "")) or None,
        implementer=squeeze_spaces(c.get("implementer", "")) or None,
        level=squeeze_spaces(c.get("level", "")) or None,
        scope=_plain(c.get("scope", "")) or None,
        remark=_plain(c.get("remark", "")) or None,
        bases=bases.citations if bases else [],
        duties=duties,
        duty_bases=duty_bases.citations if duty_bases else [],
        basis_text="\n".join(html_to_paragraphs(basis_raw)),
        line=b.line,
        extra={f: _plain(c[f]) for f in EXTRA_FIELDS if c.get(f)},
        notes=list(b.notes),
    )
