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

Background (N minus the planted lines), clean by construction. It is generated in chunks of
persons (each chunk holds every visit of its persons, so rules about one person's history are
settled inside the chunk), vectorised with numpy, and streamed to Parquet or CSV by a writer
thread while the next chunk is generated. The line counts drawn for a chunk's visits are scaled
so that the chunks add up to exactly N lines with the planted ones. A visit's lines are in time
order, so feedetl_sn follows fee_ocur_time.

* Institutions: hospitals of rank 3, 2, 1 (``hosp_lv`` 01–10) and unrated clinics (rank 0), and
  retail pharmacies. Only rated hospitals admit inpatients, so the rank-0 group of R17 never
  holds a background institution.
* Persons: ``certno`` a valid 18-digit ID number (region, birthday, sequence with the sex parity,
  ISO 7064 check digit), unique; a few die after their last visit; one open enrolment or two
  adjacent ones (a switch of insurance type).
* Visits: outpatient 11/14 at hospitals, 41 at pharmacies, maternity 51/52 for pregnant women,
  inpatient 21 (0–45 day stays, some Z51 main diagnoses). Every visit has one settlement; a few
  are reversed (``vali_flag`` '0').
* Items: a catalogue of about 1,400 drugs, herbs, services and materials. ``kb_item`` holds most of
  them with a price ceiling and, for some, limits that the background obeys: child-only and
  adult-only items go only to children (born 2012 or later) and adults (born 2005 or earlier),
  gender-limited items only to that gender, 'ipt'/'otp' items only to inpatient/outpatient visits,
  rank-limited items only to hospitals of that rank or higher, the once-a-day consultation fee
  (``max_cnt_per_day`` 1) once per outpatient visit, and bed, nursing and ward-round fees
  (``per_day_of_stay``) once per stay with cnt equal to the stay days (R08 at its boundary).
* R05: a line's price never exceeds the item's ceiling (``kb_item`` or the line's own column).
* R06: background pairs have an inpatient-only main item and an outpatient-only sub item; a person
  has no outpatient visit on any day of a stay, stay lines fall between 07:00 and 20:00 (12:00 on
  the discharge day) and outpatient lines between 07:30 and 18:00, so no window ever matches.
* R07: a person has at most one hospital outpatient visit a day; R09/R11: a person's stays are
  at least 31 days apart; R10: outpatient visits are never on a day of a stay; R12: visits are on
  or before the death day; R13: drug lines have ``prd_days`` 1–7 (never more than overlap_days);
  R14: 丙类 lines have ``inscp_amt`` 0; R15: ``kb_purchase`` rows are written after the claims,
  with opening + purchase at least the billed quantity (some exactly equal); R16: certnos are
  unique.
* R17 is not avoided but computed: the generator sums every valid inpatient settlement per
  institution and month, applies the rule exactly and records each background finding in the
  manifest (note "background").

Planted cases (fixed size, about 700 lines, whatever N; written with the last chunk, with ids in
ranges of their own: psn_no 440199… (the region's first four digits, then 99), setl_id ST9…, feedetl_sn FD9…): each case has its own persons (born
and enrolled so that nothing else fires), mostly its own institutions and its own items (planted
items without limits are absent from ``kb_item``). Violations and near-misses of each rule:

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
import queue
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .rules import DEFAULT_PARAMETERS, RULES
from .schema import TABLES

__all__ = ["GenerationReport", "generate_dataset", "arrow_schema", "ARROW_TYPES", "MIN_LINES", "CHUNK_LINES", "Region",
           "GUANGZHOU"]

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "dec": pa.decimal128(18, 2),
    "dec6": pa.decimal128(18, 6),  # any DECIMAL will do (spec 5.24); precision 18 is stored as int64
    "int": pa.int64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "ts": pa.timestamp("us"),
}
CHUNK_LINES = 1_000_000  # background fee lines per chunk (and per Parquet part)
LINES_PER_PERSON = 22.0  # average background lines per person (calibrated; chunks are adjusted exactly)
MANIFEST = "_planted.json"

EPOCH = date(1970, 1, 1)
START = date(2024, 1, 1)
DAY0 = (START - EPOCH).days  # day number of 2024-01-01
NDAYS = 731  # 2024-01-01 .. 2025-12-31
SECS = 86_400
H = 3_600

# Settings of a visit: which items may be billed and how.
OTP, PHARM, IPT, MAT_OTP, MAT_IPT = range(5)
INPATIENT_SETTINGS = (IPT, MAT_IPT)
# Demographic classes: items limited by age or gender go only to the class that satisfies them.
CHILD, ADULT_M, ADULT_F, OTHER = range(4)
CHILD_BORN_FROM = (date(2012, 1, 1) - EPOCH).days  # at most 13 on 2025-12-31: child items max 14
ADULT_BORN_UNTIL = (date(2005, 12, 31) - EPOCH).days  # at least 18 on 2024-01-01: adult items min 18
BRDY0 = (date(1925, 1, 1) - EPOCH).days

GZ_DISTRICTS = [("440103", "荔湾区"), ("440104", "越秀区"), ("440105", "海珠区"), ("440106", "天河区"),
                ("440111", "白云区"), ("440112", "黄埔区"), ("440113", "番禺区"), ("440114", "花都区"),
                ("440115", "南沙区"), ("440117", "从化区"), ("440118", "增城区")]
PLACES = ["石牌", "五山", "员村", "猎德", "棠下", "车陂", "龙洞", "沙河", "东圃", "新港", "江南", "昌岗", "芳村",
          "西关", "东山", "北京路", "三元里", "同和", "京溪", "嘉禾", "大石", "市桥", "洛浦", "新塘", "荔城", "街口",
          "新华", "狮岭", "南沙", "黄阁", "萝岗", "长岭", "鱼珠", "华林", "逢源", "沙面", "赤岗", "琶洲", "天园", "黄村"]
PHARMACY_CHAINS = ["大参林", "老百姓大药房", "一心堂", "国大药房", "采芝林", "健民药店", "海王星辰", "益丰大药房"]
# For a region given by its code and name only: place names found in most counties, national chains.
COMMON_PLACES = ("城关", "东城", "西城", "南关", "北关", "城南", "城北", "新区", "东关", "西关", "河东", "河西")
NATIONAL_CHAINS = ("老百姓大药房", "国大药房", "益丰大药房", "一心堂", "大参林", "海王星辰")
# Regions of the ID numbers of persons born outside the dataset's region.
OTHER_CERT_REGIONS = ("440303", "440604", "441202", "445102", "430102", "430521", "360102", "450102", "510104",
                      "420102", "410102", "350102")
# The planted persons' ID numbers use these regions, which background ID numbers must never use (R16).
PLANTED_CERT_REGIONS = ("650102", "650103", "650104", "650105", "650106")


@dataclass(frozen=True)
class Region:
    """Where the generated institutions and insured persons are (行政区划).

    ``districts`` are the (code, name) of the areas institutions and enrolments are spread over (a
    county is one); institution names are ``name`` + district + place + kind, e.g. 广州市天河区石牌医院
    or 栾川县人民医院. The planted cases sit in ``home``; person numbers start with its first four digits.
    """

    name: str
    districts: tuple[tuple[str, str], ...]
    home: str
    places: tuple[str, ...] = COMMON_PLACES
    pharmacy_chains: tuple[str, ...] = NATIONAL_CHAINS

    def __post_init__(self) -> None:
        codes = [c for c, _ in self.districts]
        if not codes or any(len(c) != 6 or not c.isdigit() for c in codes):
            raise ValueError(f"a region needs 6-digit district codes, not {codes!r}")
        if self.home not in codes:
            raise ValueError(f"home {self.home!r} is not one of the districts {codes!r}")
        if set(codes) & set(PLANTED_CERT_REGIONS):
            raise ValueError("regions 650102–650106 are kept for the planted persons' ID numbers")

    @classmethod
    def of(cls, code: str, name: str, places: tuple[str, ...] = ()) -> Region:
        """A region given by one 行政区划 code and its name, e.g. Region.of("410324", "栾川县")."""
        return cls(name="", districts=((code, name),), home=code, places=tuple(places) or COMMON_PLACES)

    @property
    def home_name(self) -> str:
        return self.name + dict(self.districts)[self.home]

    @property
    def psn_prefix(self) -> str:
        return self.home[:4]

    @property
    def cert_regions(self) -> list[str]:
        """Regions of the background ID numbers: the districts (most persons), then others."""
        own = [c for c, _ in self.districts]
        return own + [c for c in OTHER_CERT_REGIONS if c not in own]


# The default: Guangzhou, the planted cases in 天河区.
GUANGZHOU = Region(name="广州市", districts=tuple(GZ_DISTRICTS), home="440106", places=tuple(PLACES),
                   pharmacy_chains=tuple(PHARMACY_CHAINS))
HOSP_KIND = {3: ["人民医院", "中心医院", "中医医院", "妇幼保健院"], 2: ["医院", "中医院", "第二人民医院"],
             1: ["社区卫生服务中心", "镇卫生院"], 0: ["门诊部", "诊所"]}
HOSP_LV = {3: ["01", "02", "03", "04"], 2: ["05", "06", "07"], 1: ["08", "09", "10"], 0: ["11", None]}

DIAG_OTP = ["J06.900", "J20.900", "I10.x00", "E11.900", "K29.700", "M54.500", "J02.900", "K59.000", "R51.x00",
            "L30.900", "H10.900", "N39.000"]
DIAG_CHILD = ["J06.900", "J20.900", "A09.900", "J18.900", "K59.000"]
DIAG_CHRONIC = ["I10.x00", "E11.900", "I25.100", "N18.900", "J44.900", "I50.900"]
DIAG_IPT = ["J18.900", "I63.900", "I21.900", "K80.100", "K35.800", "S72.000", "C34.900", "C16.900", "N20.000",
            "J44.100", "I50.900", "E11.900", "Z51.102", "Z51.103"]
DIAG_MAT_OTP = ["Z34.900", "Z34.001"]
DIAG_MAT_IPT = ["O80.000", "O82.000", "O80.001"]

RANK_OF_LV = {f"{i:02d}": 3 if i <= 4 else 2 if i <= 7 else 1 for i in range(1, 11)}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema the generator writes for a table of schema.TABLES."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in TABLES[table].columns])


def _rank(fixmedins_type: str | None, hosp_lv: str | None) -> int:
    if fixmedins_type == "2":
        return 0
    return RANK_OF_LV.get(hosp_lv or "", 0)


# ----------------------------------------------------------------------------------------------
# Arrow helpers: build columns straight from numpy buffers.

def _validity(valid: np.ndarray | None) -> tuple[Any, int]:
    if valid is None:
        return None, 0
    valid = np.asarray(valid, dtype=bool)
    nulls = int(len(valid) - valid.sum())
    if nulls == 0:
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), nulls


