"""The pre-screen judges one settlement in plain Python and finds what the batch engine finds.

The central test: for a dataset, pre-screen every settlement against the rest of the dataset as
history; each answer holds exactly the batch engine's findings (DuckDB, the reference) that
concern that settlement, byte for byte (amount, evidence), and so their union is the batch
engine's findings of the pre-screened rules. Datasets: the rule boundary cases, random small
datasets made to collide (shared persons, items, days, visits; reversed settlements; missing
tables and columns) and a generated dataset with every rule planted.
"""

import csv
import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from yibao.monitoring.engine.finalize import sort_key
from yibao.monitoring.engine.rules import FINDING_COLUMNS
from yibao.monitoring.engine.runner import screen
from yibao.monitoring.prescreen.evaluator import BATCH_ONLY_REASON, PRESCREEN_RULES, Prescreener
from yibao.monitoring.prescreen.history import HistoryStore
from yibao.monitoring.prescreen.journal import Journal
from yibao.monitoring.prescreen.loading import load_dataset, settlement_order
from yibao.monitoring.prescreen.reference import ReferenceData
from yibao.monitoring.prescreen.request import RequestError, parse_request

from .builder import DatasetBuilder
from .test_rule_boundaries import CASES, _setup

# ---------------------------------------------------------------- the equivalence


def _decode(data: dict) -> dict:
    """The request as the API receives it: JSON text decoded with exact decimals."""
    return json.loads(json.dumps(data), parse_float=Decimal)


def _identity(finding: dict) -> tuple:
    return tuple(finding[c] for c in FINDING_COLUMNS)


def _concerns(finding: dict, request) -> bool:
    """Whether a batch finding concerns the request's settlement (its lines, or R07 a group of them)."""
    s = request.settlement
    if finding["rule_id"] == "R07":
        return s.valid and any((f.fixmedins_code, f.psn_no, f.med_list_codg, f.fee_day.isoformat())
                               == (finding["fixmedins_code"], finding["psn_no"], finding["med_list_codg"],
                                   finding["day"]) for f in request.lines)
    return finding["setl_id"] == s.setl_id


def assert_prescreen_equals_batch(root: Path) -> dict[str, int]:
    """Pre-screen each settlement of the dataset against the rest; compare with the batch engine."""
    batch = [f for f in screen(root).findings if f["rule_id"] in PRESCREEN_RULES]
    loaded = load_dataset(root, history_days=None)
    prescreener = Prescreener(loaded.reference, loaded.history)
    union: dict[tuple, dict] = {}
    for setl_id in settlement_order(loaded.history):
        request = parse_request(_decode(loaded.request_for(setl_id)))
        result = prescreener.evaluate(request)
        expected = sorted((f for f in batch if _concerns(f, request)), key=sort_key)
        assert result.findings == expected, f"settlement {setl_id}"
        union.update((_identity(f), f) for f in result.findings)
    assert sorted(union.values(), key=sort_key) == sorted(batch, key=sort_key)
    counts: dict[str, int] = {}
    for f in batch:
        counts[f["rule_id"]] = counts.get(f["rule_id"], 0) + 1
    return counts


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_each_boundary_case_is_prescreened_as_the_batch_engine_screens_it(c, tmp_path):
    b, h = _setup()
    expected, _ = c.build(b, h)
    b.write(tmp_path)
    counts = assert_prescreen_equals_batch(tmp_path)
    if c.rule in PRESCREEN_RULES and expected:
        assert counts.get(c.rule), "the case flags something, so the comparison means something"


