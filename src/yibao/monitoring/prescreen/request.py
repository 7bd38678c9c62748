"""The pre-screen request: one settlement, its visit, its lines and the person, as typed records.

The JSON uses the spec's column names (shared/spec/monitoring-data.md, section 1) and types:
money and quantities as strings or JSON numbers (decoded with ``parse_float=Decimal``, never
float), dates ``YYYY-MM-DD`` and timestamps ``YYYY-MM-DD HH:MM:SS``. A bad value raises
RequestError naming the field (``lines[2].pric``) in Chinese for the caller, in English for logs.

Columns follow the batch engine's table semantics: a nullable column may be left out (null); an
optional column the spec lets a dataset omit changes what the rules see when it is left out of
every line (vali_flag left out = valid; prd_days, chrgitm_lv/inscp_amt, pric_uplmt_amt left out
of all lines = R13, R14, the line ceiling of R05 cannot run), exactly as a missing column does.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from ..engine.dataset import TYPE_LABELS

MAX_LINES = 5000
# DECIMAL(18,2) and DECIMAL(18,6): the batch engine's column types (schema.SQL_TYPES).
_DEC_LIMITS = {"dec": (2, Decimal(10) ** 16), "dec6": (6, Decimal(10) ** 12)}
_DEC_TEXT = {
    "dec": re.compile(r"-?[0-9]+(\.[0-9]{1,2})?"),
    "dec6": re.compile(r"-?[0-9]+(\.[0-9]{1,6})?"),
}
_INT_TEXT = re.compile(r"-?[0-9]{1,18}")
_DATE_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TS_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?")


class RequestError(ValueError):
    """A request that cannot be pre-screened: `message` is Chinese, `detail` English, `field` the path."""

    def __init__(self, field: str, message: str, detail: str):
        self.field = field
        self.message = f"{field}：{message}" if field else message
        self.detail = f"{field}: {detail}" if field else detail
        super().__init__(self.detail)


# ---------------------------------------------------------------- records

class Visit:
    """A row of mdtrt_d with its admission and discharge days (spec 5.3)."""

    __slots__ = ("mdtrt_id", "psn_no", "fixmedins_code", "med_type", "begntime", "endtime", "dscg_maindiag_code",
                 "adm_day", "dis_day")

    def __init__(self, mdtrt_id: str, psn_no: str, fixmedins_code: str, med_type: str, begntime: dt.datetime,
                 endtime: dt.datetime | None, dscg_maindiag_code: str | None):
        self.mdtrt_id = mdtrt_id
        self.psn_no = psn_no
        self.fixmedins_code = fixmedins_code
        self.med_type = med_type
        self.begntime = begntime
        self.endtime = endtime
        self.dscg_maindiag_code = dscg_maindiag_code
        self.adm_day = begntime.date()
        self.dis_day = (endtime or begntime).date()


class Settlement:
    """A row of setl_d. `has_vali` is whether the vali_flag column was given at all (spec 5.1)."""

    __slots__ = ("setl_id", "mdtrt_id", "psn_no", "fixmedins_code", "setl_time", "medfee_sumamt", "fund_pay_sumamt",
                 "vali_flag", "has_vali", "valid")

    def __init__(self, setl_id: str, mdtrt_id: str, psn_no: str, fixmedins_code: str, setl_time: dt.datetime,
                 medfee_sumamt: Decimal, fund_pay_sumamt: Decimal, vali_flag: str | None, has_vali: bool):
        self.setl_id = setl_id
        self.mdtrt_id = mdtrt_id
        self.psn_no = psn_no
        self.fixmedins_code = fixmedins_code
        self.setl_time = setl_time
        self.medfee_sumamt = medfee_sumamt
        self.fund_pay_sumamt = fund_pay_sumamt
        self.vali_flag = vali_flag
        self.has_vali = has_vali
        self.valid = vali_flag == "1" if has_vali else True


class Line:
    """A row of fee_list_d; `mdtrt_id` is its settlement's (setl_d.mdtrt_id), for R06's 'visit' window."""

    __slots__ = ("feedetl_sn", "setl_id", "psn_no", "fixmedins_code", "fee_ocur_time", "med_list_codg", "list_type",
                 "med_chrgitm_type", "cnt", "pric", "det_item_fee_sumamt", "inscp_amt", "chrgitm_lv", "prd_days",
                 "pric_uplmt_amt", "fee_day", "mdtrt_id", "order")

    def __init__(self, feedetl_sn: str, setl_id: str, psn_no: str, fixmedins_code: str, fee_ocur_time: dt.datetime,
                 med_list_codg: str, list_type: str, med_chrgitm_type: str | None, cnt: Decimal, pric: Decimal,
                 det_item_fee_sumamt: Decimal, inscp_amt: Decimal | None, chrgitm_lv: str | None,
                 prd_days: int | None, pric_uplmt_amt: Decimal | None, mdtrt_id: str):
        self.feedetl_sn = feedetl_sn
        self.setl_id = setl_id
        self.psn_no = psn_no
        self.fixmedins_code = fixmedins_code
        self.fee_ocur_time = fee_ocur_time
        self.med_list_codg = med_list_codg
        self.list_type = list_type
        self.med_chrgitm_type = med_chrgitm_type
        self.cnt = cnt
        self.pric = pric
        self.det_item_fee_sumamt = det_item_fee_sumamt
        self.inscp_amt = inscp_amt
        self.chrgitm_lv = chrgitm_lv
        self.prd_days = prd_days
        self.pric_uplmt_amt = pric_uplmt_amt
        self.fee_day = fee_ocur_time.date()
        self.mdtrt_id = mdtrt_id
        # R13's window order: fee time, then line id (byte order = code point order).
        self.order = (fee_ocur_time, feedetl_sn)


class Person:
    """A row of psn_info."""

    __slots__ = ("psn_no", "certno", "gend", "brdy", "death_date")

    def __init__(self, psn_no: str, certno: str | None, gend: str | None, brdy: dt.date | None,
                 death_date: dt.date | None):
        self.psn_no = psn_no
        self.certno = certno
        self.gend = gend
        self.brdy = brdy
        self.death_date = death_date


class PrescreenRequest:
    """A parsed request. `line_columns` are the optional fee_list_d columns given on some line."""

    __slots__ = ("settlement", "visit", "lines", "person", "line_columns")

    def __init__(self, settlement: Settlement, visit: Visit | None, lines: list[Line], person: Person | None,
                 line_columns: frozenset[str]):
        self.settlement = settlement
        self.visit = visit
        self.lines = lines
        self.person = person
        self.line_columns = line_columns


# ---------------------------------------------------------------- values

def _bad(path: str, typ: str, value: Any) -> RequestError:
    return RequestError(path, f"取值不是{TYPE_LABELS[typ]}", f"not a valid {typ}: {str(value)[:40]!r}")


def parse_str(value: Any, path: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _bad(path, "str", value)


def parse_dec(value: Any, path: str, typ: str = "dec") -> Decimal:
    places, bound = _DEC_LIMITS[typ]
    if isinstance(value, str):
        if not _DEC_TEXT[typ].fullmatch(value):
            raise _bad(path, typ, value)
        number = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _bad(path, typ, value)
        if value.as_tuple().exponent < -places:
            raise RequestError(path, f"小数位数超过{places}位", f"more than {places} decimal places")
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float):
        raise RequestError(path, f"不能使用浮点数，应为{TYPE_LABELS[typ]}", "floating-point value")
    else:
        raise _bad(path, typ, value)
    if abs(number) >= bound:
        raise RequestError(path, "数值超出范围", "value out of range")
    return number


def parse_int(value: Any, path: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= 10 ** 18:
            raise RequestError(path, "数值超出范围", "value out of range")
        return value
    if isinstance(value, str) and _INT_TEXT.fullmatch(value):
        return int(value)
    raise _bad(path, "int", value)


def parse_date(value: Any, path: str) -> dt.date:
    m = _DATE_TEXT.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        raise _bad(path, "date", value)
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise _bad(path, "date", value) from None


def parse_ts(value: Any, path: str) -> dt.datetime:
    """A zone-less timestamp; a fraction is cut to microseconds and 24:00:00 is the next midnight, as DuckDB does."""
    if (type(value) is str and len(value) == 19 and value[4] == "-" and value[7] == "-" and value[10] in " T"
            and value[13] == ":" and value[16] == ":"):
        try:  # the common case: fromisoformat checks the digits of this exact layout
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    m = _TS_TEXT.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        raise _bad(path, "ts", value)
    try:
        hour, fraction = int(m[4]), m[7]
        if hour == 24 and m[5] == "00" and m[6] == "00" and not (fraction or "").strip("0"):
            return dt.datetime(int(m[1]), int(m[2]), int(m[3])) + dt.timedelta(days=1)
        micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]), hour, int(m[5]), int(m[6]), micro)
    except ValueError:
        raise _bad(path, "ts", value) from None


def parse_dec6(value: Any, path: str) -> Decimal:
    return parse_dec(value, path, "dec6")


_PARSERS = {"str": parse_str, "dec": parse_dec, "dec6": parse_dec6, "int": parse_int, "date": parse_date,
            "ts": parse_ts}

# (column, type, required: must be given and not null). Types as schema.TABLES.
_SETTLEMENT = (("setl_id", "str", True), ("mdtrt_id", "str", True), ("psn_no", "str", True),
               ("fixmedins_code", "str", True), ("setl_time", "ts", True), ("medfee_sumamt", "dec", True),
               ("fund_pay_sumamt", "dec", True))
_VISIT = (("mdtrt_id", "str", True), ("psn_no", "str", True), ("fixmedins_code", "str", True),
          ("med_type", "str", True), ("begntime", "ts", True), ("endtime", "ts", False),
          ("dscg_maindiag_code", "str", False))
_LINE = (("feedetl_sn", "str", True), ("setl_id", "str", True), ("psn_no", "str", True),
         ("fixmedins_code", "str", True), ("fee_ocur_time", "ts", True), ("med_list_codg", "str", True),
         ("list_type", "str", True), ("med_chrgitm_type", "str", False), ("cnt", "dec6", True),
         ("pric", "dec6", True), ("det_item_fee_sumamt", "dec", True), ("inscp_amt", "dec", False),
         ("chrgitm_lv", "str", False), ("prd_days", "int", False), ("pric_uplmt_amt", "dec6", False))
_PERSON = (("psn_no", "str", True), ("certno", "str", False), ("gend", "str", False), ("brdy", "date", False),
           ("death_date", "date", False))
# fee_list_d columns a dataset may leave out (spec 5.20): whether any line gives them matters.
OPTIONAL_LINE_COLUMNS = ("inscp_amt", "chrgitm_lv", "prd_days", "pric_uplmt_amt")


def _compile(spec: tuple) -> tuple:
    return tuple((name, required, _PARSERS[typ], typ != "str") for name, typ, required in spec)


_COMPILED = {id(spec): _compile(spec) for spec in (_SETTLEMENT, _VISIT, _LINE, _PERSON)}


def _fields(obj: Any, path: str, spec: tuple) -> list:
    if not isinstance(obj, dict):
        raise RequestError(path, "应为 JSON 对象", "must be a JSON object")
    out = []
    get = obj.get
    for name, required, parse, empty_is_null in _COMPILED[id(spec)]:
        value = get(name)
        if value is None or (empty_is_null and value == ""):
            if required:
                if name in obj:
                    raise RequestError(f"{path}.{name}", "不能为空", "must not be null")
                raise RequestError(f"{path}.{name}", "缺少必需的字段", "required field missing")
            out.append(None)
        else:
            out.append(parse(value, f"{path}.{name}"))
    return out


def parse_request(data: Any) -> PrescreenRequest:
    """Check and type a decoded JSON request (decode with ``json.loads(body, parse_float=Decimal)``)."""
    if not isinstance(data, dict):
        raise RequestError("", "请求体应为 JSON 对象", "request body must be a JSON object")
    raw = data.get("settlement")
    if raw is None:
        raise RequestError("settlement", "缺少必需的字段", "required field missing")
    values = _fields(raw, "settlement", _SETTLEMENT)
    has_vali = "vali_flag" in raw
    vali = raw.get("vali_flag")
    if vali is not None:
        vali = parse_str(vali, "settlement.vali_flag")
    settlement = Settlement(*values, vali, has_vali)

    visit = None
    raw = data.get("visit")
    if raw is not None:
        visit = Visit(*_fields(raw, "visit", _VISIT))
        if visit.mdtrt_id != settlement.mdtrt_id:
            raise RequestError("visit.mdtrt_id", f"与结算的就诊ID {settlement.mdtrt_id} 不一致",
                               "does not match settlement.mdtrt_id")

    raw_lines = data.get("lines", [])
    if not isinstance(raw_lines, list):
        raise RequestError("lines", "应为 JSON 数组", "must be a JSON array")
    if len(raw_lines) > MAX_LINES:
        raise RequestError("lines", f"费用明细超过{MAX_LINES}行", f"more than {MAX_LINES} lines")
    lines, seen, columns = [], set(), set()
    for i, raw in enumerate(raw_lines):
        path = f"lines[{i}]"
        values = _fields(raw, path, _LINE)
        line = Line(*values, settlement.mdtrt_id)
        if line.setl_id != settlement.setl_id:
            raise RequestError(f"{path}.setl_id", f"与结算ID {settlement.setl_id} 不一致",
                               "does not match settlement.setl_id")
        if line.feedetl_sn in seen:
            raise RequestError(f"{path}.feedetl_sn", "费用明细流水号重复", "duplicate feedetl_sn")
        seen.add(line.feedetl_sn)
        for name in OPTIONAL_LINE_COLUMNS:
            if name in raw:
                columns.add(name)
        lines.append(line)

    person = None
    raw = data.get("person")
    if raw is not None:
        person = Person(*_fields(raw, "person", _PERSON))
        if person.psn_no != settlement.psn_no:
            raise RequestError("person.psn_no", f"与结算的人员编号 {settlement.psn_no} 不一致",
                               "does not match settlement.psn_no")
    return PrescreenRequest(settlement, visit, lines, person, frozenset(columns))


# ---------------------------------------------------------------- back to JSON (history journal, tests)

def ts_text(value: dt.datetime) -> str:
    """A timestamp as DuckDB casts it to text: seconds, then the fraction without trailing zeros."""
    text = (f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}")
    if value.microsecond:
        text += "." + f"{value.microsecond:06d}".rstrip("0")
    return text


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return ts_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _record_json(record: Any, spec: tuple, omit: frozenset[str] | set[str] = frozenset()) -> dict:
    return {name: _json_value(getattr(record, name)) for name, _, _ in spec if name not in omit}


def request_json(request: PrescreenRequest, *, with_person: bool = True) -> dict:
    """The request as JSON data that parse_request reads back to the same records."""
    s = request.settlement
    settlement = _record_json(s, _SETTLEMENT)
    if s.has_vali:
        settlement["vali_flag"] = s.vali_flag
    omit = frozenset(OPTIONAL_LINE_COLUMNS) - request.line_columns
    data: dict = {"settlement": settlement, "lines": [_record_json(f, _LINE, omit) for f in request.lines]}
    if request.visit is not None:
        data["visit"] = _record_json(request.visit, _VISIT)
    if with_person and request.person is not None:
        data["person"] = _record_json(request.person, _PERSON)
    return data
