"""The synthetic dataset generator: determinism, scale, schema, formats and the planted manifest.

The manifest is checked against a plain-Python reading of the spec's 17 rules written here
independently of the generator (and of the SQL engine): on a generated dataset the reference
finds exactly the manifest's violations, with their amounts, and none of its near-misses, which
also shows that the background data creates no finding of its own except the R17 ones recorded.
"""

import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from yibao.monitoring.engine import generator
from yibao.monitoring.engine.generator import MIN_LINES, generate_dataset
from yibao.monitoring.engine.rules import DEFAULT_PARAMETERS, RULES
from yibao.monitoring.engine.schema import NOT_NULL, TABLES

SMALL_CHUNK = 6_000  # several chunks (and Parquet parts) in a 20k-line test dataset


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """A 20k-line dataset in Parquet and in CSV (same seed), generated in several chunks."""
    root = tmp_path_factory.mktemp("gen")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(generator, "CHUNK_LINES", SMALL_CHUNK)
        reports = {fmt: generate_dataset(root / fmt, lines=20_000, seed=3, fmt=fmt) for fmt in ("parquet", "csv")}
    return root, reports


def read_table(root: Path, name: str) -> pa.Table:
    """A generated table, Parquet file or folder of parts, or CSV typed by the generator's schema."""
    if (root / f"{name}.csv").exists():
        schema = generator.arrow_schema(name)
        csv_types = {f.name: pa.timestamp("s") if pa.types.is_timestamp(f.type) else f.type for f in schema}
        t = pacsv.read_csv(root / f"{name}.csv", convert_options=pacsv.ConvertOptions(
            column_types=csv_types, strings_can_be_null=True, null_values=[""]))
        return t.cast(schema)
    if (root / name).is_dir():
        return pa.concat_tables(pq.read_table(p) for p in sorted((root / name).glob("*.parquet")))
    return pq.read_table(root / f"{name}.parquet")


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------------
# Determinism, size, layout

def test_same_seed_gives_identical_files(tmp_path):
    a = generate_dataset(tmp_path / "a", lines=MIN_LINES, seed=11)
    b = generate_dataset(tmp_path / "b", lines=MIN_LINES, seed=11)
    assert files_of(a.out) == files_of(b.out)
    assert set(files_of(a.out)) == {f"{t}.parquet" for t in TABLES} | {"_planted.json"}


def test_same_seed_gives_identical_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(generator, "CHUNK_LINES", 2_000)
    for fmt in ("parquet", "csv"):
        a = generate_dataset(tmp_path / f"a-{fmt}", lines=7_000, seed=4, fmt=fmt)
        b = generate_dataset(tmp_path / f"b-{fmt}", lines=7_000, seed=4, fmt=fmt)
        assert files_of(a.out) == files_of(b.out)
    assert len(list((tmp_path / "a-parquet" / "fee_list_d").iterdir())) == 4


def test_different_seed_differs(tmp_path):
    a = files_of(generate_dataset(tmp_path / "a", lines=MIN_LINES, seed=1).out)
    b = files_of(generate_dataset(tmp_path / "b", lines=MIN_LINES, seed=2).out)
    assert a["fee_list_d.parquet"] != b["fee_list_d.parquet"]
    assert a["psn_info.parquet"] != b["psn_info.parquet"]


@pytest.mark.parametrize("lines", [MIN_LINES, 1_234, 7_777])
def test_fee_lines_match_the_request(tmp_path, lines):
    report = generate_dataset(tmp_path / "d", lines=lines, seed=5)
    assert read_table(tmp_path / "d", "fee_list_d").num_rows == lines == report.rows["fee_list_d"]
    for name in TABLES:
        assert read_table(tmp_path / "d", name).num_rows == report.rows[name]


def test_chunks_are_parts_and_add_up(datasets):
    root, reports = datasets
    parts = sorted((root / "parquet" / "fee_list_d").glob("part-*.parquet"))
    assert len(parts) == 4
    assert sum(pq.ParquetFile(p).metadata.num_rows for p in parts) == 20_000
    assert reports["csv"].rows == reports["parquet"].rows
    assert not (root / "csv" / "fee_list_d").exists()


