"""The API of /api/v1/: one Django Ninja instance, its routers, authentication and error answers.

Django Ninja writes the OpenAPI document from the operations' type hints and pydantic schemas, so the
document cannot drift from the code; it is served at /api/v1/openapi.json without a token. The
pre-screen is the one path served outside Ninja (its WSGI fast path answers without Django); its
operation is added to the document from the table contract it parses (prescreen.py).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from yibao.cases.procedure import Refusal

from .auth import AUTH
from .errors import STATUS_ERRORS, ApiError, ErrorCode, error_body, refusal_status, status_error
from .limits import LimitedJSONParser
from .prescreen import add_prescreen

log = logging.getLogger(__name__)


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese text as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}
    encoder_class = NinjaJSONEncoder


class YibaoAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        add_prescreen(schema, error_ref="#/components/schemas/ErrorOut")
        return schema


api = YibaoAPI(
    title="yibao 医保执法 API",
    version="1",
    description=("医保执法系统的 JSON 接口：线索、案件及每个办案环节、权责清单、事前预审。"
                 "认证：个人 API 令牌（请求头 `Authorization: Bearer yb_…`，在“API 令牌”页面或 "
                 "`yibao api-token create --user NAME` 创建）或浏览器登录会话（POST 须带 X-CSRFToken）。"
                 "所有错误均为 `{\"code\", \"message\", \"basis\"}`，见 docs/api.md。"),
    urls_namespace="api-v1",
    auth=AUTH,
    renderer=ChineseJSONRenderer(),
    parser=LimitedJSONParser(),
    docs_url="/docs",
)


def answer(request: HttpRequest, status: int, body: dict) -> HttpResponse:
    return api.create_response(request, body, status=status)


# ---------------------------------------------------------------- errors

# pydantic's error types in Chinese: what the field should have been.
VALIDATION_MESSAGES = {
    "missing": "缺少必填项",
    "string_type": "应为文本",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字", "float_parsing": "应为数字", "float_type": "应为数字",
    "decimal_max_places": "小数位数过多", "decimal_max_digits": "数字位数过多",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "date_parsing": "应为日期（年-月-日，如 2026-03-02）", "date_from_datetime_parsing": "应为日期（年-月-日，如 2026-03-02）",
    "date_type": "应为日期（年-月-日，如 2026-03-02）",
    "list_type": "应为数组", "dict_type": "应为对象", "model_attributes_type": "应为对象",
    "json_invalid": "请求体不是有效的 JSON", "literal_error": "取值不在允许的范围内", "enum": "取值不在允许的范围内",
    "greater_than": "数值过小", "greater_than_equal": "数值过小", "less_than_equal": "数值过大",
    "string_too_long": "文本过长", "string_too_short": "不能为空",
}


def field_name(loc: tuple | list) -> str:
    """The field a pydantic error is about, as the caller wrote it: `fine`, `parties[0].name`, `limit`."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        where = parts.pop(0)
        if where == "body" and parts and parts[0] == "payload":  # the operation's parameter, not the caller's
            parts.pop(0)
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_message(errors: list[dict]) -> str:
    described = []
    for e in errors[:3]:
        text = VALIDATION_MESSAGES.get(e.get("type", ""), "取值不正确")
        ctx = e.get("ctx") or {}
        if e.get("type") in ("literal_error", "enum") and ctx.get("expected"):
            text += f"（可选：{ctx['expected']}）"
        name = field_name(e.get("loc", ()))
        described.append(f"{name}：{text}" if name else text)
    more = f"等 {len(errors)} 处" if len(errors) > 3 else ""
    return "请求数据有误：" + "；".join(described) + more


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return answer(request, exc.status, exc.body())


@api.exception_handler(Refusal)
def _refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
    request._audit_refusal_code = exc.code  # the API-call event (core/auditlog/middleware.py) names it
    return answer(request, refusal_status(exc), exc.as_dict())


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return answer(request, 400, error_body(ErrorCode.INVALID_INPUT, validation_message(exc.errors)))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return answer(request, 401, status_error(401))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, ApiError):  # the parser's own refusal (api/limits.py), wrapped by Ninja
        return answer(request, exc.__cause__.status, exc.__cause__.body())
    # Ninja wraps a body json.loads cannot read (bad syntax, or nesting too deep: RecursionError) in a 400.
    if exc.status_code == 400 and isinstance(exc.__cause__, (ValueError, RecursionError)):
        return answer(request, 400, error_body(ErrorCode.INVALID_JSON, "请求体不是有效的 JSON，或嵌套过深"))
    code, message = STATUS_ERRORS.get(exc.status_code, STATUS_ERRORS[400])
    return answer(request, exc.status_code, error_body(code, message))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return answer(request, 413, error_body(ErrorCode.BODY_TOO_LARGE,
                                           f"请求体过大（超过 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} 字节）"))


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A number no column can hold (an id of 10^20: SQLite's OverflowError, PostgreSQL's DataError) is the
    # caller's mistake, found by the API fuzz test; said as bad input rather than a server error.
    log.info("API %s %s: value out of range: %s", request.method, request.path, exc)
    return answer(request, 400, error_body(ErrorCode.INVALID_INPUT, "请求数据有误：数值超出范围或文本过长"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return answer(request, 404, status_error(404))


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return answer(request, 403, error_body(ErrorCode.FORBIDDEN, str(exc) or STATUS_ERRORS[403][1]))


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return answer(request, 400, error_body(ErrorCode.INVALID_INPUT, "；".join(exc.messages)))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API %s %s failed", request.method, request.path)
    return answer(request, 500, status_error(500))


# ---------------------------------------------------------------- routers

def _routes() -> None:
    from yibao.cases.api import case_router, lead_router
    from yibao.catalog.api import router as catalog_router

    api.add_router("/catalog", catalog_router)
    api.add_router("/leads", lead_router)
    api.add_router("/cases", case_router)
    from yibao.cases.api_investigation import router as investigation_router  # noqa: PLC0415

    api.add_router("/cases", investigation_router)
    from yibao.coercion.api import router as seal_router  # noqa: PLC0415 - loaded with the other routers

    api.add_router("/seals", seal_router)
    from yibao.documents.api import case_router as case_documents_router  # noqa: PLC0415
    from yibao.documents.api import router as documents_router  # noqa: PLC0415
    from yibao.documents.api import verify_router  # noqa: PLC0415

    api.add_router("/cases", case_documents_router)
    api.add_router("/documents", documents_router)
    api.add_router("/verify", verify_router)


_routes()
