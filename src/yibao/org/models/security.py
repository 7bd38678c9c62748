"""The hashes of a user's earlier passwords, so a new one cannot repeat them (docs/security.md, 身份鉴别)."""

from django.conf import settings
from django.db import models


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