def test_refuses_bad_requests(tmp_path):
    with pytest.raises(ValueError, match="at least"):
        generate_dataset(tmp_path / "x", lines=MIN_LINES - 1, seed=1)
    with pytest.raises(ValueError, match="format"):
        generate_dataset(tmp_path / "x", lines=MIN_LINES, seed=1, fmt="xlsx")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_dataset(tmp_path / "full", lines=MIN_LINES, seed=1)
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    (tmp_path / "empty").mkdir()
    generate_dataset(tmp_path / "empty", lines=MIN_LINES, seed=1)
    assert (tmp_path / "empty" / "_planted.json").exists()


def test_interrupted_generation_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(generator, "CHUNK_LINES", 2_000)
    calls = []

    def stop(done, total):
        calls.append((done, total))
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_dataset(tmp_path / "out", lines=9_000, seed=1, progress=stop)
    assert calls[0][1] == 9_000 and 0 < calls[0][0] < calls[1][0] < 9_000
    assert list(tmp_path.iterdir()) == []


def test_progress_reaches_the_total(tmp_path, monkeypatch):
    monkeypatch.setattr(generator, "CHUNK_LINES", 2_000)
    seen = []
    generate_dataset(tmp_path / "out", lines=5_000, seed=1, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (5_000, 5_000) and [d for d, _ in seen] == sorted(d for d, _ in seen)


# ------------------------------------------------------------------------------------------------
# Contract: columns, types, keys, references

EXPECTED_TYPES = {
    "str": pa.types.is_string,
    "dec": lambda t: pa.types.is_decimal(t) and t.scale == 2,
    "dec6": lambda t: pa.types.is_decimal(t) and t.scale == 6,
    "int": lambda t: t == pa.int64(),
    "bool": pa.types.is_boolean,
    "date": lambda t: t == pa.date32(),
    "ts": lambda t: pa.types.is_timestamp(t) and t.tz is None,
}


def test_parquet_follows_the_schema(datasets):
    root, _ = datasets
    for name, table in TABLES.items():
        files = sorted((root / "parquet" / name).glob("*.parquet")) or [root / "parquet" / f"{name}.parquet"]
        for f in files:
            schema = pq.read_schema(f)
            assert schema.names == [c.name for c in table.columns], name
            for col in table.columns:
                assert EXPECTED_TYPES[col.type](schema.field(col.name).type), (name, col.name,
                                                                              schema.field(col.name).type)


def test_csv_text_follows_the_spec(datasets):
    root, _ = datasets
    head = (root / "csv" / "fee_list_d.csv").read_text(encoding="utf-8").splitlines()[:3]
    assert head[0] == ",".join(c.name for c in TABLES["fee_list_d"].columns)
    fields = head[1].split(",")
    assert len(fields) == 15
    datetime.strptime(fields[4], "%Y-%m-%d %H:%M:%S")  # fee_ocur_time without fraction or zone
    assert fields[8].count(".") == 1 and len(fields[8].split(".")[1]) == 6  # cnt, dec6
    assert len(fields[10].split(".")[1]) == 2  # det_item_fee_sumamt, dec
    assert '"' not in (root / "csv" / "kb_item.csv").read_text(encoding="utf-8")


def test_csv_and_parquet_hold_the_same_data(datasets):
    root, _ = datasets
    for name in TABLES:
        assert read_table(root / "csv", name).equals(read_table(root / "parquet", name)), name
    assert (root / "csv" / "_planted.json").read_bytes() == (root / "parquet" / "_planted.json").read_bytes()


def test_keys_unique_required_values_and_references(datasets):
    root, _ = datasets
    tables = {name: read_table(root / "parquet", name) for name in TABLES}
    for name, table in TABLES.items():
        t = tables[name]
        for key in table.key:
            values = t.column(key).to_pylist()
            assert len(values) == len(set(values)), (name, key)
        for col in NOT_NULL[name]:
            assert t.column(col).null_count == 0, (name, col)
    setl_ids = set(tables["setl_d"].column("setl_id").to_pylist())
    assert set(tables["fee_list_d"].column("setl_id").to_pylist()) <= setl_ids
    # every settlement is a fee line's (no empty settlements), every visit has a settlement
    assert set(tables["fee_list_d"].column("setl_id").to_pylist()) == setl_ids
    assert set(tables["mdtrt_d"].column("mdtrt_id").to_pylist()) <= set(tables["setl_d"].column("mdtrt_id").to_pylist())
    windows = set(tables["kb_item_pair"].column("window").to_pylist())
    assert windows == {"day", "visit", "hour", "6h"}


def test_background_is_realistic(datasets):
    root, _ = datasets
    psn = read_table(root / "parquet", "psn_info").to_pylist()
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    certs = defaultdict(list)
    for p in psn:
        certs[p["certno"]].append(p["psn_no"])
        c = p["certno"]
        if "*" in c:
            continue
        assert "10X98765432"[sum(int(d) * w for d, w in zip(c[:17], weights, strict=True)) % 11] == c[17], c
        assert p["brdy"] is None or c[6:14] == p["brdy"].strftime("%Y%m%d")
        if p["gend"] in ("1", "2"):
            assert int(c[16]) % 2 == (p["gend"] == "1"), c
    shared = [v for v in certs.values() if len(v) > 1]
    assert shared and all(n.startswith("440199") for v in shared for n in v)  # only planted R16 cases share
    fees = read_table(root / "parquet", "fee_list_d")
    times = fees.column("fee_ocur_time").to_pylist()
    assert min(times) >= datetime(2024, 1, 1) and max(times) < datetime(2026, 1, 1)
    setl = read_table(root / "parquet", "setl_d").to_pylist()
    assert all(s["fund_pay_sumamt"] <= s["medfee_sumamt"] for s in setl)
    assert {s["vali_flag"] for s in setl} >= {"0", "1"}
    med_types = set(read_table(root / "parquet", "mdtrt_d").column("med_type").to_pylist())
    assert med_types >= {"11", "14", "21", "41", "51", "52"}
    fixmedins = read_table(root / "parquet", "fixmedins").to_pylist()
    ranks = {LV_RANK.get(i["hosp_lv"] or "", 0) for i in fixmedins if i["fixmedins_type"] == "1"}
    assert ranks == {0, 1, 2, 3} and {i["fixmedins_type"] for i in fixmedins} == {"1", "2"}


# ------------------------------------------------------------------------------------------------
# The manifest

def test_manifest_covers_every_rule(datasets):
    root, reports = datasets
    manifest = json.loads((root / "parquet" / "_planted.json").read_text(encoding="utf-8"))
    by_rule = defaultdict(lambda: defaultdict(int))
    for e in manifest:
        assert set(e) <= {"rule_id", "key", "kind", "note", "amount"}
        assert set(e["key"]) == set(RULES[e["rule_id"]].keys), e
        assert e["kind"] in ("violation", "near_miss") and e["note"]
        assert ("amount" in e) == (e["kind"] == "violation")
        by_rule[e["rule_id"]][e["kind"]] += 1
    for rule in RULES:
        assert by_rule[rule]["violation"] >= 2, rule
        assert by_rule[rule]["near_miss"] >= 1, rule
        assert reports["parquet"].planted[rule] == dict(by_rule[rule]) | {
            k: 0 for k in ("violation", "near_miss") if k not in by_rule[rule]}
    keys = [(e["rule_id"], json.dumps(e["key"], sort_keys=True)) for e in manifest]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_manifest_is_exactly_what_the_rules_find(datasets, fmt):
    root, _ = datasets
    found = reference_findings(root / fmt)
    manifest = json.loads((root / fmt / "_planted.json").read_text(encoding="utf-8"))
    expected = {(e["rule_id"], json.dumps(e["key"], sort_keys=True)): e["amount"]
                for e in manifest if e["kind"] == "violation"}
    got = {(r, json.dumps(k, sort_keys=True)): str(a) for (r, k, a) in found}
    assert sorted(set(got) - set(expected)) == []  # nothing unplanned (the background is clean)
    assert sorted(set(expected) - set(got)) == []  # every planted violation found
    assert {k: got[k] for k in expected} == expected  # with its amount
    for e in manifest:
        if e["kind"] == "near_miss":
            assert (e["rule_id"], json.dumps(e["key"], sort_keys=True)) not in got, e


def test_manifest_at_the_smallest_size(tmp_path):
    report = generate_dataset(tmp_path / "d", lines=MIN_LINES, seed=9)
    manifest = json.loads((tmp_path / "d" / "_planted.json").read_text(encoding="utf-8"))
    expected = {(e["rule_id"], json.dumps(e["key"], sort_keys=True)) for e in manifest if e["kind"] == "violation"}
    got = {(r, json.dumps(k, sort_keys=True)) for r, k, _ in reference_findings(tmp_path / "d")}
    assert got == expected
    assert report.background_findings == 0


# ------------------------------------------------------------------------------------------------
# A plain reading of the spec's rules (section 3 and 5), for the tests above

LV_RANK = {f"{i:02d}": 3 if i <= 4 else 2 if i <= 7 else 1 for i in range(1, 11)}
DRUG_TYPES = {"101", "102", "103"}


def half_up(x: Fraction) -> Decimal:
    q = x * 100
    n = (abs(q.numerator) * 2 + q.denominator) // (2 * q.denominator)
    return (Decimal(n if q >= 0 else -n) / 100).quantize(Decimal("0.01"))


def reference_findings(root: Path) -> list[tuple[str, dict, Decimal]]:
    t = {name: read_table(root, name).to_pylist() for name in TABLES}
    inpatient_types = set(DEFAULT_PARAMETERS["inpatient_med_types"])
    visits = {v["mdtrt_id"]: v for v in t["mdtrt_d"]}
    setls = {s["setl_id"]: s for s in t["setl_d"]}
    valid = {s["setl_id"] for s in t["setl_d"] if s["vali_flag"] == "1"}
    persons = {p["psn_no"]: p for p in t["psn_info"]}
    inst = {i["fixmedins_code"]: i for i in t["fixmedins"]}
    kb = {k["med_list_codg"]: k for k in t["kb_item"]}
    lines = [ln for ln in t["fee_list_d"] if ln["setl_id"] in valid]

    def rank(code):
        i = inst.get(code)
        if i is None or i["fixmedins_type"] == "2":
            return 0
        return LV_RANK.get(i["hosp_lv"] or "", 0)

    def visit_of(setl_id):
        return visits.get(setls[setl_id]["mdtrt_id"])

    def is_inpatient(setl_id):
        v = visit_of(setl_id)
        return v is not None and v["med_type"] in inpatient_types

    def adm(v):
        return v["begntime"].date()

    def dis(v):
        return (v["endtime"] or v["begntime"]).date()

    out: list[tuple[str, dict, Decimal]] = []

    def line_finding(rule, ln, amount):
        out.append((rule, {k: ln[k] for k in RULES[rule].keys}, half_up(Fraction(amount))))

    def setl_finding(rule, setl_id):
        s = setls[setl_id]
        out.append((rule, {"fixmedins_code": s["fixmedins_code"], "psn_no": s["psn_no"], "setl_id": setl_id},
                    half_up(Fraction(s["fund_pay_sumamt"]))))

    for ln in lines:
        k = kb.get(ln["med_list_codg"])
        p = persons.get(ln["psn_no"])
        day = ln["fee_ocur_time"].date()
        if k and k["lmt_gend"] is not None and p and p["gend"] in ("1", "2") and p["gend"] != k["lmt_gend"]:
            line_finding("R01", ln, ln["det_item_fee_sumamt"])
        if k and p and p["brdy"] is not None:
            b = p["brdy"]
            age = day.year - b.year - ((day.month, day.day) < (b.month, b.day))
            if (k["lmt_age_min"] is not None and age < k["lmt_age_min"]) or (
                    k["lmt_age_max"] is not None and age > k["lmt_age_max"]):
                line_finding("R02", ln, ln["det_item_fee_sumamt"])
        if k and k["lmt_med_type"] is not None:
            ipt = is_inpatient(ln["setl_id"])
            if (k["lmt_med_type"] == "ipt" and not ipt) or (k["lmt_med_type"] == "otp" and ipt):
                line_finding("R03", ln, ln["det_item_fee_sumamt"])
        if k and k["lmt_hosp_rank"] is not None and rank(ln["fixmedins_code"]) < k["lmt_hosp_rank"]:
            line_finding("R04", ln, ln["det_item_fee_sumamt"])
        ceiling = k["pric_uplmt_amt"] if k and k["pric_uplmt_amt"] is not None else ln["pric_uplmt_amt"]
        if ceiling is not None and ln["pric"] > ceiling:
            line_finding("R05", ln, (Fraction(ln["pric"]) - Fraction(ceiling)) * Fraction(ln["cnt"]))
        if ln["chrgitm_lv"] == "03" and ln["inscp_amt"] is not None and ln["inscp_amt"] > 0:
            line_finding("R14", ln, ln["inscp_amt"])

    # R06
    pairs = defaultdict(list)
    for pr in t["kb_item_pair"]:
        pairs[pr["sub_codg"]].append((pr["main_codg"], pr["window"]))
    by_item = defaultdict(list)
    for ln in lines:
        by_item[(ln["psn_no"], ln["fixmedins_code"], ln["med_list_codg"])].append(ln)
    for ln in lines:
        hit = False
        for main, window in pairs.get(ln["med_list_codg"], []):
            for m in by_item[(ln["psn_no"], ln["fixmedins_code"], main)]:
                if m["feedetl_sn"] == ln["feedetl_sn"]:
                    continue
                a, b = m["fee_ocur_time"], ln["fee_ocur_time"]
                if window == "day":
                    hit |= a.date() == b.date()
                elif window == "visit":
                    hit |= setls[m["setl_id"]]["mdtrt_id"] == setls[ln["setl_id"]]["mdtrt_id"]
                elif window == "hour":
                    hit |= (a.date(), a.hour) == (b.date(), b.hour)
                else:
                    hit |= abs(a - b) <= timedelta(hours=6)
        if hit:
            line_finding("R06", ln, ln["det_item_fee_sumamt"])

    # R07, R08
    groups = defaultdict(list)
    for ln in lines:
        k = kb.get(ln["med_list_codg"])
        if k and k["max_cnt_per_day"] is not None:
            groups[(ln["fixmedins_code"], ln["psn_no"], ln["med_list_codg"], ln["fee_ocur_time"].date())].append(ln)
    for (code, psn, item, day), g in groups.items():
        total = sum(Fraction(x["cnt"]) for x in g)
        limit = Fraction(kb[item]["max_cnt_per_day"])
        if total > limit:
            amount = sum(Fraction(x["det_item_fee_sumamt"]) for x in g) * (total - limit) / total
            out.append(("R07", {"fixmedins_code": code, "psn_no": psn, "med_list_codg": item,
                                "day": day.isoformat()}, half_up(amount)))
    groups = defaultdict(list)
    for ln in lines:
        k = kb.get(ln["med_list_codg"])
        if k and k["per_day_of_stay"] and is_inpatient(ln["setl_id"]):
            groups[(ln["setl_id"], ln["med_list_codg"])].append(ln)
    for (setl_id, item), g in groups.items():
        v = visit_of(setl_id)
        days = max(1, (dis(v) - adm(v)).days)
        total = sum(Fraction(x["cnt"]) for x in g)
        if total > days:
            s = setls[setl_id]
            amount = sum(Fraction(x["det_item_fee_sumamt"]) for x in g) * (total - days) / total
            out.append(("R08", {"fixmedins_code": s["fixmedins_code"], "psn_no": s["psn_no"], "setl_id": setl_id,
                                "med_list_codg": item}, half_up(amount)))

    # Settlement rules
    stays = [s for s in t["setl_d"] if s["setl_id"] in valid and is_inpatient(s["setl_id"])]
    stays_of = defaultdict(list)
    for s in stays:
        stays_of[s["psn_no"]].append(s)
    readmit = int(DEFAULT_PARAMETERS["readmit_days"])
    exclude = tuple(DEFAULT_PARAMETERS["readmit_exclude_diag"])
    for b in stays:
        vb = visit_of(b["setl_id"])
        diag = vb["dscg_maindiag_code"]
        if diag is not None and diag.startswith(exclude):
            continue
        if any(a["setl_id"] != b["setl_id"] and a["fixmedins_code"] == b["fixmedins_code"]
               and 0 <= (adm(vb) - dis(visit_of(a["setl_id"]))).days <= readmit for a in stays_of[b["psn_no"]]):
            setl_finding("R09", b["setl_id"])
    for s in t["setl_d"]:
        v = visit_of(s["setl_id"])
        if s["setl_id"] not in valid or v is None or is_inpatient(s["setl_id"]):
            continue
        day = adm(v)
        if any(adm(visit_of(x["setl_id"])) < day < dis(visit_of(x["setl_id"])) for x in stays_of[s["psn_no"]]):
            setl_finding("R10", s["setl_id"])
    for y in stays:
        vy = visit_of(y["setl_id"])
        for x in stays_of[y["psn_no"]]:
            vx = visit_of(x["setl_id"])
            if x["fixmedins_code"] == y["fixmedins_code"] or (adm(vx), x["setl_id"]) >= (adm(vy), y["setl_id"]):
                continue
            if max(adm(vx), adm(vy)) < min(dis(vx), dis(vy)):
                setl_finding("R11", y["setl_id"])
                break
    for s in t["setl_d"]:
        v = visit_of(s["setl_id"])
        p = persons.get(s["psn_no"])
        if s["setl_id"] in valid and v and p and p["death_date"] is not None and adm(v) > p["death_date"]:
            setl_finding("R12", s["setl_id"])

    # R13
    history = defaultdict(list)
    for ln in lines:
        history[(ln["psn_no"], ln["med_list_codg"])].append(ln)
    overlap = int(DEFAULT_PARAMETERS["overlap_days"])
    for g in history.values():
        g.sort(key=lambda x: (x["fee_ocur_time"], x["feedetl_sn"]))
        for prev, d in zip(g, g[1:], strict=False):
            if d["list_type"] not in DRUG_TYPES or (d["prd_days"] or 0) <= 0 or prev["prd_days"] is None:
                continue
            end = prev["fee_ocur_time"].date() + timedelta(days=prev["prd_days"])
            if (end - d["fee_ocur_time"].date()).days > overlap:
                line_finding("R13", d, d["det_item_fee_sumamt"])

    # R15
    stock = defaultdict(Fraction)
    for r in t["kb_purchase"]:
        stock[(r["fixmedins_code"], r["med_list_codg"])] += Fraction(r["purchase_cnt"]) + Fraction(
            r["opening_cnt"] or 0)
    billed = defaultdict(lambda: [Fraction(0), Fraction(0)])
    for ln in lines:
        key = (ln["fixmedins_code"], ln["med_list_codg"])
        if key in stock:
            billed[key][0] += Fraction(ln["cnt"])
            billed[key][1] += Fraction(ln["det_item_fee_sumamt"])
    for (code, item), (cnt, amount) in billed.items():
        if cnt > stock[(code, item)]:
            out.append(("R15", {"fixmedins_code": code, "med_list_codg": item},
                        half_up(amount * (cnt - stock[(code, item)]) / cnt)))

    # R16
    enrol = defaultdict(list)
    for e in t["insu_enrol"]:
        enrol[e["psn_no"]].append(e)
    by_cert = defaultdict(list)
    for p in t["psn_info"]:
        by_cert[p["certno"]].append(p["psn_no"])
    windows = defaultdict(list)  # psn_no -> overlap ranges in which its settlements are flagged
    far = date(9999, 12, 31)
    for psns in by_cert.values():
        for p in psns:
            for q in psns:
                if p == q:
                    continue
                for e in enrol[p]:
                    for f in enrol[q]:
                        lo = max(e["begndate"], f["begndate"])
                        hi = min(e["enddate"] or far, f["enddate"] or far)
                        if lo <= hi and (e["begndate"], p) > (f["begndate"], q):
                            windows[p].append((lo, hi))
    for s in t["setl_d"]:
        v = visit_of(s["setl_id"])
        if s["setl_id"] in valid and v and any(lo <= adm(v) <= hi for lo, hi in windows[s["psn_no"]]):
            setl_finding("R16", s["setl_id"])

    # R17
    sums = defaultdict(lambda: [0, Fraction(0)])
    for s in stays:
        st = sums[(s["fixmedins_code"], s["setl_time"].strftime("%Y-%m"))]
        st[0] += 1
        st[1] += Fraction(s["fund_pay_sumamt"])
    groups = defaultdict(list)
    for (code, month), (n, total) in sums.items():
        if n >= int(DEFAULT_PARAMETERS["min_settlements"]):
            groups[(rank(code), month)].append((total / n, code, n))

    def quantile(xs, p):
        h = (len(xs) - 1) * p
        lo = int(h)
        return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])

    for (_, month), members in groups.items():
        means = sorted(m for m, _, _ in members)
        q1, q3 = quantile(means, Fraction(1, 4)), quantile(means, Fraction(3, 4))
        fence = q3 + Fraction(3, 2) * (q3 - q1)
        for mean, code, n in members:
            if mean > fence:
                out.append(("R17", {"fixmedins_code": code, "month": month}, half_up((mean - fence) * n)))
    return out
