"""The closing report (结案报告): drafted by 执行岗 once the decision is executed (or there is nothing to
execute), approved by the head when they close the case, or returned with the head's reason and drafted again.

One row per case holds the report as it stands; each draft and each return is also a timeline step
(`CaseStep`) and an audit event carrying the ground and the texts of that draft, which keep the history.
"""

from django.conf import settings
from django.db import models

from ..procedure import CLOSING_COURT_ACCEPTED, CLOSING_EXECUTED, CLOSING_NOTHING_TO_EXECUTE


class ClosingGround(models.TextChoices):
    EXECUTED = CLOSING_EXECUTED, "行政处罚决定执行完毕"
    COURT_ACCEPTED = CLOSING_COURT_ACCEPTED, "申请人民法院强制执行，人民法院已受理"
    NOTHING_TO_EXECUTE = CLOSING_NOTHING_TO_EXECUTE, "无须执行（不予处罚、违法事实不能成立、决定被撤销、仅予警告等）"


class ClosingReportStatus(models.TextChoices):
    DRAFTED = "drafted", "待负责人审批"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已批准结案"


class ClosingReport(models.Model):
    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.CASCADE,
                                related_name="closing_report")
    ground = models.CharField("结案情形", max_length=24, choices=ClosingGround.choices)
    handling_summary = models.TextField("案件办理情况")
    execution_summary = models.TextField("执行情况", blank=True)
    status = models.CharField("状态", max_length=12, choices=ClosingReportStatus.choices,
                              default=ClosingReportStatus.DRAFTED)
    drafts = models.PositiveIntegerField("起草次数", default=1)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT,
                                   related_name="+")
    drafted_on = models.DateField("起草日期")
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="退回人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    returned_on = models.DateField("退回日期", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField("批准日期", null=True, blank=True)
    approval_opinion = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "结案报告"
        verbose_name_plural = "结案报告"

    def __str__(self) -> str:
        return f"结案报告（案件 {self.case_id}，{self.get_status_display()}）"
