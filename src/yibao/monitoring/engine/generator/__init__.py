"""Seeded synthetic monitoring datasets: clean background data plus planted cases of every rule.

``generate_dataset(out, lines=N, seed=S)`` writes a dataset that follows
../shared/spec/monitoring-data.md (the tables of ``schema.TABLES``) with exactly N fee lines, and
``out/_planted.json``: every finding the dataset must produce with the default parameters
(``kind`` "violation", with its ``amount``) and the near-misses it must not produce (``kind``
"near_miss"), each as ``{"rule_id", "key", "kind", "note"[, "amount"]}`` where ``key`` holds the
key columns of spec 5.5. Same seed and N give byte-identical files. N ranges from ``MIN_LINES``
(1,000) to 10^8 and more: memory stays about 1 GB whatever N (chunks of ``CHUNK_LINES``), and
on two cores 10 million lines take 15–25 seconds (2.5 GB for 10^8 lines in about 3 minutes).

How the data is built
=====================
The dataset has two independent parts that share no person, institution or item:

Background (N minus the planted lines), clean by construction: ``background`` (drawn from
``world``, in ``region``). Planted cases (fixed size, about 700 lines, whatever N): the builder in
``planted``, the cases of each rule in ``cases_lines`` (R01–R08) and ``cases_history`` (R09–R17),
whose docstrings list every violation and near-miss. ``reference`` writes the institutions and the
knowledge base, ``writing`` the files, ``columns`` builds Arrow columns from numpy.

Readings of the spec (where it could be read two ways)
======================================================
* R05: "ceiling = the kb_item ceiling if present" means a kb_item row with a non-null
  pric_uplmt_amt; the planted cases avoid kb rows with a null ceiling.
* R09: date(A.endtime) is A's discharge day, date(coalesce(endtime, begntime)) (5.3); a planted
  violation relies on it (A with null endtime).
* R06: a pair of an item with itself flags each of two lines inside the window (each is the
  other's main line); a single line never matches itself.
* R16: for each pair of psn_no sharing a certno and each overlapping pair of their enrolments, the
  overlap is [later begndate, earlier enddate] (null = open); the settlements flagged are those of
  the psn_no whose enrolment starts later (equal starts: the larger psn_no) with visit day in it.
* R17: inpatient settlements are valid settlements of an inpatient visit (med_type 21/52); a
  settlement whose visit is missing from mdtrt_d is outpatient (5.2). An institution's rank comes
  from fixmedins (5.23). Quartiles use h = (n − 1)p over the institutions' exact means.
* Amounts: R05 multiplies the exact excess by cnt; R07/R08/R15 use the exact ratio; all round
  half-up to 2 places once.

Formats: Parquet (zstd) with str → string, dec → decimal128(18,2), dec6 → decimal128(18,6) (both
stored as INT64; spec 5.24 allows any DECIMAL), int → int64, bool → bool, date → date32, ts →
timestamp[us] without zone; fee_list_d is a folder of parts ``part-00000.parquet``… (one per
chunk) when N needs more than one chunk. CSV is UTF-8 with a header, comma, no quoting, an empty
field for null, timestamps 'YYYY-MM-DD HH:MM:SS' and decimals as plain numbers (6 places for dec6).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..rules import RULES
from .background import _background_chunk, _State
from .cases_history import _r17_findings, plant_history_cases
from .cases_lines import plant_line_cases
from .columns import ARROW_TYPES, arrow_schema
from .planted import _Planted
from .reference import _fixmedins_table, _kb_tables
from .region import GUANGZHOU, Region
from .world import BRDY0, DAY0, _build_world
from .writing import _Sink

__all__ = ["GenerationReport", "generate_dataset", "arrow_schema", "ARROW_TYPES", "MIN_LINES", "CHUNK_LINES", "Region",
           "GUANGZHOU"]

CHUNK_LINES = 1_000_000  # background fee lines per chunk (and per Parquet part)
LINES_PER_PERSON = 22.0  # average background lines per person (calibrated; chunks are adjusted exactly)
MANIFEST = "_planted.json"


def _plant(b: _Planted) -> None:
    """Every planted case of R01–R17 (listed in the docstrings of cases_lines and cases_history)."""
    b.svc = b.item("201", "血细胞分析（院内套餐）", "04")  # neutral items: no limit, no ceiling
    b.drug = b.item("101", "复方氨基酸注射液（院内）", "09")
    plant_line_cases(b)
    plant_history_cases(b)
    b.finish()


@dataclass
class GenerationReport:
    out: Path
    fmt: str
    lines: int
    seed: int
    rows: dict[str, int]
    planted: dict[str, dict[str, int]]  # rule -> {"violation": n, "near_miss": n}
    background_findings: int  # R17 findings of the background (recorded in the manifest)
    seconds: float
    bytes: int

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["out"] = str(self.out)
        return d


def _planted_block(region: Region = GUANGZHOU, list_every_institution: bool = False) -> _Planted:
    b = _Planted(region, list_every_institution)
    _plant(b)
    return b


MIN_LINES = 1000  # the planted cases take about 700


def generate_dataset(out: Path, *, lines: int, seed: int, fmt: str = "parquet",
                     progress: Callable[[int, int], None] | None = None, region: Region = GUANGZHOU,
                     list_every_institution: bool = False) -> GenerationReport:
    """Write a dataset of exactly `lines` fee lines to `out` (which must not exist or be empty).

    The institutions and persons are in `region` (Guangzhou by default; a bureau's demo passes its
    own, e.g. Region.of("410324", "栾川县")). With `list_every_institution` the institutions the
    planted cases leave out of fixmedins are listed unrated instead, so every institution the claims
    name has a name: the findings are the same (both are rank 0), only the manifest's note differs.

    The dataset is built in a hidden sibling folder and renamed at the end: an interrupted run
    (an exception, including one raised by `progress(lines_done, lines)`) leaves nothing behind.
    """
    started = time.monotonic()
    out = Path(out)
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"format must be parquet or csv, not {fmt!r}")
    if lines < MIN_LINES:
        raise ValueError(f"at least {MIN_LINES} fee lines are needed (the planted cases alone take about 700)")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not empty")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        report = _generate(tmp, lines, seed, fmt, progress, region, list_every_institution)
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report.out = out
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _generate(root: Path, lines: int, seed: int, fmt: str, progress: Callable[[int, int], None] | None,
              region: Region = GUANGZHOU, list_every_institution: bool = False) -> GenerationReport:
    entropy = seed & 0xFFFF_FFFF_FFFF_FFFF
    world = _build_world(np.random.default_rng(np.random.SeedSequence([entropy, 0])), lines, region)
    b = _planted_block(region, list_every_institution)
    background = lines - len(b.lines)
    assert background >= 100, "the planted cases outgrew MIN_LINES"
    n_chunks = max(1, math.ceil(background / CHUNK_LINES))
    budgets = [background // n_chunks + (1 if k < background % n_chunks else 0) for k in range(n_chunks)]
    state = _State(person=1, visit=1, line=1, cert_counter=np.zeros(len(world.cert_regions) * (DAY0 - BRDY0 + 1) * 2,
                                                                         dtype=np.int32),
                   billed=np.zeros((world.n_inst, world.n_items), dtype=np.int64),
                   r17_n=np.zeros((world.n_inst, 24), dtype=np.int64),
                   r17_sum=np.zeros((world.n_inst, 24), dtype=np.int64))
    sink = _Sink(root, fmt, fee_parts=n_chunks > 1 and fmt == "parquet", row_group_size=CHUNK_LINES)
    done = 0
    complete = False
    try:
        for k, budget in enumerate(budgets):
            rng = np.random.default_rng(np.random.SeedSequence([entropy, 1, k]))
            tables = _background_chunk(rng, world, max(1, round(budget / LINES_PER_PERSON)), budget, state)
            if k == n_chunks - 1:  # the planted rows go with the last chunk
                for name in ("fee_list_d", "setl_d", "mdtrt_d", "psn_info", "insu_enrol"):
                    tables[name] = pa.concat_tables([tables[name],
                                                     pa.Table.from_pylist(b.rows[name], schema=arrow_schema(name))])
            sink.write_all(tables)
            done += tables["fee_list_d"].num_rows
            if progress is not None:
                progress(done, lines)
        assert done == lines, (done, lines)
        rng = np.random.default_rng(np.random.SeedSequence([entropy, 2]))
        sink.write("fixmedins", _fixmedins_table(world, b))
        assert state.billed is not None
        sink.write_all(_kb_tables(world, b, state.billed, rng))
        complete = True
    finally:
        sink.close(complete)
    manifest = b.manifest()
    r17 = _r17_findings(world, state, b)
    planted_keys = {json.dumps(e["key"], sort_keys=True) for e in manifest if e["rule_id"] == "R17"}
    outlier_key = {"fixmedins_code": b.r17_outlier, "month": "2025-09"}
    background_findings = 0
    for f in r17:
        k = json.dumps(f["key"], sort_keys=True)
        if k in planted_keys:
            entry = next(e for e in manifest if e["rule_id"] == "R17" and json.dumps(e["key"], sort_keys=True) == k)
            if entry["kind"] != "violation" or entry["amount"] != str(f["amount"]):
                raise AssertionError(f"R17 planted case computed differently: {entry} vs {f}")
            continue
        if f["key"] == outlier_key:
            note = "rank 2, Sep 2025: mean eight times its four planted peers' (background rank-2 institutions join)"
        elif f["key"]["fixmedins_code"] in b.inst_rank:
            note = "planted rank-2 peer above the fence of this month's background peers: " + f["note"]
        else:
            note = "background: " + f["note"]
            background_findings += 1
        manifest.append({"rule_id": "R17", "key": f["key"], "kind": "violation", "note": note,
                         "amount": str(f["amount"])})
    if not any(f["key"] == outlier_key for f in r17):
        raise AssertionError("the planted rank-2 R17 outlier is not flagged")
    for e in manifest:
        if e["rule_id"] == "R17" and e["kind"] == "violation" and not any(f["key"] == e["key"] for f in r17):
            raise AssertionError(f"planted R17 violation not flagged: {e}")
    manifest.sort(key=lambda e: (e["rule_id"], e["kind"] != "violation", json.dumps(e["key"], sort_keys=True)))
    (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    planted: dict[str, dict[str, int]] = {r: {"violation": 0, "near_miss": 0} for r in RULES}
    for e in manifest:
        planted[e["rule_id"]][e["kind"]] += 1
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return GenerationReport(out=root, fmt=fmt, lines=lines, seed=seed, rows=dict(sink.rows), planted=planted,
                            background_findings=background_findings, seconds=0.0, bytes=size)
