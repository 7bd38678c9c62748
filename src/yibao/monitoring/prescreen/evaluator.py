"""Pre-screen one settlement in plain Python, with the same findings as the batch engine.

The batch engine (../engine) is the reference: each rule here produces the rows its SQL
(../engine/sql/R*.sql) would produce for the request's settlement, with the same columns and
value types, and ``finalize.rows_to_findings`` turns them into findings, so amounts and evidence
are byte-identical. Running the SQL through DuckDB per request costs ~100 ms of query planning;
this costs well under a millisecond.

What is judged (spec section 3): the rules that can judge one settlement (RULES[...]
.single_settlement: R01–R08, R12, R14) and, with the person's recent history, R09–R11, R13 and
R16 (``with_history``). R15 and R17 compare institutions over a whole period and stay batch-only.
Only findings that concern the request are produced: its settlement (R08–R12, R16), its lines
(R01–R06, R13, R14) and, for R07, the person-day groups that include its lines.

History (HistoryStore) holds the settlements, visits and lines of the last ``history_days`` days
before the newest settlement it has seen, indexed by person. A request's own settlement and
lines are left out of the history it is judged against (a settlement sent again replaces its
earlier version), so judging each settlement of a dataset against the rest of it gives exactly
the batch engine's findings.

No Django here: the service (service.py) owns the loading, the locking and the persistence.
"""

import datetime as dt
import json
import time
from dataclasses import dataclass
from decimal import Decimal

from ..engine.config import ScreeningConfig
from ..engine.finalize import rows_to_findings, sort_key
from ..engine.rules import RULES
from .history import HistoryStore
from .reference import ReferenceData
from .request import Line, Person, PrescreenRequest, Settlement, Visit, ts_text

PRESCREEN_RULES = tuple(r.id for r in RULES.values() if r.single_settlement or r.with_history)
BATCH_ONLY_REASON = "仅在批量筛查中运行"
DISABLED_REASON = "配置中已停用"
DRUG_LIST_TYPES = ("101", "102", "103")
SIX_HOURS = dt.timedelta(hours=6)
ZERO = Decimal(0)


# ---------------------------------------------------------------- evaluation

class _RuleRows:
    """The two things rows_to_findings reads of a pyarrow Table (column_names, to_pylist),
    without building one: the rows are already Python values of the types the engine returns."""

    __slots__ = ("column_names", "_rows")

    def __init__(self, rows: list[dict]):
        self._rows = rows
        self.column_names = list(rows[0])

    def to_pylist(self) -> list[dict]:
        return self._rows


@dataclass
class PrescreenResult:
    findings: list[dict]  # finalize's finding dicts: amount Decimal, evidence JSON text
    verdict: str  # refuse / warn / pass
    rules_run: list[str]
    skipped: dict[str, str]
    ms: float

    def as_json(self) -> dict:
        """The API's response body: amounts as text with two places, evidence as an object."""
        findings = []
        for f in self.findings:
            item = dict(f)
            item["amount"] = str(f["amount"])
            item["evidence"] = json.loads(f["evidence"])
            findings.append(item)
        return {"verdict": self.verdict, "findings": findings, "rules": self.rules_run, "skipped": self.skipped,
                "ms": round(self.ms, 3)}


def verdict_of(findings: list[dict]) -> str:
    """refuse where a finding is a violation, warn where one is suspect, pass otherwise."""
    severities = {f["severity"] for f in findings}
    if "violation" in severities:
        return "refuse"
    if "suspect" in severities:
        return "warn"
    return "pass"


def _line_row(f: Line) -> dict:
    return {"fixmedins_code": f.fixmedins_code, "psn_no": f.psn_no, "setl_id": f.setl_id,
            "feedetl_sn": f.feedetl_sn, "med_list_codg": f.med_list_codg}


