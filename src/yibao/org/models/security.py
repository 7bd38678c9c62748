"""Secrets of signing in kept as hashes: earlier passwords (so a new one cannot repeat them) and recovery codes
(docs/security.md, 身份鉴别)."""

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin


class PasswordHistory(models.Model):
    """One password a user had, as its hash; the newest row's time is when the password was last set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField("密码哈希", max_length=128)
    set_at = models.DateTimeField("设置时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.set_at:%Y-%m-%d %H:%M}"


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A user's recovery codes as a django-otp device: each code works once, and only its salted hash is
    stored (django-otp's static device keeps codes in clear; a copy of the database must not sign anyone in)."""

    class Meta:
        verbose_name = verbose_name_plural = "恢复码"

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: str) -> bool:
        from ..auth.recovery import matching_code

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        code = matching_code(self.codes.all(), str(token))
        if code is None:
            self.throttle_increment()
            return False
        code.delete()
        self.throttle_reset()
        return True


class RecoveryCode(models.Model):
    """One unused recovery code, as `pbkdf2_sha256$iterations$salt$hash` (org/auth/recovery.py)."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField("哈希", max_length=128)

    class Meta:
        verbose_name = verbose_name_plural = "恢复码（哈希）"

    def __str__(self) -> str:
        return f"恢复码 #{self.pk}"
