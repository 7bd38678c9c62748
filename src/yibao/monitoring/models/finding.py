"""Findings (疑点) kept across runs, the runs that saw them, and their review history.

A finding's identity is its bureau, its rule and its key columns: seen again in a later run it is
the same finding and keeps its status (a dismissal stays: the whitelist) and its history. The key
columns are nullable, which a unique constraint cannot see through, so identity_hash (sha256 of
the rule and the key columns) carries the unique index.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.urls import reverse

from ..constants import FindingStatus, Severity

IDENTITY_COLUMNS = ("rule_id", "fixmedins_code", "psn_no", "setl_id", "feedetl_sn", "med_list_codg", "day", "month")


def identity_hash(row: dict) -> str:
    """sha256 of the rule and the key columns; None and '' differ (\\x00 marks None)."""
    parts = ["\x00" if row.get(c) is None else str(row[c]) for c in IDENTITY_COLUMNS]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class Finding(models.Model):
    bureau = models.ForeignKey("org.Bureau", verbose_name="单位", on_delete=models.PROTECT, related_name="findings")
    identity_hash = models.CharField("标识", max_length=64)
    rule_id = models.CharField("规则", max_length=8, db_index=True)
    rule_name = models.CharField("规则名称", max_length=50)
    severity = models.CharField("性质", max_length=16, choices=Severity.choices)
    # Key columns as the findings table has them: null where the rule does not use the column (spec 5.5).
    fixmedins_code = models.CharField("定点医药机构编号", max_length=64, null=True, blank=True)  # noqa: DJ001
    psn_no = models.CharField("人员编号", max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    setl_id = models.CharField("结算ID", max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    feedetl_sn = models.CharField("费用明细流水号", max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    med_list_codg = models.CharField("医疗目录编码", max_length=64, null=True, blank=True)  # noqa: DJ001
    day = models.CharField("日期", max_length=10, null=True, blank=True)  # noqa: DJ001
    month = models.CharField("月份", max_length=7, null=True, blank=True)  # noqa: DJ001
    amount = models.DecimalField("疑点金额", max_digits=18, decimal_places=2, help_text="最近一次筛查的金额（元）")
    basis = models.CharField("依据", max_length=200)
    status = models.CharField("状态", max_length=16, choices=FindingStatus.choices, default=FindingStatus.NEW)

    first_seen_run = models.ForeignKey("monitoring.ScreeningRun", verbose_name="首次发现批次",
                                       on_delete=models.PROTECT, related_name="+")
    last_seen_run = models.ForeignKey("monitoring.ScreeningRun", verbose_name="最近发现批次",
                                      on_delete=models.PROTECT, related_name="+")
    times_seen = models.PositiveIntegerField("发现次数", default=1)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)

    first_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="初审人", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    first_reviewed_at = models.DateTimeField("初审时间", null=True, blank=True)
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复审人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    second_reviewed_at = models.DateTimeField("复审时间", null=True, blank=True)
    appeal_deadline = models.DateField("申诉截止日期", null=True, blank=True)
    appeal_text = models.TextField("申诉内容", blank=True)
    appeal_date = models.DateField("申诉日期", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    # The whitelist: a dismissed finding keeps why and who, and stays dismissed in later runs.
    dismissed_reason = models.TextField("排除理由", blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="排除人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField("排除时间", null=True, blank=True)

    class Meta:
        verbose_name = "疑点"
        verbose_name_plural = "疑点"
        ordering = ["rule_id", "fixmedins_code", "psn_no", "setl_id", "feedetl_sn", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "identity_hash"], name="monitoring_finding_unique_identity"),
        ]
        indexes = [
            models.Index(fields=["bureau", "status"], name="monitoring_finding_status"),
            models.Index(fields=["bureau", "fixmedins_code"], name="monitoring_finding_inst"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.rule_name} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:finding_detail", args=[self.pk])

    def key_values(self) -> dict[str, str | None]:
        return {c: getattr(self, c) for c in IDENTITY_COLUMNS}

    @property
    def key_parts(self) -> list[str]:
        """The fee line, item, day and month keys the rule uses, for the list's 明细/项目 column."""
        return [v for v in (self.feedetl_sn, self.med_list_codg, self.day, self.month) if v]


class FindingSighting(models.Model):
    """A finding as one run saw it: the amount and the evidence of that run."""

    run = models.ForeignKey("monitoring.ScreeningRun", verbose_name="筛查批次", on_delete=models.CASCADE,
                            related_name="sightings")
    finding = models.ForeignKey(Finding, verbose_name="疑点", on_delete=models.CASCADE, related_name="sightings")
    amount = models.DecimalField("疑点金额", max_digits=18, decimal_places=2)
    evidence = models.TextField("证据（JSON）", blank=True)

    class Meta:
        verbose_name = "疑点发现记录"
        verbose_name_plural = "疑点发现记录"
        ordering = ["-run_id"]
        constraints = [models.UniqueConstraint(fields=["run", "finding"], name="monitoring_sighting_unique")]

    def __str__(self) -> str:
        return f"{self.finding} @ run {self.run_id}"

    @property
    def evidence_data(self) -> dict:
        try:
            data = json.loads(self.evidence or "{}")
        except ValueError:
            return {"evidence": self.evidence}
        return data if isinstance(data, dict) else {"evidence": data}


class FindingEvent(models.Model):
    """One move of a finding through the review procedure: who, when, from, to and why."""

    finding = models.ForeignKey(Finding, verbose_name="疑点", on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=16, choices=FindingStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=FindingStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("理由", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    created_at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "疑点处理记录"
        verbose_name_plural = "疑点处理记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.from_status} → {self.to_status}"

    @property
    def label(self) -> str:
        from ..constants import TRANSITIONS

        t = TRANSITIONS.get(self.transition)
        return t.label if t else self.transition
