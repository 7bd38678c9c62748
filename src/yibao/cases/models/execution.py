"""Execution after the decision: a deferral or instalments the head approved (行政处罚法 第六十六条第二款), the
payments of the fine one by one, and the party's 行政复议 or 行政诉讼 with its outcome."""

from django.conf import settings
from django.db import models


class ArrangementKind(models.TextChoices):
    DEFERRAL = "deferral", "暂缓缴纳"
    INSTALMENTS = "instalments", "分期缴纳"


class PaymentArrangement(models.Model):
    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE,
                                related_name="payment_arrangement")
    kind = models.CharField("方式", max_length=16, choices=ArrangementKind.choices)
    until = models.DateField("最后缴款日期")
    instalments = models.JSONField("分期安排", default=list, blank=True, help_text="[[日期, 金额], …]")
    reason = models.TextField("当事人申请的理由")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT,
                                    related_name="+")
    approved_on = models.DateField("批准日期")

    class Meta:
        verbose_name = "暂缓或分期缴纳"
        verbose_name_plural = "暂缓或分期缴纳"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}至 {self.until}（案件 {self.case_id}）"


class RemedyKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


class RemedyOutcome(models.TextChoices):
    UPHELD = "upheld", "维持"
    CHANGED = "changed", "变更"
    REVOKED = "revoked", "撤销"
    CONFIRMED_UNLAWFUL = "confirmed_unlawful", "确认违法"


class Remedy(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField("救济途径", max_length=16, choices=RemedyKind.choices)
    filed_on = models.DateField("申请或起诉日期")
    body = models.CharField("复议机关或法院", max_length=200)
    outcome = models.CharField("结果", max_length=20, choices=RemedyOutcome.choices, blank=True)
    decided_on = models.DateField("决定或判决日期", null=True, blank=True)
    received_on = models.DateField("当事人收到复议决定书或判决书日期", null=True, blank=True,
                                   help_text="起诉、上诉的期限自收到之日起算；未填的按决定或判决日期")
    final = models.BooleanField("终审判决（二审）", default=False, help_text="不能再上诉的判决")
    changed_fine = models.DecimalField("变更后的罚款（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "行政复议或诉讼"
        verbose_name_plural = "行政复议或诉讼"
        ordering = ["case", "filed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（案件 {self.case_id}）"


class PaymentItem(models.TextChoices):
    """What a payment pays: each amount of the decision is paid and counted apart."""

    FINE = "fine", "罚款"
    REFUND = "refund", "退回基金"
    CONFISCATION = "confiscation", "没收违法所得"


class Payment(models.Model):
    """One payment of an amount of the decision (the fine, the refund to the fund or the confiscation; of the fine an
    instalment, part of one, or the whole): the receipt the 执行岗 records. The sum per item never exceeds it."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="payments")
    item = models.CharField("缴款项目", max_length=16, choices=PaymentItem.choices, default=PaymentItem.FINE)
    paid_on = models.DateField("缴款日期")
    amount = models.DecimalField("金额（元）", max_digits=18, decimal_places=2)
    reference = models.CharField("缴款凭证号", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "缴款"
        verbose_name_plural = "缴款"
        ordering = ["case", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="cases_payment_positive")]

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.amount} 元（{self.paid_on}，案件 {self.case_id}）"
