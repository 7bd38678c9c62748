"""On a generated dataset every planted violation is found with its amount and no near-miss is flagged,
on DuckDB and on Spark alike."""

import json

import pytest

from yibao.monitoring.engine.generator import Region, generate_dataset
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


# ------------------------------------------------------------------------------------------------
# A dataset of a bureau's own region (the demo's)

LUANCHUAN = Region.of("410324", "栾川县", places=("城关", "潭头", "庙子", "合峪", "三川", "冷水"))


@pytest.fixture(scope="module")
def luanchuan(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "luanchuan"
    generate_dataset(out, lines=3000, seed=7, region=LUANCHUAN, list_every_institution=True)
    return out, json.loads((out / "_planted.json").read_text(encoding="utf-8"))


def test_a_regions_dataset_names_every_institution_its_claims_name_and_all_are_local(luanchuan):
    import pyarrow.parquet as pq

    out, _ = luanchuan
    fixmedins = {r["fixmedins_code"]: r for r in pq.read_table(out / "fixmedins.parquet").to_pylist()}
    claimed = set(pq.read_table(out / "setl_d.parquet").column("fixmedins_code").to_pylist())
    assert claimed <= set(fixmedins), sorted(claimed - set(fixmedins))
    assert {r["admdvs"] for r in fixmedins.values()} == {"410324"}
    hospitals = [r["fixmedins_name"] for r in fixmedins.values() if r["fixmedins_type"] == "1"]
    assert hospitals and all(name.startswith("栾川县") for name in hospitals), hospitals
    assert any(name in ("栾川县人民医院", "栾川县中心医院", "栾川县中医医院", "栾川县妇幼保健院") for name in hospitals)
    assert not any("广州" in r["fixmedins_name"] or "天河" in r["fixmedins_name"] for r in fixmedins.values())
    enrolments = pq.read_table(out / "insu_enrol.parquet").to_pylist()
    assert {e["insu_admdvs"] for e in enrolments} == {"410324"}
    assert all(e["psn_no"].startswith("4103") for e in enrolments)


def test_a_regions_dataset_plants_the_same_cases_as_the_default_one(generated, luanchuan):
    def kinds(manifest):
        counts: dict[tuple[str, str], int] = {}
        for m in manifest:
            if not m["note"].startswith("background"):
                counts[(m["rule_id"], m["kind"])] = counts.get((m["rule_id"], m["kind"]), 0) + 1
        return counts

    assert kinds(luanchuan[1]) == kinds(generated[1])


def test_a_regions_dataset_screens_to_exactly_its_manifest(luanchuan):
    out, manifest = luanchuan
    found = {(f["rule_id"], _key(f, f["rule_id"])): f for f in screen(out, engine="duckdb").findings}
    planted = {(m["rule_id"], tuple((k, m["key"].get(k)) for k in RULES[m["rule_id"]].keys)): m for m in manifest}
    assert {k for k, m in planted.items() if m["kind"] == "violation"} == set(found)
    for key, m in planted.items():
        if m["kind"] == "violation" and "amount" in m:
            assert str(found[key]["amount"]) == m["amount"], m


def test_a_region_is_given_by_six_digit_codes_and_keeps_clear_of_the_planted_id_regions():
    with pytest.raises(ValueError, match="6-digit"):
        Region.of("4103", "栾川县")
    with pytest.raises(ValueError, match="650102"):
        Region.of("650102", "乌鲁木齐市天山区")


def test_the_command_line_generates_a_dataset_of_a_given_region(tmp_path):
    import pyarrow.parquet as pq
    from typer.testing import CliRunner

    from yibao.cli import app

    result = CliRunner().invoke(app, ["monitor", "generate", "--out", str(tmp_path / "d"), "--lines", "1000",
                                      "--region", "410324", "--region-name", "栾川县", "--json"])
    assert result.exit_code == 0, result.output
    names = pq.read_table(tmp_path / "d" / "fixmedins.parquet").column("fixmedins_name").to_pylist()
    assert all(n.startswith("栾川县") for n in names if "药房" not in n and "店）" not in n), names
    result = CliRunner().invoke(app, ["monitor", "generate", "--out", str(tmp_path / "e"), "--lines", "1000",
                                      "--region", "4103"])
    assert result.exit_code != 0 and "--region-name" in result.output
    result = CliRunner().invoke(app, ["monitor", "generate", "--out", str(tmp_path / "e"), "--lines", "1000",
                                      "--region", "4103", "--region-name", "栾川县"])
    assert result.exit_code != 0 and "行政区划代码应为 6 位数字" in result.output
