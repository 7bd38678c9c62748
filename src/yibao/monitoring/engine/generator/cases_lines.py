"""Planted cases of the rules about one settlement's lines (R01–R08): limits, prices, pairs, counts.

Violations / near-misses of each rule:

R01  male billed a female-only item, female billed a male-only item / female billed it; gender '9';
     person missing from psn_info; the violation on a reversed settlement and on one whose
     ``vali_flag`` is null (not valid, 5.1).
R02  items 18–60, min 21, max 20, min 20: the day before the 18th birthday / the birthday itself;
     the 61st birthday / the day before; a 29 February birthday (2004) on 28 Feb and 1 Mar 2025
     and on 28 and 29 Feb 2024; a null birthday.
R03  'ipt' item on outpatient 11 and 14 visits and on a settlement whose visit is missing from
     mdtrt_d (outpatient, 5.2); 'otp' item on an inpatient 21 visit / 'ipt' item on 52, 'otp' on 11.
R04  item rank 3 at hosp_lv 07 / at 04; rank 2 at 10 / at 05; rank 1 at hosp_lv 11, at a hospital
     with null hosp_lv, at a pharmacy with hosp_lv 01 and at an institution missing from fixmedins
     / at 08.
R05  pric one millionth above the kb ceiling (amount 0.005 rounds half-up to 0.01); kb ceiling 0
     with a price; item absent from kb_item above the line's own ceiling; kb ceiling below the
     price while the line's own ceiling is above it / price equal to the ceiling; ceiling 0 and
     price 0; no ceiling at all; own ceiling equal to the price; kb ceiling above the price while
     the line's own is below; the violation on a reversed settlement.
R06  'day' across two visits of one day, and with two pairs and two main lines matching one sub
     line (one finding) / 23:59:59 against 00:00:00, another institution; 'visit' over days of a
     stay and across two settlements of one visit / two visits of one day; 'hour' 10:00:00 and
     10:59:59 / 10:59:59 and 11:00:00; '6h' exactly 6 h, the sub line 6 h before the main line, 5 h
     30 across midnight / 6 h and 1 s, an invalid main line, an invalid sub line; a pair of an item
     with itself: two lines 3 h apart (both flagged) / a single line (never matches itself).
R07  max 1 with two lines; max 3 with 2.5 + 0.500001; max 2 with 1 + 1.5 over two visits / max 2
     with exactly 2; 23:59:59 and 00:00:00 of the next day; two institutions; an invalid line.
R08  5-day stay billed 6 as one line and as six lines, a same-day stay billed 2, a stay with null
     endtime billed 2, nursing 3.5 on a 3-day stay / 5 on 5 days, 1 on a same-day stay (counts as
     1 day), two settlements of one 10-day stay billed 6 each (each compared with the whole
     stay), an outpatient settlement, a reversed settlement.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .planted import _Planted


def _r01(b: _Planted) -> None:
    h = b.inst("05")
    fem = b.item("201", "宫颈细胞学检查（TCT）", "04", {"lmt_gend": "2"})
    male = b.item("201", "总前列腺特异性抗原测定", "04", {"lmt_gend": "1"})
    _, (sn,) = b.otp(b.person("1"), h, "2025-02-10 10:00:00", [(fem, "1", "80")])
    b.line_case("R01", "violation", sn, "male billed a female-only item")
    _, (sn,) = b.otp(b.person("2", "1975-03-02"), h, "2025-02-11 10:00:00", [(male, "1", "90")])
    b.line_case("R01", "violation", sn, "female billed a male-only item")
    _, (sn,) = b.otp(b.person("2", "1979-07-15"), h, "2025-02-12 10:00:00", [(fem, "1", "80")])
    b.line_case("R01", "near_miss", sn, "female billed a female-only item")
    _, (sn,) = b.otp(b.person("9"), h, "2025-02-13 10:00:00", [(fem, "1", "80")])
    b.line_case("R01", "near_miss", sn, "gender '9' is never flagged")
    _, (sn2,) = b.otp(b.person("2", "1970-01-20", listed=False), h, "2025-02-14 11:00:00", [(male, "1", "90")])
    b.line_case("R01", "near_miss", sn2, "person missing from psn_info is never flagged")
    _, (sn,) = b.otp(b.person("1"), h, "2025-02-17 10:00:00", [(fem, "1", "80")], vali="0")
    b.line_case("R01", "near_miss", sn, "male billed a female-only item on a reversed settlement")
    _, (sn,) = b.otp(b.person("1"), h, "2025-02-18 10:00:00", [(fem, "1", "80")], vali=None)
    b.line_case("R01", "near_miss", sn, "male billed a female-only item, vali_flag null (not valid)")


def _r02(b: _Planted) -> None:
    h = b.inst("06")
    adult = b.item("101", "盐酸左氧氟沙星片（成人）", "09", {"lmt_age_min": 18, "lmt_age_max": 60})
    max20 = b.item("201", "青少年脊柱侧弯筛查", "03", {"lmt_age_max": 20})
    min21 = b.item("201", "成人骨密度测定", "03", {"lmt_age_min": 21})
    min20 = b.item("201", "成人心理测评", "03", {"lmt_age_min": 20})
    p = b.person("1", "2007-03-15")
    _, (sn,) = b.otp(p, h, "2025-03-14 09:00:00", [(adult, "2", "15")])
    b.line_case("R02", "violation", sn, "age 17 (the day before the 18th birthday) below min 18")
    _, (sn,) = b.otp(p, h, "2025-03-15 09:00:00", [(adult, "2", "15")])
    b.line_case("R02", "near_miss", sn, "age 18 on the 18th birthday: min 18 inclusive")
    p = b.person("2", "1964-06-20")
    _, (sn,) = b.otp(p, h, "2025-06-19 09:00:00", [(adult, "2", "15")])
    b.line_case("R02", "near_miss", sn, "age 60 the day before the 61st birthday: max 60 inclusive")
    _, (sn,) = b.otp(p, h, "2025-06-20 09:00:00", [(adult, "2", "15")])
    b.line_case("R02", "violation", sn, "age 61 on the 61st birthday above max 60")
    p = b.person("1", "2004-02-29")
    _, (a1, a2) = b.otp(p, h, "2025-02-28 09:00:00", [(max20, "1", "60"), (min21, "1", "70")])
    b.line_case("R02", "near_miss", a1, "born 29 Feb 2004, on 28 Feb 2025 still 20: max 20")
    b.line_case("R02", "violation", a2, "born 29 Feb 2004, on 28 Feb 2025 still 20: below min 21")
    _, (a1, a2) = b.otp(p, h, "2025-03-01 09:00:00", [(max20, "1", "60"), (min21, "1", "70")])
    b.line_case("R02", "violation", a1, "born 29 Feb 2004, 21 on 1 Mar 2025: above max 20")
    b.line_case("R02", "near_miss", a2, "born 29 Feb 2004, 21 on 1 Mar 2025: min 21 reached")
    p = b.person("2", "2004-02-29")
    _, (sn,) = b.otp(p, h, "2024-02-28 09:00:00", [(min20, "1", "40")])
    b.line_case("R02", "violation", sn, "born 29 Feb 2004, 19 on 28 Feb 2024 (leap year): below min 20")
    _, (sn,) = b.otp(p, h, "2024-02-29 09:00:00", [(min20, "1", "40")])
    b.line_case("R02", "near_miss", sn, "born 29 Feb 2004, 20 on 29 Feb 2024")
    _, (sn,) = b.otp(b.person("1", None), h, "2025-04-01 09:00:00", [(adult, "2", "15")])
    b.line_case("R02", "near_miss", sn, "null birthday is never flagged")


def _r03(b: _Planted) -> None:
    h = b.inst("02")
    ipt = b.item("201", "术后镇痛（住院）", "05", {"lmt_med_type": "ipt"})
    otp = b.item("201", "门诊输液观察", "05", {"lmt_med_type": "otp"})
    _, (sn,) = b.otp(b.person("1", "1970-01-01"), h, "2025-04-02 09:00:00", [(ipt, "1", "120")])
    b.line_case("R03", "violation", sn, "'ipt' item on an outpatient 11 settlement")
    _, (sn,) = b.otp(b.person("1", "1960-01-01"), h, "2025-04-03 09:00:00", [(ipt, "1", "120")], med_type="14")
    b.line_case("R03", "violation", sn, "'ipt' item on an outpatient 14 settlement")
    _, (sn,) = b.stay(b.person("2", "1965-01-01"), h, "2025-04-05 09:00:00", "2025-04-09 10:00:00",
                      [(otp, "1", "30", {"at": "2025-04-06 10:00:00"})])
    b.line_case("R03", "violation", sn, "'otp' item on an inpatient 21 settlement")
    _, (sn,) = b.otp(b.person("1", "1971-01-01"), h, "2025-04-10 09:00:00", [(ipt, "1", "120")], listed=False)
    b.line_case("R03", "violation", sn, "'ipt' item on a settlement whose visit is missing from mdtrt_d (outpatient)")
    _, (sn,) = b.stay(b.person("2", "1995-01-01"), h, "2025-04-12 09:00:00", "2025-04-15 10:00:00",
                      [(ipt, "1", "120", {"at": "2025-04-13 10:00:00"})], med_type="52", diag="O80.000")
    b.line_case("R03", "near_miss", sn, "'ipt' item on a 52 (maternity inpatient) settlement")
    _, (sn,) = b.otp(b.person("1", "1972-01-01"), h, "2025-04-16 09:00:00", [(otp, "1", "30")])
    b.line_case("R03", "near_miss", sn, "'otp' item on an outpatient settlement")


def _r04(b: _Planted) -> None:
    r3 = b.item("201", "经导管主动脉瓣置换术评估", "03", {"lmt_hosp_rank": 3})
    r2 = b.item("201", "无痛胃镜检查", "03", {"lmt_hosp_rank": 2})
    r1 = b.item("101", "重组人干扰素α2b注射液（限医疗机构）", "09", {"lmt_hosp_rank": 1})
    cases = [
        (b.inst("04"), r3, "near_miss", "rank-3 item at hosp_lv 04 (rank 3)"),
        (b.inst("07"), r3, "violation", "rank-3 item at hosp_lv 07 (rank 2)"),
        (b.inst("05"), r2, "near_miss", "rank-2 item at hosp_lv 05 (rank 2)"),
        (b.inst("10"), r2, "violation", "rank-2 item at hosp_lv 10 (rank 1)"),
        (b.inst("08"), r1, "near_miss", "rank-1 item at hosp_lv 08 (rank 1)"),
        (b.inst("11"), r1, "violation", "rank-1 item at hosp_lv 11 (unrated, rank 0)"),
        (b.inst(None), r1, "violation", "rank-1 item at a hospital with null hosp_lv (rank 0)"),
        (b.inst("01", kind="2"), r1, "violation", "rank-1 item at a pharmacy with hosp_lv 01 (pharmacies rank 0)"),
        (b.inst("02", listed=False), r1, "violation", "rank-1 item at an institution missing from fixmedins (rank 0)"
         if not b.list_every_institution else "rank-1 item at an institution listed unrated (rank 0, for a demo: "
         "missing from fixmedins otherwise)"),
    ]
    for k, (inst, item, kind, note) in enumerate(cases):
        med_type = "41" if inst.startswith("P") else "11"
        _, (sn,) = b.otp(b.person("2", f"19{60 + k}-05-05"), inst, f"2025-05-{k + 6:02d} 10:00:00",
                         [(item, "1", "200")], med_type=med_type)
        b.line_case("R04", kind, sn, note)


def _r05(b: _Planted) -> None:
    h = b.inst("06")
    c10 = b.item("301", "一次性使用医用棉签（按支）", "08", {"pric_uplmt_amt": "10"})
    c0 = b.item("201", "静脉采血（不得单独收费）", "05", {"pric_uplmt_amt": "0"})
    c30 = b.item("201", "动态心电图", "03", {"pric_uplmt_amt": "30"})
    c50 = b.item("201", "动态血压监测", "03", {"pric_uplmt_amt": "50"})
    n1 = b.item("301", "一次性使用无菌导尿包", "08")
    n2 = b.item("301", "医用冷敷贴", "08")
    n3 = b.item("301", "医用护脐带", "08")

    def one(item, cnt, pric, kind, note, amount=None, ceiling=None, vali="1"):
        _, (sn,) = b.otp(b.person("1", "1969-09-09"), h, f"2025-06-{len(b.lines) % 27 + 1:02d} 10:00:00",
                         [(item, cnt, pric, {"ceiling": ceiling})], vali=vali)
        b.line_case("R05", kind, sn, note, amount)

    one(c10, "5000", "10.000001", "violation", "pric 10.000001 > kb ceiling 10; (pric − ceiling) × cnt = 0.005 → 0.01",
        Decimal("0.000001") * 5000)
    one(c10, "3", "10", "near_miss", "pric equal to the kb ceiling")
    one(c0, "2", "5", "violation", "kb ceiling 0 is a real ceiling", Decimal("10"))
    one(c0, "1", "0", "near_miss", "kb ceiling 0, pric 0")
    one(n1, "2", "25", "violation", "item not in kb_item, pric 25 > the line's own ceiling 20", Decimal("10"),
        ceiling="20")
    one(n2, "1", "999", "near_miss", "item not in kb_item and no ceiling on the line")
    one(n3, "1", "15.5", "near_miss", "line's own ceiling equal to pric", ceiling="15.5")
    one(c30, "1", "35", "violation", "kb ceiling 30 < pric 35 wins over the line's own 40", Decimal("5"),
        ceiling="40")
    one(c50, "1", "45", "near_miss", "kb ceiling 50 ≥ pric 45 wins over the line's own 40", ceiling="40")
    one(c10, "1", "12", "near_miss", "pric above the kb ceiling on a reversed settlement", vali="0")


def _r06(b: _Planted) -> None:
    h, h2 = b.inst("03"), b.inst("03")
    day_m = b.item("201", "静脉输液（第一组）", "05")
    day_m2 = b.item("201", "静脉输液（加药）", "05")
    day_s = b.item("201", "静脉注射", "05")
    vis_m = b.item("201", "超声引导下穿刺", "05")
    vis_s = b.item("201", "B超常规检查", "03")
    hr_m = b.item("201", "心电监测", "05")
    hr_s = b.item("201", "血氧饱和度监测", "05")
    six_m = b.item("201", "血液透析", "05")
    six_s = b.item("201", "血液透析滤过", "05")
    self_i = b.item("201", "重症监护", "05")
    b.pair(day_m, day_s, "day")
    b.pair(day_m2, day_s, "day")
    b.pair(vis_m, vis_s, "visit")
    b.pair(hr_m, hr_s, "hour")
    b.pair(six_m, six_s, "6h")
    b.pair(self_i, self_i, "6h")

    def two(main_at, sub_at, main, sub, kind, note, inst2=None, vm="1", vs="1"):
        p = b.person("1", "1966-06-06")
        b.otp(p, h, main_at, [(main, "1", "30")], vali=vm)
        _, (sn,) = b.otp(p, inst2 or h, sub_at, [(sub, "1", "20")], vali=vs)
        b.line_case("R06", kind, sn, note)

    two("2025-03-10 09:00:00", "2025-03-10 16:00:00", day_m, day_s, "violation", "'day': main and sub on one day")
    two("2025-03-10 23:59:59", "2025-03-11 00:00:00", day_m, day_s, "near_miss", "'day': 23:59:59 and 00:00:00")
    two("2025-03-12 10:00:00", "2025-03-12 11:00:00", day_m, day_s, "near_miss", "'day': sub at another institution",
        inst2=h2)
    p = b.person("2", "1968-08-08")
    b.otp(p, h, "2025-03-13 08:00:00", [(day_m, "1", "30")])
    b.otp(p, h, "2025-03-13 09:00:00", [(day_m2, "1", "30")])
    _, (sn,) = b.otp(p, h, "2025-03-13 10:00:00", [(day_s, "1", "20")])
    b.line_case("R06", "violation", sn, "'day': two pairs and two main lines match one sub line: one finding")
    p = b.person("1", "1955-05-05")
    _, (_, sn) = b.stay(p, h, "2025-04-01 09:00:00", "2025-04-05 10:00:00",
                        [(vis_m, "1", "300", {"at": "2025-04-01 10:00:00"}), (vis_s, "1", "80", {"at": "2025-04-03 15:00:00"})])
    b.line_case("R06", "violation", sn, "'visit': main and sub on different days of one stay")
    p = b.person("2", "1956-05-05")
    mdtrt = b.visit(p, h, "11", "2025-04-08 09:00:00", "2025-04-08 11:00:00")
    s1 = b.settle(mdtrt, at="2025-04-08 10:00:00")
    b.line(s1, vis_m, "2025-04-08 09:10:00", "1", "300")
    s2 = b.settle(mdtrt, at="2025-04-08 11:10:00")
    sn = b.line(s2, vis_s, "2025-04-08 10:30:00", "1", "80")
    b.line_case("R06", "violation", sn, "'visit': main and sub in two settlements of one visit")
    two("2025-04-10 09:00:00", "2025-04-10 15:00:00", vis_m, vis_s, "near_miss", "'visit': two visits on one day")
    two("2025-04-11 10:00:00", "2025-04-11 10:59:59", hr_m, hr_s, "violation", "'hour': 10:00:00 and 10:59:59")
    two("2025-04-12 10:59:59", "2025-04-12 11:00:00", hr_m, hr_s, "near_miss", "'hour': 10:59:59 and 11:00:00")
    two("2025-04-14 08:00:00", "2025-04-14 14:00:00", six_m, six_s, "violation", "'6h': exactly 6 hours (inclusive)")
    two("2025-04-15 08:00:00", "2025-04-15 14:00:01", six_m, six_s, "near_miss", "'6h': 6 hours and 1 second")
    two("2025-04-16 08:00:00", "2025-04-16 02:00:00", six_m, six_s, "violation", "'6h': sub 6 hours before main")
    two("2025-04-17 22:00:00", "2025-04-18 03:30:00", six_m, six_s, "violation", "'6h': 5 h 30 across midnight")
    two("2025-04-19 08:00:00", "2025-04-19 09:00:00", six_m, six_s, "near_miss", "'6h': main line reversed", vm="0")
    two("2025-04-20 08:00:00", "2025-04-20 09:00:00", six_m, six_s, "near_miss", "'6h': sub line reversed", vs="0")
    _, (sn,) = b.otp(b.person("1", "1957-07-07"), h, "2025-04-21 09:00:00", [(self_i, "1", "500")])
    b.line_case("R06", "near_miss", sn, "pair of an item with itself: a single line never matches itself")
    p = b.person("2", "1958-07-07")
    _, (sa,) = b.otp(p, h, "2025-04-22 09:00:00", [(self_i, "1", "500")])
    _, (sb,) = b.otp(p, h, "2025-04-22 12:00:00", [(self_i, "1", "500")])
    b.line_case("R06", "violation", sa, "pair of an item with itself: two lines 3 h apart (first)")
    b.line_case("R06", "violation", sb, "pair of an item with itself: two lines 3 h apart (second)")


def _r07(b: _Planted) -> None:
    h, h2 = b.inst("05"), b.inst("05")
    x1 = b.item("201", "普通门诊诊查费（限每日1次）", "02", {"max_cnt_per_day": "1"})
    x2 = b.item("201", "肌肉注射（限每日2次）", "05", {"max_cnt_per_day": "2"})
    x3 = b.item("101", "布洛芬混悬液（限每日3支）", "09", {"max_cnt_per_day": "3"})

    def key(p, inst, item, day):
        return {"fixmedins_code": inst, "psn_no": p, "med_list_codg": item, "day": day}

    def ratio(sns, limit):
        def f():
            rows = [b.lines[s] for s in sns]
            total_cnt = sum(r["cnt"] for r in rows)
            total = sum(r["det_item_fee_sumamt"] for r in rows)
            return Fraction(total) * (Fraction(total_cnt) - limit) / Fraction(total_cnt)
        return f

    p = b.person("1", "1980-01-01")
    _, sns = b.otp(p, h, "2025-05-06 09:00:00", [(x1, "1", "20"), (x1, "1", "20")])
    b.expect("R07", "violation", "max 1, two lines of 1 on one day", ratio(sns, 1), **key(p, h, x1, "2025-05-06"))
    p = b.person("1", "1980-01-02")
    b.otp(p, h, "2025-05-07 09:00:00", [(x2, "1", "5"), (x2, "1", "5")])
    b.expect("R07", "near_miss", "max 2, Σcnt exactly 2", **key(p, h, x2, "2025-05-07"))
    p = b.person("2", "1980-01-03")
    _, sns = b.otp(p, h, "2025-05-08 09:00:00", [(x3, "2.5", "10"), (x3, "0.500001", "10")])
    b.expect("R07", "violation", "max 3, Σcnt 3.000001", ratio(sns, 3), **key(p, h, x3, "2025-05-08"))
    p = b.person("2", "1980-01-04")
    b.otp(p, h, "2025-05-09 23:59:59", [(x1, "1", "20")])
    b.otp(p, h, "2025-05-10 00:00:00", [(x1, "1", "20")])
    b.expect("R07", "near_miss", "23:59:59 and 00:00:00 are two days", **key(p, h, x1, "2025-05-09"))
    b.expect("R07", "near_miss", "23:59:59 and 00:00:00 are two days", **key(p, h, x1, "2025-05-10"))
    p = b.person("1", "1980-01-05")
    b.otp(p, h, "2025-05-11 09:00:00", [(x1, "1", "20")])
    b.otp(p, h2, "2025-05-11 15:00:00", [(x1, "1", "20")])
    b.expect("R07", "near_miss", "one line at each of two institutions", **key(p, h, x1, "2025-05-11"))
    p = b.person("1", "1980-01-06")
    b.otp(p, h, "2025-05-12 09:00:00", [(x1, "1", "20")])
    b.otp(p, h, "2025-05-12 15:00:00", [(x1, "1", "20")], vali="0")
    b.expect("R07", "near_miss", "second line on a reversed settlement", **key(p, h, x1, "2025-05-12"))
    p = b.person("2", "1980-01-07")
    _, s1 = b.otp(p, h, "2025-05-13 09:00:00", [(x2, "1", "5")])
    _, s2 = b.otp(p, h, "2025-05-13 15:00:00", [(x2, "1.5", "5")])
    b.expect("R07", "violation", "max 2, 1 + 1.5 over two visits of one day", ratio(s1 + s2, 2),
             **key(p, h, x2, "2025-05-13"))


def _r08(b: _Planted) -> None:
    h = b.inst("06")
    bed = b.item("201", "床位费（普通病房）", "01", {"per_day_of_stay": True})
    nurse = b.item("201", "Ⅰ级护理", "07", {"per_day_of_stay": True})

    def key(setl, item):
        s = b.setls[setl]
        return {"fixmedins_code": s["fixmedins_code"], "psn_no": s["psn_no"], "setl_id": setl, "med_list_codg": item}

    def ratio(setl, item, days):
        def f():
            rows = [r for r in b.lines.values() if r["setl_id"] == setl and r["med_list_codg"] == item]
            total_cnt = sum(r["cnt"] for r in rows)
            total = sum(r["det_item_fee_sumamt"] for r in rows)
            return Fraction(total) * (Fraction(total_cnt) - days) / Fraction(total_cnt)
        return f

    def case(begn, end, lines, kind, note, days, item=bed, vali="1", med_type="21"):
        if med_type == "11":
            setl, _ = b.otp(b.person("1", "1950-03-03"), h, begn, [(item, c, "40") for c, _t in lines])
        else:
            setl, _ = b.stay(b.person("1", "1950-03-03"), h, begn, end, [(item, c, "40", {"at": t}) for c, t in lines],
                             vali=vali)
        b.expect("R08", kind, note, ratio(setl, item, days) if kind == "violation" else None, **key(setl, item))

    case("2025-04-01 10:00:00", "2025-04-06 09:00:00", [("6", "2025-04-01 11:00:00")], "violation",
         "5-day stay billed 6 in one line", 5)
    case("2025-04-01 10:00:00", "2025-04-06 09:00:00", [("5", "2025-04-01 11:00:00")], "near_miss",
         "5-day stay billed 5", 5)
    case("2025-04-02 10:00:00", "2025-04-07 09:00:00", [("1", f"2025-04-0{d} 11:00:00") for d in range(2, 8)],
         "violation", "5-day stay billed in six daily lines", 5)
    case("2025-04-10 08:00:00", "2025-04-10 14:00:00", [("1", "2025-04-10 09:00:00")], "near_miss",
         "same-day stay (0 days) counts as 1, billed 1", 1)
    case("2025-04-11 08:00:00", "2025-04-11 14:00:00", [("2", "2025-04-11 09:00:00")], "violation",
         "same-day stay billed 2", 1)
    case("2025-04-12 08:00:00", None, [("2", "2025-04-12 09:00:00")], "violation",
         "stay with null endtime (0 days, counts 1) billed 2", 1)
    case("2025-04-13 08:00:00", "2025-04-16 09:00:00", [("3.5", "2025-04-13 09:00:00")], "violation",
         "3-day stay, nursing 3.5", 3, item=nurse)
    case("2025-04-13 08:00:00", "2025-04-16 09:00:00", [("9", "2025-04-13 09:00:00")], "near_miss",
         "reversed settlement", 3, vali="0")
    case("2025-04-14 08:00:00", None, [("3", "2025-04-14 08:00:00")], "near_miss",
         "outpatient settlement is not checked", 1, med_type="11")
    p = b.person("2", "1951-04-04")
    mdtrt = b.visit(p, h, "21", "2025-05-01 09:00:00", "2025-05-11 10:00:00", "I63.900")
    s1 = b.settle(mdtrt, at="2025-05-07 10:00:00")
    b.line(s1, bed, "2025-05-01 10:00:00", "6", "40")
    s2 = b.settle(mdtrt)
    b.line(s2, bed, "2025-05-07 10:00:00", "6", "40")
    b.expect("R08", "near_miss", "two settlements of a 10-day stay, 6 each: each within the whole stay", **key(s1, bed))
    b.expect("R08", "near_miss", "two settlements of a 10-day stay, 6 each: each within the whole stay", **key(s2, bed))


def plant_line_cases(b: _Planted) -> None:
    """The planted cases of R01–R08, in rule order (the order fixes every id)."""
    _r01(b), _r02(b), _r03(b), _r04(b), _r05(b), _r06(b), _r07(b), _r08(b)
