"""Leads (线索): where case handling starts. Monitoring creates them from confirmed findings; other
sources (complaints, assignments, referrals, inspections…, LeadSource) are registered by hand. A finding belongs to at most
one lead: the same finding never becomes two leads.

The models were monitoring's; they moved here with their tables (monitoring_lead, monitoring_leadfinding) kept, so no
row was copied. Audit events written before the move name their object 'monitoring.lead' (LEAD_OBJECT_TYPES)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from ..constants import PERSON_PARTIES, LeadSource, LeadStatus, PartyType

# The object types audit events give a lead: this model's label, and monitoring's from before the move.
LEAD_OBJECT_TYPES = ("cases.lead", "monitoring.lead")


class Lead(models.Model):
    bureau = models.ForeignKey("org.Bureau", verbose_name="单位", on_delete=models.PROTECT, related_name="leads")
    number = models.CharField("线索编号", max_length=40, unique=True)
    source = models.CharField("来源", max_length=24, choices=LeadSource.choices, default=LeadSource.MONITORING)
    party_type = models.CharField("当事人类型", max_length=32, choices=PartyType.choices)
    party_code = models.CharField("当事人编号", max_length=64, blank=True,
                                  help_text="定点医药机构编号或人员编号")
    party_name = models.CharField("当事人名称", max_length=200, blank=True)
    rule_id = models.CharField("规则", max_length=8, blank=True, help_text="按规则归集的监控线索")
    summary = models.TextField("线索摘要")
    suspected_loss = models.DecimalField("涉嫌基金损失（元）", max_digits=18, decimal_places=2, default=0)
    provisions = models.JSONField("适用条款", default=list, blank=True)
    fine_min = models.DecimalField("罚款下限（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    fine_max = models.DecimalField("罚款上限（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    fine_note = models.TextField("罚款幅度说明", blank=True, help_text="未能计算罚款幅度时的原因")
    assessment = models.JSONField("处罚测算", default=dict, blank=True)
    evidence = models.JSONField("证据", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=LeadStatus.choices, default=LeadStatus.RECEIVED)
    status_note = models.TextField("状态说明", blank=True)
    received_date = models.DateField("接收日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # Verification (核查) by 立案岗, and the decision it ends in, within the bureau's lead verification period.
    verification_due = models.DateField("核查期限", null=True, blank=True)
    verification_due_explanation = models.TextField("核查期限说明", blank=True)
    verification_extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="延长核查期限批准人",
                                                 null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verification_extension_reason = models.TextField("延长核查期限理由", blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_on = models.DateField("核查完成日期", null=True, blank=True)
    verification_note = models.TextField("核查情况", blank=True)
    transferred_to = models.CharField("移送机关", max_length=200, blank=True)

    class Meta:
        verbose_name = "线索"
        verbose_name_plural = "线索"
        db_table = "monitoring_lead"
        ordering = ["-received_date", "-id"]
        indexes = [models.Index(fields=["bureau", "status"], name="monitoring_lead_status")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("cases:lead_detail", args=[self.pk])

    @property
    def party_is_person(self) -> bool:
        return self.party_type in PERSON_PARTIES


class LeadFinding(models.Model):
    lead = models.ForeignKey(Lead, verbose_name="线索", on_delete=models.CASCADE, related_name="lead_findings")
    finding = models.ForeignKey("monitoring.Finding", verbose_name="疑点", on_delete=models.PROTECT,
                                related_name="lead_links")

    class Meta:
        verbose_name = "线索疑点"
        verbose_name_plural = "线索疑点"
        db_table = "monitoring_leadfinding"
        ordering = ["lead", "finding"]
        constraints = [models.UniqueConstraint(fields=["finding"], name="monitoring_finding_in_one_lead")]

    def __str__(self) -> str:
        return f"{self.lead} ← {self.finding}"
