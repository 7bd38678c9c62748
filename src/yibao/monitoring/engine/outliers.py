"""R17 次均费用高水位: the outlier test on per-institution monthly means, in exact arithmetic."""

import json
from fractions import Fraction

import pyarrow as pa

from .finalize import canonical, round_half_away
from .rules import FINDING_COLUMNS, RULES

IQR_MULTIPLIER = Fraction(3, 2)  # spec section 3, R17: Q3 + 1.5 × IQR


def quantile(sorted_values: list[Fraction], p: Fraction) -> Fraction:
    """Linear interpolation at h = (n − 1)p (spec 5.19)."""
    h = (len(sorted_values) - 1) * p
    lo = int(h)
    if lo + 1 >= len(sorted_values):
        return sorted_values[lo]
    return sorted_values[lo] + (h - lo) * (sorted_values[lo + 1] - sorted_values[lo])


def r17_findings(table: pa.Table, min_settlements: int) -> list[dict]:
    rule = RULES["R17"]
    groups: dict[tuple, list[dict]] = {}
    for row in table.to_pylist():
        if row["n"] >= min_settlements:
            groups.setdefault((int(row["rank"]), row["month"]), []).append(row)
    findings = []
    for (rank, month), rows in groups.items():
        means = {r["fixmedins_code"]: Fraction(r["sum_fund"]) / r["n"] for r in rows}
        ordered = sorted(means.values())
        q1, q3 = quantile(ordered, Fraction(1, 4)), quantile(ordered, Fraction(3, 4))
        fence = q3 + IQR_MULTIPLIER * (q3 - q1)
        for r in rows:
            mean = means[r["fixmedins_code"]]
            if mean > fence:
                evidence = {
                    "rank": rank, "settlements": r["n"], "fund_pay_sum": canonical(r["sum_fund"]),
                    "mean": canonical(mean), "q1": canonical(q1), "q3": canonical(q3), "fence": canonical(fence),
                    "peer_institutions": len(rows),
                }
                finding = {c: None for c in FINDING_COLUMNS}
                finding.update(
                    rule_id="R17", rule_name=rule.name, severity=rule.severity, basis=rule.basis_text,
                    fixmedins_code=r["fixmedins_code"], month=month,
                    amount=round_half_away((mean - fence) * r["n"]),
                    evidence=json.dumps(evidence, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                )
                findings.append(finding)
    return findings
