"""The parties of a case and the officers handling it."""

from django.conf import settings
from django.db import models

from ..constants import PERSON_PARTIES, PartyType


class Party(models.Model):
    """当事人: what a decision must name (行政处罚法 第五十九条第一款第（一）项)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="parties")
    party_type = models.CharField("当事人类型", max_length=32, choices=PartyType.choices)
    name = models.CharField("姓名或名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    address = models.CharField("住所或地址", max_length=300, blank=True)
    legal_representative = models.CharField("法定代表人或者主要负责人", max_length=100, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    # 送达地址确认书: the address the party confirmed for service and, only with its consent, an electronic
    # address (行政处罚法 第六十一条; 民事诉讼法 第九十条).
    service_address = models.CharField("确认的送达地址", max_length=300, blank=True)
    electronic_address = models.CharField("同意电子送达的地址（邮箱、手机号或传真）", max_length=200, blank=True)
    service_confirmed_on = models.DateField("送达地址确认书签署日期", null=True, blank=True)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.get_party_type_display()}（案件 {self.case_id}）"

    @property
    def is_person(self) -> bool:
        return self.party_type in PERSON_PARTIES


class LeftHow(models.TextChoices):
    RECUSAL = "recusal", "回避"
    REASSIGNED = "reassigned", "改派"


class RecusalAskedBy(models.TextChoices):
    OFFICER = "officer", "执法人员本人申请"
    PARTY = "party", "当事人申请"


class CaseOfficer(models.Model):
    """An officer on the case; a recused officer stays listed with the reason but no longer counts."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey("org.Officer", verbose_name="执法人员", on_delete=models.PROTECT,
                                related_name="case_assignments")
    is_lead = models.BooleanField("主办", default=False)
    assigned_on = models.DateField("指派日期")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="指派人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # The day the officer left the case (a granted recusal or the head's reassignment); from then on the
    # officer no longer counts, but stays listed with the reason.
    recused_on = models.DateField("回避日期", null=True, blank=True)
    recusal_reason = models.TextField("回避理由", blank=True)
    left_how = models.CharField("退出方式", max_length=16, choices=LeftHow.choices, blank=True)

    class Meta:
        verbose_name = "办案人员"
        verbose_name_plural = "办案人员"
        ordering = ["case", "-is_lead", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="cases_officer_once")]
        # An officer's 工作台 and case list: the cases an officer is (still) on.
        indexes = [models.Index(fields=["officer", "recused_on", "case"], name="cases_officer_cases")]

    def __str__(self) -> str:
        return f"{self.officer}（案件 {self.case_id}）"


class RecusalRequest(models.Model):
    """A request that an officer withdraw from the case (行政处罚法 第四十三条), asked by the officer or by the
    party (recorded by an officer of the case), decided by the head."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE,
                             related_name="recusal_requests")
    case_officer = models.ForeignKey(CaseOfficer, verbose_name="申请回避的执法人员", on_delete=models.PROTECT,
                                     related_name="recusal_requests")
    asked_by = models.CharField("申请人", max_length=16, choices=RecusalAskedBy.choices)
    reason = models.TextField("申请理由")
    asked_on = models.DateField("申请日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    granted = models.BooleanField("决定回避", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)

    class Meta:
        verbose_name = "回避申请"
        verbose_name_plural = "回避申请"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"回避申请 {self.pk}（案件 {self.case_id}）"