def _drop_columns(path: Path, columns: set[str]) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    names = [n for n in rows[0] if n not in columns] if rows else []
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def random_dataset(seed: int, folder: Path) -> Path:
    """A small dataset made to collide: few persons, items, days and institutions, shared visits,
    reversed settlements, unknown visits, people and institutions, and (by seed) missing tables
    and optional columns."""
    rng = random.Random(seed)
    b = DatasetBuilder()
    institutions = [b.institution("H1", hosp_lv="05"), b.institution("H2", hosp_lv="01"),
                    b.institution("D1", type="2", hosp_lv="09"), "HX"]
    persons = []
    for i, certno in enumerate(["C1", "C1", "C2", "C3"]):
        p = b.person(f"P{i}", gend=rng.choice("1129"), certno=certno,
                     brdy=rng.choice(["1980-01-01", "2004-02-29", "2010-03-05", "2006-03-08", ""]),
                     death_date=rng.choice(["", "", "2024-03-10"]))
        persons.append(p)
        for _ in range(rng.randint(0, 2)):
            begin = dt.date(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 330))
            end = "" if rng.random() < 0.4 else (begin + dt.timedelta(days=rng.randint(0, 200))).isoformat()
            b.enrol(p, begin.isoformat(), end)
    persons.append("NOBODY")
    items = [f"I{i}" for i in range(6)]
    for code in items[:5]:
        b.item(code, ceiling=rng.choice(["", "", "0", "10", "12.5"]), gend=rng.choice(["", "", "1", "2"]),
               age_min=rng.choice(["", "", "18"]), age_max=rng.choice(["", "", "14", "60"]),
               med_type=rng.choice(["", "", "ipt", "otp"]), rank=rng.choice(["", "", "1", "2", "3"]),
               max_per_day=rng.choice(["", "", "1", "2", "1.5"]), per_day=rng.random() < 0.3)
    for _ in range(rng.randint(1, 5)):
        b.pair(rng.choice(items), rng.choice(items), rng.choice(["day", "visit", "hour", "6h"]))

    def text(t: dt.datetime) -> str:
        return t.strftime("%Y-%m-%d %H:%M:%S")

    visits: list[str] = []
    for n in range(rng.randint(16, 30)):
        begin = dt.datetime(2024, 3, 1, 8) + dt.timedelta(days=rng.randint(0, 14), hours=rng.randint(0, 12),
                                                          minutes=rng.choice([0, 30, 59]))
        end = begin + dt.timedelta(days=rng.choice([0, 1, 3, 6, 12, 12]), hours=rng.randint(0, 5))
        roll = rng.random()
        if visits and roll < 0.15:
            mdtrt_id, with_visit = rng.choice(visits), False  # another settlement of a visit
        elif roll < 0.22:
            mdtrt_id, with_visit = f"VX{n}", False  # a visit mdtrt_d does not know
        else:
            mdtrt_id, with_visit = f"V{n}", True
            visits.append(mdtrt_id)
        setl = b.visit(rng.choice(persons), rng.choice(institutions),
                       med_type=rng.choice(["11", "11", "21", "21", "52", "41", "14"]), begin=text(begin),
                       end=rng.choice([text(end), text(end), ""]), diag=rng.choice(["", "Z51.1", "J18"]),
                       fund=rng.choice(["100.00", "55.55", "0.01"]), valid=rng.choice(["1"] * 8 + ["0", ""]),
                       setl_id=f"S{n:02d}", mdtrt_id=mdtrt_id, with_visit=with_visit)
        for _ in range(rng.randint(0, 4)):
            t = begin + dt.timedelta(days=rng.randint(0, 2), hours=rng.randint(0, 6),
                                     minutes=rng.choice([0, 0, 59]), seconds=rng.choice([0, 0, 1]))
            b.line(setl, rng.choice(items), time=text(t), cnt=rng.choice(["1", "2", "0.5", "3"]),
                   pric=rng.choice(["10", "12.5", "45.000001", "8"]), list_type=rng.choice(["101", "102", "201"]),
                   lv=rng.choice(["01", "02", "03"]), inscp=rng.choice([None, "0", "3.30"]),
                   prd_days=rng.choice(["", "3", "10", "30"]), ceiling=rng.choice(["", "", "10", "12.5"]))
    tables = None
    if seed % 3 == 1:  # some registries or knowledge tables missing
        tables = set(rng.sample(["kb_item", "kb_item_pair", "psn_info", "insu_enrol", "fixmedins"], 3))
    b.write(folder, tables=tables)
    if seed % 4 == 2:  # optional columns missing
        _drop_columns(folder / "fee_list_d.csv", {"prd_days", "chrgitm_lv", "inscp_amt", "pric_uplmt_amt"})
        _drop_columns(folder / "setl_d.csv", {"vali_flag"})
    return folder


@pytest.mark.parametrize("seed", range(12))
def test_random_colliding_datasets_are_prescreened_as_the_batch_engine_screens_them(seed, tmp_path):
    assert_prescreen_equals_batch(random_dataset(seed, tmp_path))


