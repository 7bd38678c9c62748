"""Turn engine rows into findings: exact amounts rounded once, canonical evidence, sorted, written.

Everything here is plain Python on the engines' exact outputs, so both engines give the same
bytes: amounts are computed as fractions and rounded half away from zero to the fen once; the
evidence JSON has sorted keys, decimals without trailing zeros and sorted lists.
"""

import csv
import datetime as dt
import json
import os
import shutil
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .rules import FINDING_COLUMNS, KEY_COLUMNS, RULES

TWO_PLACES = Decimal("0.01")


def round_half_away(value: Fraction) -> Decimal:
    """Round a fraction to the fen, halves away from zero (spec 5.7)."""
    sign = -1 if value < 0 else 1
    scaled = abs(value) * 100
    whole = scaled.numerator // scaled.denominator
    if (scaled - whole) * 2 >= 1:
        whole += 1
    return (Decimal(sign * whole) / 100).quantize(TWO_PLACES)


def canonical(value):
    """Return a JSON-ready value that both engines render alike."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, Fraction):
        return canonical(round_half_away(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return sorted((canonical(v) for v in value if v is not None), key=lambda v: str(v))
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        raise TypeError("floating-point value reached the findings")
    return str(value)


def _frac(value) -> Fraction:
    if value is None:
        return Fraction(1)
    return Fraction(Decimal(value)) if not isinstance(value, int) else Fraction(value)


def rows_to_findings(rule_id: str, table: pa.Table) -> list[dict]:
    """Convert one rule's engine rows into finding dicts."""
    rule = RULES[rule_id]
    out = []
    names = table.column_names
    for row in table.to_pylist():
        amount = _frac(row.get("amount_base")) * _frac(row.get("amount_factor")) / _frac(row.get("amount_divisor"))
        evidence = {n[3:]: canonical(row[n]) for n in names if n.startswith("ev_")}
        finding = {c: None for c in FINDING_COLUMNS}
        finding.update(rule_id=rule_id, rule_name=rule.name, severity=rule.severity, basis=rule.basis_text,
                       amount=round_half_away(amount),
                       evidence=json.dumps(evidence, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        for key in rule.keys:
            value = row.get(key)
            finding[key] = None if value is None else str(value)
        out.append(finding)
    return out


def sort_key(finding: dict) -> tuple:
    """Sort by rule_id then the key columns, byte order, nulls first (spec 5.6)."""
    parts = []
    for col in ("rule_id", *KEY_COLUMNS):
        v = finding[col]
        parts.append((0, b"") if v is None else (1, v.encode("utf-8")))
    return tuple(parts)


FINDINGS_SCHEMA = pa.schema(
    [(c, pa.decimal128(18, 2) if c == "amount" else pa.string()) for c in FINDING_COLUMNS]
)


def write_findings(findings: list[dict], out_dir: Path) -> None:
    """Write findings.parquet and findings.csv; a stopped run leaves the previous files intact."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".findings-", dir=out_dir))
    try:
        table = pa.Table.from_pylist(findings, schema=FINDINGS_SCHEMA)
        pq.write_table(table, tmp / "findings.parquet")
        with open(tmp / "findings.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(FINDING_COLUMNS)
            for row in findings:
                writer.writerow(["" if row[c] is None else str(row[c]) for c in FINDING_COLUMNS])
        for name in ("findings.parquet", "findings.csv"):
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
