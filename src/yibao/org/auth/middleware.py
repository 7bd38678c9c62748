"""What a signed-in user meets before any page: the session's limits, the second factor, an expired
password. Runs after LoginRequiredMiddleware, so an anonymous request never gets here unchecked."""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

from .passwords import password_expired
from .twofactor import second_factor_owed

SESSION_STARTED = "yibao_started"
SESSION_SEEN = "yibao_seen"
# Decided once when the session begins (signing in), so a page costs no query for them.
PASSWORD_CHECKED = "yibao_password_ok"
SECOND_FACTOR_DUE = "yibao_2fa_due"
# The last activity is written back at most this often: a write per request would cost every page a query.
SEEN_RESOLUTION_SECONDS = 60
# Paths a user whose second factor or password change is due may still reach.
ALWAYS_OPEN = ("/static/", "/logout/", "/login/", "/healthz", "/favicon.ico")
# What a user may reach before giving the second factor (nothing else under /account/: new recovery codes
# there would hand the second factor to whoever has the password), and before changing an expired password.
SECOND_FACTOR_PAGES = ("/account/2fa/verify/", "/account/2fa/setup/")
PASSWORD_PAGES = ("/account/password/",)


def begin_session(request, user) -> None:
    """Mark when the session began and what the user owes before the first page."""
    now = time.time()
    session = request.session
    session[SESSION_STARTED] = session[SESSION_SEEN] = now
    session[PASSWORD_CHECKED] = not password_expired(user)
    session[SECOND_FACTOR_DUE] = second_factor_owed(user)


@receiver(user_logged_in, dispatch_uid="yibao.org.begin_session")
def _on_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        begin_session(request, user)


def _session_over(request) -> str | None:
    now = time.time()
    session = request.session
    started = session.get(SESSION_STARTED, now)
    seen = session.get(SESSION_SEEN, now)
    if now - started > settings.YIBAO_SESSION_MAX_HOURS * 3600:
        return f"登录已超过 {settings.YIBAO_SESSION_MAX_HOURS} 小时，请重新登录。"
    if now - seen > settings.YIBAO_SESSION_IDLE_MINUTES * 60:
        return f"已超过 {settings.YIBAO_SESSION_IDLE_MINUTES} 分钟未操作，请重新登录。"
    if now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_STARTED not in session:
        session.setdefault(SESSION_STARTED, now)
        session[SESSION_SEEN] = now
    return None


class IdentityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # A token-authenticated API call has no session to time out or to verify.
        if user is None or not user.is_authenticated or request.path.startswith(ALWAYS_OPEN):
            return self.get_response(request)
        if reason := _session_over(request):
            logout(request)
            messages.info(request, reason)
            return redirect(f"{reverse('login')}?next={quote(request.path)}")
        if SECOND_FACTOR_DUE not in request.session:  # a session from before this check existed
            begin_session(request, user)
        if request.path.startswith(SECOND_FACTOR_PAGES):
            return self.get_response(request)
        if request.session[SECOND_FACTOR_DUE] and not user.is_verified():
            return self._refuse(request, "org_auth:verify")
        if not request.session[PASSWORD_CHECKED] and not request.path.startswith(PASSWORD_PAGES):
            return self._refuse(request, "org_auth:password_change", expired=True)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, view: str, *, expired: bool = False):
        if request.path.startswith("/api/"):
            from yibao.api.responses import json_error

            return json_error(403)
        if expired:
            messages.warning(request, f"密码已使用超过 {settings.YIBAO_PASSWORD_MAX_AGE_DAYS} 天，请先修改密码。")
        return redirect(f"{reverse(view)}?next={quote(request.path)}")
