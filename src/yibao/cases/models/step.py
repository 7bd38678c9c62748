"""The case's timeline: every step taken, by whom, from which state to which. Append-only, like the
audit trail (core/models/audit.py): a step once taken is history and is never rewritten."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .case import CASE_STATE_CHOICES


class CaseStepQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("case steps cannot be changed")

    def delete(self):
        raise PermissionError("case steps cannot be deleted")


class CaseStep(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="steps")
    action = models.CharField("环节", max_length=32)
    label = models.CharField("名称", max_length=60)
    from_state = models.CharField("原状态", max_length=16, choices=CASE_STATE_CHOICES, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=CASE_STATE_CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.TextField("理由或意见", blank=True)
    data = models.JSONField("内容", default=dict, blank=True)

    objects = CaseStepQuerySet.as_manager()

    class Meta:
        verbose_name = "办案环节"
        verbose_name_plural = "办案环节"
        ordering = ["case", "at", "id"]
        # The board's 法制审核 deadline reads, per case, the last step into review.
        indexes = [models.Index(fields=["to_state", "case", "at"], name="cases_step_to_state")]

    def __str__(self) -> str:
        return f"{self.label}（案件 {self.case_id}）"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("case steps cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("case steps cannot be deleted")
