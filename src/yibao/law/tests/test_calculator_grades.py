"""The grades of every benchmark: 减轻 < 从轻 < 一般 < 从重, exact to the fen, never zero."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from yibao.law import discretion
from yibao.law.discretion import RANGE_GRADES, AssessmentError, available_benchmarks

RANGES = [("3000", "7500"), ("20000", "50000"), ("0.02", "0.05"), ("666.66", "1666.65"), ("10000", "50000"),
          ("500", "3000"), ("24691.34", "61728.35"), ("1", "1.04")]


@pytest.mark.parametrize("benchmark", available_benchmarks(), ids=lambda b: b.name)
@pytest.mark.parametrize(("lo", "hi"), RANGES)
def test_each_grade_lies_strictly_above_the_lighter_one(benchmark, lo, hi):
    lo, hi = Decimal(lo), Decimal(hi)
    bands = [benchmark.grades[g].money(lo, hi - lo) for g in RANGE_GRADES]
    present = [b for b in bands if b is not None]
    for a, b in zip(present, present[1:], strict=False):
        assert a[1] < b[0]
    assert present[0][0] >= lo and present[-1][1] <= hi
    mitigated = benchmark.grades["mitigated"].money(Decimal(0), lo)
    if mitigated:
        assert Decimal(0) < mitigated[0] <= mitigated[1] < lo


def test_the_grades_meet_at_the_fen_without_a_gap_or_an_overlap():
    national = discretion.load_benchmark("national")
    lenient, ordinary, severe = (national.grades[g].money(Decimal(3000), Decimal(4500)) for g in RANGE_GRADES)
    assert lenient[1] + discretion.FEN == ordinary[0] and ordinary[1] + discretion.FEN == severe[0]


def _benchmark_file(tmp_path: Path, monkeypatch, **grades) -> str:
    data = yaml.safe_load((discretion.BENCHMARK_DIR / "national.yaml").read_text(encoding="utf-8"))
    data["name"] = "trial"
    data["grades"].update(grades)
    (tmp_path / "trial.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(discretion, "BENCHMARK_DIR", tmp_path)
    discretion.load_benchmark.cache_clear()
    return "trial"


@pytest.fixture(autouse=True)
def _fresh_cache():
    discretion.load_benchmark.cache_clear()
    yield
    discretion.load_benchmark.cache_clear()


@pytest.mark.parametrize(("grades", "message"), [
    ({"lenient": {"from": "0", "to": "1", "ends": "[]"}}, "相接"),
    ({"lenient": {"from": "0", "to": "0.3", "ends": "[]"}}, "只属于其中一档"),
    ({"ordinary": {"from": "0.3", "to": "0.7", "ends": "()"}}, "只属于其中一档"),
    ({"severe": {"from": "0.7", "to": "0.9", "ends": "(]"}}, "至法定最高额"),
    ({"mitigated": {"from": "0", "to": "1", "ends": "[)"}}, "不为零"),
    ({"mitigated": {"from": "0.5", "to": "1", "ends": "[]"}}, "低于法定最低额"),
    ({"lenient": {"from": "0", "to": "0.3"}}, "ends"),
])
def test_a_benchmark_whose_grades_overlap_or_leave_the_range_is_refused(tmp_path, monkeypatch, grades, message):
    name = _benchmark_file(tmp_path, monkeypatch, **grades)
    with pytest.raises(AssessmentError, match=message):
        discretion.load_benchmark(name)


def test_the_national_benchmark_names_the_document_and_quotes_its_rule():
    national = discretion.load_benchmark("national")
    assert "国市监法规〔2022〕2号" in national.source
    assert any("较低的30%部分" in c["text"] and c.get("verified") for c in national.clauses)
    assert national.grades["lenient"].hi == Decimal("0.3") and national.grades["severe"].lo == Decimal("0.7")
