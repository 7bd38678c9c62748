"""The institution rank (spec 5.23) is one definition: the SQL of the batch prelude and the pre-screen agree."""

import duckdb
import pytest

from yibao.monitoring.engine.ranks import institution_rank, institution_rank_sql
from yibao.monitoring.engine.runner import prelude_statements

CASES = [(kind, lv) for kind in ("1", "2", None) for lv in (*(f"{i:02d}" for i in range(0, 13)), "5", "", None)]


def test_the_sql_rank_gives_every_institution_the_rank_the_prescreen_gives():
    con = duckdb.connect()
    con.execute("CREATE TABLE fixmedins (fixmedins_type VARCHAR, hosp_lv VARCHAR)")
    con.executemany("INSERT INTO fixmedins VALUES (?, ?)", CASES)
    rows = con.execute(f"SELECT fixmedins_type, hosp_lv, {institution_rank_sql()} FROM fixmedins").fetchall()
    assert len(rows) == len(CASES)
    assert [(k, lv, r) for k, lv, r in rows] == [(k, lv, institution_rank(k, lv)) for k, lv in CASES]


@pytest.mark.parametrize(("kind", "lv", "rank"), [("1", "01", 3), ("1", "07", 2), ("1", "10", 1), ("1", "11", 0),
                                                  ("1", None, 0), ("2", "01", 0), (None, "05", 2)])
def test_a_pharmacy_is_rank_zero_and_a_hospital_takes_the_rank_of_its_level(kind, lv, rank):
    assert institution_rank(kind, lv) == rank


def test_the_prelude_is_split_into_its_statements_by_tokens_not_by_semicolons_in_text():
    sql = ("-- a comment; with a semicolon\nCREATE VIEW v_a AS\nSELECT 'x;y' AS s FROM t WHERE {cond};\n"
           "CREATE TABLE t_b AS SELECT 1 AS one;\n")
    assert prelude_statements(sql) == [("VIEW", "v_a", "SELECT 'x;y' AS s FROM t WHERE {cond}"),
                                       ("TABLE", "t_b", "SELECT 1 AS one")]


def test_a_prelude_statement_that_is_not_a_create_as_is_refused():
    with pytest.raises(ValueError, match="CREATE TABLE"):
        prelude_statements("DROP TABLE t;")
