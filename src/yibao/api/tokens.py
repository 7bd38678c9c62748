"""Creating, revoking and checking personal API tokens. The token is shown once, when created; the
database keeps its SHA-256 digest, which is enough for a random 256-bit secret (no slow hash needed:
nobody can guess one to test against the digest)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from yibao.core.audit import record_event

from .models import ApiToken

TOKEN_PREFIX = "yb_"
PREFIX_SHOWN = 10
# A token used within this time is not written again: one UPDATE per request would serialise the API
# on SQLite, and the date is for the user's overview, not for the audit trail.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class TokenError(ValueError):
    """A token request refused, with its Chinese message."""


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def do_create_api_token(user: Any, name: str, *, actor: Any) -> tuple[ApiToken, str]:
    """A new token for `user` (the actor themself, or an administrator on the command line): the row and
    the raw token, which is not kept anywhere and must be shown to the user now."""
    name = (name or "").strip()
    if not name:
        raise TokenError("请填写令牌的用途，如“数据对接”")
    if not user.is_active:
        raise TokenError(f"用户 {user.get_username()} 已停用，不能创建令牌")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[:PREFIX_SHOWN], digest=digest(raw))
        record_event("api_token.create", actor=actor, obj=token,
                     summary=f"为 {user.get_username()} 创建 API 令牌“{token.name}”（{token.prefix}…）",
                     data={"user": user.pk, "prefix": token.prefix})
    return token, raw


def do_revoke_api_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke a token: its owner or a superuser only; a revoked token answers 401 from then on."""
    if actor is not None and actor.pk != token.user_id and not actor.is_superuser:
        raise TokenError("只能撤销自己的令牌")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise TokenError(f"令牌“{token.name}”已于 {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M} 撤销")
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_event("api_token.revoke", actor=actor, obj=token,
                     summary=f"撤销 {token.user.get_username()} 的 API 令牌“{token.name}”（{token.prefix}…）",
                     data={"user": token.user_id, "prefix": token.prefix})
    return token


def user_for_token(raw: str) -> Any | None:
    """The active user of an active token, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
