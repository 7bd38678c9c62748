"""Sets the request context events read their source address from, and records what is visible only at
the request's end: every API call (user, method, path, status) and every page refused with 403."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from . import context

API_PREFIX = "/api/"
# Pre-screen calls (thousands a second) go to the access log (access_log.py), not one chain event each.
PRESCREEN_PATH = "/api/v1/prescreen"


def outcome_of(status: int) -> str:
    from yibao.core.models.audit import Outcome

    if status >= 500:
        return Outcome.FAILED
    return Outcome.REFUSED if status >= 400 else Outcome.SUCCESS


def _actor(request: HttpRequest):
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        return user
    # A personal API token: Ninja puts the token's user on request.auth.
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.set_for(request)
        try:
            response = self._separated(request) or self.get_response(request)
            self._record(request, response)
            return response
        finally:
            context.reset(token)

    def _separated(self, request: HttpRequest) -> HttpResponse | None:
        """The audit administrator reaches the audit pages, the security administrator the accounts' admin
        pages, each their own account, nothing else (三权分立, org.constants.CONFINED_ROLE_PATHS)."""
        from yibao.org.constants import Role

        from .access import confined_paths

        paths = confined_paths(getattr(request, "user", None))
        if paths is None or request.path.startswith(paths):
            return None
        if request.path == "/":
            return redirect(paths[0])
        if request.user.profile.role == Role.AUDIT_ADMIN:
            message = "审计管理员只能查看审计日志（三权分立），不能访问业务功能。"
        else:
            message = "安全管理员只能管理账号、角色和口令（三权分立），不能访问业务功能和审计日志。"
        if request.path.startswith(API_PREFIX):
            from yibao.api.errors import ErrorCode, error_body

            return JsonResponse(error_body(ErrorCode.FORBIDDEN, message), status=403,
                                json_dumps_params={"ensure_ascii": False})
        return render(request, "core/audit/forbidden.html", {"message": message}, status=403)

    def _record(self, request: HttpRequest, response: HttpResponse) -> None:
        from yibao.core.audit import record_event

        status = response.status_code
        path = request.path
        if path.startswith(API_PREFIX):
            if path.startswith(PRESCREEN_PATH):
                from yibao.monitoring.prescreen.service import bureau_for_key

                from . import access_log

                key = request.headers.get("X-Api-Key")
                actor = _actor(request)
                access_log.note(key or f"session:{actor.get_username() if actor else '-'}",
                                bureau_for_key(key) if key else request.GET.get("bureau"), status)
                return
            data = {"method": request.method, "path": path, "status": status}
            refusal = getattr(request, "_audit_refusal_code", None)
            if refusal:
                data["code"] = refusal
            record_event("api.call", actor=_actor(request), summary=f"{request.method} {path} → {status}",
                         data=data, outcome=outcome_of(status))
        elif status == 403:
            record_event("access.denied", actor=_actor(request), summary=f"拒绝访问：{request.method} {path}",
                         data={"method": request.method, "path": path, "status": status},
                         outcome=outcome_of(status))
