"""What moves a case's deadline: the head's extensions and the periods the law does not count."""

from django.conf import settings
from django.db import models

from ..case_clock import EXCLUDED_KINDS


class DeadlineExtension(models.Model):
    """延长办案期限, approved by the head with the reason; a further one after collective deliberation."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField("延长天数")
    reason = models.TextField("延长理由")
    deliberation_record = models.TextField("集体讨论记录", blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT,
                                    related_name="+")
    approved_on = models.DateField("批准日期")

    class Meta:
        verbose_name = "办案期限延长"
        verbose_name_plural = "办案期限延长"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"延长 {self.days} 日（案件 {self.case_id}）"


class ExcludedPeriod(models.Model):
    """A period not counted in the case deadline: testing, appraisal, hearing, announcement, expert review, or
    a suspension (recorded by the suspend and resume steps). An open period has no end yet."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE,
                             related_name="excluded_periods")
    kind = models.CharField("类别", max_length=16, choices=list(EXCLUDED_KINDS.items()))
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    reason = models.TextField("事由")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "不计入办案期限的期间"
        verbose_name_plural = "不计入办案期限的期间"
        ordering = ["case", "start_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_on}（案件 {self.case_id}）"
