"""集体讨论 (行政处罚法 第五十七条第二款): who attended, who chaired, what they concluded."""

from django.conf import settings
from django.db import models


class Deliberation(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE,
                             related_name="deliberations")
    held_on = models.DateField("讨论日期")
    chaired_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="主持人（负责人）", on_delete=models.PROTECT,
                                   related_name="+")
    attendees = models.JSONField("参加人员", default=list)
    conclusion = models.TextField("讨论结论")

    class Meta:
        verbose_name = "集体讨论"
        verbose_name_plural = "集体讨论"
        ordering = ["case", "held_on", "id"]

    def __str__(self) -> str:
        return f"集体讨论 {self.held_on}（案件 {self.case_id}）"
