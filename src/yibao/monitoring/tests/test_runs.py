"""Screening runs recorded in the database: findings upserted by identity, sightings per run.

The tiny hand-written dataset here (DATASET, write_dataset) is screened by the fixtures `dataset_dir`
and `run` of this folder's conftest; `county` and `make_user` come from the root conftest.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from yibao.core.models import AuditEvent
from yibao.monitoring.constants import FindingStatus, RunStatus
from yibao.monitoring.engine.config import ConfigError
from yibao.monitoring.engine.dataset import DatasetError
from yibao.monitoring.models import Finding, FindingSighting, Institution, InsuredPerson, ScreeningRun
from yibao.monitoring.models.finding import identity_hash
from yibao.monitoring.services import (
    do_dismiss_first_review,
    do_run_screening,
    do_screen_for_bureau,
)
from yibao.org.constants import BureauLevel, Role
from yibao.org.services import do_create_bureau

# A county's claims, hand-written to trigger R01, R05, R09, R12 and R14 (spec section 3):
# L1 a female-only item billed to a man (R01); L2 and L7 above the price ceiling (R05);
# S3 a readmission 4 days after S2 (R09); S4 a visit after the person's death (R12);
# L3, L6 and L7 丙类 items paid by the fund (R14). L7 is flagged by two rules (R05 and R14).
DATASET = {
    "fixmedins": """fixmedins_code,fixmedins_name,fixmedins_type,hosp_lv,admdvs
H001,栾川县人民医院,1,05,410324
H002,栾川县中医院,1,08,410324
P001,栾川县康民大药房,2,,410324
""",
    "psn_info": """psn_no,psn_name,certno,gend,brdy,death_date
P0001,张三丰,410324198001011234,1,1980-01-01,
P0002,李秀英,410324199002022345,2,1990-02-02,
P0003,王五福,410324195003033456,1,1950-03-03,2024-02-01
""",
    "kb_item": """med_list_codg,item_name,pric_uplmt_amt,lmt_gend,lmt_age_min,lmt_age_max,lmt_med_type,lmt_hosp_rank,max_cnt_per_day,per_day_of_stay
X001,妇科检查,,2,,,,,,
X002,CT检查,100,,,,,,,
X003,阿莫西林胶囊,,,,,,,,
""",
    "mdtrt_d": """mdtrt_id,psn_no,fixmedins_code,med_type,begntime,endtime,dscg_maindiag_code
M1,P0001,H001,11,2024-03-01 09:00:00,,
M2,P0002,H001,21,2024-03-02 08:00:00,2024-03-06 10:00:00,J18
M3,P0002,H001,21,2024-03-10 08:00:00,2024-03-12 10:00:00,J18
M4,P0003,H002,11,2024-03-05 09:00:00,,
M5,P0001,H002,11,2024-03-07 09:00:00,,
""",
    "setl_d": """setl_id,mdtrt_id,psn_no,fixmedins_code,setl_time,medfee_sumamt,fund_pay_sumamt,vali_flag
S1,M1,P0001,H001,2024-03-01 10:00:00,500.00,400.00,1
S2,M2,P0002,H001,2024-03-06 11:00:00,3000.00,2400.00,1
S3,M3,P0002,H001,2024-03-12 11:00:00,2000.00,1600.00,1
S4,M4,P0003,H002,2024-03-05 10:00:00,200.00,150.00,1
S5,M5,P0001,H002,2024-03-07 10:00:00,100.00,80.00,1
""",
    "fee_list_d": """feedetl_sn,setl_id,psn_no,fixmedins_code,fee_ocur_time,med_list_codg,list_type,cnt,pric,det_item_fee_sumamt,inscp_amt,chrgitm_lv
L1,S1,P0001,H001,2024-03-01 09:10:00,X001,201,1,120,120.00,120.00,02
L2,S1,P0001,H001,2024-03-01 09:20:00,X002,201,2,150,300.00,300.00,01
L3,S1,P0001,H001,2024-03-01 09:30:00,X003,101,1,80,80.00,80.00,03
L4,S2,P0002,H001,2024-03-03 10:00:00,X002,201,1,100,100.00,100.00,01
L5,S3,P0002,H001,2024-03-11 10:00:00,X003,101,2,50,100.00,0.00,03
L6,S4,P0003,H002,2024-03-05 09:10:00,X003,101,1,150,150.00,120.00,03
L7,S5,P0001,H002,2024-03-07 09:10:00,X002,201,1,130,130.00,130.00,03
""",
}

# (rule, key) → amount of every finding the dataset gives.
EXPECTED = {
    ("R01", "L1"): Decimal("120.00"),
    ("R05", "L2"): Decimal("100.00"),
    ("R05", "L7"): Decimal("30.00"),
    ("R09", "S3"): Decimal("1600.00"),
    ("R12", "S4"): Decimal("150.00"),
    ("R14", "L3"): Decimal("80.00"),
    ("R14", "L6"): Decimal("120.00"),
    ("R14", "L7"): Decimal("130.00"),
}


def write_dataset(root: Path, tables: dict[str, str] | None = None) -> Path:
    """Write the dataset's CSV files into root and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (tables or DATASET).items():
        (root / f"{name}.csv").write_text(text, encoding="utf-8")
    return root


