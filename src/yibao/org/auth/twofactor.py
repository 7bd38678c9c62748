"""Who must sign in with a second factor, and the recovery codes.

A user is "verified" when any confirmed django-otp device accepted a token in this session (django-otp's
`is_verified`), so a site can add a device plugin (a certificate, a USB key) without changing this rule.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user

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
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT fresh ones, stored hashed; each works once.
    The codes are returned to be shown this once: nothing can show them again."""
    from ..models import RecoveryCode, RecoveryCodeDevice
    from .recovery import hash_code, new_code

    with transaction.atomic():
        device, _ = RecoveryCodeDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
        device.codes.all().delete()
        codes = [new_code() for _ in range(RECOVERY_CODE_COUNT)]
        RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=hash_code(code)) for code in codes)
    return codes