def test_random_datasets_exercise_every_prescreened_rule(tmp_path):
    seen: set[str] = set()
    for seed in range(12):
        result = screen(random_dataset(seed, tmp_path / str(seed)))
        seen |= {rule for rule, n in result.by_rule.items() if n}
    assert set(PRESCREEN_RULES) <= seen


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    generator = pytest.importorskip("yibao.monitoring.engine.generator")
    root = tmp_path_factory.mktemp("prescreen") / "generated"
    generator.generate_dataset(root, lines=3000, seed=17)
    return root


def test_a_generated_dataset_is_prescreened_as_the_batch_engine_screens_it(generated):
    counts = assert_prescreen_equals_batch(generated)
    assert set(counts) == set(PRESCREEN_RULES), "every pre-screened rule is planted in the generated data"


# ---------------------------------------------------------------- verdicts and answers


def _prescreener(tmp_path: Path, build) -> tuple[Prescreener, object]:
    b, h = _setup()
    build(b, h)
    b.write(tmp_path)
    loaded = load_dataset(tmp_path, history_days=None)
    return Prescreener(loaded.reference, loaded.history), loaded


def test_a_violation_refuses_a_suspect_warns_and_nothing_passes(tmp_path):
    def build(b, h):
        b.item("GYN", gend="2")
        man = b.person("PM", gend="1")
        b.line(b.visit(man, h, setl_id="SV", begin="2024-03-01 09:00:00"), "GYN")
        b.visit(man, h, med_type="21", begin="2024-04-01 08:00:00", end="2024-04-05 08:00:00", setl_id="SA")
        b.visit(man, h, med_type="21", begin="2024-04-10 08:00:00", end="2024-04-12 08:00:00", setl_id="SB")
        b.line(b.visit(man, h, setl_id="SOK", begin="2024-05-01 09:00:00"), "OTHER")

    prescreener, loaded = _prescreener(tmp_path, build)
    answers = {s: prescreener.evaluate(parse_request(_decode(loaded.request_for(s)))) for s in ("SV", "SB", "SOK")}
    assert answers["SV"].verdict == "refuse" and [f["rule_id"] for f in answers["SV"].findings] == ["R01"]
    assert answers["SB"].verdict == "warn" and [f["rule_id"] for f in answers["SB"].findings] == ["R09"]
    assert answers["SOK"].verdict == "pass" and answers["SOK"].findings == []
    body = answers["SV"].as_json()
    assert body["findings"][0]["amount"] == "10.00"
    assert body["findings"][0]["evidence"] == {"fee_ocur_time": "2024-03-01 09:00:00", "gend": "1", "line_amount": "10",
                                               "lmt_gend": "2"}
    assert body["rules"] == [r for r in PRESCREEN_RULES if r not in ("R06", "R16")]
    assert body["skipped"] == {"R06": "缺少可选表 kb_item_pair", "R15": BATCH_ONLY_REASON, "R16": "缺少可选表 insu_enrol",
                               "R17": BATCH_ONLY_REASON}
    assert body["ms"] >= 0


def test_rules_without_their_reference_tables_or_columns_are_skipped_with_the_reason():
    prescreener = Prescreener(ReferenceData(), HistoryStore())
    request = parse_request({
        "settlement": {"setl_id": "S1", "mdtrt_id": "M1", "psn_no": "P1", "fixmedins_code": "H1",
                       "setl_time": "2024-03-01 10:00:00", "medfee_sumamt": "10", "fund_pay_sumamt": "8"},
        "lines": [{"feedetl_sn": "L1", "setl_id": "S1", "psn_no": "P1", "fixmedins_code": "H1",
                   "fee_ocur_time": "2024-03-01 09:00:00", "med_list_codg": "X", "list_type": "201",
                   "cnt": 1, "pric": "10", "det_item_fee_sumamt": "10.00"}],
    })
    result = prescreener.evaluate(request)
    assert result.rules_run == ["R09", "R10", "R11"]
    assert result.skipped["R01"] == "缺少可选表 kb_item"
    assert result.skipped["R12"] == "缺少可选表 psn_info"
    assert result.skipped["R05"] == "缺少 kb_item 或 fee_list_d.pric_uplmt_amt"
    assert result.skipped["R13"] == "缺少可选列 fee_list_d.prd_days"
    assert result.skipped["R14"] == "缺少可选列 fee_list_d.chrgitm_lv"
    assert result.skipped["R16"] == "缺少可选表 psn_info"
    assert result.verdict == "pass"