def _setl_row(s: Settlement) -> dict:
    return {"fixmedins_code": s.fixmedins_code, "psn_no": s.psn_no, "setl_id": s.setl_id}


class _Context:
    """One request against the history: its settlement's visit facts and the history without it."""

    __slots__ = ("request", "history", "reference", "inpatient_types", "s", "visit", "inpatient", "own_lines",
                 "own_by_item")

    def __init__(self, request: PrescreenRequest, history: HistoryStore, reference: ReferenceData,
                 inpatient_types: frozenset[str]):
        self.request = request
        self.history = history
        self.reference = reference
        self.inpatient_types = inpatient_types
        self.s = request.settlement
        self.visit = self.visit_of(self.s.mdtrt_id)
        self.inpatient = self.visit is not None and self.visit.med_type in inpatient_types
        self.own_lines = {f.feedetl_sn for f in request.lines}
        self.own_by_item: dict[tuple[str, str], list[Line]] = {}
        for f in request.lines:
            self.own_by_item.setdefault((f.psn_no, f.med_list_codg), []).append(f)

    def visit_of(self, mdtrt_id: str) -> Visit | None:
        """The request's visit wins over the history's (mdtrt_d has one row per visit)."""
        v = self.request.visit
        if v is not None and v.mdtrt_id == mdtrt_id:
            return v
        return self.history.visits.get(mdtrt_id)

    def other_settlements(self) -> list[tuple[Settlement, Visit | None, bool]]:
        """Valid settlements of the request's person (setl_d.psn_no) in history, not the request's own:
        (settlement, visit, inpatient)."""
        out = []
        for a in self.history.settlements_of(self.s.psn_no):
            if a.setl_id == self.s.setl_id:
                continue
            v = self.visit_of(a.mdtrt_id)
            out.append((a, v, v is not None and v.med_type in self.inpatient_types))
        return out

    def lines_like(self, psn_no: str, item: str) -> list[Line]:
        """Valid lines of a person and item: the request's and the history's (not the request's own)."""
        own = self.own_by_item.get((psn_no, item), [])
        held = self.history.lines_of(psn_no, item)
        if not held:
            return own
        setl_id, own_sns = self.s.setl_id, self.own_lines
        return own + [f for f in held if f.setl_id != setl_id and f.feedetl_sn not in own_sns]

    def person(self, psn_no: str) -> Person | None:
        p = self.request.person
        if p is not None and p.psn_no == psn_no:
            return p
        persons = self.reference.persons
        return persons.get(psn_no) if persons is not None else None


