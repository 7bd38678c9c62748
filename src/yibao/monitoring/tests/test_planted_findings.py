"""On a generated dataset every planted violation is found with its amount and no near-miss is flagged,
on DuckDB and on Spark alike."""

import json

import pytest

from yibao.monitoring.engine.generator import generate_dataset
from yibao.monitoring.engine.rules import RULES
from yibao.monitoring.engine.runner import screen


def _key(finding: dict, rule_id: str) -> tuple:
    return tuple((k, finding[k]) for k in RULES[rule_id].keys)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "ds"
    generate_dataset(out, lines=3000, seed=7)
    manifest = json.loads((out / "_planted.json").read_text(encoding="utf-8"))
    return out, manifest


@pytest.fixture(scope="module")
def duckdb_result(generated):
    return screen(generated[0], engine="duckdb")


def test_every_rule_has_planted_violations_and_near_misses(generated):
    _, manifest = generated
    for rule_id in RULES:
        kinds = [m["kind"] for m in manifest if m["rule_id"] == rule_id]
        assert kinds.count("violation") >= 2 and kinds.count("near_miss") >= 1, rule_id


def test_every_planted_violation_is_found_with_its_amount(generated, duckdb_result):
    _, manifest = generated
    found = {(f["rule_id"], _key(f, f["rule_id"])): f for f in duckdb_result.findings}
    for m in manifest:
        if m["kind"] != "violation":
            continue
        key = (m["rule_id"], tuple((k, m["key"].get(k)) for k in RULES[m["rule_id"]].keys))
        assert key in found, m
        if "amount" in m:
            assert str(found[key]["amount"]) == m["amount"], m


def test_no_near_miss_is_flagged_and_nothing_else_is_found(generated, duckdb_result):
    _, manifest = generated
    planted = {(m["rule_id"], tuple((k, m["key"].get(k)) for k in RULES[m["rule_id"]].keys)): m["kind"]
               for m in manifest}
    for f in duckdb_result.findings:
        key = (f["rule_id"], _key(f, f["rule_id"]))
        assert planted.get(key) == "violation", f


@pytest.mark.spark
def test_spark_gives_the_same_findings_file(generated, duckdb_result, spark_backend, tmp_path):
    spark = screen(generated[0], backend=spark_backend, out_dir=tmp_path / "spark")
    screen(generated[0], engine="duckdb", out_dir=tmp_path / "duck")
    assert spark.findings == duckdb_result.findings
    for name in ("findings.csv", "findings.parquet"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "duck" / name).read_bytes()
