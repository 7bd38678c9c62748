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


class TransferKind(models.TextChoices):
    JUDICIARY = "judiciary", "涉嫌犯罪移送司法机关"
    AUTHORITY = "authority", "移送其他有管辖权的机关"


class CaseTransfer(models.Model):
    """移送: the letter sent (to the judiciary when a crime is suspected, 行政处罚法 第二十七条第一款; or to the
    authority with jurisdiction) and the receipt the receiver returned."""

    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="transfer")
    kind = models.CharField("移送类别", max_length=16, choices=TransferKind.choices)
    to_authority = models.CharField("接收机关", max_length=200)
    letter_number = models.CharField("移送函文号", max_length=100)
    sent_on = models.DateField("移送日期")
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    receipt_note = models.TextField("回执情况", blank=True)

    class Meta:
        verbose_name = "案件移送"
        verbose_name_plural = "案件移送"

    def __str__(self) -> str:
        return f"移送 {self.to_authority}（案件 {self.case_id}）"
