"""Lockout after repeated failed sign-ins (django-axes): per account and per address, a lock that grows.

Axes counts the failures; this module says how long a lock lasts, what the locked-out user sees, and
which address a request comes from (behind YIBAO_TRUSTED_PROXIES proxies).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

# Earlier lockouts within this window make the next one longer.
REPEAT_WINDOW = datetime.timedelta(hours=24)


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check before the password is, except where no request exists (the command line, tests
    calling authenticate() directly): only a request can be attributed to an address and counted."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the audit trail records it (the trusted proxies' X-Forwarded-For)."""
    from yibao.core.auditlog.context import client_ip

    return client_ip(request.META)


def _username(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    credentials = getattr(request, "axes_credentials", None) or {}
    return credentials.get("username") or request.POST.get("username", "")


def _earlier_lockouts(request: HttpRequest | None) -> int:
    from axes.models import AccessFailureLog
    from django.db.models import Q

    if request is None:
        return 0
    since = timezone.now() - REPEAT_WINDOW
    who = Q(ip_address=client_address(request))
    if username := _username(request):
        who |= Q(username=username)
    # Axes logs each failure made while locked out as locked_out; the first of a run marks one lockout.
    failures = AccessFailureLog.objects.filter(who, attempt_time__gte=since).count()
    return max(failures // max(settings.YIBAO_LOCKOUT_FAILURES, 1) - 1, 0)


def cool_off(request: HttpRequest | None = None) -> datetime.timedelta:
    """YIBAO_LOCKOUT_MINUTES, doubled for each earlier lockout within a day, at most YIBAO_LOCKOUT_MAX_MINUTES."""
    minutes = settings.YIBAO_LOCKOUT_MINUTES * 2 ** min(_earlier_lockouts(request), 16)
    return datetime.timedelta(minutes=min(minutes, settings.YIBAO_LOCKOUT_MAX_MINUTES))


def time_left(request: HttpRequest) -> datetime.timedelta:
    """How long the lock on this request's account or address still lasts."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Q

    who = Q(ip_address=client_address(request))
    if username := _username(request):
        who |= Q(username=username)
    last = AccessAttempt.objects.filter(who).aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return cool_off(request)
    return max(last + cool_off(request) - timezone.now(), datetime.timedelta(0))


def lockout_message(left: datetime.timedelta) -> str:
    minutes = max(math.ceil(left.total_seconds() / 60), 1)
    return (f"登录失败次数过多，该账号或本机地址已被暂时锁定，请 {minutes} 分钟后再试。"
            "如非本人操作，请联系安全管理员。")


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The sign-in page again, with the lock's reason and the time left, as 429."""
    from yibao.core.forms import LoginForm

    message = lockout_message(time_left(request))
    context = {"form": LoginForm(request), "lockout": message, "next": request.POST.get("next", "")}
    return render(request, "core/login.html", context, status=429)