def key_of(finding: Finding) -> tuple[str, str]:
    return finding.rule_id, finding.feedetl_sn or finding.setl_id




















# ---------------------------------------------------------------- runs

def test_a_run_is_recorded_with_its_summary_and_every_finding_the_engine_gives(run, county, analyst):
    assert run.status == RunStatus.SUCCEEDED
    assert run.bureau == county and run.started_by == analyst and run.engine == "duckdb"
    assert run.finished_at >= run.started_at
    assert run.finding_count == 8 and run.new_count == 8
    assert run.total_amount == sum(EXPECTED.values())
    assert run.summary["by_rule"] == {"R01": 1, "R05": 2, "R09": 1, "R12": 1, "R14": 3} | {
        r: 0 for r in ("R02", "R03", "R04", "R07", "R08", "R10", "R11", "R17")}
    assert "R06" in run.summary["skipped"] and "kb_item_pair" in run.summary["skipped"]["R06"]
    assert run.summary["new"] == 8 and run.summary["seen_again"] == 0
    assert run.summary["store_seconds"] >= 0
    findings = {key_of(f): f for f in Finding.objects.filter(bureau=county)}
    assert {k: f.amount for k, f in findings.items()} == EXPECTED
    assert all(f.status == FindingStatus.NEW for f in findings.values())
    r09 = findings[("R09", "S3")]
    assert (r09.fixmedins_code, r09.psn_no, r09.feedetl_sn) == ("H001", "P0002", None)
    assert r09.basis == "医疗保障基金使用监督管理条例第三十八条第（一）项"
    sighting = FindingSighting.objects.get(run=run, finding=r09)
    assert json.loads(sighting.evidence)["previous_settlements"] == ["S2"]


def test_the_run_writes_start_and_finish_audit_events(run):
    actions = list(AuditEvent.objects.filter(object_id=str(run.pk), object_type="monitoring.screeningrun")
                   .values_list("action", flat=True))
    assert sorted(actions) == ["screening.finish", "screening.start"]


def test_a_run_fills_the_institution_and_person_tables_with_names_beside_codes(run, county):
    assert Institution.objects.get(bureau=county, code="H001").name == "栾川县人民医院"
    h002 = Institution.objects.get(bureau=county, code="H002")
    assert (h002.rank, h002.type) == (1, "1")
    # Only what the findings name: the pharmacy has no finding.
    assert not Institution.objects.filter(code="P001").exists()
    person = InsuredPerson.objects.get(psn_no="P0003")
    assert (person.name, person.certno, person.gender) == ("王五福", "410324195003033456", "1")
    assert str(person.death_date) == "2024-02-01"


def test_the_identity_is_a_hash_of_rule_and_key_columns_where_null_differs_from_empty():
    row = {"rule_id": "R09", "fixmedins_code": "H001", "psn_no": "P1", "setl_id": "S1", "feedetl_sn": None,
           "med_list_codg": None, "day": None, "month": None}
    assert identity_hash(row) == identity_hash(dict(row))
    assert identity_hash(row) != identity_hash(row | {"feedetl_sn": ""})
    assert identity_hash(row) != identity_hash(row | {"rule_id": "R10"})
    assert len(identity_hash(row)) == 64


def test_running_again_keeps_identity_and_adds_a_sighting_to_each_finding(run, county, dataset_dir, analyst):
    before = dict(Finding.objects.filter(bureau=county).values_list("identity_hash", "id"))
    second = do_run_screening(county, dataset_dir, actor=analyst)
    assert second.status == RunStatus.SUCCEEDED
    assert second.new_count == 0 and second.summary["seen_again"] == 8
    assert dict(Finding.objects.filter(bureau=county).values_list("identity_hash", "id")) == before
    for finding in Finding.objects.filter(bureau=county):
        assert finding.times_seen == 2
        assert finding.first_seen_run_id == run.pk and finding.last_seen_run_id == second.pk
        assert finding.sightings.count() == 2


def test_a_dismissed_finding_stays_dismissed_with_its_reason_when_seen_again(run, county, dataset_dir, analyst):
    finding = Finding.objects.get(bureau=county, rule_id="R09")
    do_dismiss_first_review(finding, actor=analyst, reason="两次住院为不同疾病，属正常再入院")
    again = do_run_screening(county, dataset_dir, actor=analyst)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    assert finding.dismissed_reason == "两次住院为不同疾病，属正常再入院" and finding.dismissed_by == analyst
    assert finding.events.count() == 1  # its history is kept, nothing added by the run
    assert again.summary["dismissed_seen_again"] == 1
    assert again.summary["by_status"][FindingStatus.DISMISSED] == 1


