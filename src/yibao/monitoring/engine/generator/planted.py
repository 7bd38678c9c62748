"""The builder of the planted cases: their rows table by table and the manifest of expected findings.

Planted cases (fixed size, about 700 lines, whatever N; written with the last chunk, with ids in
ranges of their own: psn_no 440199… (the region's first four digits, then 99), setl_id ST9…, feedetl_sn FD9…): each case has its own persons (born
and enrolled so that nothing else fires), mostly its own institutions and its own items (planted
items without limits are absent from ``kb_item``). Violations and near-misses of each rule:


The cases themselves are in ``cases_lines`` (R01–R08) and ``cases_history`` (R09–R17).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from ..ranks import institution_rank
from ..schema import TABLES
from .columns import certno_of
from .region import GUANGZHOU, PLANTED_CERT_REGIONS, Region
from .world import KB_FIELDS, _code

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
        self.inst_rank[code] = institution_rank(kind, hosp_lv) if listed else 0
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