def _dec(unscaled: np.ndarray, typ: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    """A decimal128 column from int64 unscaled values (value × 10^scale)."""
    u = np.ascontiguousarray(unscaled, dtype=np.int64)
    buf = np.empty((len(u), 2), dtype=np.int64)
    buf[:, 0] = u
    buf[:, 1] = u >> 63
    vb, nulls = _validity(valid)
    return pa.Array.from_buffers(typ, len(u), [vb, pa.py_buffer(buf)], null_count=nulls)


def _ts(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    us = np.ascontiguousarray(seconds, dtype=np.int64) * 1_000_000
    vb, nulls = _validity(valid)
    return pa.Array.from_buffers(pa.timestamp("us"), len(us), [vb, pa.py_buffer(us)], null_count=nulls)


def _date(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    d = np.ascontiguousarray(days, dtype=np.int32)
    vb, nulls = _validity(valid)
    return pa.Array.from_buffers(pa.date32(), len(d), [vb, pa.py_buffer(d)], null_count=nulls)


def _int(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    v = np.ascontiguousarray(values, dtype=np.int64)
    vb, nulls = _validity(valid)
    return pa.Array.from_buffers(pa.int64(), len(v), [vb, pa.py_buffer(v)], null_count=nulls)


_DIGIT_PAIRS = (np.arange(100) // 10 + 48 + (np.arange(100) % 10 + 48) * 256).astype("<u2")


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Fixed-width identifiers prefix + zero-padded number, built as one byte matrix."""
    p = np.frombuffer(prefix.encode(), dtype=np.uint8)
    n, w = len(numbers), len(p) + width
    mat = np.empty((n, w), dtype=np.uint8)
    mat[:, : len(p)] = p
    body = mat[:, len(p):]
    x = np.asarray(numbers, dtype=np.int64)
    j = width
    while j >= 2:  # two digits at a time
        x, r = np.divmod(x, 100)
        body[:, j - 2 : j].view(np.uint16)[:, 0] = _DIGIT_PAIRS[r]
        j -= 2
    if j == 1:
        body[:, 0] = 48 + x % 10
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(mat)])


def _take(values: list[str | None], idx: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    dictionary = pa.array(values, type=pa.string())
    indices = pa.array(np.asarray(idx, dtype=np.int32), mask=None if valid is None else ~np.asarray(valid, bool))
    return dictionary.take(indices)


def _uniform_int(rng: np.random.Generator, lo: np.ndarray | int, hi: np.ndarray | int, n: int) -> np.ndarray:
    """Integers uniform in [lo, hi] (inclusive, elementwise)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)


def _check_digit(body: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check characters (as ASCII) of 17-digit ID bodies (uint8 digit matrix)."""
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
    s = (body.astype(np.int64) * weights).sum(axis=1) % 11
    table = np.frombuffer(b"10X98765432", dtype=np.uint8)
    return table[s]


def certno_of(region: str, brdy: date, seq: int) -> str:
    body = f"{region}{brdy:%Y%m%d}{seq:03d}"
    digits = np.frombuffer(body.encode(), dtype=np.uint8)[None, :] - 48
    return body + chr(int(_check_digit(digits)[0]))


# ----------------------------------------------------------------------------------------------
# The world: item catalogue, institutions, knowledge base.

# Item kinds: how the quantity of a line is drawn.
K_DRUG, K_HERB, K_SERVICE, K_MATERIAL, K_PERDAY, K_SINGLE = range(6)
ALL_CLASSES = 0b1111


@dataclass
class _Group:
    list_type: str
    chrgitm: str  # med_chrgitm_type
    kind: int
    count: int
    names: list[str]
    forms: list[str]
    price: tuple[float, float]  # lognormal median and sigma, yuan per unit
    weights: dict[int, float]  # setting -> weight of the group in that setting's pool
    classes: int = ALL_CLASSES
    kb: dict[str, Any] = field(default_factory=dict)  # limits every item of the group carries
    kb_share: float = 0.88  # share of unlimited items listed in kb_item
    lv: tuple[float, float, float] = (0.45, 0.45, 0.10)


DRUGS = ["阿莫西林", "头孢克肟", "头孢呋辛", "左氧氟沙星", "阿奇霉素", "布洛芬", "对乙酰氨基酚", "二甲双胍", "阿卡波糖",
         "格列美脲", "氨氯地平", "硝苯地平", "缬沙坦", "厄贝沙坦", "阿托伐他汀", "瑞舒伐他汀", "阿司匹林", "氯吡格雷",
         "奥美拉唑", "雷贝拉唑", "泮托拉唑", "蒙脱石", "氨溴索", "孟鲁司特", "氯雷他定", "西替利嗪", "甲钴胺", "甲硝唑",
         "泼尼松", "维生素C", "奥司他韦", "双氯芬酸", "塞来昔布", "美托洛尔", "比索洛尔", "坎地沙坦", "非布司他", "别嘌醇"]
INJECTIONS = ["注射用头孢曲松钠", "注射用头孢他啶", "氯化钠注射液", "葡萄糖注射液", "注射用奥美拉唑钠", "地塞米松磷酸钠注射液",
              "注射用哌拉西林他唑巴坦", "低分子肝素钠注射液", "胰岛素注射液", "注射用美罗培南", "丹参注射液", "氨溴索注射液"]
PATENT = ["连花清瘟胶囊", "板蓝根颗粒", "复方丹参滴丸", "六味地黄丸", "藿香正气水", "银黄颗粒", "双黄连口服液", "血塞通片",
          "感冒清热颗粒", "牛黄解毒片", "复方甘草片", "云南白药胶囊", "麝香保心丸", "通心络胶囊", "蒲地蓝消炎口服液"]
HERBS = ["黄芪", "当归", "党参", "白术", "茯苓", "甘草", "川芎", "白芍", "熟地黄", "枸杞子", "金银花", "连翘", "陈皮",
         "法半夏", "丹参", "柴胡", "黄芩", "桂枝", "麦冬", "山药"]
TESTS = ["血细胞分析", "尿液分析", "肝功能检查", "肾功能检查", "血糖测定", "常规心电图检查", "胸部X线摄影", "CT平扫",
         "彩色多普勒超声检查", "磁共振平扫", "C反应蛋白测定", "血脂检查", "糖化血红蛋白测定", "凝血功能检查"]
TREATMENTS = ["静脉输液", "肌肉注射", "换药", "雾化吸入", "针刺", "推拿治疗", "拔罐", "物理治疗", "氧气吸入", "清创缝合术"]
SURGERIES = ["阑尾切除术", "腹腔镜下胆囊切除术", "剖宫产术", "经皮冠状动脉支架置入术", "人工髋关节置换术", "白内障超声乳化术",
             "全身麻醉", "椎管内麻醉", "胃镜下息肉切除术", "腹股沟疝修补术"]
OTP_SERVICES = ["门诊静脉注射", "门诊皮试", "门诊换药", "门诊雾化"]
MATERIALS = ["一次性输液器", "一次性注射器", "医用导尿管", "医用敷料", "可吸收缝线", "吻合器", "人工晶体", "冠状动脉支架",
             "中心静脉导管", "骨科接骨板"]
MATERIALS_OTC = ["医用棉签", "医用口罩", "创可贴", "医用纱布", "体温计", "弹力绷带"]
FORMS = ["片", "胶囊", "颗粒", "缓释片", "分散片", "口服溶液", "干混悬剂", "肠溶片"]
SPECS = ["0.25g×24粒", "10mg×28片", "0.5g×20片", "5mg×7片", "100ml", "10袋", "0.1g×12片", "2g×10袋"]


def _groups() -> list[_Group]:
    o, p, i, mo, mi = OTP, PHARM, IPT, MAT_OTP, MAT_IPT
    return [
        _Group("101", "09", K_DRUG, 360, DRUGS, FORMS, (18.0, 1.0), {o: 3, p: 5, i: 2, mo: 0.5, mi: 1}),
        _Group("101", "09", K_DRUG, 60, INJECTIONS, [""], (25.0, 1.1), {i: 4, mi: 2}, kb={"lmt_med_type": "ipt"}),
        _Group("101", "09", K_DRUG, 60, INJECTIONS, [""], (15.0, 1.0), {i: 3, mi: 1}),
        _Group("101", "09", K_DRUG, 40, ["小儿" + d for d in DRUGS[:12]], FORMS, (15.0, 0.7), {o: 1, p: 0.8, i: 0.5},
               classes=1 << CHILD, kb={"lmt_age_max": 14}),
        _Group("101", "09", K_DRUG, 40, DRUGS[7:], ["缓释片", "片"], (30.0, 0.8), {o: 1, p: 0.8, i: 0.5},
               classes=(1 << ADULT_M) | (1 << ADULT_F), kb={"lmt_age_min": 18}),
        _Group("101", "09", K_DRUG, 20, ["利拉鲁肽", "达格列净", "替格瑞洛", "沙库巴曲缬沙坦"], ["片", "注射液"], (120.0, 0.6),
               {o: 0.6, i: 0.5}, kb={"lmt_hosp_rank": 2}),
        _Group("101", "09", K_DRUG, 20, ["阿替利珠单抗", "曲妥珠单抗", "贝伐珠单抗"], ["注射液"], (2500.0, 0.5),
               {o: 0.3, i: 0.5}, kb={"lmt_hosp_rank": 3}),
        _Group("102", "11", K_DRUG, 160, PATENT, [""], (25.0, 0.7), {o: 1.5, p: 3, i: 1}),
        _Group("102", "11", K_DRUG, 20, ["妇科千金片", "桂枝茯苓胶囊", "乌鸡白凤丸", "益母草颗粒"], [""], (30.0, 0.5),
               {o: 0.5, p: 0.5}, classes=1 << ADULT_F, kb={"lmt_gend": "2"}),
        _Group("102", "11", K_DRUG, 10, ["前列康片", "癃闭舒胶囊", "普乐安片"], [""], (35.0, 0.5), {o: 0.5, p: 0.5},
               classes=1 << ADULT_M, kb={"lmt_gend": "1"}),
        _Group("102", "11", K_DRUG, 20, ["小儿感冒颗粒", "小儿肺热咳喘口服液", "小儿消积止咳口服液"], [""], (20.0, 0.5),
               {o: 0.8, p: 0.6, i: 0.2}, classes=1 << CHILD, kb={"lmt_age_max": 14}),
        _Group("103", "10", K_HERB, 120, HERBS, [""], (0.25, 0.9), {o: 0.8, p: 2, i: 0.5}, lv=(0.3, 0.6, 0.1)),
        _Group("201", "04", K_SERVICE, 120, TESTS, [""], (40.0, 1.1), {o: 3, i: 3, mo: 3, mi: 2}, lv=(0.6, 0.35, 0.05)),
        _Group("201", "05", K_SERVICE, 80, TREATMENTS, [""], (25.0, 0.9), {o: 1, i: 2}, lv=(0.6, 0.35, 0.05)),
        _Group("201", "06", K_SERVICE, 60, SURGERIES, [""], (1800.0, 0.8), {i: 1, mi: 0.3},
               kb={"lmt_med_type": "ipt"}, lv=(0.5, 0.5, 0.0)),
        _Group("201", "05", K_SERVICE, 30, OTP_SERVICES, [""], (8.0, 0.5), {o: 0.8, mo: 1},
               kb={"lmt_med_type": "otp"}, lv=(0.6, 0.4, 0.0)),
        _Group("201", "03", K_SERVICE, 15, ["妇科检查", "阴道镜检查", "宫颈细胞学检查"], [""], (60.0, 0.5), {o: 0.3, i: 0.3},
               classes=1 << ADULT_F, kb={"lmt_gend": "2"}),
        _Group("201", "03", K_SERVICE, 10, ["前列腺按摩", "前列腺特异性抗原测定"], [""], (50.0, 0.5), {o: 0.3, i: 0.3},
               classes=1 << ADULT_M, kb={"lmt_gend": "1"}),
        _Group("201", "03", K_SERVICE, 20, ["正电子发射计算机断层显像", "达芬奇机器人辅助手术", "质子治疗"], [""],
               (3000.0, 0.5), {o: 0.3, i: 0.3}, kb={"lmt_hosp_rank": 3}),
        _Group("201", "05", K_SERVICE, 15, ["小儿推拿", "小儿捏脊", "新生儿听力筛查"], [""], (30.0, 0.4), {o: 0.3},
               classes=1 << CHILD, kb={"lmt_age_max": 14}),
        _Group("301", "08", K_MATERIAL, 100, MATERIALS, [""], (60.0, 1.6), {i: 2.5, mi: 1}, lv=(0.0, 0.8, 0.2)),
        _Group("301", "08", K_MATERIAL, 40, MATERIALS_OTC, [""], (6.0, 0.8), {o: 0.5, p: 1, i: 0.5}, lv=(0.0, 0.7, 0.3)),
    ]


# Items billed by the visit's structure, not drawn from pools: (role, name, list_type, chrgitm, price, kb limits)
FIXED_ITEMS = [
    ("consult0", "一般诊疗费", "201", "12", 10.0, {"lmt_med_type": "otp", "max_cnt_per_day": 1}),
    ("consult1", "普通门诊诊查费（一级）", "201", "02", 12.0,
     {"lmt_med_type": "otp", "max_cnt_per_day": 1, "lmt_hosp_rank": 1}),
    ("consult2", "普通门诊诊查费（二级）", "201", "02", 20.0,
     {"lmt_med_type": "otp", "max_cnt_per_day": 1, "lmt_hosp_rank": 2}),
    ("consult3", "普通门诊诊查费（三级）", "201", "02", 30.0,
     {"lmt_med_type": "otp", "max_cnt_per_day": 1, "lmt_hosp_rank": 3}),
    ("bed1", "床位费（一级医院三人间）", "201", "01", 30.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("bed2", "床位费（二级医院三人间）", "201", "01", 45.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("bed3", "床位费（三级医院三人间）", "201", "01", 60.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("nurse", "Ⅱ级护理", "201", "07", 35.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("round", "住院诊查费", "201", "02", 25.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("delivery", "单胎顺产接生", "201", "06", 1200.0,
     {"lmt_med_type": "ipt", "lmt_gend": "2", "lmt_age_min": 15, "lmt_age_max": 55}),
    ("prenatal", "产前检查", "201", "03", 45.0,
     {"lmt_med_type": "otp", "lmt_gend": "2", "lmt_age_min": 15, "lmt_age_max": 55}),
]
N_PAIRS = 8
KB_FIELDS = ("pric_uplmt_amt", "lmt_gend", "lmt_age_min", "lmt_age_max", "lmt_med_type", "lmt_hosp_rank",
             "max_cnt_per_day", "per_day_of_stay")


def _code(list_type: str, n: int) -> str:
    """A national-catalogue-looking item code (fixed width per list type)."""
    if list_type == "101":
        return f"XA{n:08d}A001010100001"[:20]
    if list_type == "102":
        return f"ZA{n:08d}B001010100001"[:20]
    if list_type == "103":
        return f"T{n:09d}0000"
    if list_type == "201":
        return f"00{n:09d}0000"
    return f"C{n:011d}0000000"


@dataclass
class _World:
    # items (background catalogue)
    code: list[str]
    name: list[str]
    list_type: list[str]
    chrgitm: list[str]
    lv: list[str]
    kind: np.ndarray
    base4: np.ndarray  # price ceiling in 1/10000 yuan
    in_kb: np.ndarray
    kb: list[dict[str, Any]]
    fixed: dict[str, int]
    pool_items: np.ndarray
    pool_cum: np.ndarray
    pool_start: np.ndarray
    pool_end: np.ndarray
    pairs: list[tuple[str, str, str]]
    # institutions
    inst_code: list[str]
    inst_name: list[str]
    inst_type: list[str]
    inst_lv: list[str | None]
    inst_admdvs: list[str]
    inst_rank: np.ndarray
    hosp: np.ndarray  # indices of hospitals
    hosp_w: np.ndarray
    inpatient: np.ndarray  # indices of hospitals that admit inpatients
    inpatient_w: np.ndarray
    maternity: np.ndarray
    maternity_w: np.ndarray
    pharm: np.ndarray
    region: Region = GUANGZHOU
    cert_regions: list[str] = field(default_factory=lambda: GUANGZHOU.cert_regions)

    @property
    def n_items(self) -> int:
        return len(self.code)

    @property
    def n_inst(self) -> int:
        return len(self.inst_code)


def _build_world(rng: np.random.Generator, lines: int, region: Region = GUANGZHOU) -> _World:
    code: list[str] = []
    name: list[str] = []
    list_type: list[str] = []
    chrgitm: list[str] = []
    lv: list[str] = []
    kind: list[int] = []
    base4: list[int] = []
    in_kb: list[bool] = []
    kb: list[dict[str, Any]] = []
    settings_w: list[dict[int, float]] = []
    classes: list[int] = []
    min_rank: list[int] = []
    seq = {lt: 1 for lt in ("101", "102", "103", "201", "301")}

    def add(lt, nm, ch, kd, price4, limits, listed, level, weights, cls):
        code.append(_code(lt, seq[lt]))
        seq[lt] += 1
        name.append(nm)
        list_type.append(lt)
        chrgitm.append(ch)
        kind.append(kd)
        base4.append(price4)
        lv.append(level)
        in_kb.append(listed)
        kb.append(limits)
        settings_w.append(weights)
        classes.append(cls)
        min_rank.append(int(limits.get("lmt_hosp_rank") or 0))

    for g in _groups():
        zipf = 1.0 / np.arange(1, g.count + 1) ** 0.8
        perm = rng.permutation(g.count)
        prices = np.exp(np.log(g.price[0]) + g.price[1] * rng.standard_normal(g.count))
        levels = rng.choice(["01", "02", "03"], size=g.count, p=list(g.lv))
        listed = (rng.random(g.count) < g.kb_share) | bool(g.kb)
        for j in range(g.count):
            base = g.names[j % len(g.names)]
            form = g.forms[(j // len(g.names)) % len(g.forms)]
            spec = SPECS[j % len(SPECS)] if g.kind == K_DRUG and g.list_type == "101" else ""
            nm = base + form + (f"（{spec}）" if spec else "") + (f" {j // len(g.names) + 1}号" if j >= len(g.names) else "")
            price4 = max(1, int(round(prices[j] * 100)) * 100)  # whole cents
            if g.kind == K_HERB:
                price4 = max(100, int(round(prices[j] * 10000)))
            add(g.list_type, nm, g.chrgitm, g.kind, price4, dict(g.kb), bool(listed[j]), str(levels[j]),
                {s: w * zipf[perm[j]] for s, w in g.weights.items()}, g.classes)
    fixed: dict[str, int] = {}
    for role, nm, lt, ch, price, limits in FIXED_ITEMS:
        fixed[role] = len(code)
        kd = K_PERDAY if limits.get("per_day_of_stay") else K_SINGLE
        add(lt, nm, ch, kd, int(round(price * 10000)), dict(limits), True, "01", {}, ALL_CLASSES)

    n = len(code)
    kind_a = np.array(kind, dtype=np.int8)
    base4_a = np.array(base4, dtype=np.int64)
    # Pools: for each (setting, rank, class) the items allowed there, with cumulative weights.
    items_l: list[np.ndarray] = []
    cum_l: list[np.ndarray] = []
    starts, ends = [], []
    pos = 0
    for ctx in range(5 * 4 * 4):
        s, r, c = ctx // 16, (ctx // 4) % 4, ctx % 4
        idx = [k for k in range(n) if settings_w[k].get(s, 0) > 0 and min_rank[k] <= r and classes[k] >> c & 1
               and not (s == PHARM and min_rank[k] > 0)]
        if not idx:  # contexts that never occur (pharmacies are rank 0) still get a pool
            idx = [k for k in range(n) if settings_w[k].get(s, 0) > 0 and min_rank[k] == 0 and classes[k] == ALL_CLASSES]
        w = np.array([settings_w[k][s] for k in idx])
        cw = np.cumsum(w) / w.sum()
        cw[-1] = 1.0
        items_l.append(np.array(idx, dtype=np.int32))
        cum_l.append(ctx + cw)
        starts.append(pos)
        pos += len(idx)
        ends.append(pos)
    # Background pairs: an inpatient-only main item against an outpatient-only sub item.
    ipt_only = [k for k in range(n) if kb[k].get("lmt_med_type") == "ipt" and kind[k] == K_SERVICE]
    otp_only = [k for k in range(n) if kb[k].get("lmt_med_type") == "otp" and kind[k] == K_SERVICE
                and not kb[k].get("max_cnt_per_day")]
    windows = ("day", "visit", "hour", "6h")
    pairs = [(code[ipt_only[j * 3 % len(ipt_only)]], code[otp_only[j * 2 % len(otp_only)]], windows[j % 4])
             for j in range(N_PAIRS)]

    # Institutions
    n_hosp = max(8, round(math.sqrt(lines) / 20))
    n_pharm = max(8, round(n_hosp * 1.5))
    ranks = np.concatenate([[3, 2, 1, 0, 2, 1], rng.choice([3, 2, 1, 0], size=n_hosp - 6, p=[0.1, 0.25, 0.35, 0.3])])
    inst_code, inst_name, inst_type, inst_lv, inst_admdvs, inst_rank = [], [], [], [], [], []
    size = []
    for j in range(n_hosp):
        r = int(ranks[j])
        d, dname = region.districts[int(rng.integers(len(region.districts)))]
        inst_code.append(f"H{d}{j + 1:05d}")
        kinds = HOSP_KIND[r]
        place = region.places[int(rng.integers(len(region.places)))]
        inst_name.append(f"{region.name}{dname}{place}{kinds[j % len(kinds)]}" if r < 3
                         else f"{region.name}{dname}{kinds[j % len(kinds)]}")
        inst_type.append("1")
        lvs = HOSP_LV[r]
        inst_lv.append(lvs[int(rng.integers(len(lvs)))])
        inst_admdvs.append(d)
        inst_rank.append(r)
        size.append({3: 10.0, 2: 4.0, 1: 1.5, 0: 0.7}[r] * float(np.exp(0.5 * rng.standard_normal())))
    for j in range(n_pharm):
        d, _ = region.districts[int(rng.integers(len(region.districts)))]
        inst_code.append(f"P{d}{j + 1:05d}")
        chain = region.pharmacy_chains[j % len(region.pharmacy_chains)]
        inst_name.append(f"{chain}（{region.places[int(rng.integers(len(region.places)))]}{j + 1}店）")
        inst_type.append("2")
        inst_lv.append(None)
        inst_admdvs.append(d)
        inst_rank.append(0)
        size.append(1.0)
    rank_a = np.array(inst_rank, dtype=np.int64)
    size_a = np.array(size)
    hosp = np.arange(n_hosp)
    inpatient = hosp[rank_a[:n_hosp] >= 1]
    maternity = hosp[rank_a[:n_hosp] >= 2]
    pool_items = np.concatenate(items_l)
    return _World(
        code=code, name=name, list_type=list_type, chrgitm=chrgitm, lv=lv, kind=kind_a, base4=base4_a,
        in_kb=np.array(in_kb), kb=kb, fixed=fixed, pool_items=pool_items, pool_cum=np.concatenate(cum_l),
        pool_start=np.array(starts), pool_end=np.array(ends), pairs=pairs,
        inst_code=inst_code, inst_name=inst_name, inst_type=inst_type, inst_lv=inst_lv, inst_admdvs=inst_admdvs,
        inst_rank=rank_a, hosp=hosp, hosp_w=size_a[:n_hosp] / size_a[:n_hosp].sum(),
        inpatient=inpatient, inpatient_w=size_a[inpatient] / size_a[inpatient].sum(),
        maternity=maternity, maternity_w=size_a[maternity] / size_a[maternity].sum(),
        pharm=np.arange(n_hosp, n_hosp + n_pharm), region=region, cert_regions=region.cert_regions,
    )


# ----------------------------------------------------------------------------------------------
# Background chunks

# Fixed lines of each setting: roles per slot, by institution rank.
def _fixed_table(world: _World) -> np.ndarray:
    t = np.full((5, 4, 4), -1, dtype=np.int64)
    f = world.fixed
    for r in range(4):
        t[OTP, r, 0] = f[f"consult{r}"]
        t[MAT_OTP, r, 0] = f[f"consult{r}"]
        t[MAT_OTP, r, 1] = f["prenatal"]
        for s in (IPT, MAT_IPT):
            t[s, r, 0] = f[f"bed{max(r, 1)}"]
            t[s, r, 1] = f["nurse"]
            t[s, r, 2] = f["round"]
        t[MAT_IPT, r, 3] = f["delivery"]
    return t


N_FIXED = np.array([1, 0, 3, 2, 4])  # per setting
MED_TYPES = ["11", "14", "21", "41", "51", "52"]
SETTING_MED_TYPE = np.array([0, 3, 2, 4, 5])  # index into MED_TYPES (OTP may become 14)
MONTH_OF_DAY = np.array([((START + timedelta(days=int(d))).year - 2024) * 12 + (START + timedelta(days=int(d))).month - 1
                         for d in range(NDAYS)], dtype=np.int64)
AGE_WEIGHTS = np.array([1.0] * 18 + [1.3] * 42 + [1.6] * 15 + [1.0] * 10 + [0.4] * 10)  # ages 0..94


@dataclass
class _State:
    """What carries over from chunk to chunk."""
    person: int = 0
    visit: int = 0
    line: int = 0
    cert_counter: np.ndarray | None = None
    billed: np.ndarray | None = None  # [inst, item] valid billed quantity in 1/100 units
    r17_n: np.ndarray | None = None  # [inst, month] valid inpatient settlements
    r17_sum: np.ndarray | None = None  # [inst, month] their fund_pay_sumamt in cents


def _persons(rng: np.random.Generator, world: _World, n: int, state: _State) -> dict[str, np.ndarray]:
    age = rng.choice(len(AGE_WEIGHTS), size=n, p=AGE_WEIGHTS / AGE_WEIGHTS.sum())
    brdy = DAY0 - 1 - np.floor((age + rng.random(n)) * 365.2425).astype(np.int64)
    brdy = np.maximum(brdy, BRDY0)
    male = rng.random(n) < 0.49
    gend = np.where(male, 1, 2)
    gend = np.where(rng.random(n) < 0.002, 9, gend)
    adult = brdy <= ADULT_BORN_UNTIL
    cls = np.where(brdy >= CHILD_BORN_FROM, CHILD, np.where(adult & (gend == 1), ADULT_M,
                                                            np.where(adult & (gend == 2), ADULT_F, OTHER)))
    age0 = (DAY0 - brdy) / 365.2425
    cls = np.where(gend == 9, OTHER, cls)
    chronic = rng.random(n) < np.where(age0 >= 60, 0.35, np.where(age0 >= 18, 0.10, 0.02))
    region = rng.integers(len(world.region.districts), size=n)
    cert_region = np.where(rng.random(n) < 0.7, region, rng.integers(len(world.cert_regions), size=n))
    # certno sequence: unique per (region, birthday, sex) thanks to a counter carried across chunks
    group = ((cert_region * (DAY0 - BRDY0 + 1) + (brdy - BRDY0)) * 2 + male).astype(np.int64)
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    first = np.r_[True, g_sorted[1:] != g_sorted[:-1]]
    start_idx = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    rank_in = np.empty(n, dtype=np.int64)
    rank_in[order] = np.arange(n) - start_idx
    assert state.cert_counter is not None
    count = state.cert_counter[group] + rank_in
    np.add.at(state.cert_counter, group, 1)
    if count.max(initial=0) >= 500:
        raise RuntimeError("certno sequence overflow")
    seq3 = count * 2 + male  # odd for men
    return {
        "gend": gend, "male": male, "brdy": brdy, "cls": cls, "age0": age0, "chronic": chronic, "region": region,
        "cert_region": cert_region, "seq3": seq3,
        "h1": rng.choice(world.hosp, size=n, p=world.hosp_w), "h2": rng.choice(world.hosp, size=n, p=world.hosp_w),
        "ph": world.pharm[rng.integers(len(world.pharm), size=n)],
        "pregnant": (cls == ADULT_F) & (age0 >= 20) & (age0 <= 38) & (rng.random(n) < 0.08),
    }


def _stay_len(rng: np.random.Generator, n: int) -> np.ndarray:
    length = 1 + rng.geometric(0.15, size=n)
    length = np.minimum(length, 45)
    return np.where(rng.random(n) < 0.06, 0, length - 1 + (rng.random(n) < 0.5)).astype(np.int64)


def _skeleton(rng: np.random.Generator, world: _World, ps: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Visits of n persons over 2024–2025, free of conflicts between them by construction."""
    age0, preg = ps["age0"], ps["pregnant"]
    # Stays (at most two, 31+ days apart; pregnant women: one maternity stay)
    p_stay = np.where(age0 >= 65, 0.22, np.where(age0 < 14, 0.05, 0.07))
    has1 = (rng.random(n) < p_stay) | preg
    l1 = np.where(preg, rng.integers(1, 5, size=n), _stay_len(rng, n))
    lo1 = np.where(preg, 180, 0)
    a1 = _uniform_int(rng, lo1, NDAYS - 1 - l1, n)
    l2 = _stay_len(rng, n)
    a2 = a1 + l1 + 31 + rng.integers(0, 400, size=n)
    has2 = has1 & ~preg & (rng.random(n) < 0.3) & (a2 + l2 <= NDAYS - 1)
    s_person = np.concatenate([np.nonzero(has1)[0], np.nonzero(has2)[0]])
    s_a = np.concatenate([a1[has1], a2[has2]])
    s_l = np.concatenate([l1[has1], l2[has2]])
    s_set = np.concatenate([np.where(preg[has1], MAT_IPT, IPT), np.full(int(has2.sum()), IPT)])
    s_inst = np.where(s_set == MAT_IPT, rng.choice(world.maternity, size=len(s_person), p=world.maternity_w),
                      rng.choice(world.inpatient, size=len(s_person), p=world.inpatient_w))
    # Outpatient visits at hospitals, maternity check-ups and pharmacy purchases
    lam_o = np.where(age0 >= 60, 3.0, np.where(age0 < 14, 2.2, 1.6)) + 5.0 * ps["chronic"]
    n_o = rng.poisson(lam_o)
    o_person = np.repeat(np.arange(n), n_o)
    o_day = rng.integers(0, NDAYS, size=len(o_person))
    o_inst = np.where(rng.random(len(o_person)) < 0.7, ps["h1"][o_person], ps["h2"][o_person])
    mat_person = np.repeat(np.nonzero(preg)[0], 5)
    mat_day = a1[mat_person] - np.tile([160, 120, 80, 35, 10], int(preg.sum()))
    keep = (mat_day >= 0) & (rng.random(len(mat_person)) < 0.85)
    mat_person, mat_day = mat_person[keep], mat_day[keep]
    mat_inst = np.zeros(len(mat_person), dtype=np.int64)
    if len(s_person):
        first_stay = {int(p): int(i) for p, i in zip(s_person[::-1], s_inst[::-1], strict=True)}
        mat_inst = np.array([first_stay[int(p)] for p in mat_person], dtype=np.int64)
    h_person = np.concatenate([mat_person, o_person])
    h_day = np.concatenate([mat_day, o_day])
    h_inst = np.concatenate([mat_inst, o_inst])
    h_set = np.concatenate([np.full(len(mat_person), MAT_OTP), np.full(len(o_person), OTP)])
    n_p = rng.poisson(1.2 + 3.0 * ps["chronic"])
    p_person = np.repeat(np.arange(n), n_p)
    p_day = rng.integers(0, NDAYS, size=len(p_person))
    p_inst = np.where(rng.random(len(p_person)) < 0.8, ps["ph"][p_person],
                      world.pharm[rng.integers(len(world.pharm), size=len(p_person))])

    # No outpatient visit on any day of a stay [admission, discharge]
    stay_lo = np.full((n, 2), -1, dtype=np.int64)
    stay_hi = np.full((n, 2), -2, dtype=np.int64)
    # s_person lists first stays then second stays
    slot = np.zeros(len(s_person), dtype=np.int64)
    slot[int(has1.sum()):] = 1
    stay_lo[s_person, slot] = s_a
    stay_hi[s_person, slot] = s_a + s_l

    def outside(person: np.ndarray, day: np.ndarray) -> np.ndarray:
        lo, hi = stay_lo[person], stay_hi[person]
        return ~(((day >= lo[:, 0]) & (day <= hi[:, 0])) | ((day >= lo[:, 1]) & (day <= hi[:, 1])))

    def dedupe(person: np.ndarray, day: np.ndarray) -> np.ndarray:
        ok = outside(person, day)
        key = person * NDAYS + day
        _, first = np.unique(key, return_index=True)
        once = np.zeros(len(key), dtype=bool)
        once[first] = True
        return ok & once

    k = dedupe(h_person, h_day)
    h_person, h_day, h_inst, h_set = h_person[k], h_day[k], h_inst[k], h_set[k]
    k = dedupe(p_person, p_day)
    p_person, p_day, p_inst = p_person[k], p_day[k], p_inst[k]

    person = np.concatenate([s_person, h_person, p_person])
    setting = np.concatenate([s_set, h_set, np.full(len(p_person), PHARM)])
    inst = np.concatenate([s_inst, h_inst, p_inst])
    a = np.concatenate([s_a, h_day, p_day])
    length = np.concatenate([s_l, np.zeros(len(h_person) + len(p_person), dtype=np.int64)])
    order = np.lexsort((setting, a, person))
    return {"person": person[order], "setting": setting[order], "inst": inst[order], "a": a[order],
            "L": length[order]}


def _fit_lines(rng: np.random.Generator, sk: dict[str, np.ndarray], n_flex: np.ndarray, nfix: np.ndarray,
               budget: int) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray] | None:
    """Scale the drawn line counts so that the chunk holds exactly `budget` lines."""
    min_flex = np.where(sk["setting"] == PHARM, 1, 0)
    # Drop the last persons' visits while even the minimum does not fit.
    total_min = nfix + min_flex
    if total_min.sum() > budget:
        cum = np.cumsum(total_min)
        persons = sk["person"]
        cut = int(np.searchsorted(cum, budget, side="right"))
        # keep whole persons only
        while cut > 0 and cut < len(persons) and persons[cut - 1] == persons[cut]:
            cut -= 1
        sk = {k: v[:cut] for k, v in sk.items()}
        n_flex, nfix, min_flex = n_flex[:cut], nfix[:cut], min_flex[:cut]
    target = budget - int(nfix.sum()) - int(min_flex.sum())
    extra = np.maximum(n_flex - min_flex, 0)
    if target < 0 or len(extra) == 0:
        return None
    total = int(extra.sum())
    if total > 0:
        scaled = np.floor(extra * (target / total)).astype(np.int64)
    else:
        scaled = np.zeros(len(extra), dtype=np.int64)
    rest = target - int(scaled.sum())
    if rest:
        weights = extra + 1.0
        picks = rng.choice(len(extra), size=rest, p=weights / weights.sum())
        np.add.at(scaled, picks, 1)
    return sk, min_flex + scaled, nfix


def _background_chunk(rng: np.random.Generator, world: _World, n_persons: int, budget: int,
                      state: _State) -> dict[str, pa.Table]:
    ps = _persons(rng, world, n_persons, state)
    fixed_tab = _fixed_table(world)
    for _attempt in range(100):
        sk = _skeleton(rng, world, ps, n_persons)
        setting, L = sk["setting"], sk["L"]
        ld = np.maximum(L, 1)
        nfix = N_FIXED[setting]
        n_flex = np.select(
            [setting == OTP, setting == PHARM, setting == MAT_OTP, setting == IPT],
            [rng.poisson(3.0, len(setting)), 1 + rng.poisson(1.0, len(setting)), rng.poisson(2.0, len(setting)),
             np.round(ld * 1.6).astype(np.int64) + rng.poisson(5.0, len(setting))],
            6 + rng.poisson(4.0, len(setting)))
        fitted = _fit_lines(rng, sk, n_flex, nfix, budget)
        if fitted is not None:
            break
    else:  # pragma: no cover - a handful of persons with no visit at all, 100 times over
        raise RuntimeError("could not fit the background lines")
    sk, n_flex, nfix = fitted
    person, setting, inst, a, L = sk["person"], sk["setting"], sk["inst"], sk["a"], sk["L"]
    nv = len(person)
    ld = np.maximum(L, 1)
    rank = world.inst_rank[inst]
    inpatient = np.isin(setting, INPATIENT_SETTINGS)

    # Deaths: a few elderly persons die on or after their last visit (never before one).
    last = np.full(n_persons, -1, dtype=np.int64)
    np.maximum.at(last, person, a + L)
    dies = (ps["age0"] >= 70) & (rng.random(n_persons) < 0.015)
    death = np.where(last >= 0, np.minimum(last + rng.integers(0, 90, n_persons), NDAYS - 1),
                     rng.integers(0, NDAYS, n_persons))
    death = np.where(rng.random(n_persons) < 0.3, np.maximum(last, 0), death)

    # Times of the visits
    med_type = SETTING_MED_TYPE[setting].copy()
    med_type[(setting == OTP) & ps["chronic"][person] & (rng.random(nv) < 0.6)] = 1
    begn_tod = np.where(inpatient, np.where(L == 0, _uniform_int(rng, 8 * H, 13 * H, nv),
                                            _uniform_int(rng, 8 * H, 18 * H, nv)),
                        _uniform_int(rng, 7 * H + 1800, 17 * H + 1800, nv))
    end_tod = np.where(L == 0, begn_tod + _uniform_int(rng, 2 * H, 6 * H, nv), _uniform_int(rng, 8 * H, 12 * H, nv))
    begn = (DAY0 + a) * SECS + begn_tod
    end = np.where(inpatient, (DAY0 + a + L) * SECS + end_tod, begn + _uniform_int(rng, 300, 3600, nv))
    end_valid = inpatient | (rng.random(nv) >= np.where(setting == PHARM, 0.5, 0.05))
    setl_time = np.where(inpatient, end + _uniform_int(rng, 600, 2 * H, nv),
                         np.where(end_valid, end, begn) + _uniform_int(rng, 60, 900, nv))
    valid = rng.random(nv) >= 0.004

    # Lines
    nl = nfix + n_flex
    T = int(nl.sum())
    starts = np.cumsum(nl) - nl
    lv_ = np.repeat(np.arange(nv), nl)
    j = np.arange(T) - starts[lv_]
    is_fixed = j < nfix[lv_]
    set_l = setting[lv_]
    rank_l = rank[lv_]
    cls_l = ps["cls"][person[lv_]]
    item = np.empty(T, dtype=np.int64)
    item[is_fixed] = fixed_tab[set_l[is_fixed], rank_l[is_fixed], j[is_fixed]]
    flex = ~is_fixed
    ctx = (set_l * 16 + rank_l * 4 + cls_l)[flex]
    u = np.minimum(rng.random(len(ctx)), 1 - 1e-9)
    pos = np.searchsorted(world.pool_cum, ctx + u, side="right")
    pos = np.clip(pos, world.pool_start[ctx], world.pool_end[ctx] - 1)
    item[flex] = world.pool_items[pos]
    kind = world.kind[item]
    inp_l = inpatient[lv_]
    # fee times
    fee = np.empty(T, dtype=np.int64)
    out_l = ~inp_l
    fee[out_l] = begn[lv_[out_l]] + np.where(is_fixed[out_l], _uniform_int(rng, 0, 120, int(out_l.sum())),
                                             _uniform_int(rng, 60, 1800, int(out_l.sum())))
    fx = inp_l & is_fixed
    fee[fx] = begn[lv_[fx]] + _uniform_int(rng, 300, H, int(fx.sum()))
    fl = inp_l & ~is_fixed
    v = lv_[fl]
    dd = np.floor(rng.random(len(v)) * (L[v] + 1)).astype(np.int64)
    lo = np.where(dd == 0, begn_tod[v], 7 * H)
    hi = np.where(dd == L[v], end_tod[v], 20 * H)
    fee[fl] = (DAY0 + a[v] + dd) * SECS + _uniform_int(rng, lo, hi, len(v))
    # lines of a visit in time order (so feedetl_sn follows fee_ocur_time)
    order = np.argsort(lv_ * 2**32 + (fee - begn[lv_]), kind="stable")
    item, fee, is_fixed, flex, kind = item[order], fee[order], is_fixed[order], flex[order], kind[order]
    # quantities (1/100 units) and prices (1/10000 yuan)
    cnt2 = np.full(T, 100, dtype=np.int64)
    m = kind == K_DRUG
    cnt2[m] = np.where(inp_l[m], rng.integers(1, 11, int(m.sum())), rng.integers(1, 4, int(m.sum()))) * 100
    m = kind == K_HERB
    cnt2[m] = rng.integers(60, 421, int(m.sum())) * 50
    m = kind == K_SERVICE
    cnt2[m] = np.where(rng.random(int(m.sum())) < 0.8, 1, rng.integers(2, 4, int(m.sum()))) * 100
    m = kind == K_MATERIAL
    cnt2[m] = rng.integers(1, 5, int(m.sum())) * 100
    m = kind == K_PERDAY
    cnt2[m] = ld[lv_[m]] * 100
    base = world.base4[item]
    disc = flex & (rng.random(T) < 0.4)
    pric4 = np.where(disc, np.floor(base * (0.85 + 0.15 * rng.random(T))).astype(np.int64), base)
    pric4 = np.maximum(np.minimum(pric4, base), 1)
    amount = (cnt2 * pric4 + 5000) // 10000
    lv_code = np.array([int(x) for x in world.lv], dtype=np.int64)[item]
    inscp = np.where(lv_code == 3, 0, amount)
    inscp_valid = rng.random(T) >= 0.01
    in_kb = world.in_kb[item]
    own_ceiling = np.where(in_kb, rng.random(T) < 0.6, rng.random(T) < 0.5)
    drug = (kind == K_DRUG) | (kind == K_HERB)
    prd = rng.integers(1, 8, T)
    valid_l = valid[lv_]

    # Settlements
    medfee = np.rint(np.bincount(lv_, weights=amount, minlength=nv)).astype(np.int64)
    inscp_sum = np.rint(np.bincount(lv_, weights=np.where(inscp_valid, inscp, 0), minlength=nv)).astype(np.int64)
    ratio = np.select([setting == IPT, setting == MAT_IPT, setting == PHARM, med_type == 1],
                      [np.array([85, 90, 85, 80])[rank], np.full(nv, 90), np.full(nv, 30), np.full(nv, 70)], 50)
    ratio = ratio + rng.integers(-5, 6, nv)
    fund = inscp_sum * ratio // 100

    # Carry-over: R15 billed quantities, R17 inpatient sums
    assert state.billed is not None and state.r17_n is not None and state.r17_sum is not None
    key = inst[lv_] * world.n_items + item
    state.billed += np.rint(np.bincount(key[valid_l], weights=cnt2[valid_l], minlength=state.billed.size)
                            ).astype(np.int64).reshape(state.billed.shape)
    sd = (setl_time // SECS) - DAY0
    month = MONTH_OF_DAY[np.clip(sd, 0, NDAYS - 1)]
    r17 = inpatient & valid
    k17 = inst[r17] * 24 + month[r17]
    state.r17_n += np.bincount(k17, minlength=state.r17_n.size).reshape(state.r17_n.shape)
    state.r17_sum += np.rint(np.bincount(k17, weights=fund[r17], minlength=state.r17_n.size)
                             ).astype(np.int64).reshape(state.r17_n.shape)

    # Tables
    vid = state.visit + np.arange(nv)
    pid = state.person + person
    psn_ids = _ids(world.region.psn_prefix, pid, 14)
    inst_codes = _take(world.inst_code, inst)
    diag_idx, diag_list, diag_valid = _diagnoses(rng, setting, med_type, ps["cls"][person])
    mdtrt = pa.table({
        "mdtrt_id": _ids("MD", vid, 16), "psn_no": psn_ids, "fixmedins_code": inst_codes,
        "med_type": _take(MED_TYPES, med_type), "begntime": _ts(begn), "endtime": _ts(end, end_valid),
        "dscg_maindiag_code": _take(diag_list, diag_idx, diag_valid),
    }, schema=arrow_schema("mdtrt_d"))
    setl = pa.table({
        "setl_id": _ids("ST", vid, 16), "mdtrt_id": _ids("MD", vid, 16), "psn_no": psn_ids,
        "fixmedins_code": inst_codes, "setl_time": _ts(setl_time), "medfee_sumamt": _dec(medfee, ARROW_TYPES["dec"]),
        "fund_pay_sumamt": _dec(fund, ARROW_TYPES["dec"]), "vali_flag": _take(["0", "1"], valid.astype(np.int64)),
    }, schema=arrow_schema("setl_d"))
    lt_idx = {lt: i for i, lt in enumerate(("101", "102", "103", "201", "301"))}
    item_lt = np.array([lt_idx[x] for x in world.list_type], dtype=np.int64)
    chrg = sorted(set(world.chrgitm))
    item_chrg = np.array([chrg.index(x) for x in world.chrgitm], dtype=np.int64)
    fee_tab = pa.table({
        "feedetl_sn": _ids("FD", state.line + np.arange(T), 18), "setl_id": _ids("ST", vid[lv_], 16),
        "psn_no": psn_ids.take(pa.array(lv_)), "fixmedins_code": inst_codes.take(pa.array(lv_)),
        "fee_ocur_time": _ts(fee), "med_list_codg": _take(world.code, item),
        "list_type": _take(["101", "102", "103", "201", "301"], item_lt[item]),
        "med_chrgitm_type": _take(chrg, item_chrg[item]),
        "cnt": _dec(cnt2 * 10_000, ARROW_TYPES["dec6"]), "pric": _dec(pric4 * 100, ARROW_TYPES["dec6"]),
        "det_item_fee_sumamt": _dec(amount, ARROW_TYPES["dec"]), "inscp_amt": _dec(inscp, ARROW_TYPES["dec"], inscp_valid),
        "chrgitm_lv": _take(["01", "02", "03"], lv_code - 1), "prd_days": _int(prd, drug),
        "pric_uplmt_amt": _dec(base * 100, ARROW_TYPES["dec6"], own_ceiling),
    }, schema=arrow_schema("fee_list_d"))

    # Persons and enrolments
    n = n_persons
    brdy = ps["brdy"]
    has_death = dies
    cert = _certnos(ps, world.cert_regions)
    psn = pa.table({
        "psn_no": _ids(world.region.psn_prefix, state.person + np.arange(n), 14), "certno": cert,
        "gend": _take(["1", "2", "9"], np.select([ps["gend"] == 1, ps["gend"] == 2], [0, 1], 2)),
        "brdy": _date(brdy), "death_date": _date(DAY0 + death, has_death),
    }, schema=arrow_schema("psn_info"))
    begin = np.maximum(brdy, DAY0 - rng.integers(30, 4000, n))
    staff = (ps["age0"] >= 18) & (ps["age0"] < 62) & (rng.random(n) < 0.55)
    switch = (rng.random(n) < 0.15) & (ps["age0"] >= 18)
    sw_day = DAY0 + rng.integers(0, NDAYS - 1, n)
    switch &= ~has_death | (sw_day < DAY0 + death)
    e_person = np.concatenate([np.arange(n), np.nonzero(switch)[0]])
    e_begin = np.concatenate([begin, sw_day[switch] + 1])
    e_end = np.concatenate([np.where(switch, sw_day, DAY0 + death), DAY0 + death[switch]])
    e_end_valid = np.concatenate([switch | has_death, has_death[switch]])
    e_type = np.concatenate([staff, ~staff[switch]]).astype(np.int64)
    order = np.lexsort((e_begin, e_person))
    enrol = pa.table({
        "psn_no": _ids(world.region.psn_prefix, state.person + e_person[order], 14),
        "insu_admdvs": _take([d for d, _ in world.region.districts], ps["region"][e_person[order]]),
        "insutype": _take(["390", "310"], e_type[order]), "begndate": _date(e_begin[order]),
        "enddate": _date(e_end[order], e_end_valid[order]),
    }, schema=arrow_schema("insu_enrol"))
    state.person += n
    state.visit += nv
    state.line += T
    return {"fee_list_d": fee_tab, "setl_d": setl, "mdtrt_d": mdtrt, "psn_info": psn, "insu_enrol": enrol}


def _diagnoses(rng: np.random.Generator, setting: np.ndarray, med_type: np.ndarray,
               cls: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
    lists = [DIAG_OTP, DIAG_CHILD, DIAG_CHRONIC, DIAG_IPT, DIAG_MAT_OTP, DIAG_MAT_IPT]
    offsets = np.cumsum([0] + [len(x) for x in lists])
    flat = [d for x in lists for d in x]
    n = len(setting)
    which = np.select([setting == IPT, setting == MAT_OTP, setting == MAT_IPT, med_type == 1, cls == CHILD],
                      [3, 4, 5, 2, 1], 0)
    sizes = np.array([len(x) for x in lists])[which]
    idx = offsets[which] + np.floor(rng.random(n) * sizes).astype(np.int64)
    valid = ~((setting == PHARM) & (rng.random(n) < 0.7))
    return idx, flat, valid


def _certnos(ps: dict[str, np.ndarray], cert_regions: list[str]) -> pa.Array:
    n = len(ps["brdy"])
    d = (np.asarray(ps["brdy"]) .astype("datetime64[D]"))
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    mth = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    regions = np.array([[int(c) for c in r] for r in cert_regions], dtype=np.uint8)
    body = np.empty((n, 17), dtype=np.uint8)
    body[:, :6] = regions[ps["cert_region"]]
    for k, (val, width) in enumerate(((y, 4), (mth, 2), (day, 2), (ps["seq3"], 3))):
        col0 = 6 + (0, 4, 6, 8)[k]
        x = np.asarray(val, dtype=np.int64).copy()
        for jj in range(width - 1, -1, -1):
            body[:, col0 + jj] = x % 10
            x //= 10
    mat = np.empty((n, 18), dtype=np.uint8)
    mat[:, :17] = body + 48
    mat[:, 17] = _check_digit(body)
    offsets = np.arange(0, (n + 1) * 18, 18, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(mat)])


# ----------------------------------------------------------------------------------------------
# Planted cases

CENT = Decimal("0.01")


def _money(x: Decimal | Fraction) -> Decimal:
    """Round half away from zero to 2 places (spec 5.7); exact for Fractions."""
    if isinstance(x, Fraction):
        q = x * 100
        n = (abs(q.numerator) * 2 + q.denominator) // (2 * q.denominator)
        return (Decimal(n if q >= 0 else -n) / 100).quantize(CENT)
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _dt(s: str) -> datetime:
    return datetime.fromisoformat(s)


def _d(s: str) -> date:
    return date.fromisoformat(s)


class _Planted:
    """Builds the planted rows table by table and the manifest of expected findings."""

    PSN_BASE = 99_000_000_000_000
    ID_BASE = 9_000_000_000_000_000
    LINE_BASE = 900_000_000_000_000_000

    def __init__(self, region: Region = GUANGZHOU, list_every_institution: bool = False) -> None:
        self.region = region
        self.list_every_institution = list_every_institution
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.expected: list[tuple[str, str, dict[str, str], str, Any]] = []
        self.items: dict[str, dict[str, Any]] = {}
        self.visits: dict[str, dict[str, Any]] = {}
        self.setls: dict[str, dict[str, Any]] = {}
        self.lines: dict[str, dict[str, Any]] = {}
        self.inst_rank: dict[str, int] = {}
        self.n_psn = self.n_id = self.n_line = self.n_inst = 0
        self.item_seq = 90_000_000
        self.cert_seq = 0
        self.fund_fixed: dict[str, Decimal] = {}
        self.listed_visits: set[str] = set()
        self.svc = self.drug = self.r17_outlier = ""

    # -- registries
    def person(self, gend: str = "1", brdy: str | None = "1980-05-01", death: str | None = None,
               certno: str | None = None, enrol: list[tuple[str, str | None, str]] | None = None,
               listed: bool = True) -> str:
        psn = f"{self.region.psn_prefix}{self.PSN_BASE + self.n_psn + 1:014d}"
        self.n_psn += 1
        if certno is None:
            k = self.cert_seq
            self.cert_seq += 1
            region = PLANTED_CERT_REGIONS[k // 400]
            certno = certno_of(region, _d(brdy) if brdy else date(1980, 1, 1), (k % 400) * 2 + (gend == "1"))
        if listed:
            self.rows["psn_info"].append({"psn_no": psn, "certno": certno, "gend": gend,
                                          "brdy": _d(brdy) if brdy else None, "death_date": _d(death) if death else None})
        for begin, end, insutype in enrol if enrol is not None else [("2015-01-01", death, "310")]:
            self.rows["insu_enrol"].append({"psn_no": psn, "insu_admdvs": self.region.home, "insutype": insutype,
                                            "begndate": _d(begin), "enddate": _d(end) if end else None})
        return psn

    def inst(self, hosp_lv: str | None = "05", kind: str = "1", listed: bool = True, name: str = "") -> str:
        self.n_inst += 1
        code = f"{'H' if kind == '1' else 'P'}{self.region.home}{90000 + self.n_inst:05d}"
        if not listed and self.list_every_institution:
            # Listed unrated instead of missing: rank 0 either way (spec 5.23), so the findings are the same.
            listed, hosp_lv = True, None
        self.inst_rank[code] = _rank(kind, hosp_lv) if listed else 0
        if listed:
            place = self.region.places[self.n_inst % len(self.region.places)]
            label = name or f"{self.region.home_name}{place}{'医院' if kind == '1' else '药房'}（{self.n_inst}）"
            self.rows["fixmedins"].append({"fixmedins_code": code, "fixmedins_name": label, "fixmedins_type": kind,
                                           "hosp_lv": hosp_lv, "admdvs": self.region.home})
        return code

    def item(self, list_type: str, name: str, chrgitm: str, kb: dict[str, Any] | None = None) -> str:
        self.item_seq += 1
        code = _code(list_type, self.item_seq)
        self.items[code] = {"list_type": list_type, "chrgitm": chrgitm, "kb": kb}
        if kb is not None:
            row = {"med_list_codg": code, "item_name": name}
            for f in KB_FIELDS:
                v = kb.get(f)
                row[f] = Decimal(str(v)) if f in ("pric_uplmt_amt", "max_cnt_per_day") and v is not None else v
            self.rows["kb_item"].append(row)
        return code

    def pair(self, main: str, sub: str, window: str) -> None:
        self.rows["kb_item_pair"].append({"main_codg": main, "sub_codg": sub, "window": window})

    def purchase(self, inst: str, item: str, purchase: str, opening: str | None) -> None:
        self.rows["kb_purchase"].append({"fixmedins_code": inst, "med_list_codg": item,
                                         "purchase_cnt": Decimal(purchase),
                                         "opening_cnt": Decimal(opening) if opening is not None else None})

    # -- claims
    def _id(self, prefix: str) -> str:
        self.n_id += 1
        return f"{prefix}{self.ID_BASE + self.n_id:016d}"

    def visit(self, psn: str, inst: str, med_type: str, begn: str, end: str | None = None,
              diag: str | None = "J06.900", listed: bool = True) -> str:
        mdtrt = self._id("MD")
        row = {"mdtrt_id": mdtrt, "psn_no": psn, "fixmedins_code": inst, "med_type": med_type,
               "begntime": _dt(begn), "endtime": _dt(end) if end else None, "dscg_maindiag_code": diag}
        self.visits[mdtrt] = row
        if listed:
            self.rows["mdtrt_d"].append(row)
            self.listed_visits.add(mdtrt)
        return mdtrt

    def settle(self, mdtrt: str, vali: str | None = "1", at: str | None = None, fund: Decimal | None = None,
               psn: str | None = None, inst: str | None = None) -> str:
        v = self.visits[mdtrt]
        setl = self._id("ST")
        when = _dt(at) if at else (v["endtime"] or v["begntime"]) + timedelta(minutes=10)
        row = {"setl_id": setl, "mdtrt_id": mdtrt, "psn_no": psn or v["psn_no"],
               "fixmedins_code": inst or v["fixmedins_code"], "setl_time": when, "medfee_sumamt": None,
               "fund_pay_sumamt": None, "vali_flag": vali}
        self.setls[setl] = row
        self.rows["setl_d"].append(row)
        if fund is not None:
            self.fund_fixed[setl] = fund
        return setl

    def line(self, setl: str, item: str, at: str, cnt: str = "1", pric: str = "20", lv: str = "01",
             inscp: str | None | bool = True, prd: int | None = None, ceiling: str | None = None) -> str:
        s = self.setls[setl]
        sn = f"FD{self.LINE_BASE + self.n_line + 1:018d}"
        self.n_line += 1
        info = self.items[item]
        amount = _money(Decimal(cnt) * Decimal(pric))
        if inscp is True:
            inscp_v: Decimal | None = Decimal("0.00") if lv == "03" else amount
        elif inscp is False or inscp is None:
            inscp_v = None
        else:
            inscp_v = Decimal(inscp)
        row = {"feedetl_sn": sn, "setl_id": setl, "psn_no": s["psn_no"], "fixmedins_code": s["fixmedins_code"],
               "fee_ocur_time": _dt(at), "med_list_codg": item, "list_type": info["list_type"],
               "med_chrgitm_type": info["chrgitm"], "cnt": Decimal(cnt), "pric": Decimal(pric),
               "det_item_fee_sumamt": amount, "inscp_amt": inscp_v, "chrgitm_lv": lv, "prd_days": prd,
               "pric_uplmt_amt": Decimal(ceiling) if ceiling is not None else None}
        self.lines[sn] = row
        self.rows["fee_list_d"].append(row)
        return sn

    def otp(self, psn: str, inst: str, at: str, items: list[tuple], med_type: str = "11", vali: str | None = "1",
            listed: bool = True) -> tuple[str, list[str]]:
        """An outpatient visit at `at` with one settlement and its lines: items are (code, cnt, pric, {line kw})."""
        mdtrt = self.visit(psn, inst, med_type, at, (_dt(at) + timedelta(minutes=20)).strftime("%Y-%m-%d %H:%M:%S"),
                           diag=None if med_type == "41" else "J06.900", listed=listed)
        setl = self.settle(mdtrt, vali)
        return setl, [self.line(setl, c, at, cnt, pric, **(kw[0] if kw else {})) for c, cnt, pric, *kw in items]

    def stay(self, psn: str, inst: str, begn: str, end: str | None, items: list[tuple] | None = None,
             med_type: str = "21", diag: str | None = "J18.900", vali: str | None = "1",
             fund: Decimal | None = None, at: str | None = None) -> tuple[str, list[str]]:
        mdtrt = self.visit(psn, inst, med_type, begn, end, diag)
        setl = self.settle(mdtrt, vali, at=at, fund=fund)
        out = []
        for c, cnt, pric, *kw in items if items is not None else [(self.svc, "1", "50")]:
            kw0 = dict(kw[0]) if kw else {}
            when = kw0.pop("at", begn)
            out.append(self.line(setl, c, when, cnt, pric, **kw0))
        return setl, out

    # -- manifest
    def expect(self, rule: str, kind: str, note: str, amount: Any = None, **key: str) -> None:
        self.expected.append((rule, kind, key, note, amount))

    def line_key(self, sn: str) -> dict[str, str]:
        r = self.lines[sn]
        return {"fixmedins_code": r["fixmedins_code"], "psn_no": r["psn_no"], "setl_id": r["setl_id"],
                "feedetl_sn": sn, "med_list_codg": r["med_list_codg"]}

    def setl_key(self, setl: str) -> dict[str, str]:
        r = self.setls[setl]
        return {"fixmedins_code": r["fixmedins_code"], "psn_no": r["psn_no"], "setl_id": setl}

    def line_case(self, rule: str, kind: str, sn: str, note: str, amount: Any = "line") -> None:
        if amount == "line":
            def amount() -> Decimal:
                return self.lines[sn]["det_item_fee_sumamt"]
        self.expect(rule, kind, note, amount if kind == "violation" else None, **self.line_key(sn))

    def setl_case(self, rule: str, kind: str, setl: str, note: str) -> None:
        amount = (lambda s=setl: self.setls[s]["fund_pay_sumamt"]) if kind == "violation" else None
        self.expect(rule, kind, note, amount, **self.setl_key(setl))

    def finish(self) -> None:
        """Settlement totals from their lines; funds default to 80% of the in-scope amount."""
        totals: dict[str, list[Decimal]] = {s: [Decimal(0), Decimal(0)] for s in self.setls}
        for r in self.lines.values():
            t = totals[r["setl_id"]]
            t[0] += r["det_item_fee_sumamt"]
            t[1] += r["inscp_amt"] or Decimal(0)
        for s, row in self.setls.items():
            row["medfee_sumamt"] = totals[s][0]
            fund = self.fund_fixed.get(s)
            row["fund_pay_sumamt"] = fund if fund is not None else (totals[s][1] * Decimal("0.8")).quantize(
                CENT, rounding="ROUND_DOWN")

    def manifest(self) -> list[dict[str, Any]]:
        out = []
        for rule, kind, key, note, amount in self.expected:
            entry: dict[str, Any] = {"rule_id": rule, "key": key, "kind": kind, "note": note}
            if kind == "violation":
                value = amount() if callable(amount) else amount
                entry["amount"] = str(_money(value))
            out.append(entry)
        return out


R17_RANK2_MEAN = Decimal("6300.00")  # about the background mean of rank-2 stays


def _plant(b: _Planted) -> None:
    """Every planted case of R01–R17 (see the module docstring)."""
    b.svc = b.item("201", "血细胞分析（院内套餐）", "04")  # neutral items: no limit, no ceiling
    b.drug = b.item("101", "复方氨基酸注射液（院内）", "09")
    _r01(b), _r02(b), _r03(b), _r04(b), _r05(b), _r06(b), _r07(b), _r08(b), _r09(b)
    _r10(b), _r11(b), _r12(b), _r13(b), _r14(b), _r15(b), _r16(b), _r17(b)
    b.finish()


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


# ----------------------------------------------------------------------------------------------
# Tables written once: institutions, knowledge base, purchases; R17 outcome

def _fixmedins_table(world: _World, b: _Planted) -> pa.Table:
    t = pa.table({"fixmedins_code": world.inst_code, "fixmedins_name": world.inst_name,
                  "fixmedins_type": world.inst_type, "hosp_lv": world.inst_lv, "admdvs": world.inst_admdvs},
                 schema=arrow_schema("fixmedins"))
    return pa.concat_tables([t, pa.Table.from_pylist(b.rows["fixmedins"], schema=arrow_schema("fixmedins"))])


def _kb_tables(world: _World, b: _Planted, billed: np.ndarray, rng: np.random.Generator) -> dict[str, pa.Table]:
    rows = []
    for k in np.nonzero(world.in_kb)[0]:
        kb = world.kb[k]
        row = {"med_list_codg": world.code[k], "item_name": world.name[k],
               "pric_uplmt_amt": Decimal(int(world.base4[k])) / 10000}
        for f in KB_FIELDS[1:]:
            v = kb.get(f)
            row[f] = Decimal(v) if f == "max_cnt_per_day" and v is not None else v
        rows.append(row)
    kb_item = pa.Table.from_pylist(rows + b.rows["kb_item"], schema=arrow_schema("kb_item"))
    pairs = [{"main_codg": m, "sub_codg": s, "window": w} for m, s, w in world.pairs]
    kb_pair = pa.Table.from_pylist(pairs + b.rows["kb_item_pair"], schema=arrow_schema("kb_item_pair"))
    # Purchases: every pharmacy item and the drugs of every third hospital, enough to cover what was billed.
    drug = np.array([lt in ("101", "102", "103") for lt in world.list_type])
    tracked = np.zeros(billed.shape, dtype=bool)
    tracked[world.pharm, :] = True
    third = world.hosp[world.hosp % 3 == 0]
    tracked[np.ix_(third, np.nonzero(drug)[0])] = True
    inst_i, item_i = np.nonzero(tracked & (billed > 0))
    qty = billed[inst_i, item_i]  # 1/100 units
    n = len(qty)
    opening_null = rng.random(n) < 0.3
    opening = np.where(opening_null, 0, np.floor(qty * 0.3 * rng.random(n)).astype(np.int64))
    need = qty - opening
    purchase = need + np.where(rng.random(n) < 0.2, 0, np.ceil(need * 0.25 * rng.random(n)).astype(np.int64))
    split = rng.random(n) < 0.3
    first = np.where(split, purchase // 2, purchase)
    r_inst = np.concatenate([inst_i, inst_i[split]])
    r_item = np.concatenate([item_i, item_i[split]])
    r_purchase = np.concatenate([first, (purchase - first)[split]])
    r_opening = np.concatenate([opening, np.zeros(int(split.sum()), dtype=np.int64)])
    r_open_valid = np.concatenate([~opening_null, np.zeros(int(split.sum()), dtype=bool)])
    order = np.lexsort((np.arange(len(r_inst)), r_item, r_inst))
    kb_purchase = pa.table({
        "fixmedins_code": _take(world.inst_code, r_inst[order]), "med_list_codg": _take(world.code, r_item[order]),
        "purchase_cnt": _dec(r_purchase[order] * 10_000, ARROW_TYPES["dec6"]),
        "opening_cnt": _dec(r_opening[order] * 10_000, ARROW_TYPES["dec6"], r_open_valid[order]),
    }, schema=arrow_schema("kb_purchase"))
    kb_purchase = pa.concat_tables([kb_purchase, pa.Table.from_pylist(b.rows["kb_purchase"],
                                                                      schema=arrow_schema("kb_purchase"))])
    return {"kb_item": kb_item, "kb_item_pair": kb_pair, "kb_purchase": kb_purchase}


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


# ----------------------------------------------------------------------------------------------
# Writing

class _Sink:
    """Writes tables as Parquet (fee_list_d as parts when there are several chunks) or CSV.

    Writing runs in a thread (Arrow releases the GIL) so the next chunk is generated meanwhile;
    the queue holds one chunk's tables, which keeps memory bounded.
    """

    UNIQUE = {"feedetl_sn", "setl_id", "mdtrt_id", "certno"}

    def __init__(self, root: Path, fmt: str, fee_parts: bool) -> None:
        self.root, self.fmt, self.fee_parts = root, fmt, fee_parts
        self.writers: dict[str, Any] = {}
        self.files: dict[str, Any] = {}
        self.parts = 0
        self.rows: dict[str, int] = {t: 0 for t in TABLES}
        self.queue: queue.Queue[list[tuple[str, pa.Table]] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="yibao-generator-writer", daemon=True)
        self.thread.start()

    def write(self, name: str, table: pa.Table) -> None:
        self.write_all({name: table})

    def write_all(self, tables: dict[str, pa.Table]) -> None:
        if self.error is not None:
            raise self.error
        for name, table in tables.items():
            self.rows[name] += table.num_rows
        self.queue.put(list(tables.items()))

    def _run(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            for name, table in job:
                if self.error is None:
                    try:
                        self._write(name, table)
                    except BaseException as e:  # reported by the next write() or close()
                        self.error = e

    def _parquet_options(self, table: pa.Table) -> dict[str, Any]:
        times = [f.name for f in table.schema if pa.types.is_timestamp(f.type)]
        return {"compression": "zstd", "store_decimal_as_integer": True,
                "use_dictionary": [n for n in table.schema.names if n not in self.UNIQUE and n not in times],
                "column_encoding": dict.fromkeys(times, "DELTA_BINARY_PACKED")}

    def _write(self, name: str, table: pa.Table) -> None:
        if self.fmt == "parquet":
            if name == "fee_list_d" and self.fee_parts:
                (self.root / name).mkdir(exist_ok=True)
                pq.write_table(table, self.root / name / f"part-{self.parts:05d}.parquet",
                               row_group_size=CHUNK_LINES, **self._parquet_options(table))
                self.parts += 1
                return
            if name not in self.writers:
                self.writers[name] = pq.ParquetWriter(self.root / f"{name}.parquet", table.schema,
                                                      **self._parquet_options(table))
            self.writers[name].write_table(table, row_group_size=CHUNK_LINES)
            return
        if name not in self.writers:
            f = open(self.root / f"{name}.csv", "wb")  # noqa: SIM115 - closed in close()
            f.write((",".join(table.schema.names) + "\n").encode())
            self.files[name] = f
            self.writers[name] = pacsv.CSVWriter(f, _csv_schema(table.schema),
                                                 write_options=pacsv.WriteOptions(include_header=False,
                                                                                  quoting_style="none"))
        self.writers[name].write_table(table.cast(_csv_schema(table.schema)))

    def close(self, complete: bool = True) -> None:
        """Finish the files; with complete, first write the tables that got no row at all."""
        if complete and self.error is None:
            for name in TABLES:
                if self.rows[name] == 0 and name not in self.writers:
                    self.write(name, arrow_schema(name).empty_table())
        self.queue.put(None)
        self.thread.join()
        for w in self.writers.values():
            w.close()
        for f in self.files.values():
            f.close()
        self.writers.clear()
        self.files.clear()
        if self.error is not None and complete:
            raise self.error


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    """Timestamps to whole seconds, so that CSV holds 'YYYY-MM-DD HH:MM:SS'."""
    return pa.schema([pa.field(f.name, pa.timestamp("s") if pa.types.is_timestamp(f.type) else f.type)
                      for f in schema])


# ----------------------------------------------------------------------------------------------
# Entry point

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
    sink = _Sink(root, fmt, fee_parts=n_chunks > 1 and fmt == "parquet")
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