def test_a_changed_dataset_adds_new_findings_and_updates_the_amount_of_known_ones(
        run, county, tmp_path, analyst):
    tables = dict(DATASET)
    # L2 now costs 160 (R05: (160 − 100) × 2 = 120) and a new line L8 breaks the ceiling too.
    tables["fee_list_d"] = DATASET["fee_list_d"].replace("X002,201,2,150,300.00,300.00,01",
                                                         "X002,201,2,160,320.00,320.00,01")
    tables["fee_list_d"] += "L8,S2,P0002,H001,2024-03-04 10:00:00,X002,201,1,110,110.00,110.00,01\n"
    changed = do_run_screening(county, write_dataset(tmp_path / "v2", tables), actor=analyst)
    assert changed.new_count == 1 and changed.summary["amount_changed"] == 1
    l2 = Finding.objects.get(bureau=county, rule_id="R05", feedetl_sn="L2")
    assert l2.amount == Decimal("120.00")
    assert list(l2.sightings.order_by("run_id").values_list("amount", flat=True)) == [Decimal("100.00"),
                                                                                       Decimal("120.00")]
    assert Finding.objects.get(bureau=county, feedetl_sn="L8").first_seen_run == changed


def test_findings_of_two_bureaus_are_kept_apart(run, county, dataset_dir):
    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, code="410300", actor=None)
    other = do_run_screening(city, dataset_dir, actor=None)
    assert other.new_count == 8
    assert Finding.objects.filter(bureau=county).count() == Finding.objects.filter(bureau=city).count() == 8


def test_a_refused_dataset_gives_a_failed_run_with_the_engines_chinese_error(county, tmp_path, analyst):
    tables = dict(DATASET)
    tables["setl_d"] = DATASET["setl_d"].replace("400.00", "abc")
    failed = do_run_screening(county, write_dataset(tmp_path / "bad", tables), actor=analyst)
    assert failed.status == RunStatus.FAILED
    assert "表 setl_d，列 fund_pay_sumamt" in failed.error and "第2行" in failed.error
    assert not Finding.objects.exists()
    assert AuditEvent.objects.filter(action="screening.fail", object_id=str(failed.pk)).exists()


def test_a_missing_folder_fails_the_run_and_the_command_line_entry_raises_the_dataset_error(county, tmp_path):
    with pytest.raises(DatasetError):
        do_screen_for_bureau("410324", tmp_path / "nowhere")
    assert ScreeningRun.objects.get().status == RunStatus.FAILED


def test_the_command_line_entry_finds_the_bureau_by_its_code_and_returns_the_summary(county, dataset_dir):
    summary = do_screen_for_bureau("410324", dataset_dir)
    assert summary["findings"] == 8 and summary["new"] == 8 and summary["status"] == RunStatus.SUCCEEDED
    assert ScreeningRun.objects.get(pk=summary["run"]).started_by is None
    with pytest.raises(ValueError, match="未找到"):
        do_screen_for_bureau("999999", dataset_dir)


def test_a_configuration_turns_rules_off_and_a_bad_one_is_refused_before_anything_is_recorded(
        county, dataset_dir, tmp_path, analyst):
    config = tmp_path / "rules.yaml"
    config.write_text("rules:\n  R14: {enabled: false}\n", encoding="utf-8")
    run = do_run_screening(county, dataset_dir, config_path=config, actor=analyst)
    assert run.finding_count == 5 and run.summary["skipped"]["R14"] == "配置中已停用"
    assert run.config["enabled"] and "R14" not in run.config["enabled"]
    config.write_text("rules:\n  R99: {enabled: false}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="未知的规则 R99"):
        do_run_screening(county, dataset_dir, config_path=config, actor=analyst)
    assert ScreeningRun.objects.count() == 1


def test_only_staff_analysts_and_heads_may_start_a_run(county, dataset_dir, make_user):
    officer = make_user("officer1", Role.OFFICER, county)
    with pytest.raises(PermissionDenied):
        do_run_screening(county, dataset_dir, actor=officer)
    head = make_user("head", Role.HEAD, county)
    assert do_run_screening(county, dataset_dir, actor=head).status == RunStatus.SUCCEEDED
    staff = make_user("ops", None, is_staff=True)
    assert do_run_screening(county, dataset_dir, actor=staff).status == RunStatus.SUCCEEDED


def test_an_analyst_of_another_bureau_may_not_screen_for_this_one(county, dataset_dir, make_user):
    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    with pytest.raises(PermissionDenied):
        do_run_screening(county, dataset_dir, actor=make_user("a2", Role.ANALYST, other))


def test_the_run_reports_progress_rule_by_rule(county, dataset_dir, analyst):
    seen = []
    run = do_run_screening(county, dataset_dir, actor=analyst, progress=lambda r, i, n: seen.append((r, i, n)))
    assert seen[0] == ("R01", 1, 17) and seen[-1] == ("R17", 17, 17)
    assert (run.progress_done, run.progress_total, run.progress_percent) == (17, 17, 100)


@pytest.mark.parametrize("text", ["5\n", "rules:\n  R01: true\n", "rules: [R01]\n"])
def test_a_configuration_file_of_the_wrong_shape_is_refused_in_chinese(county, dataset_dir, tmp_path, analyst, text):
    config = tmp_path / "rules.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="配置文件格式不正确"):
        do_run_screening(county, dataset_dir, config_path=config, actor=analyst)
    assert not ScreeningRun.objects.exists()
