"""Each rule at its boundaries, on small hand-built datasets: what is flagged and what is not.

Every case builds a dataset, screens it on DuckDB and compares the findings of its rule with the
expected keys; the Spark test runs the same cases and must give the same findings.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from yibao.monitoring.engine.runner import screen

from .builder import DatasetBuilder

CASES = []


@dataclass
class Case:
    name: str
    rule: str
    build: object


def case(rule):
    def wrap(fn):
        CASES.append(Case(fn.__doc__.strip(), rule, fn))
        return fn

    return wrap


def _setup():
    b = DatasetBuilder()
    h = b.institution("H1", hosp_lv="05")
    return b, h


@case("R01")
def r01_other_gender_flagged_unknown_gender_not(b, h):
    """R01 男性使用限女性项目被标记；性别 9 或无人员信息不标记"""
    b.item("GYN", gend="2")
    man, unknown = b.person(gend="1"), b.person(gend="9")
    flagged = b.line(b.visit(man, h), "GYN")
    b.line(b.visit(unknown, h), "GYN")
    b.line(b.visit("NOBODY", h), "GYN")
    return {flagged}, {flagged: Decimal("10.00")}


@case("R02")
def r02_age_bounds_are_inclusive(b, h):
    """R02 年龄恰为上下限不标记，超出一岁标记"""
    b.item("CHILD", age_min="0", age_max="14")
    at_max = b.person(brdy="2010-03-01")  # turns 14 on 2024-03-01
    over = b.person(brdy="2009-02-28")  # 15 on 2024-03-01
    b.line(b.visit(at_max, h, begin="2024-03-01 09:00:00"), "CHILD")
    flagged = b.line(b.visit(over, h, begin="2024-03-01 09:00:00"), "CHILD")
    return {flagged}, None


@case("R02")
def r02_leap_day_birthday_reached_on_first_of_march(b, h):
    """R02 2月29日出生者在平年3月1日才满岁"""
    b.item("ADULT", age_min="18")
    leap = b.person(brdy="2004-02-29")
    flagged = b.line(b.visit(leap, h, begin="2022-02-28 09:00:00"), "ADULT")  # still 17
    b.line(b.visit(leap, h, begin="2022-03-01 09:00:00"), "ADULT")  # 18
    return {flagged}, None


@case("R03")
def r03_inpatient_item_on_outpatient_settlement(b, h):
    """R03 住院项目出现在门诊结算被标记，住院结算不标记；门诊项目出现在住院结算被标记"""
    b.item("IPT", med_type="ipt")
    b.item("OTP", med_type="otp")
    p = b.person()
    out = b.visit(p, h, med_type="11", begin="2024-03-01 09:00:00")
    inp = b.visit(p, h, med_type="21", begin="2024-05-01 09:00:00", end="2024-05-04 09:00:00")
    f1 = b.line(out, "IPT")
    b.line(inp, "IPT")
    f2 = b.line(inp, "OTP")
    return {f1, f2}, None


@case("R04")
def r04_rank_below_limit_and_pharmacy_rank_zero(b, h):
    """R04 二级医院开三级限定项目被标记；药店及未登记机构等级为0"""
    b.item("R3", rank="3")
    b.item("R2", rank="2")
    p = b.person()
    pharmacy = b.institution("D1", type="2", hosp_lv="01")
    f1 = b.line(b.visit(p, h), "R3")
    b.line(b.visit(p, h), "R2")
    f2 = b.line(b.visit(p, pharmacy, med_type="41"), "R2")
    f3 = b.line(b.visit(p, "UNKNOWN"), "R2")
    return {f1, f2, f3}, None


@case("R05")
def r05_price_at_ceiling_not_flagged_zero_ceiling_real(b, h):
    """R05 单价等于上限不标记；上限为0也是上限；金额为（单价−上限）×数量"""
    b.item("CAP", ceiling="45")
    b.item("FREE", ceiling="0")
    p = b.person()
    s = b.visit(p, h)
    b.line(s, "CAP", pric="45", cnt="2")
    f1 = b.line(s, "CAP", pric="45.000001", cnt="3")
    f2 = b.line(s, "FREE", pric="2.5", cnt="2")
    return {f1, f2}, {f1: Decimal("0.00"), f2: Decimal("5.00")}


@case("R05")
def r05_line_ceiling_used_when_item_has_none(b, h):
    """R05 知识库无上限时使用明细自带的上限"""
    b.item("NOCAP")
    p = b.person()
    s = b.visit(p, h)
    f1 = b.line(s, "NOCAP", pric="12", cnt="1", ceiling="10")
    b.line(s, "OTHER", pric="12", cnt="1", ceiling="12")
    return {f1}, {f1: Decimal("2.00")}


@case("R06")
def r06_six_hours_inclusive(b, h):
    """R06 6小时窗口含端点：恰好6小时标记，6小时零1秒不标记"""
    b.pair("MAIN", "SUB", "6h")
    p = b.person()
    s = b.visit(p, h, begin="2024-03-01 08:00:00")
    b.line(s, "MAIN", time="2024-03-01 08:00:00")
    f1 = b.line(s, "SUB", time="2024-03-01 14:00:00")
    b.line(s, "SUB", time="2024-03-01 14:00:01")
    return {f1}, None


@case("R06")
def r06_day_hour_visit_windows(b, h):
    """R06 同日、同小时、同次就诊窗口；无效结算的明细两侧都不计"""
    b.pair("A", "B", "day")
    b.pair("C", "D", "hour")
    b.pair("E", "F", "visit")
    p = b.person()
    s = b.visit(p, h, begin="2024-03-01 08:00:00")
    s2 = b.visit(p, h, begin="2024-03-02 08:00:00")
    bad = b.visit(p, h, begin="2024-03-01 08:00:00", valid="0")
    b.line(s, "A", time="2024-03-01 08:00:00")
    f1 = b.line(s, "B", time="2024-03-01 23:59:59")
    b.line(s2, "B", time="2024-03-02 00:00:00")
    b.line(s, "C", time="2024-03-01 10:59:59")
    f2 = b.line(s, "D", time="2024-03-01 10:00:00")
    b.line(s, "D", time="2024-03-01 11:00:00")
    b.line(s, "E", time="2024-03-01 08:00:00")
    f3 = b.line(s, "F", time="2024-03-01 12:00:00")
    b.line(s2, "F", time="2024-03-02 12:00:00")
    b.line(bad, "B", time="2024-03-01 09:00:00")
    return {f1, f2, f3}, None


@case("R06")
def r06_a_line_never_matches_itself(b, h):
    """R06 同一项目既是主项又是子项时，单独一行不与自身匹配"""
    b.pair("X", "X", "day")
    p = b.person()
    s = b.visit(p, h)
    b.line(s, "X")
    return set(), None


@case("R07")
def r07_count_equal_to_limit_not_flagged(b, h):
    """R07 当日数量等于上限不标记，超出标记，金额按超出比例"""
    b.item("INJ", max_per_day="2")
    p1, p2 = b.person(), b.person()
    s1 = b.visit(p1, h, begin="2024-03-01 09:00:00")
    b.line(s1, "INJ", cnt="2", pric="10")
    s2 = b.visit(p2, h, begin="2024-03-01 09:00:00")
    b.line(s2, "INJ", cnt="2", pric="10", time="2024-03-01 09:00:00")
    b.line(s2, "INJ", cnt="1", pric="10", time="2024-03-01 17:00:00")
    return {(p2, "2024-03-01")}, {(p2, "2024-03-01"): Decimal("10.00")}


@case("R08")
def r08_stay_days_with_minimum_one(b, h):
    """R08 当日出院按1天计；床位费数量等于住院天数不标记"""
    b.item("BED", per_day=True)
    p = b.person()
    same_day = b.visit(p, h, med_type="21", begin="2024-03-01 08:00:00", end="2024-03-01 18:00:00")
    b.line(same_day, "BED", cnt="2", pric="30")
    four = b.visit(p, h, med_type="21", begin="2024-04-01 08:00:00", end="2024-04-05 18:00:00")
    b.line(four, "BED", cnt="4", pric="30")
    return {same_day}, {same_day: Decimal("30.00")}


@case("R09")
def r09_readmission_window_and_exclusion(b, h):
    """R09 出院后第15天再入院标记，第16天不标记；Z51诊断除外；诊断为空不除外"""
    p1, p2, p3 = b.person(), b.person(), b.person()
    b.visit(p1, h, med_type="21", begin="2024-01-01 08:00:00", end="2024-01-10 08:00:00")
    flagged = b.visit(p1, h, med_type="21", begin="2024-01-25 08:00:00", end="2024-01-28 08:00:00", diag="")
    b.visit(p2, h, med_type="21", begin="2024-01-01 08:00:00", end="2024-01-10 08:00:00")
    b.visit(p2, h, med_type="21", begin="2024-01-26 08:00:00", end="2024-01-28 08:00:00")
    b.visit(p3, h, med_type="21", begin="2024-01-01 08:00:00", end="2024-01-10 08:00:00")
    b.visit(p3, h, med_type="21", begin="2024-01-12 08:00:00", end="2024-01-13 08:00:00", diag="Z51.1")
    return {flagged}, None


@case("R10")
def r10_outpatient_strictly_inside_stay(b, h):
    """R10 住院期间（不含入院日、出院日）的门诊结算被标记"""
    p = b.person()
    other = b.institution("H2")
    b.visit(p, h, med_type="21", begin="2024-03-01 08:00:00", end="2024-03-05 08:00:00")
    b.visit(p, other, begin="2024-03-01 15:00:00")
    inside = b.visit(p, other, begin="2024-03-03 10:00:00")
    b.visit(p, other, begin="2024-03-05 15:00:00")
    return {inside}, None


@case("R11")
def r11_overlapping_stays_later_flagged(b, h):
    """R11 不同机构住院时间重叠标记较晚入院者；同日住院不与任何住院重叠；同日入院按结算号"""
    p, q = b.person(), b.person()
    h2 = b.institution("H2")
    b.visit(p, h, med_type="21", begin="2024-03-01 08:00:00", end="2024-03-10 08:00:00")
    later = b.visit(p, h2, med_type="21", begin="2024-03-05 08:00:00", end="2024-03-12 08:00:00")
    b.visit(p, h2, med_type="21", begin="2024-03-07 08:00:00", end="2024-03-07 20:00:00")
    a = b.visit(q, h, med_type="21", begin="2024-05-01 08:00:00", end="2024-05-03 08:00:00", setl_id="SQ1")
    tie = b.visit(q, h2, med_type="21", begin="2024-05-01 08:00:00", end="2024-05-04 08:00:00", setl_id="SQ2")
    assert a < tie
    return {later, tie}, None


@case("R12")
def r12_visit_after_death(b, h):
    """R12 死亡次日就医被标记，死亡当日不标记"""
    p = b.person(death_date="2024-03-01")
    b.visit(p, h, begin="2024-03-01 09:00:00")
    after = b.visit(p, h, begin="2024-03-02 09:00:00")
    return {after}, None


@case("R13")
def r13_overlap_must_exceed_days(b, h):
    """R13 剩余用药天数恰为7天不标记，8天标记；前次天数为空不标记"""
    p1, p2, p3 = b.person(), b.person(), b.person()
    s = b.visit(p1, h, begin="2024-03-01 09:00:00")
    b.line(s, "DRUG", list_type="101", prd_days="30", time="2024-03-01 09:00:00")
    b.line(b.visit(p1, h, begin="2024-03-24 09:00:00"), "DRUG", list_type="101", prd_days="30",
           time="2024-03-24 09:00:00")
    s2 = b.visit(p2, h, begin="2024-03-01 09:00:00")
    b.line(s2, "DRUG", list_type="101", prd_days="30", time="2024-03-01 09:00:00")
    flagged = b.line(b.visit(p2, h, begin="2024-03-23 09:00:00"), "DRUG", list_type="102", prd_days="30",
                     time="2024-03-23 09:00:00")
    s3 = b.visit(p3, h, begin="2024-03-01 09:00:00")
    b.line(s3, "DRUG", list_type="201", prd_days="", time="2024-03-01 09:00:00")
    b.line(b.visit(p3, h, begin="2024-03-02 09:00:00"), "DRUG", list_type="101", prd_days="30",
           time="2024-03-02 09:00:00")
    return {flagged}, None


@case("R14")
def r14_class_c_inside_scope(b, h):
    """R14 丙类项目有目录内金额被标记，目录内金额为0不标记"""
    p = b.person()
    s = b.visit(p, h)
    flagged = b.line(s, "CLS", lv="03", inscp="8.50")
    b.line(s, "CLS", lv="03", inscp="0")
    return {flagged}, {flagged: Decimal("8.50")}


@case("R15")
def r15_billed_above_stock(b, h):
    """R15 销售数量超过期初加进货被标记；相等不标记；期初为空按0"""
    p = b.person()
    h2 = b.institution("H2")
    s, s2 = b.visit(p, h), b.visit(p, h2)
    b.line(s, "PILL", cnt="12", pric="1", amount="12.00")
    b.purchase(h, "PILL", "6", "")
    b.purchase(h, "PILL", "4", "")
    b.line(s2, "PILL", cnt="10", pric="1", amount="10.00")
    b.purchase(h2, "PILL", "7", "3")
    return {(h, "PILL")}, {(h, "PILL"): Decimal("2.00")}


@case("R16")
def r16_duplicate_enrolment_overlap_inclusive(b, h):
    """R16 同一证件号两个人员编号参保期重叠（含端点），较晚参保者在重叠期内的结算被标记"""
    a = b.person("PA", certno="110101199001011234")
    c = b.person("PB", certno="110101199001011234")
    b.enrol(a, "2023-01-01", "2024-03-01")
    b.enrol(c, "2024-03-01", "")
    b.visit(a, h, begin="2024-03-01 09:00:00")
    flagged = b.visit(c, h, begin="2024-03-01 10:00:00")
    b.visit(c, h, begin="2024-03-02 10:00:00")
    return {flagged}, None


@case("R17")
def r17_outlier_institution_flagged(b, h):
    """R17 同级机构中次均费用超过上四分位加1.5倍四分位距的机构被标记；结算少于30次的不参与"""
    codes = [b.institution(f"G{i}", hosp_lv="05") for i in range(5)]
    means = ["1000.00", "1100.00", "1200.00", "1300.00", "9000.00"]
    for code, mean in zip(codes, means, strict=True):
        for _ in range(30):
            p = b.person()
            b.visit(p, code, med_type="21", begin="2024-03-02 08:00:00", end="2024-03-04 08:00:00", fund=mean)
    small = b.institution("G9", hosp_lv="05")
    for _ in range(5):
        b.visit(b.person(), small, med_type="21", begin="2024-03-02 08:00:00", end="2024-03-04 08:00:00",
                fund="50000.00")
    return {("G4", "2024-03")}, None


def _keys(finding):
    rule = finding["rule_id"]
    if rule in ("R07",):
        return (finding["psn_no"], finding["day"])
    if rule in ("R08", "R09", "R10", "R11", "R12", "R16"):
        return finding["setl_id"]
    if rule == "R15":
        return (finding["fixmedins_code"], finding["med_list_codg"])
    if rule == "R17":
        return (finding["fixmedins_code"], finding["month"])
    return finding["feedetl_sn"]


def run_case(c: Case, folder, engine="duckdb"):
    b, h = _setup()
    expected, amounts = c.build(b, h)
    b.write(folder)
    result = screen(folder, engine=engine)
    found = [f for f in result.findings if f["rule_id"] == c.rule]
    return expected, amounts or {}, found, result


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_rule_boundary(c, tmp_path):
    expected, amounts, found, _ = run_case(c, tmp_path)
    assert {_keys(f) for f in found} == expected
    for key, amount in amounts.items():
        assert next(f["amount"] for f in found if _keys(f) == key) == amount
