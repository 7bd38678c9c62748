"""A placed row becomes part of an item: an item row starts one (or a sub-item), a continuation row joins the
item above, a 同上 cell takes the value above it; each finished item is checked and made a ParsedItem."""

import re
from dataclasses import dataclass, field

from yibao.law.citations import split_bases
from yibao.law.text import html_to_paragraphs, squeeze_spaces

from .cells import _join, _join_text, _plain, split_duties
from .columns import MULTI_COLUMN_FIELDS
from .errors import Problem, clip
from .layout import align
from .patterns import CODE, DITTO, EXTRA_FIELDS, NUMBERED_SUB, SEQ, SUB_ITEM_INHERITS, TEXT_CELLS
from .records import ParsedDuty, ParsedItem
from .types import POWER_TYPES, power_type


@dataclass
class _Builder:
    line: int
    cells: dict[str, str]
    layout: tuple[int, ...]  # column index of each raw cell, for continuation rows of the same shape
    section_type: str | None
    duties: list[ParsedDuty] = field(default_factory=list)
    where: str | None = None  # the sheet or table of the item's first row, for problems
    notes: list[str] = field(default_factory=list)

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
