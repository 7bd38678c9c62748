"""Planted cases of the rules about a person's or an institution's history (R09–R17), and R17
computed exactly over the whole dataset (the generator refuses to finish if it disagrees).

Violations / near-misses of each rule:

R09  gap 15, gap 0, null diagnosis of B, Z51 on A only, A with null endtime (discharge =
     admission, 5.3), a chain of three stays (B and C) / gap 16, Z51.102 on B, another
     institution, A reversed.
R10  outpatient and pharmacy visits strictly inside a stay, one at the same hospital / on the
     admission day, on the discharge day, a reversed outpatient settlement, a settlement whose
     visit is missing from mdtrt_d, a visit inside a reversed stay.
R11  B inside A; tie on the admission day (larger setl_id flagged); the later-starting stay
     nested inside an earlier one flagged / B starting on A's discharge day, a same-day stay
     inside A, overlap at one institution, B reversed, the smaller setl_id of the tie.
R12  visits the day after death and months after / on the death day, admitted before and
     discharged after death, settled after death for a visit on the death day, reversed, a
     settlement whose visit is missing from mdtrt_d.
R13  30-day supply re-prescribed with overlap 11 and 8; same time twice (larger feedetl_sn
     flagged); across institutions; herbs 14 days; an intermediate 1-day line that itself overlaps
     / overlap exactly 7; P with null prd_days as the latest earlier line; P latest with no
     overlap; D with prd_days 0; P on a reversed settlement; another item; the first of the tie.
R14  丙类 with inscp_amt equal to the line and 0.01 / 0, null, 乙类, reversed.
R15  billed 121 vs 20 + 100; 50.000001 vs null opening + 50; two kb_purchase rows 30 + 30 vs 61 /
     120 vs 20 + 100; 50 vs null + 50; two rows 30+5 and 25 vs 60; 10 valid + 5 reversed vs 10;
     a pair absent from kb_purchase.
R16  enrolments overlapping for months; touching on one day (inclusive); a masked certno shared
     by two people; equal begndate (larger psn_no flagged); three psn_no of one certno (each
     settlement once) / adjacent enrolments; settlements of the earlier-starting enrolment;
     outside the overlap; one psn_no with two overlapping enrolments.
R17  rank 0 group, Nov 2025 (no background joins it): nine institutions of 30 settlements with
     means 900…1200, 1500 and 4000, so Q1 = 1000, Q3 = 1200, fence 1500: the 4000 institution is
     flagged (five of its settlements were admitted in October and settled in November), the one
     exactly at the fence is not (one of the peers is missing from fixmedins: rank 0, 5.23); rank 2
     group, Sep 2025: four peers at about the background's rank-2 mean and an outlier at eight
     times it (background rank-2 institutions join this group at large N; the generator computes
     the outcome and refuses to finish if the outlier is not flagged) / 29 settlements, 30 with one
     reversed (not evaluated).

"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from ..rules import DEFAULT_PARAMETERS
from .background import _State
from .columns import certno_of
from .planted import CENT, _money, _Planted
from .world import _World

R17_RANK2_MEAN = Decimal("6300.00")  # about the background mean of rank-2 stays


def _r09(b: _Planted) -> None:
    h, h2 = b.inst("05"), b.inst("06")

    def pair(a, b_, kind, note, diag_b="K80.100", diag_a="K80.100", inst_b=None, vali_a="1"):
        p = b.person("1", "1958-08-08")
        b.stay(p, h, a[0], a[1], diag=diag_a, vali=vali_a)
        setl, _ = b.stay(p, inst_b or h, b_[0], b_[1], diag=diag_b)
        b.setl_case("R09", kind, setl, note)

    pair(("2025-05-01 09:00:00", "2025-05-10 10:00:00"), ("2025-05-25 09:00:00", "2025-05-28 10:00:00"), "violation",
         "readmitted 15 days after discharge")
    pair(("2025-05-01 09:00:00", "2025-05-10 10:00:00"), ("2025-05-26 09:00:00", "2025-05-28 10:00:00"), "near_miss",
         "readmitted 16 days after discharge")
    pair(("2025-06-01 09:00:00", "2025-06-05 10:00:00"), ("2025-06-05 14:00:00", "2025-06-08 10:00:00"), "violation",
         "readmitted on the discharge day (gap 0)")
    pair(("2025-07-01 09:00:00", "2025-07-03 10:00:00"), ("2025-07-10 09:00:00", "2025-07-12 10:00:00"), "near_miss",
         "B's main diagnosis Z51.102 is excluded", diag_b="Z51.102", diag_a="C34.900")
    pair(("2025-07-01 09:00:00", "2025-07-03 10:00:00"), ("2025-07-10 09:00:00", "2025-07-12 10:00:00"), "violation",
         "B's main diagnosis null is never excluded", diag_b=None)
    pair(("2025-07-01 09:00:00", "2025-07-03 10:00:00"), ("2025-07-08 09:00:00", "2025-07-12 10:00:00"), "violation",
         "Z51 on A only does not exclude B", diag_a="Z51.102", diag_b="C34.900")
    pair(("2025-08-01 09:00:00", None), ("2025-08-10 09:00:00", "2025-08-12 10:00:00"), "violation",
         "A has null endtime (discharge day = admission day), gap 9")
    pair(("2025-08-01 09:00:00", "2025-08-05 10:00:00"), ("2025-08-10 09:00:00", "2025-08-12 10:00:00"), "near_miss",
         "readmitted at another institution", inst_b=h2)
    pair(("2025-08-01 09:00:00", "2025-08-05 10:00:00"), ("2025-08-10 09:00:00", "2025-08-12 10:00:00"), "near_miss",
         "A reversed", vali_a="0")
    p = b.person("2", "1957-09-09")
    b.stay(p, h, "2025-09-01 09:00:00", "2025-09-03 10:00:00")
    s2, _ = b.stay(p, h, "2025-09-10 09:00:00", "2025-09-12 10:00:00")
    s3, _ = b.stay(p, h, "2025-09-20 09:00:00", "2025-09-22 10:00:00")
    b.setl_case("R09", "violation", s2, "chain of three stays: second")
    b.setl_case("R09", "violation", s3, "chain of three stays: third")


def _r10(b: _Planted) -> None:
    h, h2, ph = b.inst("03"), b.inst("09"), b.inst(None, kind="2")
    p = b.person("1", "1948-02-02")
    b.stay(p, h, "2025-06-01 09:00:00", "2025-06-10 10:00:00", diag="I63.900")
    s, _ = b.otp(p, h2, "2025-06-05 09:00:00", [(b.svc, "1", "30")])
    b.setl_case("R10", "violation", s, "outpatient visit strictly inside a stay")
    s, _ = b.otp(p, ph, "2025-06-02 15:00:00", [(b.drug, "1", "30", {"prd": 3})], med_type="41")
    b.setl_case("R10", "violation", s, "pharmacy purchase the day after admission")
    s, _ = b.otp(p, h2, "2025-06-01 07:30:00", [(b.svc, "1", "30")])
    b.setl_case("R10", "near_miss", s, "outpatient visit on the admission day")
    s, _ = b.otp(p, h2, "2025-06-10 15:00:00", [(b.svc, "1", "30")])
    b.setl_case("R10", "near_miss", s, "outpatient visit on the discharge day")
    s, _ = b.otp(p, h2, "2025-06-06 09:00:00", [(b.svc, "1", "30")], vali="0")
    b.setl_case("R10", "near_miss", s, "reversed outpatient settlement inside a stay")
    s, _ = b.otp(p, h2, "2025-06-07 09:00:00", [(b.svc, "1", "30")], listed=False)
    b.setl_case("R10", "near_miss", s, "settlement whose visit is missing from mdtrt_d (no visit day)")
    p = b.person("2", "1949-03-03")
    b.stay(p, h, "2025-06-01 09:00:00", "2025-06-10 10:00:00", vali="0")
    s, _ = b.otp(p, h2, "2025-06-05 09:00:00", [(b.svc, "1", "30")])
    b.setl_case("R10", "near_miss", s, "outpatient visit inside a reversed stay")
    p = b.person("1", "1950-04-04")
    b.stay(p, h, "2025-07-01 09:00:00", "2025-07-04 10:00:00")
    s, _ = b.otp(p, h, "2025-07-02 09:00:00", [(b.svc, "1", "30")])
    b.setl_case("R10", "violation", s, "outpatient visit at the same hospital during the stay")


def _r11(b: _Planted) -> None:
    j1, j2 = b.inst("05"), b.inst("08")

    def pair(a, b_, kind, note, inst_b=None, vali_b="1", flagged="b"):
        p = b.person("2", "1962-02-02")
        sa, _ = b.stay(p, j1, a[0], a[1])
        sb, _ = b.stay(p, inst_b or j2, b_[0], b_[1], vali=vali_b)
        b.setl_case("R11", kind, sb if flagged == "b" else sa, note)
        return sa, sb

    pair(("2025-06-01 09:00:00", "2025-06-10 10:00:00"), ("2025-06-05 09:00:00", "2025-06-08 10:00:00"), "violation",
         "stay at another institution inside a stay")
    pair(("2025-06-01 09:00:00", "2025-06-10 10:00:00"), ("2025-06-10 14:00:00", "2025-06-12 10:00:00"), "near_miss",
         "admitted elsewhere on the discharge day: [a, d) ranges touch")
    pair(("2025-06-01 09:00:00", "2025-06-10 10:00:00"), ("2025-06-05 08:00:00", "2025-06-05 16:00:00"), "near_miss",
         "same-day stay overlaps nothing")
    sa, sb = pair(("2025-07-01 09:00:00", "2025-07-05 10:00:00"), ("2025-07-01 15:00:00", "2025-07-03 10:00:00"),
                  "violation", "same admission day: the larger setl_id is flagged")
    b.setl_case("R11", "near_miss", sa, "same admission day: the smaller setl_id is not flagged")
    pair(("2025-08-01 09:00:00", "2025-08-10 10:00:00"), ("2025-08-05 09:00:00", "2025-08-08 10:00:00"), "near_miss",
         "overlapping stays at one institution", inst_b=j1)
    pair(("2025-08-01 09:00:00", "2025-08-10 10:00:00"), ("2025-08-05 09:00:00", "2025-08-08 10:00:00"), "near_miss",
         "the overlapping stay is reversed", vali_b="0")
    pair(("2025-09-02 09:00:00", "2025-09-04 10:00:00"), ("2025-08-28 09:00:00", "2025-09-10 10:00:00"), "violation",
         "the later-starting stay is flagged even when nested in the other", flagged="a")


def _r12(b: _Planted) -> None:
    h, ph = b.inst("07"), b.inst(None, kind="2")
    d = "2025-07-10"
    p = b.person("1", "1930-01-01", death=d)
    s, _ = b.otp(p, h, "2025-07-10 09:00:00", [(b.svc, "1", "30")])
    b.setl_case("R12", "near_miss", s, "visit on the death day")
    p = b.person("1", "1931-01-01", death=d)
    s, _ = b.otp(p, h, "2025-07-11 09:00:00", [(b.svc, "1", "30")])
    b.setl_case("R12", "violation", s, "visit the day after death")
    p = b.person("2", "1932-01-01", death="2024-12-31")
    s, _ = b.otp(p, ph, "2025-03-02 10:00:00", [(b.drug, "2", "35", {"prd": 5})], med_type="41")
    b.setl_case("R12", "violation", s, "pharmacy purchase months after death")
    p = b.person("2", "1933-01-01", death=d)
    s, _ = b.stay(p, h, "2025-07-08 09:00:00", "2025-07-12 10:00:00")
    b.setl_case("R12", "near_miss", s, "admitted before death, discharged after (visit day = admission day)")
    p = b.person("1", "1934-01-01", death=d)
    s, _ = b.otp(p, h, "2025-07-15 09:00:00", [(b.svc, "1", "30")], vali="0")
    b.setl_case("R12", "near_miss", s, "reversed settlement after death")
    p = b.person("1", "1935-01-01", death=d)
    mdtrt = b.visit(p, h, "11", "2025-07-10 23:00:00", "2025-07-10 23:40:00")
    s = b.settle(mdtrt, at="2025-07-11 01:00:00")
    b.line(s, b.svc, "2025-07-10 23:10:00", "1", "30")
    b.setl_case("R12", "near_miss", s, "settled after death for a visit on the death day")
    p = b.person("2", "1936-01-01", death=d)
    s, _ = b.otp(p, h, "2025-07-20 09:00:00", [(b.svc, "1", "30")], listed=False)
    b.setl_case("R12", "near_miss", s, "settlement whose visit is missing from mdtrt_d (no visit day)")


def _r13(b: _Planted) -> None:
    h, ph = b.inst("06"), b.inst(None, kind="2")
    dr = b.item("101", "苯磺酸氨氯地平片（5mg×28片）", "09")
    dr2 = b.item("101", "二甲双胍缓释片（0.5g×30片）", "09")
    tcm = b.item("102", "复方丹参滴丸（27mg×180丸）", "11")
    herb = b.item("103", "黄芪（饮片，按剂）", "10")

    def seq(lines, flagged, spared=(), note="", item=dr, spared_note=None):
        p = b.person("1", "1952-12-12")
        sns = []
        for at, prd, *rest in lines:
            inst = rest[0] if rest else h
            vali = rest[1] if len(rest) > 1 else "1"
            code = rest[2] if len(rest) > 2 else item
            _, (sn,) = b.otp(p, inst, at, [(code, "1", "40", {"prd": prd})], med_type="41" if inst == ph else "14",
                             vali=vali)
            sns.append(sn)
        for k in flagged:
            b.line_case("R13", "violation", sns[k], note)
        for k in spared:
            b.line_case("R13", "near_miss", sns[k], spared_note or note)

    seq([("2025-03-01 09:00:00", 30), ("2025-03-20 09:00:00", 30)], [1], note="30 days from 1 Mar, again 20 Mar: 11")
    seq([("2025-03-01 09:00:00", 30), ("2025-03-24 09:00:00", 30)], [], [1], note="overlap exactly 7 days")
    seq([("2025-03-01 09:00:00", 30), ("2025-03-23 09:00:00", 30)], [1], note="overlap 8 days")
    seq([("2025-03-01 09:00:00", 30), ("2025-03-05 09:00:00", None), ("2025-03-10 09:00:00", 30)], [], [2],
        note="latest earlier line has null prd_days")
    seq([("2025-03-01 09:00:00", 30), ("2025-03-05 09:00:00", 1), ("2025-03-10 09:00:00", 30)], [1], [2],
        note="1-day line inside a 30-day supply (overlap 26)",
        spared_note="latest earlier line is the 1-day one: no overlap")
    p = b.person("2", "1953-01-13")
    _, (s1, s2) = b.otp(p, h, "2025-04-01 10:00:00", [(dr, "1", "40", {"prd": 30}), (dr, "1", "40", {"prd": 30})],
                        med_type="14")
    b.line_case("R13", "violation", s2, "two lines at the same time: the later feedetl_sn overlaps the earlier")
    b.line_case("R13", "near_miss", s1, "two lines at the same time: the first has no earlier line")
    seq([("2025-05-01 09:00:00", 28, h, "1", tcm), ("2025-05-10 09:00:00", 28, ph, "1", tcm)], [1],
        note="中成药 at a hospital, again at a pharmacy (any institution)")
    seq([("2025-06-01 09:00:00", 14, h, "1", herb), ("2025-06-03 09:00:00", 7, h, "1", herb)], [1],
        note="herbs for 14 days, again after 2")
    seq([("2025-03-01 09:00:00", 30), ("2025-03-05 09:00:00", 0)], [], [1], note="D with prd_days 0")
    seq([("2025-03-01 09:00:00", 30, h, "0"), ("2025-03-05 09:00:00", 30)], [], [1], note="P on a reversed settlement")
    seq([("2025-03-01 09:00:00", 30, h, "1", dr), ("2025-03-05 09:00:00", 30, h, "1", dr2)], [], [1],
        note="another item")


def _r14(b: _Planted) -> None:
    h = b.inst("07")
    c = b.item("101", "复合维生素片（丙类）", "09")
    cases = [("03", True, "violation", "丙类 line with inscp_amt equal to the line"),
             ("03", "0.01", "violation", "丙类 line with inscp_amt 0.01"),
             ("03", "0", "near_miss", "丙类 line with inscp_amt 0"),
             ("03", None, "near_miss", "丙类 line with null inscp_amt"),
             ("02", True, "near_miss", "乙类 line with inscp_amt")]
    for k, (lv, inscp, kind, note) in enumerate(cases):
        _, (sn,) = b.otp(b.person("2", "1977-07-07"), h, f"2025-08-{k + 1:02d} 10:00:00",
                         [(c, "2", "6.25", {"lv": lv, "inscp": "12.50" if inscp is True else inscp})])
        b.line_case("R14", kind, sn, note, (lambda sn=sn: b.lines[sn]["inscp_amt"]))
    _, (sn,) = b.otp(b.person("2", "1977-07-08"), h, "2025-08-10 10:00:00",
                     [(c, "2", "6.25", {"lv": "03", "inscp": "12.50"})], vali="0")
    b.line_case("R14", "near_miss", sn, "丙类 with inscp_amt on a reversed settlement")


def _r15(b: _Planted) -> None:
    n1, n2 = b.inst("08"), b.inst("09")
    items = [b.item("301", f"医用外科口罩（{k}号）", "08") for k in range(1, 8)]

    def bill(inst, item, cnts, vali="1"):
        sns = []
        for k, cnt in enumerate(cnts):
            _, (sn,) = b.otp(b.person("1", f"19{70 + k}-10-10"), inst, f"2025-09-{len(b.lines) % 27 + 1:02d} 10:00:00",
                             [(item, cnt, "2")], vali=vali)
            sns.append(sn)
        return sns

    def ratio(sns, limit):
        def f():
            rows = [b.lines[s] for s in sns]
            total_cnt = sum(r["cnt"] for r in rows)
            total = sum(r["det_item_fee_sumamt"] for r in rows)
            return Fraction(total) * (Fraction(total_cnt) - Fraction(limit)) / Fraction(total_cnt)
        return f

    def case(item, rows, cnts, kind, note, limit):
        for purchase, opening in rows:
            b.purchase(n1, item, purchase, opening)
        sns = bill(n1, item, cnts)
        b.expect("R15", kind, note, ratio(sns, Decimal(limit)) if kind == "violation" else None,
                 fixmedins_code=n1, med_list_codg=item)
        return sns

    case(items[0], [("100", "20")], ["60", "61"], "violation", "billed 121 > opening 20 + purchase 100", "120")
    case(items[1], [("100", "20")], ["60", "60"], "near_miss", "billed 120 = opening 20 + purchase 100", "120")
    case(items[2], [("50", None)], ["25", "25.000001"], "violation", "billed 50.000001 > null opening + 50", "50")
    case(items[3], [("50", None)], ["25", "25"], "near_miss", "billed 50 = null opening (0) + 50", "50")
    case(items[4], [("30", "0"), ("30", None)], ["61"], "violation", "two kb_purchase rows 30 + 30 < billed 61", "60")
    case(items[5], [("30", "5"), ("25", None)], ["30", "30"], "near_miss", "two rows 30 + 5 and 25: billed 60", "60")
    case(items[6], [("10", "0")], ["10"], "near_miss", "10 valid + 5 on a reversed settlement against 10", "10")
    bill(n1, items[6], ["5"], vali="0")
    bill(n2, items[0], ["500"])
    b.expect("R15", "near_miss", "pair absent from kb_purchase is not checked", fixmedins_code=n2,
             med_list_codg=items[0])


def _r16(b: _Planted) -> None:
    h = b.inst("05")
    cert = [certno_of("650107", date(1975 + k, 1, 1), 12 if k in (1, 4) else 11) for k in range(8)]  # sex parity

    def visit(p, day, kind, note):
        s, _ = b.otp(p, h, f"{day} 10:00:00", [(b.svc, "1", "30")])
        b.setl_case("R16", kind, s, note)

    p1 = b.person("1", "1975-01-01", certno=cert[0], enrol=[("2023-01-01", None, "310")])
    p2 = b.person("1", "1975-01-01", certno=cert[0], enrol=[("2025-01-01", "2025-12-31", "390")])
    visit(p2, "2025-03-01", "violation", "later-starting enrolment of a shared certno, visit inside the overlap")
    visit(p1, "2025-03-02", "near_miss", "earlier-starting enrolment of the shared certno")
    visit(p2, "2024-12-20", "near_miss", "visit before the overlap")
    p3 = b.person("2", "1976-01-01", certno=cert[1], enrol=[("2024-01-01", "2025-03-31", "310")])
    p4 = b.person("2", "1976-01-01", certno=cert[1], enrol=[("2025-03-31", None, "390")])
    visit(p4, "2025-03-31", "violation", "enrolments touching on one day overlap (inclusive)")
    visit(p4, "2025-04-01", "near_miss", "the day after a one-day overlap")
    visit(p3, "2025-03-31", "near_miss", "earlier-starting enrolment on the one overlap day")
    p5 = b.person("1", "1977-01-01", certno=cert[2], enrol=[("2024-01-01", "2025-03-31", "310")])
    p6 = b.person("1", "1977-01-01", certno=cert[2], enrol=[("2025-04-01", None, "390")])
    visit(p6, "2025-04-01", "near_miss", "adjacent enrolments do not overlap")
    visit(p5, "2025-03-31", "near_miss", "adjacent enrolments do not overlap (earlier)")
    masked = "650107********1234"
    p7 = b.person("1", "1978-02-02", certno=masked, enrol=[("2024-01-01", None, "310")])
    p8 = b.person("2", "1990-09-09", certno=masked, enrol=[("2024-06-01", None, "390")])
    visit(p8, "2024-08-01", "violation", "masked certno shared by two people: compared as stored")
    visit(p7, "2024-08-02", "near_miss", "masked certno, earlier-starting enrolment")
    p9 = b.person("2", "1979-01-01", certno=cert[4], enrol=[("2024-07-01", None, "310")])
    p10 = b.person("2", "1979-01-01", certno=cert[4], enrol=[("2024-07-01", None, "390")])
    visit(p10, "2024-09-01", "violation", "equal begndate: the larger psn_no is flagged")
    visit(p9, "2024-09-02", "near_miss", "equal begndate: the smaller psn_no is not")
    p11 = b.person("1", "1980-01-01", certno=cert[5], enrol=[("2024-01-01", None, "310"), ("2024-06-01", None, "390")])
    visit(p11, "2024-08-01", "near_miss", "one psn_no with two overlapping enrolments")
    b.person("1", "1981-01-01", certno=cert[6], enrol=[("2023-01-01", None, "310")])
    p13 = b.person("1", "1981-01-01", certno=cert[6], enrol=[("2024-01-01", None, "390")])
    p14 = b.person("1", "1981-01-01", certno=cert[6], enrol=[("2024-06-01", None, "310")])
    visit(p13, "2024-03-01", "violation", "three psn_no of one certno: the second")
    visit(p14, "2024-08-01", "violation", "three psn_no of one certno: the third, flagged once")


def _r17(b: _Planted) -> None:
    """Rank 0, Nov 2025: means 900..1200, 1500 (at the fence), 4000; rank 2, Sep 2025: 4 peers and an outlier."""

    def institution(hosp_lv, listed, month, mean, n=30, reversed_=0, early=0):
        inst = b.inst(hosp_lv, listed=listed)
        total = Decimal(mean) * n
        funds = []
        for k in range(n // 2):
            spread = Decimal(mean) * Decimal(k % 5 + 1) / 20
            funds += [Decimal(mean) + spread, Decimal(mean) - spread]
        if n % 2:
            funds.append(Decimal(mean))
        funds[-1] += total - sum(funds)
        y, m = month
        for k, fund in enumerate(funds):
            day = 1 + k % 26
            if k < early:
                begn, end = f"{y}-{m - 1:02d}-28 09:00:00", f"{y}-{m:02d}-01 10:00:00"
            else:
                begn, end = f"{y}-{m:02d}-{day:02d} 09:00:00", f"{y}-{m:02d}-{day + 2:02d} 10:00:00"
            price = (fund / Decimal("0.8")).quantize(CENT)
            b.stay(b.person("1" if k % 2 else "2", f"19{40 + k}-03-03"), inst, begn, end,
                   [(b.svc, "1", str(price), {"at": begn})], fund=fund)
        for k in range(reversed_):
            begn = f"{y}-{m:02d}-{k + 1:02d} 09:00:00"
            b.stay(b.person("1", "1945-03-03"), inst, begn, f"{y}-{m:02d}-{k + 3:02d} 10:00:00",
                   [(b.svc, "1", str(Decimal(mean) * 2))], vali="0", fund=Decimal(mean))
        return inst

    nov = (2025, 11)
    for k, mean in enumerate(("900", "950", "1000", "1050", "1100", "1150", "1200")):
        institution(("11", None)[k % 2], k != 3, nov, mean)
    at = institution("11", True, nov, "1500")
    b.expect("R17", "near_miss", "rank 0, Nov 2025: mean exactly at the fence 1500 (strictly above needed)",
          fixmedins_code=at, month="2025-11")
    out = institution(None, True, nov, "4000", early=5)
    b.expect("R17", "violation", "rank 0, Nov 2025: mean 4000 > fence 1500 (Q1 1000, Q3 1200); 5 stays settled in Nov "
          "after an October admission", Decimal("75000.00"), fixmedins_code=out, month="2025-11")
    few = institution("11", True, nov, "9000", n=29)
    b.expect("R17", "near_miss", "29 inpatient settlements: not evaluated", fixmedins_code=few, month="2025-11")
    rev = institution("11", True, nov, "9000", n=29, reversed_=1)
    b.expect("R17", "near_miss", "30 inpatient settlements, one reversed: not evaluated", fixmedins_code=rev,
          month="2025-11")
    sep = (2025, 9)
    for lv in ("05", "06", "07", "05"):
        institution(lv, True, sep, str(R17_RANK2_MEAN))
    b.r17_outlier = institution("06", True, sep, str(R17_RANK2_MEAN * 8))


def _quantile(xs: list[Fraction], p: Fraction) -> Fraction:
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def _r17_findings(world: _World, state: _State, b: _Planted) -> list[dict[str, Any]]:
    """R17 over background and planted settlements, exactly as the spec states it."""
    minimum = int(DEFAULT_PARAMETERS["min_settlements"])  # type: ignore[call-overload]
    inpatient = set(DEFAULT_PARAMETERS["inpatient_med_types"])  # type: ignore[call-overload]
    stats: dict[tuple[str, str], list[int]] = {}  # (institution, month) -> [n, cents]
    rank: dict[str, int] = {}
    assert state.r17_n is not None and state.r17_sum is not None
    for i, m in zip(*np.nonzero(state.r17_n), strict=True):
        code = world.inst_code[i]
        stats[(code, f"{2024 + m // 12}-{m % 12 + 1:02d}")] = [int(state.r17_n[i, m]), int(state.r17_sum[i, m])]
        rank[code] = int(world.inst_rank[i])
    for s in b.setls.values():
        if s["vali_flag"] != "1" or s["mdtrt_id"] not in b.listed_visits:
            continue
        if b.visits[s["mdtrt_id"]]["med_type"] not in inpatient:
            continue
        st = stats.setdefault((s["fixmedins_code"], s["setl_time"].strftime("%Y-%m")), [0, 0])
        st[0] += 1
        st[1] += int(s["fund_pay_sumamt"] * 100)
        rank[s["fixmedins_code"]] = b.inst_rank[s["fixmedins_code"]]
    groups: dict[tuple[int, str], list[tuple[Fraction, str, int, int]]] = {}
    for (code, month), (n, cents) in stats.items():
        if n >= minimum:
            groups.setdefault((rank[code], month), []).append((Fraction(cents, 100 * n), code, n, cents))
    out = []
    for (r, month), members in sorted(groups.items()):
        means = sorted(m for m, *_ in members)
        q1, q3 = _quantile(means, Fraction(1, 4)), _quantile(means, Fraction(3, 4))
        fence = q3 + Fraction(3, 2) * (q3 - q1)
        for mean, code, n, cents in members:
            if mean > fence:
                out.append({"rule_id": "R17", "key": {"fixmedins_code": code, "month": month},
                            "amount": _money(Fraction(cents, 100) - fence * n), "rank": r,
                            "note": f"rank {r}, {n} settlements, mean {float(mean):.2f} > fence {float(fence):.2f}"})
    return out


def plant_history_cases(b: _Planted) -> None:
    """The planted cases of R09–R17, in rule order (the order fixes every id)."""
    _r09(b), _r10(b), _r11(b), _r12(b), _r13(b), _r14(b), _r15(b), _r16(b), _r17(b)
