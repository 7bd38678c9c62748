"""Which column each cell of a row belongs to: rows split from text, and a short row realigned only when its
content fixes every cell (a 10-digit code, a level such as 县级, a type such as 行政处罚)."""

import itertools

from .patterns import CODE, LEVEL, TYPED
from .records import RawRow
from .types import power_type


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
