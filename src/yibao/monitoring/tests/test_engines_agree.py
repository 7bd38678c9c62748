"""DuckDB and Spark give the same findings, byte for byte, on the same data."""

import pytest

from yibao.monitoring.engine.runner import screen

from .test_rule_boundaries import CASES, _setup

pytestmark = pytest.mark.spark


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_spark_finds_what_duckdb_finds(c, tmp_path, spark_backend):
    b, h = _setup()
    c.build(b, h)
    b.write(tmp_path)
    duck = screen(tmp_path, engine="duckdb")
    spark = screen(tmp_path, backend=spark_backend)
    assert spark.findings == duck.findings
    assert spark.skipped == duck.skipped
    assert any(f["rule_id"] == c.rule for f in duck.findings) or c.rule == "R06"
