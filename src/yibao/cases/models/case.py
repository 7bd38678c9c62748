"""The case (案件): one enforcement matter of one bureau, from the filing to the closed file.

The flags the procedure's guards read are columns here, so `CaseFacts` is built from one row and its
officers; what each step recorded in detail (opinions, reasons, methods) is in its `CaseStep.data`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from ..procedure import OPEN_BEFORE_DECISION, STATE_LABELS, CaseState

CASE_STATE_CHOICES = [(s.value, STATE_LABELS[s]) for s in CaseState]


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", "普通程序"
    SUMMARY = "summary", "简易程序"


class DecisionKind(models.TextChoices):
    PENALTY = "penalty", "给予行政处罚"
    NO_PENALTY = "no_penalty", "不予行政处罚"
    NOT_ESTABLISHED = "not_established", "违法事实不能成立"


class ReviewOpinion(models.TextChoices):
    AGREE = "agree", "同意"
    INVESTIGATE_FURTHER = "investigate_further", "补充调查"
    CHANGE = "change", "变更"
    CORRECT = "correct", "纠正"
    OTHER = "other", "其他意见"


class ServiceMethod(models.TextChoices):
    DIRECT = "direct", "直接送达"
    MAIL = "mail", "邮寄送达"
    LEFT = "left", "留置送达"
    ELECTRONIC = "electronic", "电子送达"
    ANNOUNCEMENT = "announcement", "公告送达"


class CaseNumberCounter(models.Model):
    """The last case number a bureau gave in a year; its row is locked while a case is filed, so numbers
    never repeat and, since a failed filing rolls the counter back with it, never leave a gap."""

    bureau = models.ForeignKey("org.Bureau", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bureau", "year"], name="cases_counter_unique")]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}: {self.last}"


class Case(models.Model):
    bureau = models.ForeignKey("org.Bureau", verbose_name="办案单位", on_delete=models.PROTECT,
                               related_name="cases")
    number = models.CharField("案号", max_length=60, unique=True, null=True, blank=True,
                              help_text="批准立案时编号，如 栾医保立〔2026〕3号")
    lead = models.ForeignKey("cases.Lead", verbose_name="线索", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="cases")
    procedure = models.CharField("程序", max_length=16, choices=Procedure.choices, default=Procedure.ORDINARY)
    state = models.CharField("状态", max_length=16, choices=CASE_STATE_CHOICES, default=CaseState.PROPOSED)
    state_before_suspension = models.CharField("中止前状态", max_length=16, choices=CASE_STATE_CHOICES,
                                               blank=True)
    title = models.CharField("案由", max_length=300)
    facts_summary = models.TextField("违法事实摘要", blank=True)
    act_end_on = models.DateField("违法行为发生或终了日期", null=True, blank=True)
    discovered_on = models.DateField("发现日期", null=True, blank=True)
    life_health_harm = models.BooleanField("涉及生命健康安全且有危害后果", default=False)
    limitation = models.JSONField("追责时效", default=dict, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="立案申请人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField("申请立案日期", null=True, blank=True)
    filing_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="立案批准人", null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField("立案日期", null=True, blank=True)
    due_on = models.DateField("办案期限", null=True, blank=True)
    due_explanation = models.TextField("办案期限说明", blank=True)
    due_provisional = models.BooleanField("期限待定", default=False,
                                          help_text="届满年份的节假日安排尚未录入，届满日可能顺延")
    provisions = models.JSONField("适用条款", default=list, blank=True)
    items = models.ManyToManyField("catalog.PowerItem", verbose_name="权责事项", blank=True, related_name="cases")
    amount = models.DecimalField("涉案金额（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    assessment = models.JSONField("处罚测算", default=dict, blank=True)
    fine_min = models.DecimalField("罚款下限（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    fine_max = models.DecimalField("罚款上限（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    fine_note = models.TextField("罚款幅度说明", blank=True)

    # What the guards of procedure.py read (CaseFacts).
    review_required = models.BooleanField("须经法制审核", default=True,
                                          help_text="行政处罚法第五十八条的情形，或本局规定每案审核")
    deliberation_required = models.BooleanField("须集体讨论", default=False,
                                                help_text="执法人员认为情节复杂（另有本局数额标准，自动判断）")
    complex_reason = models.TextField("情节复杂的理由", blank=True)
    deliberation_done = models.BooleanField("已集体讨论", default=False)
    investigation_report = models.TextField("调查终结报告", blank=True)
    review_opinion = models.CharField("法制审核意见", max_length=24, choices=ReviewOpinion.choices, blank=True)
    review_passed = models.BooleanField("法制审核通过", default=False)
    # The day the case last went to legal review (from another state): the review period runs from it.
    review_since = models.DateField("移送法制审核日期", null=True, blank=True)
    proposed_fine = models.DecimalField("拟罚款（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    proposal_approved = models.BooleanField("拟处罚意见已批准", default=False)
    hearing_right = models.BooleanField("告知听证权利", default=False)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    notified_fine = models.DecimalField("告知罚款（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    statement_window_ends = models.DateField("陈述申辩期限", null=True, blank=True)
    hearing_request_due = models.DateField("要求听证期限", null=True, blank=True)
    statements_closed = models.BooleanField("陈述申辩已结束", default=False)
    hearing_requested = models.BooleanField("要求听证", default=False)
    hearing_host = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="听证主持人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    hearing_on = models.DateField("听证日期", null=True, blank=True)
    hearing_time = models.TimeField("听证时间", null=True, blank=True)
    hearing_place = models.CharField("听证地点", max_length=200, blank=True)
    hearing_noticed_on = models.DateField("听证通知日期", null=True, blank=True)
    hearing_notice_method = models.CharField("听证通知方式", max_length=20, choices=ServiceMethod.choices, blank=True)
    hearing_record = models.TextField("听证笔录", blank=True)
    host_opinion = models.TextField("主持人意见", blank=True)
    decision_kind = models.CharField("决定类型", max_length=20, choices=DecisionKind.choices, blank=True)
    decided_fine = models.DecimalField("决定罚款（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    # 责令退回 is not a penalty but an order in the same decision (医疗保障基金使用监督管理条例 第三十八条 to 第四十一条);
    # 没收违法所得 is one (行政处罚法 第九条第（三）项). Each is executed and paid apart from the fine.
    decided_refund = models.DecimalField("责令退回的医保基金（元）", max_digits=18, decimal_places=2, null=True,
                                         blank=True)
    decided_confiscation = models.DecimalField("没收违法所得（元）", max_digits=18, decimal_places=2, null=True,
                                               blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    service_due = models.DateField("送达期限", null=True, blank=True)
    service_method = models.CharField("送达方式", max_length=16, choices=ServiceMethod.choices, blank=True)
    served_on = models.DateField("送达日期", null=True, blank=True)
    # 送达回证: what proves service, by method (services/service.py: RECEIPT_PARTS).
    service_receipt = models.JSONField("送达回证", default=dict, blank=True)
    # 公告送达: published when the other ways failed; served when its period ends (民事诉讼法 第九十五条).
    announced_on = models.DateField("公告日期", null=True, blank=True)
    announcement_where = models.CharField("公告刊登处", max_length=200, blank=True)
    announcement_ends = models.DateField("公告期满日", null=True, blank=True)
    payment_due = models.DateField("缴款期限", null=True, blank=True)
    paid_on = models.DateField("缴款日期", null=True, blank=True)
    executed = models.BooleanField("执行完毕", default=False)
    reminder_served_on = models.DateField("催告书送达日期", null=True, blank=True)
    court_applied_on = models.DateField("申请法院强制执行日期", null=True, blank=True)
    court_accepted_on = models.DateField("法院受理日期", null=True, blank=True)
    decision_set_aside = models.BooleanField("决定已被撤销", default=False,
                                             help_text="行政复议或行政诉讼撤销了处罚决定：不再执行")
    closed_on = models.DateField("结案日期", null=True, blank=True)

    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-id"]
        # The board and the 工作台 read open cases of a bureau by each dated deadline, nearest first
        # (bench/README.md: the city head's board SQL from 200 ms to 48 ms at 100,000 cases).
        indexes = [
            models.Index(fields=["bureau", "state"], name="cases_case_state"),
            models.Index(fields=["bureau", "state", "due_on"], name="cases_case_due"),
            models.Index(fields=["bureau", "state", "statement_window_ends"], name="cases_case_statements_due"),
            models.Index(fields=["bureau", "state", "service_due"], name="cases_case_service_due"),
            models.Index(fields=["bureau", "state", "payment_due"], name="cases_case_payment_due"),
            # An officer's 工作台 reads their cases by state across bureaus' rows: without an index led by
            # state each query scanned all cases (bench/README.md: PostgreSQL p50 691 ms to 194 ms under load).
            models.Index(fields=["state"], name="cases_case_state_only"),
            # 催告 and the court application are counted from the day of service of unpaid fines.
            models.Index(fields=["bureau", "state", "served_on"], name="cases_case_served"),
            # 法制审核期限, counted from the day the case went to review: a grouped read of the timeline for it
            # took 90 ms of the city head's board on PostgreSQL at 100,000 cases.
            models.Index(fields=["bureau", "state", "review_since"], name="cases_case_review_since"),
            # The same deadlines read nearest first across many bureaus (a city head's board): an index per
            # deadline over the states it runs in only, walked in date order and left at the page's rows,
            # where the indexes above give a range per bureau and state to merge and sort (PostgreSQL).
            models.Index(fields=["due_on"], name="cases_case_open_due",
                         condition=models.Q(state__in=sorted(OPEN_BEFORE_DECISION))),
            models.Index(fields=["statement_window_ends"], name="cases_case_open_statements",
                         condition=models.Q(state=CaseState.NOTIFIED)),
            models.Index(fields=["hearing_request_due"], name="cases_case_open_hearing_req",
                         condition=models.Q(state=CaseState.NOTIFIED)),
            models.Index(fields=["service_due"], name="cases_case_open_service",
                         condition=models.Q(state=CaseState.DECIDED)),
            models.Index(fields=["payment_due"], name="cases_case_open_payment",
                         condition=models.Q(state__in=sorted({CaseState.SERVED, CaseState.ENFORCING}))),
        ]

    def __str__(self) -> str:
        return self.number or f"立案申请 {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def case_state(self) -> CaseState:
        return CaseState(self.state)

    @property
    def to_execute(self) -> bool:
        """Whether the decision leaves an amount to pay: a fine, a refund to the fund or a confiscation."""
        return (self.decision_kind == DecisionKind.PENALTY and not self.decision_set_aside
                and any((self.decided_fine, self.decided_refund, self.decided_confiscation)))