def test_a_disabled_rule_is_skipped_and_parameters_come_from_the_configuration(tmp_path):
    from yibao.monitoring.engine.config import ScreeningConfig

    def build(b, h):
        p = b.person("P1")
        b.visit(p, h, med_type="21", begin="2024-01-01 08:00:00", end="2024-01-10 08:00:00")
        b.visit(p, h, med_type="21", begin="2024-01-20 08:00:00", end="2024-01-22 08:00:00", setl_id="SB")

    _, loaded = _prescreener(tmp_path, build)
    request = parse_request(_decode(loaded.request_for("SB")))
    config = ScreeningConfig()
    assert Prescreener(loaded.reference, loaded.history, config).evaluate(request).verdict == "warn"
    config.parameters["readmit_days"] = 5
    assert Prescreener(loaded.reference, loaded.history, config).evaluate(request).verdict == "pass"
    config = ScreeningConfig()
    config.enabled.remove("R09")
    result = Prescreener(loaded.reference, loaded.history, config).evaluate(request)
    assert result.skipped["R09"] == "配置中已停用" and "R09" not in result.rules_run


# ---------------------------------------------------------------- history


def _settlement_request(setl_id: str, when: str, *, valid: str = "1", lines=(), psn_no: str = "P1") -> dict:
    return {
        "settlement": {"setl_id": setl_id, "mdtrt_id": f"M{setl_id}", "psn_no": psn_no, "fixmedins_code": "H1",
                       "setl_time": when, "medfee_sumamt": "10.00", "fund_pay_sumamt": "8.00", "vali_flag": valid},
        "visit": {"mdtrt_id": f"M{setl_id}", "psn_no": psn_no, "fixmedins_code": "H1", "med_type": "11",
                  "begntime": when, "endtime": None},
        "lines": [{"feedetl_sn": sn, "setl_id": setl_id, "psn_no": psn_no, "fixmedins_code": "H1",
                   "fee_ocur_time": when, "med_list_codg": item, "list_type": "201", "cnt": cnt, "pric": "10",
                   "det_item_fee_sumamt": f"{10 * int(cnt)}.00"} for sn, item, cnt in lines],
    }


def test_history_keeps_the_configured_number_of_days_before_the_newest_settlement():
    history = HistoryStore(history_days=30)
    prescreener = Prescreener(ReferenceData(), history)
    for setl_id, when in (("S1", "2024-01-01 10:00:00"), ("S2", "2024-01-20 10:00:00"),
                          ("S3", "2024-02-05 10:00:00")):
        prescreener.record(parse_request(_settlement_request(setl_id, when)))
    assert sorted(history.setl_ids()) == ["S2", "S3"]
    assert "MS1" not in history.visits and "MS2" in history.visits


def test_a_settlement_sent_again_replaces_its_earlier_version_and_a_reversal_removes_it():
    items = {"INJ": _kb_item("INJ", max_cnt_per_day=Decimal(2))}
    history = HistoryStore()
    prescreener = Prescreener(ReferenceData(kb_item=items), history)
    first = parse_request(_settlement_request("S1", "2024-03-01 09:00:00", lines=[("L1", "INJ", "2")]))
    prescreener.record(first)
    second = parse_request(_settlement_request("S2", "2024-03-01 15:00:00", lines=[("L2", "INJ", "1")]))
    assert [f["rule_id"] for f in prescreener.evaluate(second).findings] == ["R07"]
    # S1 judged again: its own earlier version is not its history.
    assert prescreener.evaluate(first).findings == []
    prescreener.record(parse_request(_settlement_request("S1", "2024-03-01 09:00:00", valid="0",
                                                         lines=[("L1", "INJ", "2")])))
    assert prescreener.evaluate(second).findings == []
    assert history.lines_of("P1", "INJ") == []


def _kb_item(code: str, **limits):
    from yibao.monitoring.prescreen.reference import KbItem

    return KbItem(code, **limits)


