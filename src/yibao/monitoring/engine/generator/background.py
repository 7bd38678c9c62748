"""Background chunks: clean data by construction, vectorised with numpy.

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

"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pyarrow as pa

from .columns import (
    ARROW_TYPES,
    _check_digit,
    _date,
    _dec,
    _ids,
    _int,
    _take,
    _ts,
    _uniform_int,
    arrow_schema,
)
from .world import (
    ADULT_BORN_UNTIL,
    ADULT_F,
    ADULT_M,
    BRDY0,
    CHILD,
    CHILD_BORN_FROM,
    DAY0,
    DIAG_CHILD,
    DIAG_CHRONIC,
    DIAG_IPT,
    DIAG_MAT_IPT,
    DIAG_MAT_OTP,
    DIAG_OTP,
    INPATIENT_SETTINGS,
    IPT,
    K_DRUG,
    K_HERB,
    K_MATERIAL,
    K_PERDAY,
    K_SERVICE,
    MAT_IPT,
    MAT_OTP,
    NDAYS,
    OTHER,
    OTP,
    PHARM,
    SECS,
    START,
    H,
    _World,
)


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
