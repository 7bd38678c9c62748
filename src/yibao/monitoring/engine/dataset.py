"""Find a dataset's tables, check them against the contract, and expose typed views.

A wrong dataset is refused whole, naming the table, the column and the first offending rows
(the line in a CSV file, the key value in Parquet).
"""

import csv
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .backends import Backend
from .schema import NOT_NULL, PAIR_WINDOWS, SQL_TYPES, TABLES, Table

log = logging.getLogger(__name__)
MAX_REPORTED_ROWS = 5
KEEP_VALUES = 50_000_000  # key values kept in memory between two checks (about 1 GB of ids)

# What a text value of each type must look like (the spec's section 1 and 5.24).
PATTERNS = {
    "dec": r"^-?[0-9]+(\.[0-9]{1,2})?$",
    "dec6": r"^-?[0-9]+(\.[0-9]{1,6})?$",
    "int": r"^-?[0-9]+$",
    "bool": r"^(true|false|TRUE|FALSE|True|False|1|0)$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "ts": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?$",
}
TYPE_LABELS = {"str": "文本", "dec": "两位小数", "dec6": "最多六位小数", "int": "整数", "bool": "布尔值（true/false/1/0）",
               "date": "日期 YYYY-MM-DD", "ts": "时间 YYYY-MM-DD HH:MM:SS（不带时区）"}


@dataclass
class Problem:
    table: str
    column: str | None
    message: str
    rows: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = f"表 {self.table}" + (f"，列 {self.column}" if self.column else "")
        rows = f"（{'；'.join(self.rows)}）" if self.rows else ""
        return f"{where}：{self.message}{rows}"


class DatasetError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class TableFile:
    name: str
    path: Path
    fmt: str  # csv / parquet


@dataclass
class Dataset:
    root: Path
    files: dict[str, TableFile]
    present_columns: dict[str, set[str]]

    def has(self, table: str, column: str | None = None) -> bool:
        if table not in self.files:
            return False
        return column is None or column in self.present_columns.get(table, set())


def find_tables(root: Path) -> dict[str, TableFile]:
    """Return the spec's tables found in a dataset folder."""
    if not root.is_dir():
        raise DatasetError([Problem("-", None, f"数据集目录不存在：{root}")])
    found: dict[str, TableFile] = {}
    for name in TABLES:
        candidates = [
            (root / f"{name}.parquet", "parquet"),
            (root / f"{name}.csv", "csv"),
            (root / name, "parquet"),
        ]
        hits = [(p, fmt) for p, fmt in candidates if p.exists() and (not p.is_dir() or any(p.glob("*.parquet")))]
        if len(hits) > 1:
            raise DatasetError([Problem(name, None, f"同一张表有多个文件：{', '.join(str(p) for p, _ in hits)}")])
        if hits:
            found[name] = TableFile(name, hits[0][0], hits[0][1])
    missing = [t.name for t in TABLES.values() if t.required and t.name not in found]
    if missing:
        raise DatasetError([Problem(t, None, "缺少必需的表") for t in missing])
    return found


def _ident(name: str) -> str:
    """Quote a column name: some (window) are SQL keywords."""
    return '"' + name.replace('"', '""') + '"'


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _csv_lines(path: Path, column: str, values: list[str], key: str | None) -> list[str]:
    """Return 'line N' labels for the rows of a CSV whose column (or key) has one of the values."""
    wanted = set(values)
    out: list[str] = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        for line, row in enumerate(reader, start=2):
            probe = row.get(key) if key else row.get(column)
            if probe in wanted or (probe == "" and None in wanted):
                out.append(f"第{line}行")
                if len(out) >= MAX_REPORTED_ROWS:
                    break
    return out


def _parquet_files(tf: TableFile) -> list[Path]:
    """The Parquet files of a table, as the backends read them (a folder's *.parquet parts)."""
    return sorted(tf.path.glob("*.parquet")) if tf.path.is_dir() else [tf.path]


