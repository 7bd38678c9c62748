"""Read catalogue tables kept as .xlsx workbooks or .docx documents into rows for the parser.

Both readers keep the table's grid, so cells stay under their headers:

* a vertically merged cell (序号 and 事项名称 spanning the rows of their 子项 or 岗位) repeats its
  value on every row it covers; the parser reads consecutive rows with the same 序号, name and
  子项 as one item;
* a horizontally merged cell counts once: its value sits in its first column and the columns it
  covers are empty. A column that holds nothing but such covered or empty cells is dropped, and a
  row whose only content is one merged cell (a title or a 一、行政处罚 heading spread across the
  table) becomes a single-cell row, as a heading line of a text list would be.

xlsx: every sheet in order, `where` is the sheet's title and `line` its row number.
docx: paragraphs outside tables are single-cell rows (titles, 一、行政处罚 headings); every table row
is a row with `where` 表k (the k-th table); `line` counts the rows read so far.
"""

import datetime as dt
import logging
import re
import zipfile
from pathlib import Path

from yibao.core.unpack import DEFAULT_LIMITS, PackageTooLarge, UploadLimits, check_package

from .errors import CatalogParseError, Problem
from .records import RawRow

_ZEROS_FORMAT = re.compile(r"^0+$")
log = logging.getLogger(__name__)
# What the user reads when a workbook or document cannot be opened; the library's own words go to the log.
UNREADABLE = {
    ".xlsx": "无法读取 Excel 工作簿（.xlsx）：文件已损坏，或不是真正的 .xlsx 文件（如改了扩展名的 .xls、.csv）。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。",
    ".docx": "无法读取 Word 文档（.docx）：文件已损坏，或不是真正的 .docx 文件（如改了扩展名的 .doc）。请用 Word 或 WPS 打开后另存为 .docx 再上传。",
}


def _refuse(path: Path, message: str) -> CatalogParseError:
    return CatalogParseError([Problem(path.name, None, None, message)])


def too_many_rows_message(limits: UploadLimits) -> str:
    return (f"表格超过 {limits.max_rows} 行或 {limits.max_columns} 列，不像一份权责清单，不予读取。"
            "请删除清单以外的行列（或末尾的空白格式）后另存再上传。")


def _check_package(path: Path, limits: UploadLimits) -> None:
    try:
        check_package(path, limits)
    except PackageTooLarge as exc:
        raise _refuse(path, str(exc).removeprefix(f"{path.name}：")) from None


def _unreadable(path: Path, exc: BaseException) -> CatalogParseError:
    log.warning("cannot open %s: %s: %s", path.name, type(exc).__name__, exc)
    return CatalogParseError([Problem(path.name, None, None, UNREADABLE[path.suffix.lower()])])


def cell_text(value, number_format: str | None = None) -> str:
    """Return a spreadsheet value as the text a list shows: 1.0 → '1', dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # A code kept as a number with a 0000000000 format keeps its leading zeros.
        if number_format and _ZEROS_FORMAT.match(number_format) and value >= 0:
            text = text.zfill(len(number_format))
        return text
    if isinstance(value, float):
        return repr(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")


def grid_rows(grid: list[list[str]], covered: list[list[bool]]) -> list[list[str]]:
    """Drop columns made only of covered or empty cells; turn single merged-cell rows into one cell."""
    width = max((len(r) for r in grid), default=0)
    keep = [
        c for c in range(width)
        if any(c < len(row) and row[c].strip() and not covered[r][c] for r, row in enumerate(grid))
    ]
    rows: list[list[str]] = []
    for r, row in enumerate(grid):
        padded = row + [""] * (width - len(row))
        cells = [padded[c] for c in keep]
        filled = [c for c in range(width) if padded[c].strip()]
        spans = len(filled) == 1 and filled[0] + 1 < width and covered[r][filled[0] + 1]
        rows.append([padded[filled[0]]] if spans else cells)
    return rows


def rows_from_xlsx(path: str | Path, limits: UploadLimits = DEFAULT_LIMITS) -> list[RawRow]:
    """Return the rows of every sheet of a workbook, merged ranges filled as described above."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    _check_package(path, limits)
    try:
        # Not read-only: read-only sheets do not report their merged ranges.
        workbook = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
        raise _unreadable(path, exc) from None
    rows: list[RawRow] = []
    try:
        for sheet in workbook.worksheets:
            n_rows, n_cols = sheet.max_row, sheet.max_column
            # One styled cell at XFD1048576 makes a tiny sheet's grid seventeen billion cells.
            if n_rows + len(rows) > limits.max_rows or n_cols > limits.max_columns:
                raise _refuse(path, too_many_rows_message(limits))
            grid = [["" for _ in range(n_cols)] for _ in range(n_rows)]
            covered = [[False] * n_cols for _ in range(n_rows)]
            for r, values in enumerate(sheet.iter_rows(min_row=1, max_row=n_rows, max_col=n_cols)):
                for c, cell in enumerate(values):
                    grid[r][c] = cell_text(cell.value, getattr(cell, "number_format", None))
            for merged in sheet.merged_cells.ranges:
                top, left = merged.min_row - 1, merged.min_col - 1
                if top >= n_rows or left >= n_cols:
                    continue
                value = grid[top][left]
                for r in range(top, min(merged.max_row, n_rows)):
                    grid[r][left] = value
                    for c in range(left + 1, min(merged.max_col, n_cols)):
                        grid[r][c] = ""
                        covered[r][c] = True
            for r, cells in enumerate(grid_rows(grid, covered)):
                rows.append(RawRow(r + 1, cells, sheet.title))
    finally:
        workbook.close()
    return rows


def rows_from_docx(path: str | Path, limits: UploadLimits = DEFAULT_LIMITS) -> list[RawRow]:
    """Return paragraphs and table rows of a Word document in document order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    path = Path(path)
    _check_package(path, limits)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
        raise _unreadable(path, exc) from None
    rows: list[RawRow] = []
    tables = 0
    for block in document.iter_inner_content():
        if len(rows) > limits.max_rows:
            raise _refuse(path, too_many_rows_message(limits))
        if not isinstance(block, Table):
            text = block.text.strip()
            if text:
                rows.append(RawRow(len(rows) + 1, [text]))
            continue
        tables += 1
        grid: list[list[str]] = []
        covered: list[list[bool]] = []
        for row in block.rows:
            if len(rows) + len(grid) > limits.max_rows:
                raise _refuse(path, too_many_rows_message(limits))
            texts: list[str] = [""] * row.grid_cols_before
            flags: list[bool] = [False] * row.grid_cols_before
            previous = None
            for cell in row.cells:
                same = previous is not None and cell._tc is previous._tc
                texts.append("" if same else cell.text.replace("\r", "\n"))
                flags.append(same)
                previous = cell
            texts.extend([""] * row.grid_cols_after)
            flags.extend([False] * row.grid_cols_after)
            grid.append(texts)
            covered.append(flags)
        width = max((len(r) for r in grid), default=0)
        for r in range(len(grid)):
            covered[r].extend([False] * (width - len(covered[r])))
        for cells in grid_rows(grid, covered):
            rows.append(RawRow(len(rows) + 1, cells, f"表{tables}"))
    return rows
