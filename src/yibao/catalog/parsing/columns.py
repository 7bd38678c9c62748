"""Column detection: what a header means, by its exact name, its head word, and what the column holds.

Bureaus word their headers differently (职权名称, 权力事项, 执法事项名称; 事项类别, 权力性质; 法定依据,
实施依据) and some split a header over two rows (事项名称 over 主项 | 子项). A header cell is read
in three steps, strongest first:

1. an exact header name from HEADER_NAMES (the names the seed lists use);
2. its head word, the last meaningful noun: …名称 → name, …类型/类别 → type, …依据 → basis,
   …编码/代码 → code, …主体/机关 → subject, …科室/处室/部门 → implementer, …层级/级别 → level,
   备注/说明 → remark (a 名称 after 主体 or 科室 names that, not the item);
3. what the column holds, for columns the words leave open or get wrong: power types (行政处罚),
   10-digit codes, citations (《…》第…条), levels (省级、市级).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from yibao.law.citations import ARTICLE_MENTION

# field → header names, most specific first. Matching is on the header with spaces removed.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序"),
    "name": ("事项名称", "职权名称", "项目名称", "权力名称", "权力事项名称", "主项名称", "权责事项", "事项", "名称", "主项"),
    "main_name": ("职权",),
    "sub_item": ("子项名称", "子项", "子项目名称", "子项目"),
    "type": ("事项类型", "职权类型", "职权类别", "权力类型", "权力类别", "事项类别", "类型", "类别"),
    "national_code": ("基本编码", "事项编码", "权力编码", "职权编码", "编码"),
    "subject": ("责任主体", "行使主体", "实施机关"),
    "implementer": ("实施主体", "实施部门", "实施科室", "承办机构", "承办科室", "责任科室", "承办部门"),
    "basis": ("事项依据", "职权依据", "设定依据", "实施依据", "设定和实施依据", "法律依据", "依据"),
    "duty": ("责任事项", "岗位职责", "岗位责任", "责任事项内容", "职责"),
    "duty_basis": ("责任事项依据",),
    "level": ("行使层级", "层级", "实施层级"),
    "scope": ("行使内容", "行使范围", "内容"),
    "remark": ("备注", "说明"),
    "accountability": ("追责情形",),
    "accountability_basis": ("追责依据",),
    "guiding_department": ("指导部门", "业务指导部门"),
    "department": ("岗位科室", "所在科室"),
}

_LOOKUP = {name: f for f, names in HEADER_NAMES.items() for name in names}
REQUIRED = ("seq", "name")
# Fields a list may give in several columns (设定依据 | 实施依据): their cells are joined in column order.
MULTI_COLUMN_FIELDS = ("basis",)

# Head words, checked in order against the end of the header (the more specific first).
_ORG = r"(?:主体|机关|单位)"
_UNIT = r"(?:科室|处室|股室|部门|机构|内设机构|承办单位)"
HEAD_WORDS: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p), f) for p, f in (
    (r"子项", "sub_item"),
    (r"(?:追责|问责)(?:情形|内容|事项)$", "accountability"),
    (r"(?:追责|问责)依据$", "accountability_basis"),
    (r"(?:责任事项|职责)依据$", "duty_basis"),
    (r"(?:责任事项|职责|责任)(?:内容)?$", "duty"),
    (r"(?:指导|业务指导)" + _UNIT + r"$", "guiding_department"),
    (r"主管(?:部门|单位|机关)$", "subject"),  # in a bureau's own list, the bureau that holds the power
    (r"(?:序号|编号)$", "seq"),
    (r"(?:编码|代码|基本码)$", "national_code"),
    (_ORG + r"(?:名称)?$", "subject"),
    (_UNIT + r"(?:名称)?$", "implementer"),
    (r"名称$", "name"),
    (r"(?:类型|类别|种类|分类|性质)$", "type"),
    (r"依据$", "basis"),
    (r"(?:层级|级别)$", "level"),
    (r"(?:备注|说明|附注)$", "remark"),
    (r"(?:内容|范围)$", "scope"),
    (r"(?:事项|职权|权力|项目)$", "name"),
))
# The name of the plan or list a row belongs to (抽查计划名称 beside 抽查任务名称) is the same on every
# row: it groups the items and is not their name.
GROUP_NAME = re.compile(r"(?:计划|方案|清单|目录)名称$")
# A header is a short label: longer cells are data, whatever their last words.
HEADER_MAX_CHARS = 20


def fold_header(text: str) -> str:
    return re.sub(r"[\s\u3000*＊:：]", "", text)


def _bare(text: str) -> str:
    """The header without notes in brackets: 设定依据（法律法规） → 设定依据, 责任处（科）室 → 责任处室."""
    return re.sub(r"[（(][^（）()]*[)）]", "", fold_header(text))


def header_field(text: str) -> str | None:
    """Return the field a header cell names exactly, or None."""
    folded = fold_header(text)
    return _LOOKUP.get(folded) or _LOOKUP.get(_bare(text))


def head_word_field(text: str) -> str | None:
    """Return the field a header's head word names (…名称 → name, …依据 → basis), or None."""
    bare = _bare(text)
    if not bare or len(bare) > HEADER_MAX_CHARS or re.search(r"[0-9《》。；;，,]", bare):
        return None
    if GROUP_NAME.search(bare):
        return None
    for pattern, f in HEAD_WORDS:
        if pattern.search(bare):
            return f
    return None


