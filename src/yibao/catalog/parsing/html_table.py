"""Read a catalogue saved as an HTML page (a bureau's web page, Word's "save as web page") into rows.

Text outside tables (the title, 一、行政处罚 headings) becomes single-cell rows. Every table keeps
its grid as the office readers do (office.py): a cell with rowspan repeats its text on each row it
spans, a cell with colspan puts its text in its first column and covers the others. `where` is 表k
and `line` counts the rows read so far.
"""

import re
from html.parser import HTMLParser

from .records import RawRow

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "caption"}
_SKIPPED = {"script", "style", "head", "title"}


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    value = dict(attrs).get(name) or "1"
    m = re.match(r"\s*(\d+)", value)
    return max(1, min(int(m.group(1)), 1000)) if m else 1


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, object]] = []  # ("text", str) or ("table", [[(text, colspan, rowspan)]])
        self.depth = 0  # nested tables are read as text of their cell
        self.skip = 0
        self.text: list[str] = []
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self.cell_spans = (1, 1)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self._flush_text()
                self.rows = []
        elif self.depth == 1 and tag == "tr":
            self.rows.append([])
        elif self.depth == 1 and tag in ("td", "th"):
            self._close_cell()
            self.cell = []
            self.cell_spans = (_span(attrs, "colspan"), _span(attrs, "rowspan"))
        elif tag in _BLOCKS:
            self._newline()

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag == "table":
            if self.depth == 1:
                self._close_cell()
                self.blocks.append(("table", self.rows))
                self.rows = []
            self.depth = max(0, self.depth - 1)
        elif self.depth == 1 and tag in ("td", "th"):
            self._close_cell()
        elif tag in _BLOCKS:
            self._newline()

    def handle_data(self, data):
        if self.skip:
            return
        if self.depth >= 1 and self.cell is not None:
            self.cell.append(data)
        elif self.depth == 0:
            self.text.append(data)

    def _newline(self) -> None:
        if self.depth >= 1 and self.cell is not None:
            self.cell.append("\n")
        elif self.depth == 0:
            self.text.append("\n")

    def _close_cell(self) -> None:
        if self.cell is None:
            return
        text = "\n".join(" ".join(line.split()) for line in "".join(self.cell).split("\n"))
        text = re.sub(r"\n{2,}", "\n", text).strip()
        if not self.rows:
            self.rows.append([])
        self.rows[-1].append((text, *self.cell_spans))
        self.cell = None

    def _flush_text(self) -> None:
        for line in "".join(self.text).split("\n"):
            line = " ".join(line.split())
            if line:
                self.blocks.append(("text", line))
        self.text = []

    def close(self) -> None:
        super().close()
        self._close_cell()
        if self.depth and self.rows:
            self.blocks.append(("table", self.rows))
        self._flush_text()


def _grid(rows: list[list[tuple[str, int, int]]]) -> tuple[list[list[str]], list[list[bool]]]:
    """Lay the cells out on the table's grid, spans filled as described at the top."""
    grid: dict[tuple[int, int], tuple[str, bool]] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = (text, False) if dc == 0 else ("", True)
            c += colspan
    height = max((r for r, _ in grid), default=-1) + 1
    width = max((c for _, c in grid), default=-1) + 1
    cells = [[grid.get((r, c), ("", False))[0] for c in range(width)] for r in range(height)]
    covered = [[grid.get((r, c), ("", False))[1] for c in range(width)] for r in range(height)]
    return cells, covered


def rows_from_html(text: str) -> list[RawRow]:
    """Return the title lines and table rows of an HTML page in document order."""
    from .office import grid_rows

    reader = _TableReader()
    reader.feed(text)
    reader.close()
    rows: list[RawRow] = []
    tables = 0
    for kind, content in reader.blocks:
        if kind == "text":
            rows.append(RawRow(len(rows) + 1, [content]))
            continue
        tables += 1
        grid, covered = _grid(content)
        for cells in grid_rows(grid, covered):
            rows.append(RawRow(len(rows) + 1, cells, f"表{tables}"))
    return rows
