"""The calculator against the readable table in calculator_cases.yaml."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from yibao.law.calculator import AssessmentError, Facts, assess

CASES = yaml.safe_load(Path(__file__).with_name("calculator_cases.yaml").read_text(encoding="utf-8"))


def _facts(d: dict) -> Facts:
    provisions = d["provision"] if isinstance(d["provision"], list) else [d["provision"]]

    def day(key):
        value = d.get(key)
        return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(value)

    return Facts(
        party=d["party"],
        provisions=provisions,
        amount=Decimal(d["amount"]) if "amount" in d else None,
        amounts={k: Decimal(v) for k, v in (d.get("amount_of") or {}).items()},
        unit_fine=Decimal(d["unit_fine"]) if "unit_fine" in d else None,
        circumstances=set(d.get("circumstances", [])),
        age=d.get("age"),
        act_date=day("act_date"),
        act_end_date=day("act_end_date"),
        discovery_date=day("discovery_date"),
        decision_date=day("decision_date") or dt.date(2026, 11, 1),
        benchmark=d.get("benchmark", "national"),
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_calculator_case(case):
    facts = _facts(case["facts"])
    if "error" in case:
        with pytest.raises(AssessmentError, match=case["error"]):
            assess(facts)
        return
    result = assess(facts).as_dict()
    measures = result["measures"]
    kinds = [m["kind"] for m in measures]
    by_kind = {m["kind"]: m for m in measures}
    if "fine" in case:
        expected = case["fine"]
        assert result["fine"] == (None if expected is None else {"min": expected[0], "max": expected[1]})
    if "measures" in case:
        assert kinds == case["measures"]
    for kind in case.get("absent", []):
        assert kind not in kinds
    for kind in case.get("optional", []):
        assert by_kind[kind]["optional"] is True
    if "refund" in case:
        assert by_kind["order_refund"]["min"] == by_kind["order_refund"]["max"] == case["refund"]
    for key, unit in (("months", "months"), ("years", "years")):
        if key in case:
            kind, lo, hi = case[key]
            assert (by_kind[kind]["min"], by_kind[kind]["max"], by_kind[kind]["unit"]) == (lo, hi, unit)
    if "rate" in case:
        kind, rate = case["rate"]
        assert (by_kind[kind]["min"], by_kind[kind]["unit"]) == (rate, "per_day")
    if "grade" in case:
        name, lo, hi = case["grade"]
        assert (result["grade"]["name"], result["grade"]["min"], result["grade"]["max"]) == (name, lo, hi)
        assert result["grade"]["reason"]
    if "reason" in case:
        assert case["reason"] in result["grade"]["reason"]
    if "no_penalty" in case:
        assert result["no_penalty"]["applies"] == case["no_penalty"]
        assert result["no_penalty"]["reason"]
    if "not_imposed" in case:
        assert [m["kind"] for m in result["not_imposed"]] == case["not_imposed"]
        assert all(m["penalty"] for m in result["not_imposed"])
    if "other_party" in case:
        assert [[m["kind"], m["target"]] for m in result["other_party_measures"]] == case["other_party"]
        assert all(m["target"] != case["facts"]["party"] and "另行决定" in m["note"] for m in result["other_party_measures"])
    if "outcomes" in case:
        assert [o["name"] for o in result["outcomes"]] == case["outcomes"]
    applied = [p for p in result["provisions"] if p["applied"]]
    assert len(applied) == 1
    if "applied" in case:
        assert applied[0]["citation"] == case["applied"]
    if "chain" in case:
        assert applied[0]["chain"] == case["chain"]
    if "shown" in case:
        assert len(result["provisions"]) == case["shown"]
    for p in result["provisions"]:
        assert p["text"] and p["citation"].startswith("《")
