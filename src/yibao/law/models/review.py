"""A legal reviewer's sign-off on a provision's encoding, tied to the exact encoding reviewed."""

from django.conf import settings
from django.db import models


class ProvisionReview(models.Model):
    provision_id = models.CharField("罚则编号", max_length=50, db_index=True)
    encoding_hash = models.CharField("编码摘要", max_length=64)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField("审核时间", auto_now_add=True)
    note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "罚则编码审核"
        verbose_name_plural = "罚则编码审核"
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.provision_id} {self.reviewed_at:%Y-%m-%d}"
