"""What the investigation (调查, 行政处罚法 第五十四至五十六条) records: inquiry and on-site inspection records,
evidence with its files, 先行登记保存 and 协查 letters.

These rows are the record of the investigation (第四十七条: 全过程记录，归档保存), so once written they are not
rewritten: a record or an evidence item refuses any change of its content (a correction is a new evidence item
naming the old one; a withdrawal only adds its reason and date, the file is kept). The documents helper renders
`InquiryRecord` (inquiry_record), `InspectionRecord` (inspection_record), `Preservation` (preservation_notice) and
`AssistanceRequest` (assistance_request) from the plain fields named in each docstring.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImmutableRecord(PermissionError):
    """A change to recorded investigation content, which the law wants kept as it was made."""


def _refuse_change(instance: models.Model, update_fields: object, allowed: frozenset[str]) -> None:
    if instance.pk is None:
        return
    if update_fields is None or not set(update_fields) <= allowed:
        raise ImmutableRecord(f"{instance._meta.verbose_name}一经记录不得修改")


class Signature(models.TextChoices):
    SIGNED = "signed", "已核对并签名"
    REFUSED = "refused", "拒绝签名（有见证）"


class InvestigationRecord(models.Model):
    """A record made in the investigation (第五十五条第二款: 询问或者检查应当制作笔录).

    Fields: `started_at`, `ended_at`, `place`; `officers` (the officers present) and `officer_certificates`
    (a snapshot [{officer_id, name, certificate_number, certificate_expiry}] as shown that day);
    `certificates_shown` (第五十五条第一款); the person asked or present: `person_name`, `person_id_number`,
    `person_relation` (与当事人的关系), `person_contact`; `qa` (ordered [{question, answer}]); `signature`
    (signed / refused), `witness` (who saw a refusal), `page_count`; `recorded_by`, `recorded_at`.
    """

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="%(class)ss")
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=300)
    officers = models.ManyToManyField("org.Officer", verbose_name="在场执法人员", related_name="+")
    officer_certificates = models.JSONField("执法人员及执法证号", default=list)
    certificates_shown = models.BooleanField("已出示执法证件", default=False)
    person_name = models.CharField("被询问人或在场人姓名", max_length=100)
    person_id_number = models.CharField("身份证件号码", max_length=30, blank=True)
    person_relation = models.CharField("与当事人的关系", max_length=100)
    person_contact = models.CharField("联系方式或住址", max_length=200, blank=True)
    qa = models.JSONField("问答", default=list, blank=True, help_text="[{question, answer}, …]，按顺序")
    signature = models.CharField("签名情况", max_length=16, choices=Signature.choices)
    witness = models.CharField("见证人", max_length=200, blank=True)
    page_count = models.PositiveIntegerField("页数")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    kind = ""  # the document kind (GLOSSARY): set by each record type

    class Meta:
        abstract = True
        ordering = ["case", "started_at", "id"]

    def save(self, *args, **kwargs):
        _refuse_change(self, kwargs.get("update_fields"), frozenset())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(f"{self._meta.verbose_name}不得删除")


class InquiryRecord(InvestigationRecord):
    """询问笔录 (document kind `inquiry_record`): the questions asked and the answers, in order."""

    kind = "inquiry_record"

    class Meta(InvestigationRecord.Meta):
        verbose_name = "询问笔录"
        verbose_name_plural = "询问笔录"

    def __str__(self) -> str:
        return f"询问笔录 {self.pk}（案件 {self.case_id}）"


class InspectionRecord(InvestigationRecord):
    """现场检查笔录 (document kind `inspection_record`): what was inspected and found (`findings`), with any
    questions asked on the spot in `qa`."""

    kind = "inspection_record"
    findings = models.TextField("检查情况")

    class Meta(InvestigationRecord.Meta):
        verbose_name = "现场检查笔录"
        verbose_name_plural = "现场检查笔录"

    def __str__(self) -> str:
        return f"现场检查笔录 {self.pk}（案件 {self.case_id}）"


class EvidenceKind(models.TextChoices):
    """The kinds of 行政处罚法 第四十六条第一款, in its order."""

    DOCUMENTARY = "documentary", "书证"
    PHYSICAL = "physical", "物证"
    AUDIOVISUAL = "audiovisual", "视听资料"
    ELECTRONIC = "electronic", "电子数据"
    WITNESS = "witness", "证人证言"
    PARTY_STATEMENT = "party_statement", "当事人的陈述"
    EXPERT_OPINION = "expert_opinion", "鉴定意见"
    SITE_RECORD = "site_record", "勘验笔录、现场笔录"


class Evidence(models.Model):
    """证据: one item of the evidence list (证据清单), numbered in the case in the order recorded.

    Fields: `number`, `kind` (EvidenceKind), `title`, `description`, `source` (提供人或来源), `collected_by`
    (the officer), `collected_on`, `place`, `quantity` (页数或件数); `corrects` (the item this one corrects);
    `withdrawn_on`, `withdrawn_by`, `withdrawal_reason`; files in `attachments`.
    """

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="evidence")
    number = models.PositiveIntegerField("序号")
    kind = models.CharField("证据种类", max_length=20, choices=EvidenceKind.choices)
    title = models.CharField("证据名称", max_length=200)
    description = models.TextField("证明对象及内容", blank=True)
    source = models.CharField("来源（提供人）", max_length=200)
    collected_by = models.ForeignKey("org.Officer", verbose_name="收集人", on_delete=models.PROTECT, related_name="+")
    collected_on = models.DateField("收集日期")
    place = models.CharField("收集地点", max_length=300)
    quantity = models.PositiveIntegerField("页数或件数")
    corrects = models.ForeignKey("self", verbose_name="更正的证据", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawal_reason = models.TextField("撤回理由", blank=True)

    WITHDRAWAL_FIELDS = frozenset({"withdrawn_on", "withdrawn_by", "withdrawal_reason"})

    class Meta:
        verbose_name = "证据"
        verbose_name_plural = "证据"
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="cases_evidence_number_once")]

    def __str__(self) -> str:
        return f"证据{self.number}：{self.title}"

    def save(self, *args, **kwargs):
        _refuse_change(self, kwargs.get("update_fields"), self.WITHDRAWAL_FIELDS)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("证据不得删除，只能撤回（写明理由）")

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class Attachment(models.Model):
    """证据材料（文件）: one file of an evidence item, stored once under the evidence root (settings
    YIBAO_EVIDENCE_ROOT) at `path`, with `sha256`, `size`, `content_type` and `original_name` as received."""

    evidence = models.ForeignKey(Evidence, verbose_name="证据", on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=120)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    path = models.CharField("存储位置", max_length=300)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "证据材料（文件）"
        verbose_name_plural = "证据材料（文件）"
        ordering = ["evidence", "id"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.sha256[:12]}…）"

    def save(self, *args, **kwargs):
        _refuse_change(self, kwargs.get("update_fields"), frozenset())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("证据材料不得删除")


class PreservationStatus(models.TextChoices):
    PROPOSED = "proposed", "待负责人批准"
    REFUSED = "refused", "负责人不批准"
    APPROVED = "approved", "已批准，待登记保存"
    PRESERVED = "preserved", "已登记保存，待处理决定"
    DECIDED = "decided", "已作出处理决定"


class PreservationOutcome(models.TextChoices):
    RETURN = "return", "解除保存，退还当事人"
    TRANSFER = "transfer", "移送有关部门"
    CONFISCATE = "confiscate", "依法予以没收"
    OTHER = "other", "其他处理"


class Preservation(models.Model):
    """先行登记保存 (行政处罚法 第五十六条): evidence that may be lost or later hard to obtain, kept with the
    head's approval, then decided on within 7 working days (第八十五条).

    Fields: `items` ([{name, specification, quantity, holder}]), `reason`, `place`; `proposed_by`, `proposed_on`;
    `approved_by`, `approved_on`, `approval_note` (or refused); `preserved_on`, `notice_number` (先行登记保存通知书
    文号, document kind `preservation_notice`), `due_on`, `due_explanation`, `due_provisional`; `outcome`,
    `outcome_note`, `decided_by`, `decided_on`.
    """

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                             related_name="preservations")
    status = models.CharField("状态", max_length=16, choices=PreservationStatus.choices,
                              default=PreservationStatus.PROPOSED)
    items = models.JSONField("物品清单", default=list)
    reason = models.TextField("证据可能灭失或者以后难以取得的情形")
    place = models.CharField("保存地点", max_length=300)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                    related_name="+")
    proposed_on = models.DateField("申请日期")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批负责人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField("审批日期", null=True, blank=True)
    approval_note = models.TextField("审批意见", blank=True)
    preserved_on = models.DateField("登记保存日期", null=True, blank=True)
    notice_number = models.CharField("通知书文号", max_length=100, blank=True)
    due_on = models.DateField("处理决定期限", null=True, blank=True)
    due_explanation = models.TextField("期限说明", blank=True)
    due_provisional = models.BooleanField("期限待定", default=False)
    outcome = models.CharField("处理决定", max_length=16, choices=PreservationOutcome.choices, blank=True)
    outcome_note = models.TextField("处理决定说明", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("决定日期", null=True, blank=True)

    class Meta:
        verbose_name = "先行登记保存"
        verbose_name_plural = "先行登记保存"
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="cases_preservation_due")]

    def __str__(self) -> str:
        return f"先行登记保存 {self.pk}（案件 {self.case_id}）"

    def overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == PreservationStatus.PRESERVED and self.due_on is not None and today > self.due_on


class AssistanceRequest(models.Model):
    """协助调查函 (document kind `assistance_request`): what another authority is asked, and by when it should
    reply (the bureau's parameter `assistance_reply`; no law fixes it).

    Fields: `to_authority`, `matters`, `document_number`, `sent_on`, `sent_by`, `reply_due`, `due_explanation`,
    `due_provisional`; `replied_on`, `reply`, `reply_recorded_by`.
    """

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                             related_name="assistance_requests")
    to_authority = models.CharField("协查单位", max_length=200)
    matters = models.TextField("协查事项")
    document_number = models.CharField("文号", max_length=100, blank=True)
    sent_on = models.DateField("发函日期")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发函人", on_delete=models.PROTECT,
                                related_name="+")
    reply_due = models.DateField("回复期限")
    due_explanation = models.TextField("期限说明", blank=True)
    due_provisional = models.BooleanField("期限待定", default=False)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    reply = models.TextField("回复内容", blank=True)
    reply_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回复登记人", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "协助调查函"
        verbose_name_plural = "协助调查函"
        ordering = ["case", "sent_on", "id"]
        indexes = [models.Index(fields=["replied_on", "reply_due"], name="cases_assistance_due")]

    def __str__(self) -> str:
        return f"协助调查函 {self.document_number or self.pk}（案件 {self.case_id}）"

    def overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.replied_on is None and today > self.reply_due