@dataclass(frozen=True)
class ColumnSense:
    """What one header cell means and how sure that is: 'exact', 'head word' or 'content'."""

    field: str | None
    by: str = ""


@lru_cache(maxsize=8192)
def sense_of(text: str) -> ColumnSense:
    if len(text) > 2 * HEADER_MAX_CHARS:  # a data cell: spare the long texts the folding
        return ColumnSense(None)
    f = header_field(text)
    if f:
        return ColumnSense(f, "exact")
    f = head_word_field(text)
    if f:
        return ColumnSense(f, "head word")
    return ColumnSense(None)


# ---------------------------------------------------------------- what a column holds

CONTENT_SHARE = 0.8  # share of a column's sampled cells that must look alike to name or confirm it
CONTENT_MIN_CELLS = 2  # fewer filled cells than this say nothing about a column


def content_checks() -> dict[str, Callable[[str], bool]]:
    """Field → test of one cell, for the fields whose cells have a recognisable form."""
    from .patterns import CODE, LEVEL
    from .types import power_type

    return {
        "type": lambda s: power_type(s) is not None,
        "national_code": lambda s: bool(CODE.match(s)),
        "level": lambda s: bool(LEVEL.match(s)),
        "basis": lambda s: bool(re.search(r"《[^》]{2,60}》", s)) and bool(re.search(ARTICLE_MENTION, s)),
    }


def _names_a_law(cell: str) -> bool:
    return bool(re.search(r"《[^》]{2,60}》", cell))


def _share(values: list[str], check: Callable[[str], bool]) -> float:
    return sum(1 for v in values if check(v)) / len(values) if values else 0.0


def confirm_by_content(mapping: dict[int, str], senses: dict[int, ColumnSense],
                       samples: Sequence[Sequence[str]], width: int) -> dict[int, str]:
    """Drop head-word guesses the column's cells contradict; name unknown columns by their cells.

    Only full-width rows are sampled: a short row's cells may sit under other headers.
    """
    columns: dict[int, list[str]] = {}
    for row in samples:
        if len(row) != width:
            continue
        for i, cell in enumerate(row):
            value = cell.strip()
            if value:
                columns.setdefault(i, []).append(value)
    checks = content_checks()
    result = dict(mapping)
    for i, f in mapping.items():
        values = columns.get(i, [])
        check = checks.get(f)
        if not check or len(values) < CONTENT_MIN_CELLS:
            continue
        by = senses.get(i, ColumnSense(None)).by
        if f == "basis":  # a basis may name its laws without articles: 《社会保险法》、《…条例》
            check = _names_a_law
        share = _share(values, check)
        # Even an exact 事项类别 is no type column when not one cell names a type: an inspection list
        # classes its items 一般检查事项 | 重点检查事项 there. A column with some types keeps its
        # name, so a misspelt type is still reported.
        if (by == "head word" and share < 1 - CONTENT_SHARE) or (f == "type" and share == 0):
            del result[i]
    for i in range(width):
        if i in result:
            continue
        values = columns.get(i, [])
        if len(values) < CONTENT_MIN_CELLS:
            continue
        for f, check in checks.items():
            if f not in result.values() and _share(values, check) >= CONTENT_SHARE:
                result[i] = f
                senses[i] = ColumnSense(f, "content")
                break
    return result


# ---------------------------------------------------------------- header rows

def _mapping_from_senses(senses: dict[int, ColumnSense], cells: list[str]) -> dict[int, str]:
    """Give each field its column: exact names first, then head words; a field once (bases may repeat)."""
    mapping: dict[int, str] = {}
    for strength in ("exact", "head word"):
        for i in sorted(senses):
            s = senses[i]
            if s.by != strength or not s.field or i in mapping:
                continue
            if s.field in mapping.values() and s.field not in MULTI_COLUMN_FIELDS:
                continue
            mapping[i] = s.field
    return dict(sorted(mapping.items()))


