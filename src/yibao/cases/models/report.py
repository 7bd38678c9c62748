"""调查终结报告: the report that ends the investigation (行政处罚法 第五十七条第一款: 调查终结，行政机关负责人应当
对调查结果进行审查), in its parts, so that the review and the documents read the facts, the evidence relied on and
the proposal rather than one free text.

A case has one current report; a redraft (after 退回补充调查) adds a new one and marks the earlier superseded, so
the file keeps what the reviewer was shown each time. `Case.investigation_report` holds the current report's text
as rendered by `services/report.py` for the readers of one text (documents, API, the case page).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .case import DecisionKind
from .investigation import _refuse_change


class ReportProposal(models.TextChoices):
    """处理意见: what the officers propose; the head decides (the decision kinds and the two transfers)."""

    PENALTY = DecisionKind.PENALTY.value, DecisionKind.PENALTY.label
    NO_PENALTY = DecisionKind.NO_PENALTY.value, DecisionKind.NO_PENALTY.label
    NOT_ESTABLISHED = DecisionKind.NOT_ESTABLISHED.value, DecisionKind.NOT_ESTABLISHED.label
    TRANSFER = "transfer", "移送其他行政机关处理"
    JUDICIARY = "judiciary", "移送司法机关"


class InvestigationReport(models.Model):
    """调查终结报告 in its parts.

    Fields: `source` (案件来源与立案情况), `process` (调查经过), `facts` (违法事实), `evidence` (the case's evidence
    items relied on), `basis` (违法行为的性质与依据: the case's provisions and catalogue items as cited when drafted,
    [str]), `nature` (the officers' reasoning on them), `proposal` (ReportProposal), `measures` (处罚种类与幅度),
    `fine`, `discretion` (自由裁量理由), `grade` (the calculator's discretion grade when drafted, {name, label, min,
    max, reason} or {}); `drafted_by`, `drafted_on`, `drafted_at`; `superseded_at`, `superseded_by`.
    """

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="reports")
    source = models.TextField("案件来源与立案情况", blank=True)
    process = models.TextField("调查经过", blank=True)
    facts = models.TextField("违法事实", blank=True)
    evidence = models.ManyToManyField("cases.Evidence", verbose_name="证据", blank=True, related_name="reports")
    basis = models.JSONField("违法行为的性质与依据（适用条款及权责事项）", default=list, blank=True)
    nature = models.TextField("违法行为的性质", blank=True)
    proposal = models.CharField("处理意见", max_length=20, choices=ReportProposal.choices, blank=True)
    measures = models.TextField("处罚种类与幅度", blank=True)
    fine = models.DecimalField("拟罚款（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    discretion = models.TextField("自由裁量理由", blank=True)
    grade = models.JSONField("裁量档次（测算）", default=dict, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT,
                                   related_name="+")
    drafted_on = models.DateField("起草日期")
    drafted_at = models.DateTimeField("登记时间", default=timezone.now)
    superseded_at = models.DateTimeField("被取代时间", null=True, blank=True)
    superseded_by = models.ForeignKey("self", verbose_name="取代它的报告", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")

    SUPERSEDE_FIELDS = frozenset({"superseded_at", "superseded_by"})

    class Meta:
        verbose_name = "调查终结报告"
        verbose_name_plural = "调查终结报告"
        ordering = ["case", "drafted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(superseded_at__isnull=True),
                                               name="cases_report_one_current")]

    def __str__(self) -> str:
        return f"调查终结报告 {self.drafted_on.isoformat()}（案件 {self.case_id}）"

    def save(self, *args, **kwargs):
        # What the reviewer was shown stays as it was: a redraft is a new report.
        _refuse_change(self, kwargs.get("update_fields"), self.SUPERSEDE_FIELDS)
        super().save(*args, **kwargs)

    @property
    def current(self) -> bool:
        return self.superseded_at is None
