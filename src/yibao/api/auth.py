"""Who calls the API: a personal token (``Authorization: Bearer yb_…``) or the browser's session, which
must then carry the CSRF token on a POST like any form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from .errors import ApiError, ErrorCode
from .tokens import user_for_token


class TokenAuth(HttpBearer):
    """A personal API token. A token that is wrong or revoked is refused at once (401), not tried as a
    session, so the caller learns that the token is the problem."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token.strip())
        if user is None:
            raise ApiError(401, ErrorCode.INVALID_TOKEN, "API 令牌无效或已撤销，请在“API 令牌”页面重新创建")
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser user; a POST needs the CSRF token (header X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if request.user.is_authenticated and not getattr(request, "_ninja_csrf_exempt", False) \
                and check_csrf(request) is not None:
            raise ApiError(403, ErrorCode.CSRF_FAILED, "CSRF 校验失败：请在请求头 X-CSRFToken 中带上页面的 CSRF 令牌")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


AUTH = [TokenAuth(), SessionAuth()]