def test_the_journal_shares_appended_settlements_between_processes_and_skips_its_own(tmp_path):
    path = tmp_path / "410324.jsonl"
    a, b = Journal(path), Journal(path)
    a.append({"settlement": {"setl_id": "S1", "medfee_sumamt": Decimal("1.50")}})
    b.append({"settlement": {"setl_id": "S2"}})
    assert [d["settlement"]["setl_id"] for d in a.read_new()] == ["S2"]
    got = list(b.read_new())
    assert got == [{"settlement": {"setl_id": "S1", "medfee_sumamt": "1.50"}}]
    with open(path, "ab") as f:
        f.write(b"other\t{\"settlement\": {\"setl_id\": \"S3\"")  # a line still being written
    assert list(a.read_new()) == []
    with open(path, "ab") as f:
        f.write(b"}}\n")
    assert [d["settlement"]["setl_id"] for d in a.read_new()] == ["S3"]
    replay = Journal(path)
    assert [d["settlement"]["setl_id"] for d in replay.read_new(include_own=True)] == ["S1", "S2", "S3"]


# ---------------------------------------------------------------- bad requests


def _valid_request() -> dict:
    return _decode(_settlement_request("S1", "2024-03-01 09:00:00", lines=[("L1", "X", "1"), ("L2", "Y", "1"),
                                                                           ("L3", "Z", "1")]))


@pytest.mark.parametrize("change, field, message", [
    (lambda r: r["lines"][2].update(pric=1.5), "lines[2].pric", "不能使用浮点数"),
    (lambda r: r["lines"][2].update(pric="1.1234567"), "lines[2].pric", "取值不是最多六位小数"),
    (lambda r: r["lines"][1].update(det_item_fee_sumamt=Decimal("1.234")), "lines[1].det_item_fee_sumamt",
     "小数位数超过2位"),
    (lambda r: r["lines"][0].pop("cnt"), "lines[0].cnt", "缺少必需的字段"),
    (lambda r: r["lines"][0].update(fee_ocur_time="2024-03-01 09:00:00+08:00"), "lines[0].fee_ocur_time",
     "取值不是时间"),
    (lambda r: r["lines"][0].update(prd_days="seven"), "lines[0].prd_days", "取值不是整数"),
    (lambda r: r["lines"][1].update(setl_id="S9"), "lines[1].setl_id", "与结算ID S1 不一致"),
    (lambda r: r["lines"][1].update(feedetl_sn="L1"), "lines[1].feedetl_sn", "费用明细流水号重复"),
    (lambda r: r["settlement"].update(fund_pay_sumamt=None), "settlement.fund_pay_sumamt", "不能为空"),
    (lambda r: r["settlement"].update(setl_time="2024-02-30 10:00:00"), "settlement.setl_time", "取值不是时间"),
    (lambda r: r["visit"].update(mdtrt_id="OTHER"), "visit.mdtrt_id", "不一致"),
    (lambda r: r.update(person={"psn_no": "P1", "brdy": "1980-13-01"}), "person.brdy", "取值不是日期"),
    (lambda r: r.update(person={"psn_no": "P2"}), "person.psn_no", "不一致"),
    (lambda r: r.update(lines={"a": 1}), "lines", "应为 JSON 数组"),
    (lambda r: r.pop("settlement"), "settlement", "缺少必需的字段"),
])
def test_a_bad_request_names_the_field_in_chinese(change, field, message):
    data = _valid_request()
    change(data)
    with pytest.raises(RequestError) as raised:
        parse_request(data)
    assert raised.value.field == field
    assert raised.value.message.startswith(field + "：") and message in raised.value.message


def test_money_parses_to_exact_decimals_from_strings_and_json_numbers():
    data = json.loads('{"settlement": {"setl_id": "S1", "mdtrt_id": "M1", "psn_no": "P1", "fixmedins_code": "H1",'
                      '"setl_time": "2024-03-01T10:00:00.5", "medfee_sumamt": 0.10, "fund_pay_sumamt": "12"},'
                      '"lines": []}', parse_float=Decimal)
    request = parse_request(data)
    assert request.settlement.medfee_sumamt == Decimal("0.10")
    assert isinstance(request.settlement.medfee_sumamt, Decimal)
    assert request.settlement.setl_time == dt.datetime(2024, 3, 1, 10, 0, 0, 500000)
    assert request.settlement.valid and request.visit is None