class Prescreener:
    """Judge one settlement against the rules, with reference data and history.

    `evaluate` does not change the history; `record` adds the request to it.
    """

    def __init__(self, reference: ReferenceData, history: HistoryStore, config: ScreeningConfig | None = None):
        self.reference = reference
        self.history = history
        self.config = config or ScreeningConfig()
        p = self.config.parameters
        self.inpatient_types = frozenset(p["inpatient_med_types"])
        self.readmit_days = int(p["readmit_days"])
        self.exclude_diag = tuple(p["readmit_exclude_diag"])
        self.overlap_days = int(p["overlap_days"])
        self._plans: dict[tuple[frozenset[str], bool, bool], tuple[list[str], dict[str, str]]] = {}

    # -------------------------------------------------------- what can run

    def skip_reason(self, rule_id: str, request: PrescreenRequest) -> str | None:
        """Why a rule cannot judge this request (spec 5.20, with the request's columns), or None."""
        ref = self.reference
        if rule_id not in PRESCREEN_RULES:
            return BATCH_ONLY_REASON
        if rule_id not in self.config.enabled:
            return DISABLED_REASON
        has_person = ref.persons is not None or request.person is not None
        if rule_id in ("R01", "R02", "R03", "R04", "R07", "R08") and ref.kb_item is None:
            return "缺少可选表 kb_item"
        if rule_id in ("R01", "R02", "R12") and not has_person:
            return "缺少可选表 psn_info"
        if rule_id == "R05" and ref.kb_item is None and request.lines and "pric_uplmt_amt" not in request.line_columns:
            return "缺少 kb_item 或 fee_list_d.pric_uplmt_amt"
        if rule_id == "R06" and ref.kb_item_pair is None:
            return "缺少可选表 kb_item_pair"
        if rule_id == "R13" and request.lines and "prd_days" not in request.line_columns:
            return "缺少可选列 fee_list_d.prd_days"
        if rule_id == "R14" and request.lines:
            for column in ("chrgitm_lv", "inscp_amt"):
                if column not in request.line_columns:
                    return f"缺少可选列 fee_list_d.{column}"
        if rule_id == "R16":
            if ref.persons is None:
                return "缺少可选表 psn_info"
            if ref.enrolments is None:
                return "缺少可选表 insu_enrol"
        return None

    def evaluate(self, request: PrescreenRequest) -> PrescreenResult:
        started = time.perf_counter()
        ctx = _Context(request, self.history, self.reference, self.inpatient_types)
        run, skipped = self._plan(request)
        findings: list[dict] = []
        if ctx.s.valid:  # a reversed settlement and its lines count for no rule (spec 5.1)
            for rule_id in run:
                rows = getattr(self, f"_{rule_id.lower()}")(ctx)
                if rows:
                    findings += rows_to_findings(rule_id, _RuleRows(rows))
        findings.sort(key=sort_key)
        return PrescreenResult(findings, verdict_of(findings), list(run), dict(skipped),
                               (time.perf_counter() - started) * 1000)

    def _plan(self, request: PrescreenRequest) -> tuple[list[str], dict[str, str]]:
        """The rules to run and the skipped ones with their reasons; they depend on the reference
        data (fixed), the optional line columns and whether a person and lines are given: cached."""
        key = (request.line_columns, request.person is not None, bool(request.lines))
        plan = self._plans.get(key)
        if plan is None:
            run, skipped = [], {}
            for rule_id in RULES:
                reason = self.skip_reason(rule_id, request)
                if reason:
                    skipped[rule_id] = reason
                else:
                    run.append(rule_id)
            plan = self._plans[key] = (run, skipped)
        return plan

    def record(self, request: PrescreenRequest) -> None:
        """Add the request's settlement, lines and visit to the history (replacing an earlier version)."""
        self.history.add(request.settlement, request.lines, request.visit)

    # -------------------------------------------------------- line rules

    def _r01(self, ctx: _Context) -> list[dict]:
        kb, rows = self.reference.kb_item, []
        for f in ctx.request.lines:
            k = kb.get(f.med_list_codg)
            if k is None or k.lmt_gend is None:
                continue
            p = ctx.person(f.psn_no)
            if p is None or p.gend not in ("1", "2") or p.gend == k.lmt_gend:
                continue
            rows.append({**_line_row(f), "amount_base": f.det_item_fee_sumamt, "ev_lmt_gend": k.lmt_gend,
                         "ev_gend": p.gend, "ev_fee_ocur_time": ts_text(f.fee_ocur_time),
                         "ev_line_amount": f.det_item_fee_sumamt})
        return rows

    def _r02(self, ctx: _Context) -> list[dict]:
        kb, rows = self.reference.kb_item, []
        for f in ctx.request.lines:
            k = kb.get(f.med_list_codg)
            if k is None or (k.lmt_age_min is None and k.lmt_age_max is None):
                continue
            p = ctx.person(f.psn_no)
            if p is None or p.brdy is None:
                continue
            day, brdy = f.fee_day, p.brdy
            age = day.year - brdy.year - (1 if day.month * 100 + day.day < brdy.month * 100 + brdy.day else 0)
            if not ((k.lmt_age_min is not None and age < k.lmt_age_min)
                    or (k.lmt_age_max is not None and age > k.lmt_age_max)):
                continue
            rows.append({**_line_row(f), "amount_base": f.det_item_fee_sumamt, "ev_age": age,
                         "ev_lmt_age_min": k.lmt_age_min, "ev_lmt_age_max": k.lmt_age_max,
                         "ev_brdy": brdy.isoformat(), "ev_fee_day": day.isoformat(),
                         "ev_line_amount": f.det_item_fee_sumamt})
        return rows

    def _r03(self, ctx: _Context) -> list[dict]:
        kb, rows = self.reference.kb_item, []
        for f in ctx.request.lines:
            k = kb.get(f.med_list_codg)
            if k is None or not ((k.lmt_med_type == "ipt" and not ctx.inpatient)
                                 or (k.lmt_med_type == "otp" and ctx.inpatient)):
                continue
            rows.append({**_line_row(f), "amount_base": f.det_item_fee_sumamt, "ev_lmt_med_type": k.lmt_med_type,
                         "ev_settlement_type": "ipt" if ctx.inpatient else "otp",
                         "ev_line_amount": f.det_item_fee_sumamt})
        return rows

    def _r04(self, ctx: _Context) -> list[dict]:
        kb, ranks, rows = self.reference.kb_item, self.reference.ranks, []
        for f in ctx.request.lines:
            k = kb.get(f.med_list_codg)
            if k is None or k.lmt_hosp_rank is None:
                continue
            rank = ranks.get(f.fixmedins_code, 0)
            if rank < k.lmt_hosp_rank:
                rows.append({**_line_row(f), "amount_base": f.det_item_fee_sumamt,
                             "ev_lmt_hosp_rank": k.lmt_hosp_rank, "ev_rank": rank,
                             "ev_line_amount": f.det_item_fee_sumamt})
        return rows

    def _r05(self, ctx: _Context) -> list[dict]:
        kb, rows = self.reference.kb_item or {}, []
        for f in ctx.request.lines:
            k = kb.get(f.med_list_codg)
            kb_ceiling = k.pric_uplmt_amt if k is not None else None
            ceiling = kb_ceiling if kb_ceiling is not None else f.pric_uplmt_amt
            if ceiling is None or not f.pric > ceiling:
                continue
            rows.append({**_line_row(f), "amount_base": f.pric - ceiling, "amount_factor": f.cnt,
                         "ev_pric": f.pric, "ev_ceiling": ceiling, "ev_cnt": f.cnt,
                         "ev_ceiling_source": "kb_item" if kb_ceiling is not None else "line"})
        return rows

    def _r06(self, ctx: _Context) -> list[dict]:
        pairs_by_sub, rows = self.reference.pairs_by_sub, []
        for s in ctx.request.lines:
            pairs = pairs_by_sub.get(s.med_list_codg)
            if not pairs:
                continue
            mains: set[str] = set()
            windows: set[str] = set()
            for main, window in pairs:
                for m in ctx.lines_like(s.psn_no, main):
                    if m.fixmedins_code != s.fixmedins_code or m.feedetl_sn == s.feedetl_sn:
                        continue
                    if window == "day":
                        hit = m.fee_day == s.fee_day
                    elif window == "visit":
                        hit = m.mdtrt_id == s.mdtrt_id
                    elif window == "hour":
                        hit = m.fee_day == s.fee_day and m.fee_ocur_time.hour == s.fee_ocur_time.hour
                    else:  # 6h
                        hit = abs(m.fee_ocur_time - s.fee_ocur_time) <= SIX_HOURS
                    if hit:
                        mains.add(m.feedetl_sn)
                        windows.add(window)
            if mains:
                rows.append({**_line_row(s), "amount_base": s.det_item_fee_sumamt, "ev_main_lines": list(mains),
                             "ev_windows": list(windows), "ev_line_amount": s.det_item_fee_sumamt})
        return rows

    def _r07(self, ctx: _Context) -> list[dict]:
        kb, rows, seen = self.reference.kb_item, [], set()
        for f in ctx.request.lines:
            k = kb.get(f.med_list_codg)
            if k is None or k.max_cnt_per_day is None:
                continue
            key = (f.fixmedins_code, f.psn_no, f.med_list_codg, f.fee_day)
            if key in seen:
                continue
            seen.add(key)
            group = [g for g in ctx.lines_like(f.psn_no, f.med_list_codg)
                     if g.fixmedins_code == f.fixmedins_code and g.fee_day == f.fee_day]
            sum_cnt = sum((g.cnt for g in group), ZERO)
            max_cnt = k.max_cnt_per_day
            if not sum_cnt > max_cnt:
                continue
            sum_amount = sum((g.det_item_fee_sumamt for g in group), ZERO)
            rows.append({"fixmedins_code": f.fixmedins_code, "psn_no": f.psn_no, "med_list_codg": f.med_list_codg,
                         "day": f.fee_day.isoformat(), "amount_base": sum_amount,
                         "amount_factor": sum_cnt - max_cnt, "amount_divisor": sum_cnt, "ev_sum_cnt": sum_cnt,
                         "ev_max_cnt_per_day": max_cnt, "ev_sum_amount": sum_amount, "ev_lines": len(group)})
        return rows

    def _r13(self, ctx: _Context) -> list[dict]:
        rows = []
        for d in ctx.request.lines:
            if d.list_type not in DRUG_LIST_TYPES or d.prd_days is None or d.prd_days <= 0:
                continue
            previous = None
            for p in ctx.lines_like(d.psn_no, d.med_list_codg):
                if p.order < d.order and (previous is None or p.order > previous.order):
                    previous = p
            if previous is None or previous.prd_days is None:
                continue
            overlap = previous.prd_days - (d.fee_day - previous.fee_day).days
            if overlap > self.overlap_days:
                rows.append({**_line_row(d), "amount_base": d.det_item_fee_sumamt,
                             "ev_previous_line": previous.feedetl_sn,
                             "ev_previous_day": previous.fee_day.isoformat(),
                             "ev_previous_prd_days": previous.prd_days, "ev_fee_day": d.fee_day.isoformat(),
                             "ev_overlap_days": overlap})
        return rows

    def _r14(self, ctx: _Context) -> list[dict]:
        return [{**_line_row(f), "amount_base": f.inscp_amt, "ev_chrgitm_lv": f.chrgitm_lv,
                 "ev_inscp_amt": f.inscp_amt, "ev_line_amount": f.det_item_fee_sumamt}
                for f in ctx.request.lines
                if f.chrgitm_lv == "03" and f.inscp_amt is not None and f.inscp_amt > 0]

    # -------------------------------------------------------- settlement rules

    def _r08(self, ctx: _Context) -> list[dict]:
        if not ctx.inpatient:
            return []
        kb, s, v = self.reference.kb_item, ctx.s, ctx.visit
        stay_days = max((v.dis_day - v.adm_day).days, 1)
        sums: dict[str, list[Decimal]] = {}
        for f in ctx.request.lines:
            k = kb.get(f.med_list_codg)
            if k is None or not k.per_day_of_stay:
                continue
            acc = sums.setdefault(f.med_list_codg, [ZERO, ZERO])
            acc[0] += f.cnt
            acc[1] += f.det_item_fee_sumamt
        rows = []
        for item, (sum_cnt, sum_amount) in sums.items():
            if sum_cnt > stay_days:
                rows.append({**_setl_row(s), "med_list_codg": item, "amount_base": sum_amount,
                             "amount_factor": sum_cnt - stay_days, "amount_divisor": sum_cnt,
                             "ev_sum_cnt": sum_cnt, "ev_stay_days": stay_days, "ev_sum_amount": sum_amount,
                             "ev_admission_day": v.adm_day.isoformat(), "ev_discharge_day": v.dis_day.isoformat()})
        return rows

    def _r09(self, ctx: _Context) -> list[dict]:
        if not ctx.inpatient:
            return []
        s, v = ctx.s, ctx.visit
        diag = v.dscg_maindiag_code
        if any((diag or "").startswith(prefix) for prefix in self.exclude_diag):
            return []
        previous, gaps = [], []
        for a, av, a_inpatient in ctx.other_settlements():
            if not a_inpatient or a.fixmedins_code != s.fixmedins_code:
                continue
            gap = (v.adm_day - av.dis_day).days
            if 0 <= gap <= self.readmit_days:
                previous.append(a.setl_id)
                gaps.append(gap)
        if not previous:
            return []
        return [{**_setl_row(s), "amount_base": s.fund_pay_sumamt, "ev_previous_settlements": previous,
                 "ev_min_gap_days": min(gaps), "ev_main_diagnosis": diag}]

    def _r10(self, ctx: _Context) -> list[dict]:
        if ctx.inpatient or ctx.visit is None:
            return []
        s, day = ctx.s, ctx.visit.adm_day
        stays = [i.setl_id for i, iv, i_inpatient in ctx.other_settlements()
                 if i_inpatient and iv.adm_day < day < iv.dis_day]
        if not stays:
            return []
        return [{**_setl_row(s), "amount_base": s.fund_pay_sumamt, "ev_visit_day": day.isoformat(),
                 "ev_inpatient_settlements": stays}]

    def _r11(self, ctx: _Context) -> list[dict]:
        if not ctx.inpatient:
            return []
        s, v = ctx.s, ctx.visit
        if not v.adm_day < v.dis_day:
            return []
        overlapping = []
        for y, yv, y_inpatient in ctx.other_settlements():
            if not y_inpatient or y.fixmedins_code == s.fixmedins_code or not yv.adm_day < yv.dis_day:
                continue
            later = v.adm_day > yv.adm_day or (v.adm_day == yv.adm_day and s.setl_id > y.setl_id)
            if later and v.adm_day < yv.dis_day:
                overlapping.append(y.setl_id)
        if not overlapping:
            return []
        return [{**_setl_row(s), "amount_base": s.fund_pay_sumamt, "ev_overlapping_settlements": overlapping,
                 "ev_admission_day": v.adm_day.isoformat(), "ev_discharge_day": v.dis_day.isoformat()}]

    def _r12(self, ctx: _Context) -> list[dict]:
        s, v = ctx.s, ctx.visit
        p = ctx.person(s.psn_no)
        if p is None or p.death_date is None or v is None or not v.adm_day > p.death_date:
            return []
        return [{**_setl_row(s), "amount_base": s.fund_pay_sumamt, "ev_visit_day": v.adm_day.isoformat(),
                 "ev_death_date": p.death_date.isoformat()}]

    def _r16(self, ctx: _Context) -> list[dict]:
        s, v, ref = ctx.s, ctx.visit, self.reference
        if v is None:
            return []
        p = ctx.person(s.psn_no)
        own = ref.enrolments.get(s.psn_no)
        if p is None or p.certno is None or not own:
            return []
        day, others = v.adm_day, set()
        for other in ref.psn_by_certno.get(p.certno, ()):
            if other == s.psn_no:
                continue
            for l_begin, l_end in own:
                for e_begin, e_end in ref.enrolments[other]:
                    if not (l_begin <= e_end and e_begin <= l_end):
                        continue
                    if not (l_begin > e_begin or (l_begin == e_begin and s.psn_no > other)):
                        continue
                    if max(l_begin, e_begin) <= day <= min(l_end, e_end):
                        others.add(other)
        if not others:
            return []
        return [{**_setl_row(s), "amount_base": s.fund_pay_sumamt, "ev_other_psn_no": list(others),
                 "ev_visit_day": day.isoformat()}]
