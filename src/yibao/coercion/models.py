"""A seal (封存) of materials: what, where, whose, on what basis, approved by whom, for how long, lifted how."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse

from .procedure import STATUS_LABELS, SealStatus

STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in SealStatus]


class LiftReason(models.TextChoices):
    """行政强制法 第二十八条第一款's grounds, and the two this system adds from 第十九条 and the case's end."""

    NO_VIOLATION = "no_violation", "当事人没有违法行为（第二十八条第（一）项）"
    UNRELATED = "unrelated", "封存的资料与违法行为无关（第二十八条第（二）项）"
    DECIDED = "decided", "已作出处理决定，不再需要封存（第二十八条第（三）项）"
    EXPIRED = "expired", "封存期限已经届满（第二十八条第（四）项）"
    NO_LONGER_NEEDED = "no_longer_needed", "其他不再需要封存的情形（第二十八条第（五）项）"
    NOT_APPROVED = "not_approved", "负责人认为不应当采取，立即解除（第十九条）"
    CASE_ENDED = "case_ended", "案件已办结，随案解除"


class Seal(models.Model):
    bureau = models.ForeignKey("org.Bureau", verbose_name="实施单位", on_delete=models.PROTECT, related_name="seals")
    # Nullable: 条例 第二十七条 lists 封存 among the measures of a supervisory inspection (监督检查), which comes
    # before any filing and may end without one, so a seal may exist with no case; it joins a case when filed.
    case = models.ForeignKey("cases.Case", verbose_name="案件", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="seals")
    number = models.CharField("封存编号", max_length=40, unique=True)
    status = models.CharField("状态", max_length=16, choices=STATUS_CHOICES, default=SealStatus.PROPOSED)
    party_name = models.CharField("当事人名称", max_length=200)
    party_address = models.CharField("当事人地址", max_length=300, blank=True)
    items = models.JSONField("封存的资料清单", default=list)
    place = models.CharField("封存地点", max_length=300)
    reason = models.TextField("封存理由")
    basis = models.CharField("法律依据", max_length=200)
    days = models.PositiveSmallIntegerField("封存期限（日）")
    officers = models.ManyToManyField("org.Officer", verbose_name="实施封存的执法人员", related_name="seals")
    emergency = models.BooleanField("情况紧急当场实施", default=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报请人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField("报请日期", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField("批准日期", null=True, blank=True)
    approval_opinion = models.TextField("批准意见", blank=True)
    sealed_at = models.DateTimeField("实施封存时间", null=True, blank=True)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="实施人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    site_record = models.TextField("现场笔录", blank=True)
    reported_at = models.DateTimeField("向负责人报告时间", null=True, blank=True)
    party_notified_on = models.DateField("告知当事人日期", null=True, blank=True)
    party_statement = models.TextField("当事人陈述申辩", blank=True)
    starts_on = models.DateField("期限起算日", null=True, blank=True)
    ends_on = models.DateField("封存届满日", null=True, blank=True)
    ends_explanation = models.TextField("届满日说明", blank=True)
    ends_provisional = models.BooleanField("届满日待定", default=False)
    extended_days = models.PositiveSmallIntegerField("延长天数", default=0)
    extension_reason = models.TextField("延长理由", blank=True)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="延长批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    extended_on = models.DateField("延长日期", null=True, blank=True)
    extension_told_on = models.DateField("书面告知当事人延长日期", null=True, blank=True)
    lifted_on = models.DateField("解除日期", null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解除决定人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    lift_reason = models.CharField("解除理由", max_length=24, choices=LiftReason.choices, blank=True)
    lift_note = models.TextField("解除说明", blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "封存"
        verbose_name_plural = "封存"
        ordering = ["-id"]
        indexes = [models.Index(fields=["bureau", "status", "ends_on"], name="seal_bureau_status_ends")]

    def __str__(self) -> str:
        return f"封存 {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("coercion:seal_detail", args=[self.pk])

    @property
    def seal_status(self) -> SealStatus:
        return SealStatus(self.status)

    def expired(self, today: dt.date) -> bool:
        """An active seal past its last day: it must be lifted (第二十八条第（四）项)."""
        return self.status == SealStatus.ACTIVE and self.ends_on is not None and self.ends_on < today


class SealEvent(models.Model):
    """The seal's acts in order, as the case timeline is for a case."""

    seal = models.ForeignKey(Seal, verbose_name="封存", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("环节", max_length=24)
    label = models.CharField("名称", max_length=60)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间")
    note = models.TextField("理由或说明", blank=True)
    data = models.JSONField("内容", default=dict, blank=True)

    class Meta:
        verbose_name = "封存环节"
        verbose_name_plural = "封存环节"
        ordering = ["seal", "at", "id"]

    def __str__(self) -> str:
        return f"{self.label}（封存 {self.seal_id}）"


class ExclusionKind(models.TextChoices):
    """行政强制法 第二十五条第三款's four kinds of examination, whose time is not part of the seal's period."""

    TESTING = "testing", "检测"
    INSPECTION = "inspection", "检验"
    QUARANTINE = "quarantine", "检疫"
    APPRAISAL = "appraisal", "技术鉴定"


class SealExclusion(models.Model):
    """A period of testing or appraisal of sealed materials, not counted in the seal's period (第二十五条第三款:
    the period must be definite and told to the party in writing). `told_on` and `notice_number` record that notice.
    """

    seal = models.ForeignKey(Seal, verbose_name="封存", on_delete=models.PROTECT, related_name="exclusions")
    kind = models.CharField("类别", max_length=16, choices=ExclusionKind.choices)
    subject = models.CharField("检测、鉴定的对象", max_length=300)
    performed_by = models.CharField("检测、鉴定机构", max_length=200)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    told_on = models.DateField("书面告知当事人日期")
    notice_number = models.CharField("告知书文号", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "不计入封存期限的检测、鉴定期间"
        verbose_name_plural = "不计入封存期限的检测、鉴定期间"
        ordering = ["seal", "starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on.isoformat()}至{self.ends_on.isoformat()}（{self.seal}）"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1