class ParquetFacts:
    """What a Parquet table's footers and key columns prove without a scan by the engine.

    Used only to skip a check that cannot fail: where the files cannot prove it (no statistics,
    overlapping key ranges, text keys pointing at settlements of another type), the engine runs the
    check in SQL as for CSV, and a check that fails is always re-run in SQL to name the rows.
    """

    def __init__(self, tf: TableFile):
        self.files = _parquet_files(tf)
        self.metadata = [pq.read_metadata(p) for p in self.files]
        self._kept: dict[str, pa.ChunkedArray] = {}

    def _chunks(self, column: str):
        """(file, row group, column statistics) of every non-empty row group; None without the column."""
        out = []
        for path, md in zip(self.files, self.metadata, strict=True):
            names = [md.schema.column(i).path for i in range(md.num_columns)]
            if column not in names:
                return None
            idx = names.index(column)
            for rg in range(md.num_row_groups):
                if md.row_group(rg).num_rows:
                    out.append((path, rg, md.row_group(rg).column(idx).statistics))
        return out

    def null_free(self, column: str) -> bool:
        """True when the footers record no null in the column."""
        chunks = self._chunks(column)
        return chunks is not None and all(st is not None and st.has_null_count and st.null_count == 0
                                          for _, _, st in chunks)

    def _read(self, column: str, chunks, fn):
        def one(chunk):
            path, rg, _ = chunk
            return fn(pq.ParquetFile(path).read_row_group(rg, columns=[column]).column(0).combine_chunks())

        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
            return list(pool.map(one, chunks))

    def unique(self, column: str, keep: bool = False) -> bool:
        """True when the column's values are proven distinct: the row groups' [min, max] ranges are
        disjoint and each row group is strictly increasing or has as many distinct values as rows."""
        chunks = self._chunks(column)
        if not chunks or not all(st is not None and st.has_min_max for _, _, st in chunks):
            return not chunks and chunks is not None
        try:
            ordered = sorted(chunks, key=lambda c: c[2].min)
            if any(not a[2].max < b[2].min for a, b in zip(ordered, ordered[1:], strict=False)):
                return False
        except TypeError:  # statistics of mixed types across files
            return False

        def distinct(arr: pa.Array) -> bool:
            if len(arr) < 2 or arr.null_count:
                return arr.null_count == 0
            if pc.all(pc.less(arr.slice(0, len(arr) - 1), arr.slice(1))).as_py():
                return True
            return pc.count_distinct(arr).as_py() == len(arr)

        # setl_d.setl_id is kept for the line-to-settlement check, unless it is very large.
        keep = keep and sum(st.num_values for _, _, st in chunks) <= KEEP_VALUES

        def check(arr: pa.Array):
            return distinct(arr), (arr if keep else None)

        results = self._read(column, chunks, check)
        if keep:
            self._kept[column] = pa.chunked_array([a for _, a in results], type=results[0][1].type)
        return all(ok for ok, _ in results)

    def distinct_runs(self, column: str, limit: int) -> pa.ChunkedArray | None:
        """The column's values with consecutive repeats dropped (lines of one settlement are usually
        stored together); None when that does not shrink it below `limit` values."""
        chunks = self._chunks(column)
        if chunks is None:
            return None

        def runs(arr: pa.Array) -> pa.Array:
            if len(arr) < 2:
                return arr
            change = pc.not_equal(arr.slice(1), arr.slice(0, len(arr) - 1))
            return arr.filter(pa.concat_arrays([pa.array([True]), change.fill_null(True)]))

        parts = self._read(column, chunks, runs)
        if sum(len(p) for p in parts) > limit:
            return None
        return pa.chunked_array(parts, type=parts[0].type if parts else pa.string())

    def column(self, column: str) -> pa.ChunkedArray:
        if column in self._kept:
            return self._kept[column]
        return pa.chunked_array([pq.read_table(p, columns=[column]).column(0) for p in self.files])


def _fixed_width(arr: pa.Array) -> np.ndarray | None:
    """The strings of a text array as a NumPy array of fixed-width bytes (no copy), when they all
    have one length; else None. Two such arrays compare correctly only at the same width (NumPy's
    bytes drop trailing NULs, so b"AB\\0" of width 3 would equal b"AB" of width 2): callers check it."""
    if arr.null_count or not len(arr) or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    large = pa.types.is_large_string(arr.type)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if large else np.int32,
                            count=len(arr) + 1, offset=arr.offset * (8 if large else 4))
    width = int(offsets[1] - offsets[0])
    if not width or not bool(np.all(np.diff(offsets) == width)):
        return None
    return np.frombuffer(arr.buffers()[2], dtype=f"S{width}", count=len(arr), offset=int(offsets[0]))


def all_in(values: pa.ChunkedArray, known: pa.ChunkedArray) -> bool:
    """True when every value is one of the known values (text, no nulls).

    Ids of one width whose known values are sorted (as extracts usually are) are looked up by
    binary search; otherwise by hashing.
    """
    if not len(values):
        return True
    known_arr = known.combine_chunks() if isinstance(known, pa.ChunkedArray) else known
    sorted_known = _fixed_width(known_arr)
    if sorted_known is not None and len(sorted_known) > 1 and not bool(np.all(sorted_known[1:] > sorted_known[:-1])):
        sorted_known = None
    if sorted_known is not None:
        for chunk in values.chunks:
            probe = _fixed_width(chunk)
            if probe is None:
                if len(chunk) and not pc.all(pc.is_in(chunk, value_set=known_arr)).as_py():
                    return False
                continue
            if probe.dtype != sorted_known.dtype:
                return False  # every value has another length than every known value: none is known
            # Lines stored settlement by settlement, every settlement with lines: the chunk's ids are
            # then one stretch of the known ids, compared at once instead of searched one by one.
            start = int(np.searchsorted(sorted_known, probe[0]))
            if np.array_equal(sorted_known[start:start + len(probe)], probe):
                continue
            pos = np.searchsorted(sorted_known, probe)
            if np.any(pos >= len(sorted_known)) or not np.array_equal(sorted_known[pos], probe):
                return False
        return True
    return pc.all(pc.is_in(values, value_set=known_arr)).as_py() is True