def _finish_mapping(mapping: dict[int, str], cells: list[str]) -> dict[int, str] | None:
    values = set(mapping.values())
    if not all(f in values for f in REQUIRED) and not ("seq" in values and "main_name" in values):
        return None
    if len(mapping) < 3:
        return None
    for i, f in list(mapping.items()):
        if f == "duty" and i + 1 < len(cells) and not cells[i + 1].strip() and (i + 1) not in mapping:
            mapping[i] = "duty_post"
            mapping[i + 1] = "duty_text"
    if "main_name" in mapping.values() and "name" not in mapping.values():
        for i, f in mapping.items():
            if f == "main_name":
                mapping[i] = "name"
    return dict(sorted(mapping.items()))


def detect_header(cells: list[str], samples: Sequence[Sequence[str]] = ()) -> dict[int, str] | None:
    """Return {column index: field} when the row is a header row, else None.

    A header names the sequence number and the item name. A header cell left empty right after
    a duty header (岗位职责 spanning two columns: post, then its text) is the duty text column.
    `samples` are the rows below, to confirm the columns by what they hold.
    """
    senses = {i: sense_of(c) for i, c in enumerate(cells) if c.strip()}
    mapping = _mapping_from_senses(senses, cells)
    if not _finish_mapping(dict(mapping), cells):
        return None
    if samples:
        mapping = confirm_by_content(mapping, senses, samples, len(cells))
    return _finish_mapping(mapping, cells)


# ---------------------------------------------------------------- two-row headers

DATA_LIKE = re.compile(r"^\s*(?:\d{1,4}(?:[.\-－]\d{1,3})*|[一二三四五六七八九十]{1,3})\s*[.、．]?\s*$|《|\d{6,}")


def is_sub_header(top: list[str], below: list[str]) -> bool:
    """Whether `below` is the second row of a header over `top`: short header words only, under
    cells the top row merges over (or repeating a top cell a vertical merge spans)."""
    from .types import power_type

    width = max(len(top), len(below))
    top = top + [""] * (width - len(top))
    below = below + [""] * (width - len(below))
    new = 0
    for t, b in zip(top, below, strict=True):
        b = b.strip()
        if not b or b == t.strip():
            continue
        if DATA_LIKE.search(b) or len(fold_header(b)) > HEADER_MAX_CHARS or power_type(b) is not None:
            return False
        new += 1
    covered = any(not t.strip() and b.strip() for t, b in zip(top, below, strict=True))
    return new > 0 and covered


def combine_header_rows(top: list[str], below: list[str]) -> tuple[list[str], dict[int, ColumnSense]]:
    """Join a two-row header into one row of names and their meanings.

    A top cell merged over several columns (事项名称 over 主项 | 子项, 依据 over 设定依据 | 实施依据)
    is carried right over the empty cells it covers; a column then means what its lower cell says,
    and what the upper one says where the lower is only a part label (法律 | 法规 under 依据).
    """
    width = max(len(top), len(below))
    top = [c.strip() for c in top] + [""] * (width - len(top))
    below = [c.strip() for c in below] + [""] * (width - len(below))
    names: list[str] = []
    senses: dict[int, ColumnSense] = {}
    group = ""
    for i in range(width):
        if top[i]:
            group = top[i]
        elif not below[i]:
            group = ""
        upper = top[i] or (group if below[i] else "")
        lower = below[i] if below[i] != top[i] else ""
        if not upper and not lower:
            names.append("")
            continue
        names.append(f"{upper}（{lower}）" if upper and lower else upper or lower)
        upper_sense, lower_sense = sense_of(upper) if upper else ColumnSense(None), sense_of(lower)
        if lower and lower_sense.field:
            senses[i] = lower_sense
        elif upper_sense.field:
            senses[i] = upper_sense
    # A duty header over two columns (岗位职责 over 岗位 | 职责) is the post, then its text.
    for i in range(width - 1):
        if senses.get(i, ColumnSense(None)).field == "duty" and top[i] and not top[i + 1] and below[i + 1]:
            senses[i] = ColumnSense("duty_post", senses[i].by)
            senses[i + 1] = ColumnSense("duty_text", senses[i].by)
    return names, senses


def detect_two_row_header(top: list[str], below: list[str],
                          samples: Sequence[Sequence[str]] = ()) -> tuple[dict[int, str], list[str]] | None:
    """Return ({column: field}, column names) when `top` and `below` are one header, else None."""
    if not is_sub_header(top, below):
        return None
    names, senses = combine_header_rows(top, below)
    mapping = _mapping_from_senses(senses, names)
    if _finish_mapping(dict(mapping), names) is None:
        return None
    if samples:
        mapping = confirm_by_content(mapping, senses, samples, len(names))
    final = _finish_mapping(mapping, names)
    return (final, names) if final else None
