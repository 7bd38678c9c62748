"""The dataset contract of ../shared/spec/monitoring-data.md, section 1, as data."""

from dataclasses import dataclass

# Column types of the spec: str, dec (2 places), dec6 (up to 6 places), int, bool, date, ts.
SQL_TYPES = {
    "str": "VARCHAR",
    "dec": "DECIMAL(18,2)",
    "dec6": "DECIMAL(18,6)",
    "int": "BIGINT",
    "bool": "BOOLEAN",
    "date": "DATE",
    "ts": "TIMESTAMP",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    optional: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = False
    label: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(spec: str) -> tuple[Column, ...]:
    """Parse 'name:type, name:type?' (a trailing ? marks an optional column)."""
    out = []
    for part in spec.split(","):
        name, typ = part.strip().split(":")
        out.append(Column(name, typ.rstrip("?"), typ.endswith("?")))
    return tuple(out)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("mdtrt_d", _cols("mdtrt_id:str, psn_no:str, fixmedins_code:str, med_type:str, begntime:ts, "
                               "endtime:ts, dscg_maindiag_code:str?"), ("mdtrt_id",), True, "就诊"),
        Table("setl_d", _cols("setl_id:str, mdtrt_id:str, psn_no:str, fixmedins_code:str, setl_time:ts, "
                              "medfee_sumamt:dec, fund_pay_sumamt:dec, vali_flag:str?"), ("setl_id",), True, "结算"),
        Table("fee_list_d", _cols("feedetl_sn:str, setl_id:str, psn_no:str, fixmedins_code:str, fee_ocur_time:ts, "
                                  "med_list_codg:str, list_type:str, med_chrgitm_type:str?, cnt:dec6, pric:dec6, "
                                  "det_item_fee_sumamt:dec, inscp_amt:dec?, chrgitm_lv:str?, prd_days:int?, "
                                  "pric_uplmt_amt:dec6?"), ("feedetl_sn",), True, "费用明细"),
        Table("psn_info", _cols("psn_no:str, certno:str, gend:str, brdy:date, death_date:date"), ("psn_no",),
              False, "人员信息"),
        Table("insu_enrol", _cols("psn_no:str, insu_admdvs:str, insutype:str, begndate:date, enddate:date"), (),
              False, "参保信息"),
        Table("fixmedins", _cols("fixmedins_code:str, fixmedins_name:str, fixmedins_type:str, hosp_lv:str, "
                                 "admdvs:str"), ("fixmedins_code",), False, "定点医药机构"),
        Table("kb_item", _cols("med_list_codg:str, item_name:str, pric_uplmt_amt:dec6, lmt_gend:str, "
                               "lmt_age_min:int, lmt_age_max:int, lmt_med_type:str, lmt_hosp_rank:int, "
                               "max_cnt_per_day:dec6, per_day_of_stay:bool"), ("med_list_codg",), False, "知识库项目"),
        Table("kb_item_pair", _cols("main_codg:str, sub_codg:str, window:str"), (), False, "重复收费项目对"),
        Table("kb_purchase", _cols("fixmedins_code:str, med_list_codg:str, purchase_cnt:dec6, opening_cnt:dec6?"), (),
              False, "进销存"),
    )
}

# Columns that may be null: in the claims tables, those the spec marks nullable; registries and
# the knowledge base say "null = no limit" for their limits. Keys and the columns every rule
# joins on may not be null.
NOT_NULL = {
    "mdtrt_d": ("mdtrt_id", "psn_no", "fixmedins_code", "med_type", "begntime"),
    "setl_d": ("setl_id", "mdtrt_id", "psn_no", "fixmedins_code", "setl_time", "medfee_sumamt", "fund_pay_sumamt"),
    "fee_list_d": ("feedetl_sn", "setl_id", "psn_no", "fixmedins_code", "fee_ocur_time", "med_list_codg", "cnt",
                   "pric", "det_item_fee_sumamt"),
    "psn_info": ("psn_no",),
    "insu_enrol": ("psn_no", "begndate"),
    "fixmedins": ("fixmedins_code",),
    "kb_item": ("med_list_codg",),
    "kb_item_pair": ("main_codg", "sub_codg", "window"),
    "kb_purchase": ("fixmedins_code", "med_list_codg", "purchase_cnt"),
}
PAIR_WINDOWS = ("day", "visit", "hour", "6h")
