"""State changes of a user's own security settings, each with its audit event in one transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from yibao.core.audit import record_event

from .twofactor import RECOVERY_DEVICE_NAME, new_recovery_codes


def do_change_password(user: Any, new_password: str, *, actor: Any, request: Any = None) -> None:
    """Set a user's password (already validated) and record it; the session stays signed in."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save()
        record_event("user.password_change", actor=actor, obj=user,
                     summary=f"{user.get_username()} 修改了登录密码", data={"username": user.get_username()})
    if request is not None:
        update_session_auth_hash(request, user)


def do_confirm_totp_device(device: TOTPDevice, *, actor: Any) -> list[str]:
    """Confirm a TOTP device whose first token was right, drop the user's other TOTP devices, and give
    fresh recovery codes (returned once, to be shown once)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
        record_event("user.2fa_device_add", actor=actor, obj=device.user,
                     summary=f"{device.user.get_username()} 启用了动态口令（TOTP）",
                     data={"device": "totp", "recovery_codes": len(codes)})
    return codes


def do_new_recovery_codes(user: Any, *, actor: Any) -> list[str]:
    with transaction.atomic():
        codes = new_recovery_codes(user)
        record_event("user.2fa_recovery_codes", actor=actor, obj=user,
                     summary=f"{user.get_username()} 重新生成了恢复码", data={"count": len(codes)})
    return codes


def do_remove_second_factor(user: Any, *, actor: Any) -> int:
    """Remove the user's TOTP device and recovery codes; the number of devices removed."""
    from ..models import RecoveryCodeDevice

    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
        removed += RecoveryCodeDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).delete()[1].get(
            "org.RecoveryCodeDevice", 0)
        record_event("user.2fa_device_remove", actor=actor, obj=user,
                     summary=f"{user.get_username()} 停用了动态口令", data={"removed": removed})
    return removed
