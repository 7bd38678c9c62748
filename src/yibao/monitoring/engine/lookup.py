"""Read rows a finding names back from its dataset: the institutions and persons (read_references) and the
settlements and fee lines of the drill-down page (read_claims). DuckDB over the dataset's files; no Django."""

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .ranks import institution_rank


def _table_source(path: Path, fmt: str) -> str:
    p = str(path).replace("'", "''")
    if fmt == "csv":
        return f"read_csv('{p}', header = true, all_varchar = true, nullstr = '')"
    if path.is_dir():
        return f"read_parquet('{p}/*.parquet')"
    return f"read_parquet('{p}')"


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


PERSON_NAME_COLUMNS = ("psn_name", "name")


def read_references(dataset_dir: Path, codes: Iterable[str], psn_nos: Iterable[str]) -> tuple[list[dict], list[dict]]:
    """Read the institutions and persons the findings name from the dataset's fixmedins and psn_info.

    The spec's psn_info has no name; the platform's extra column psn_name is read when present.
    Returns ([institution rows], [person rows]); a missing table gives an empty list.
    """
    import duckdb
    import pyarrow as pa

    from .dataset import DatasetError, find_tables

    try:
        files = find_tables(Path(dataset_dir))
    except DatasetError:
        return [], []
    codes, psn_nos = sorted({c for c in codes if c}), sorted({p for p in psn_nos if p})
    institutions: list[dict] = []
    persons: list[dict] = []
    con = duckdb.connect(":memory:")
    try:
        if "fixmedins" in files and codes:
            tf = files["fixmedins"]
            con.register("wanted", pa.table({"code": codes}))
            src = _table_source(tf.path, tf.fmt)
            present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
            cols = ["fixmedins_name", "fixmedins_type", "hosp_lv", "admdvs"]
            select = ", ".join(f"CAST(t.{c} AS VARCHAR)" if c in present else "NULL" for c in cols)
            rows = con.execute(f"SELECT CAST(t.fixmedins_code AS VARCHAR), {select} FROM {src} t "
                               "JOIN wanted w ON CAST(t.fixmedins_code AS VARCHAR) = w.code").fetchall()
            for code, name, kind, hosp_lv, admdvs in rows:
                institutions.append({"code": code, "name": name or "", "type": kind or "", "hosp_lv": hosp_lv or "",
                                     "admdvs": admdvs or "", "rank": institution_rank(kind, hosp_lv)})
            con.unregister("wanted")
        if "psn_info" in files and psn_nos:
            tf = files["psn_info"]
            con.register("wanted", pa.table({"psn_no": psn_nos}))
            src = _table_source(tf.path, tf.fmt)
            present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
            name_col = next((c for c in PERSON_NAME_COLUMNS if c in present), None)
            cols = [name_col, "certno", "gend", "brdy", "death_date"]
            select = ", ".join(f"CAST(t.{c} AS VARCHAR)" if c and c in present else "NULL" for c in cols)
            rows = con.execute(f"SELECT CAST(t.psn_no AS VARCHAR), {select} FROM {src} t "
                               "JOIN wanted w ON CAST(t.psn_no AS VARCHAR) = w.psn_no").fetchall()
            for psn_no, name, certno, gend, brdy, death in rows:
                persons.append({"psn_no": psn_no, "name": name or "", "certno": certno or "", "gender": gend or "",
                                "birth_date": _date(brdy), "death_date": _date(death)})
    finally:
        con.close()
    return institutions, persons


CLAIM_LINE_LIMIT = 200


def read_claims(dataset_dir: Path | str, *, setl_ids: Iterable[str] = (), feedetl_sns: Iterable[str] = (),
                lines_of_settlements: bool = True) -> dict:
    """Read the settlements and fee lines a finding names from its dataset, for the drill-down page.

    Returns {"settlements": [...], "lines": [...], "error": str|None}; the settlements' lines are
    included when lines_of_settlements is set (at most CLAIM_LINE_LIMIT lines).
    """
    import duckdb
    import pyarrow as pa

    from .dataset import DatasetError, find_tables

    setl_ids, feedetl_sns = sorted({s for s in setl_ids if s}), sorted({s for s in feedetl_sns if s})
    result: dict = {"settlements": [], "lines": [], "error": None, "truncated": False}
    if not setl_ids and not feedetl_sns:
        return result
    try:
        files = find_tables(Path(dataset_dir))
    except DatasetError as e:
        result["error"] = f"数据集已无法读取：{e}"
        return result
    con = duckdb.connect(":memory:")
    try:
        con.register("want_setl", pa.table({"id": setl_ids or [""]}))
        con.register("want_line", pa.table({"id": feedetl_sns or [""]}))
        setl = _table_source(files["setl_d"].path, files["setl_d"].fmt)
        mdtrt = _table_source(files["mdtrt_d"].path, files["mdtrt_d"].fmt)
        fee = _table_source(files["fee_list_d"].path, files["fee_list_d"].fmt)
        rel = con.sql(f"SELECT s.*, m.med_type, m.begntime, m.endtime FROM {setl} s "
                      f"LEFT JOIN {mdtrt} m ON CAST(s.mdtrt_id AS VARCHAR) = CAST(m.mdtrt_id AS VARCHAR) "
                      "WHERE CAST(s.setl_id AS VARCHAR) IN (SELECT id FROM want_setl) ORDER BY s.setl_time, s.setl_id")
        result["settlements"] = _records(rel)
        where = "CAST(feedetl_sn AS VARCHAR) IN (SELECT id FROM want_line)"
        if lines_of_settlements and setl_ids:
            where += " OR CAST(setl_id AS VARCHAR) IN (SELECT id FROM want_setl)"
        rel = con.sql(f"SELECT * FROM {fee} WHERE {where} ORDER BY fee_ocur_time, feedetl_sn "
                      f"LIMIT {CLAIM_LINE_LIMIT + 1}")
        lines = _records(rel)
        result["truncated"] = len(lines) > CLAIM_LINE_LIMIT
        result["lines"] = lines[:CLAIM_LINE_LIMIT]
    except duckdb.Error as e:
        result["error"] = f"读取数据集出错：{e}"
    finally:
        con.close()
    return result


def _records(rel: Any) -> list[dict]:
    columns = rel.columns
    return [{c: ("" if v is None else str(v)) for c, v in zip(columns, row, strict=True)} for row in rel.fetchall()]