class Loader:
    """Register, validate and type a dataset's tables on one backend."""

    def __init__(self, backend: Backend, root: Path):
        self.backend = backend
        self.root = Path(root)
        self._parquet: dict[str, ParquetFacts | None] = {}

    def load(self) -> Dataset:
        files = find_tables(self.root)
        problems: list[Problem] = []
        present: dict[str, set[str]] = {}
        for name, tf in files.items():
            self.backend.register(f"raw_{name}", tf.path, tf.fmt)
            kinds = self.backend.columns(f"raw_{name}")
            present[name] = set(kinds)
            problems += self._check_table(TABLES[name], tf, kinds)
        if not problems:
            for name in files:
                self._create_typed_view(TABLES[name], present[name])
            problems += self._check_keys_and_references(files)
        if problems:
            for p in problems:
                log.warning("dataset %s refused: %s %s %s", self.root, p.table, p.column, p.rows)
            raise DatasetError(problems)
        return Dataset(self.root, files, present)

    def _facts(self, tf: TableFile) -> ParquetFacts | None:
        if tf.fmt != "parquet":
            return None
        if tf.name not in self._parquet:
            try:
                self._parquet[tf.name] = ParquetFacts(tf)
            except (OSError, pa.ArrowException) as e:  # the engine will say what is wrong with the file
                log.info("no footer facts for %s: %s", tf.path, e)
                self._parquet[tf.name] = None
        return self._parquet[tf.name]

    def _rows(self, tf: TableFile, table: Table, column: str, sql_where: str) -> list[str]:
        key = table.key[0] if len(table.key) == 1 else None
        select = _ident(key or column)
        result = self.backend.query(
            f"SELECT CAST({select} AS VARCHAR) AS v FROM raw_{table.name} WHERE {sql_where} LIMIT {MAX_REPORTED_ROWS}"
        )
        values = result.column("v").to_pylist()
        if tf.fmt == "csv":
            return _csv_lines(tf.path, column, values, key)
        if key:
            return [f"{key}={v}" for v in values]
        return [f"值 {v}" for v in values]

    def _check_table(self, table: Table, tf: TableFile, kinds: dict[str, str]) -> list[Problem]:
        """Check columns and values; the value checks of a table run as one scan."""
        problems: list[Problem] = []
        checks: list[tuple[str, str, str]] = []  # (column, SQL condition of a bad row, message)
        for col in table.columns:
            if col.name not in kinds:
                # A registry or knowledge table present needs all its columns (5.20), opening_cnt aside.
                needed = not col.optional and not (table.name == "kb_purchase" and col.name == "opening_cnt")
                if needed:
                    problems.append(Problem(table.name, col.name, "缺少必需的列"))
                continue
            problem, check = self._check_column(table, col.name, col.type, kinds[col.name])
            if problem:
                problems.append(problem)
            if check:
                checks.append(check)
        facts = self._facts(tf)
        for col in NOT_NULL.get(table.name, ()):
            if col in kinds and not (facts and facts.null_free(col)):
                checks.append((col, f"{_ident(col)} IS NULL", "不能为空"))
        if table.name == "kb_item_pair" and "window" in kinds:
            allowed = ", ".join(_quote(w) for w in PAIR_WINDOWS)
            w = _ident("window")
            checks.append(("window", f"{w} IS NOT NULL AND {w} NOT IN ({allowed})",
                           f"取值应为 {'/'.join(PAIR_WINDOWS)} 之一"))
        if checks:
            counts = self.backend.query(
                "SELECT " + ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS c{i}"
                                      for i, (_, cond, _) in enumerate(checks)) + f" FROM raw_{table.name}"
            ).to_pylist()[0]
            for i, (column, cond, message) in enumerate(checks):
                if counts[f"c{i}"]:
                    rows = self._rows(tf, table, column, cond)
                    problems.append(Problem(table.name, column, f"{message}（共{counts[f'c{i}']}行）", rows))
        return problems

    def _check_column(self, table: Table, name: str, typ: str,
                      kind: str) -> tuple[Problem | None, tuple[str, str, str] | None]:
        """Return a problem with the column's type, or the value check its text needs."""
        label = TYPE_LABELS[typ]
        if kind == "float":
            return Problem(table.name, name, f"不能使用浮点数类型，应为{label}"), None
        if kind == "timestamp_tz":
            return Problem(table.name, name, "时间不能带时区"), None
        col = _ident(name)
        if kind == "string" and typ != "str":
            where = f"{col} IS NOT NULL AND NOT regexp_matches({col}, {_quote(PATTERNS[typ])})"
            if typ in ("date", "ts"):
                target = "DATE" if typ == "date" else "TIMESTAMP"
                where = f"{col} IS NOT NULL AND (NOT regexp_matches({col}, {_quote(PATTERNS[typ])}) " \
                        f"OR TRY_CAST({col} AS {target}) IS NULL)"
            return None, (name, where, f"取值不是{label}")
        if kind.startswith("decimal"):
            scale = int(kind.split(",")[1].rstrip(")")) if "," in kind else 0
            limit = {"dec": 2, "dec6": 6}.get(typ)
            if limit is None and typ != "str":
                if typ == "int" and scale == 0:
                    return None, None
                return Problem(table.name, name, f"列类型为 {kind}，应为{label}"), None
            if limit is not None and scale > limit:
                return None, (name, f"{col} IS NOT NULL AND {col} <> ROUND({col}, {limit})", f"小数位数超过{limit}位")
            return None, None
        compatible = {
            "str": {"string", "integer"},
            "dec": {"integer"},
            "dec6": {"integer"},
            "int": {"integer"},
            "bool": {"boolean", "integer"},
            "date": {"date"},
            "ts": {"timestamp"},
        }[typ]
        if kind not in compatible:
            return Problem(table.name, name, f"列类型为 {kind}，应为{label}"), None
        return None, None

    def _create_typed_view(self, table: Table, present: set[str]) -> None:
        parts = []
        for col in table.columns:
            sql_type = SQL_TYPES[col.type]
            name = _ident(col.name)
            if col.name in present:
                parts.append(f"CAST({name} AS {sql_type}) AS {name}")
            else:
                parts.append(f"CAST(NULL AS {sql_type}) AS {name}")
        self.backend.create_view(table.name, f"SELECT {', '.join(parts)} FROM raw_{table.name}")

    def _check_keys_and_references(self, files: dict[str, TableFile]) -> list[Problem]:
        problems: list[Problem] = []
        for name, tf in files.items():
            table = TABLES[name]
            if not table.key:
                continue
            key = table.key[0]
            facts = self._facts(tf)
            if facts and facts.unique(key, keep=name == "setl_d"):
                continue
            dup = self.backend.query(
                f"SELECT CAST({key} AS VARCHAR) AS v FROM {name} GROUP BY {key} HAVING COUNT(*) > 1 "
                f"ORDER BY v LIMIT {MAX_REPORTED_ROWS}"
            ).column("v").to_pylist()
            if dup:
                rows = _csv_lines(tf.path, key, dup, key) if tf.fmt == "csv" else [f"{key}={v}" for v in dup]
                problems.append(Problem(name, key, "主键重复", rows))
        if self._settlements_known(files):
            return problems
        orphans = self.backend.query(
            "SELECT CAST(f.feedetl_sn AS VARCHAR) AS v FROM fee_list_d f LEFT JOIN setl_d s ON f.setl_id = s.setl_id "
            f"WHERE s.setl_id IS NULL ORDER BY v LIMIT {MAX_REPORTED_ROWS}"
        ).column("v").to_pylist()
        if orphans:
            tf = files["fee_list_d"]
            rows = (_csv_lines(tf.path, "feedetl_sn", orphans, "feedetl_sn") if tf.fmt == "csv"
                    else [f"feedetl_sn={v}" for v in orphans])
            problems.append(Problem("fee_list_d", "setl_id", "指向不存在的结算", rows))
        return problems

    def _settlements_known(self, files: dict[str, TableFile]) -> bool:
        """True when the Parquet files prove every fee line's setl_id is a settlement's (spec 5.2):
        the distinct runs of fee_list_d.setl_id, looked up in setl_d.setl_id of the same type."""
        fee, setl = self._facts(files["fee_list_d"]), self._facts(files["setl_d"])
        if not fee or not setl:
            return False
        rows = sum(md.num_rows for md in fee.metadata)
        known = setl.column("setl_id")
        keys = fee.distinct_runs("setl_id", limit=max(rows // 2, 100_000))
        if keys is None or keys.type != known.type or not pa.types.is_string(keys.type):
            return False
        return all_in(keys, known)
