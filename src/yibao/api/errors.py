"""The one error shape of every JSON answer under /api/: ``{"code", "message", "basis"}``.

`code` is a stable English identifier a program can branch on, `message` the Chinese sentence for
the user, `basis` the article the refusal enforces (its label, e.g. 《中华人民共和国行政处罚法》第五十八条第一款)
or null. Pure: the pre-screen's WSGI fast path builds its answers with it without loading Django.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from yibao.cases.procedure import GuardCode, Refusal, ServiceCode


class ErrorCode(StrEnum):
    """Codes of the API's own refusals; the case services add theirs (procedure.GuardCode, ServiceCode)."""

    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_TOKEN = "invalid_token"
    INVALID_API_KEY = "invalid_api_key"
    CSRF_FAILED = "csrf_failed"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INVALID_INPUT = ServiceCode.INVALID_INPUT.value
    INVALID_JSON = "invalid_json"
    BODY_TOO_LARGE = "body_too_large"
    DISALLOWED_HOST = "disallowed_host"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"


# What the status of an answer without a more specific code says (Django's own 404, 405, 500 pages
# under /api/ are replaced by these).
STATUS_ERRORS: dict[int, tuple[ErrorCode, str]] = {
    400: (ErrorCode.INVALID_INPUT, "请求有误"),
    401: (ErrorCode.NOT_AUTHENTICATED, "未登录或缺少 API 令牌"),
    403: (ErrorCode.FORBIDDEN, "您无权进行此操作"),
    404: (ErrorCode.NOT_FOUND, "请求的资源不存在"),
    405: (ErrorCode.METHOD_NOT_ALLOWED, "不支持该请求方法"),
    413: (ErrorCode.BODY_TOO_LARGE, "请求体过大"),
    500: (ErrorCode.SERVER_ERROR, "服务器内部错误，请稍后重试或联系系统管理员"),
    503: (ErrorCode.UNAVAILABLE, "服务暂不可用"),
}

# Refusals about who acts (their role, post, bureau or place on the case), not about the case: 403.
ACTOR_REFUSALS = frozenset({
    "wrong_role", ServiceCode.WRONG_POST, ServiceCode.OUT_OF_SCOPE, ServiceCode.NOT_CASE_OFFICER,
    GuardCode.REVIEWER_IS_CASE_OFFICER, GuardCode.NOT_DECIDED_BY_HEAD,
    "seal_not_seal_officer",  # coercion.procedure.SealCode.NOT_SEAL_OFFICER: not one of the seal's officers
})


def error_body(code: str, message: str, basis: str | None = None) -> dict[str, Any]:
    return {"code": str(code), "message": message, "basis": basis}


def status_error(status: int) -> dict[str, Any]:
    """The body for an answer known only by its status (a 404 of the URL resolver, a 405, a 500)."""
    code, message = STATUS_ERRORS.get(status, STATUS_ERRORS[500] if status >= 500 else STATUS_ERRORS[400])
    return error_body(code, message)


def refusal_status(refusal: Refusal) -> int:
    """409 for a stale version; 403 for the wrong actor; 400 for bad input; 422 for the procedure's
    refusals (wrong state, a guard with its article), where the request is understood but the law
    does not allow the step now."""
    if refusal.code == ServiceCode.CONFLICT:
        return 409
    if refusal.code in ACTOR_REFUSALS:
        return 403
    if refusal.code == ServiceCode.INVALID_INPUT:
        return 400
    return 422


class ApiError(Exception):
    """A refusal of the API itself, answered as the shape with its status."""

    def __init__(self, status: int, code: str, message: str, basis: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.basis = status, code, message, basis

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.basis)
