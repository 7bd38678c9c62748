"""Build small datasets for tests: rows with sensible defaults, written as the spec's CSV tables."""

import csv
from pathlib import Path

from yibao.monitoring.engine.schema import TABLES


class DatasetBuilder:
    """Collect rows per table; `write(folder)` writes one CSV per table that has rows."""

    def __init__(self):
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}
        self._n = 0

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n:04d}"

    def person(self, psn_no=None, *, gend="1", brdy="1980-01-01", certno=None, death_date="") -> str:
        psn_no = psn_no or self._id("P")
        self.rows["psn_info"].append({"psn_no": psn_no, "certno": certno or f"C{psn_no}", "gend": gend,
                                      "brdy": brdy, "death_date": death_date})
        return psn_no

    def institution(self, code=None, *, type="1", hosp_lv="05", name=None) -> str:
        code = code or self._id("H")
        self.rows["fixmedins"].append({"fixmedins_code": code, "fixmedins_name": name or f"医院{code}",
                                       "fixmedins_type": type, "hosp_lv": hosp_lv, "admdvs": "140100"})
        return code

    def visit(self, psn_no, fixmedins_code, *, med_type="11", begin="2024-03-01 09:00:00", end="", diag="",
              fund="100.00", valid="1", setl_time=None, setl_id=None, mdtrt_id=None, with_visit=True) -> str:
        """Add a visit and its settlement; return the settlement id."""
        mdtrt_id = mdtrt_id or self._id("V")
        setl_id = setl_id or self._id("S")
        if with_visit:
            self.rows["mdtrt_d"].append({"mdtrt_id": mdtrt_id, "psn_no": psn_no, "fixmedins_code": fixmedins_code,
                                         "med_type": med_type, "begntime": begin, "endtime": end,
                                         "dscg_maindiag_code": diag})
        self.rows["setl_d"].append({"setl_id": setl_id, "mdtrt_id": mdtrt_id, "psn_no": psn_no,
                                    "fixmedins_code": fixmedins_code, "setl_time": setl_time or (end or begin),
                                    "medfee_sumamt": fund, "fund_pay_sumamt": fund, "vali_flag": valid})
        return setl_id

    def line(self, setl_id, item, *, time=None, cnt="1", pric="10", amount=None, list_type="201", lv="01",
             inscp=None, prd_days="", ceiling="", sn=None) -> str:
        setl = next(s for s in self.rows["setl_d"] if s["setl_id"] == setl_id)
        sn = sn or self._id("L")
        amount = amount if amount is not None else f"{float(cnt) * float(pric):.2f}"
        self.rows["fee_list_d"].append({
            "feedetl_sn": sn, "setl_id": setl_id, "psn_no": setl["psn_no"], "fixmedins_code": setl["fixmedins_code"],
            "fee_ocur_time": time or setl["setl_time"], "med_list_codg": item, "list_type": list_type,
            "med_chrgitm_type": "09", "cnt": cnt, "pric": pric, "det_item_fee_sumamt": amount,
            "inscp_amt": inscp if inscp is not None else amount, "chrgitm_lv": lv, "prd_days": prd_days,
            "pric_uplmt_amt": ceiling,
        })
        return sn

    def item(self, code, *, ceiling="", gend="", age_min="", age_max="", med_type="", rank="", max_per_day="",
             per_day=False) -> str:
        self.rows["kb_item"].append({"med_list_codg": code, "item_name": f"项目{code}", "pric_uplmt_amt": ceiling,
                                     "lmt_gend": gend, "lmt_age_min": age_min, "lmt_age_max": age_max,
                                     "lmt_med_type": med_type, "lmt_hosp_rank": rank,
                                     "max_cnt_per_day": max_per_day, "per_day_of_stay": "true" if per_day else "false"})
        return code

    def pair(self, main, sub, window):
        self.rows["kb_item_pair"].append({"main_codg": main, "sub_codg": sub, "window": window})

    def purchase(self, fixmedins_code, item, purchased, opening=""):
        self.rows["kb_purchase"].append({"fixmedins_code": fixmedins_code, "med_list_codg": item,
                                         "purchase_cnt": purchased, "opening_cnt": opening})

    def enrol(self, psn_no, begin, end=""):
        self.rows["insu_enrol"].append({"psn_no": psn_no, "insu_admdvs": "140100", "insutype": "310",
                                        "begndate": begin, "enddate": end})

    def write(self, folder: Path, *, tables=None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in TABLES.items():
            rows = self.rows[name]
            if not rows and not table.required:
                continue
            if tables is not None and name not in tables and not table.required:
                continue
            columns = [c.name for c in table.columns]
            with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow(row)
        return folder
