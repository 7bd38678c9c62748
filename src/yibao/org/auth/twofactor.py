"""Who must sign in with a second factor, and the recovery codes.

A user is "verified" when any confirmed django-otp device accepted a token in this session (django-otp's
`is_verified`), so a site can add a device plugin (a certificate, a USB key) without changing this rule.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from ..constants import SECOND_FACTOR_ROLES

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "恢复码"


def role_of(user: Any) -> str | None:
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return getattr(profile, "role", None)


def second_factor_required(user: Any) -> bool:
    """Whether this user's role (or superuser status) demands a second factor, under YIBAO_REQUIRE_2FA."""
    if not settings.YIBAO_REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or role_of(user) in SECOND_FACTOR_ROLES


def has_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def second_factor_owed(user: Any) -> bool:
    """Whether signing in takes a second factor from this user: required of them, or a device they set up."""
    return second_factor_required(user) or has_device(user)


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT fresh ones; each works once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    return codes
