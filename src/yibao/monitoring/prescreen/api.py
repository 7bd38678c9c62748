"""POST /api/v1/prescreen: judge one settlement before it is paid (事前预审).

Request (JSON, the spec's column names and types; money as strings or numbers with at most 2
places, unit prices and quantities up to 6, timestamps ``YYYY-MM-DD HH:MM:SS``):

    {"settlement": {setl_d columns},
     "visit": {mdtrt_d columns},          optional: without it the settlement is outpatient with
                                          no visit day (spec 5.2) unless the history knows the visit
     "lines": [{fee_list_d columns}, ...],
     "person": {psn_info columns}}        optional: the registry's row is used otherwise

Answer 200:

    {"verdict": "refuse" | "warn" | "pass",   refuse: a violation found; warn: a suspect one
     "findings": [{rule_id, rule_name, severity, fixmedins_code, psn_no, setl_id, feedetl_sn,
                   med_list_codg, day, month, amount ("12.50"), basis, evidence {…}}],
     "rules": ["R01", …],                    the rules that judged the settlement
     "skipped": {"R15": "仅在批量筛查中运行", …},
     "ms": 0.41}                              server time spent on the request

``settlement.vali_flag``: '1' valid; left out, valid; null or any other value, reversed (冲正): no rule
judges it (spec 5.1) and it replaces, as invalid, an earlier version of the same setl_id in the
history. The optional fee_list_d columns (inscp_amt, chrgitm_lv, prd_days, pric_uplmt_amt) left
out of every line skip the rules that need them, as a dataset without the column does.

Errors are the API's one shape ``{"code", "message", "basis"}`` (yibao/api/errors.py): 400
``invalid_input`` names the bad field in Chinese (``请求数据有误：lines[2].pric：取值不是最多六位小数``)
or ``invalid_json``; 401 ``not_authenticated`` / ``invalid_api_key`` without a valid ``X-Api-Key``
header or a logged-in session; 503 ``unavailable`` when the bureau has no usable dataset. With
``?dry_run=1`` the settlement is judged but not added to the history.

Authentication: ``X-Api-Key`` (service.bureau_for_key, per bureau, YIBAO_PRESCREEN_KEYS) or a
logged-in session (the user's bureau; staff without one pass ``?bureau=<code>``), which must
then carry the CSRF token like any form post.
"""

import json
import logging
import time
from decimal import Decimal

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from yibao.api.errors import ErrorCode, error_body

from . import service
from .request import RequestError

log = logging.getLogger(__name__)
JSON_TYPE = "application/json; charset=utf-8"


def _answer(payload: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode("utf-8"), status=status, content_type=JSON_TYPE)


def _error(code: str, message: str, status: int) -> HttpResponse:
    return _answer(error_body(code, message), status)


def _session_bureau(request: HttpRequest) -> tuple[str | None, HttpResponse | None]:
    """The bureau code of a logged-in user, or the error to answer."""
    user = request.user
    if not user.is_authenticated:
        return None, _error(ErrorCode.NOT_AUTHENTICATED, "未登录或缺少 API 密钥", 401)
    refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    if refused is not None:
        return None, _error(ErrorCode.CSRF_FAILED, "CSRF 校验失败", 403)
    from ..services import actor_bureau

    bureau = actor_bureau(user)
    if bureau is not None:
        if not bureau.code:
            return None, _error(ErrorCode.FORBIDDEN, "所属单位没有行政区划代码，无法预审", 403)
        return bureau.code, None
    if user.is_staff or user.is_superuser:
        code = request.GET.get("bureau", "").strip()
        if code:
            return code, None
        return None, _error(ErrorCode.INVALID_INPUT, "请用 bureau 参数指定单位的行政区划代码", 400)
    return None, _error(ErrorCode.FORBIDDEN, "您的账号未关联单位，无法预审", 403)


def answer(code: str, body: bytes, *, dry_run: bool = False) -> tuple[int, dict]:
    """Judge a request's JSON body for a bureau: (HTTP status, answer). Shared by the Django view
    and the WSGI fast path (fastpath.py), so both answer alike."""
    try:
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        return 400, error_body(ErrorCode.INVALID_JSON, "请求体不是有效的 JSON")
    except RecursionError:  # [[[… nested deeper than the parser's stack: a bad request, not a server error
        return 400, error_body(ErrorCode.INVALID_JSON, "请求体不是有效的 JSON：嵌套过深")
    try:
        result = service.prescreen(code, data, record=not dry_run, body=body)
    except RequestError as e:
        log.info("pre-screen %s: bad request: %s", code, e.detail)
        return 400, error_body(ErrorCode.INVALID_INPUT, f"请求数据有误：{e.message}")
    except service.PrescreenUnavailable as e:
        log.warning("pre-screen %s unavailable: %s", code, e)
        return 503, error_body(ErrorCode.UNAVAILABLE, str(e))
    return 200, result.as_json()


def is_dry_run(value: str | None) -> bool:
    return value in ("1", "true")


@csrf_exempt  # API-key callers have no CSRF token; session callers are checked in _session_bureau
def prescreen(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    if request.method != "POST":
        response = _error(ErrorCode.METHOD_NOT_ALLOWED, "只接受 POST 请求", 405)
        response["Allow"] = "POST"
        return response
    key = request.META.get("HTTP_X_API_KEY")
    if key is not None:
        code = service.bureau_for_key(key)
        if code is None:
            log.warning("pre-screen: invalid API key from %s", request.META.get("REMOTE_ADDR"))
            return _error(ErrorCode.INVALID_API_KEY, "API 密钥无效", 401)
    else:
        code, refused = _session_bureau(request)
        if refused is not None:
            return refused
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(ErrorCode.BODY_TOO_LARGE, "请求体过大", 413)
    status, payload = answer(code, body, dry_run=is_dry_run(request.GET.get("dry_run")))
    if status == 200:
        payload["ms"] = round((time.perf_counter() - started) * 1000, 3)
    return _answer(payload, status)
