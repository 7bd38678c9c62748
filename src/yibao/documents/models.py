"""Official documents (执法文书): a bureau's document settings, the documents of a case, their numbers.

An issued document is frozen: `Document.save()` and its queryset refuse to change it, and a database
trigger (migration 0002, `_document_guard.py`) refuses an UPDATE of an issued row from any client.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# The 文号 of a document sent to the party: {abbr} the bureau's one-character abbreviation (栾),
# {kind_abbr} the kind's (罚), {year}, {n} the sequence — 栾医保罚〔2026〕3号.
DEFAULT_NUMBER_FORMAT = "{abbr}医保{kind_abbr}〔{year}〕{n}号"
# Internal forms (审批表, 笔录) get a serial of their kind per bureau and year.
SERIAL_FORMAT = "{label}〔{year}〕{n}号"
# A seal image is a small transparent PNG; a larger file is refused (it would bloat every document).
SEAL_IMAGE_MAX_BYTES = 512 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def validate_seal_image(upload) -> None:
    if upload.size > SEAL_IMAGE_MAX_BYTES:
        raise ValidationError(f"印章图片不能超过 {SEAL_IMAGE_MAX_BYTES // 1024} KB")
    head = upload.read(len(PNG_SIGNATURE))
    upload.seek(0)
    if head != PNG_SIGNATURE:
        raise ValidationError("印章图片应为 PNG 文件（透明背景）")


def validate_number_format(value: str) -> None:
    try:
        value.format(abbr="栾", kind_abbr="罚", year=2026, n=1)
    except (KeyError, IndexError, ValueError) as e:
        raise ValidationError(f"文号格式不正确（可用 {{abbr}} {{kind_abbr}} {{year}} {{n}}）：{e}") from None
    if "{n}" not in value:
        raise ValidationError("文号格式须含序号 {n}")


class DocumentSettings(models.Model):
    """What a bureau prints on its documents: names, address, payment account, number format, seal, signer."""

    bureau = models.OneToOneField("org.Bureau", verbose_name="单位", on_delete=models.CASCADE,
                                  related_name="document_settings")
    full_name = models.CharField("文书落款全称", max_length=100, blank=True, help_text="留空则用单位名称")
    abbreviation = models.CharField("文号简称", max_length=8, blank=True,
                                    help_text="文号开头的单位简称，如 栾；留空则取单位名称第一个字")
    address = models.CharField("地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    contact = models.CharField("联系电话", max_length=100, blank=True)
    payment_account_name = models.CharField("缴款账户名称", max_length=100, blank=True)
    payment_bank = models.CharField("开户银行", max_length=100, blank=True)
    payment_account_number = models.CharField("账号", max_length=64, blank=True)
    payment_instructions = models.TextField("缴款方式说明", blank=True)
    number_format = models.CharField("文号格式", max_length=100, default=DEFAULT_NUMBER_FORMAT,
                                     validators=[validate_number_format],
                                     help_text="可用 {abbr} 单位简称、{kind_abbr} 文书简称、{year} 年份、{n} 序号")
    number_formats = models.JSONField("各类文书的文号格式", default=dict, blank=True,
                                      help_text="文书类型 → 格式；未列出的用上面的文号格式")
    seal_image = models.FileField("印章图片（PNG）", upload_to="documents/seals/", blank=True,
                                  validators=[validate_seal_image])
    signer_name = models.CharField("签发人", max_length=50, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "文书设置"
        verbose_name_plural = "文书设置"

    def __str__(self) -> str:
        return f"{self.bureau} 文书设置"

    def clean(self) -> None:
        for kind, fmt in (self.number_formats or {}).items():
            try:
                validate_number_format(fmt)
            except ValidationError as e:
                raise ValidationError({"number_formats": f"{kind}：{e.messages[0]}"}) from None

    def format_for(self, kind: str) -> str:
        return (self.number_formats or {}).get(kind) or self.number_format or DEFAULT_NUMBER_FORMAT


class DocumentTemplate(models.Model):
    """A bureau's own DOCX template of a kind: it takes precedence over the one in the repository."""

    bureau = models.ForeignKey("org.Bureau", verbose_name="单位", on_delete=models.CASCADE,
                               related_name="document_templates")
    kind = models.CharField("文书类型", max_length=64)
    file = models.FileField("模板（DOCX）", upload_to="documents/templates/")
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    original_name = models.CharField("上传的文件名", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "本局文书模板"
        verbose_name_plural = "本局文书模板"
        constraints = [models.UniqueConstraint(fields=["bureau", "kind"], name="documents_template_unique")]

    def __str__(self) -> str:
        return f"{self.bureau} {self.kind}"


class DocumentCounter(models.Model):
    """The last number a bureau gave in a series and year. Issuing updates the row first, which locks it
    (PostgreSQL's row lock, SQLite's write lock) until the issuing commits: no gaps, no duplicates."""

    bureau = models.ForeignKey("org.Bureau", on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=80)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bureau", "series", "year"],
                                               name="documents_counter_unique")]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.series}/{self.year}: {self.last}"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "预览"
    ISSUING = "issuing", "签发中"
    ISSUED = "issued", "已签发"


class RenderStatus(models.TextChoices):
    PENDING = "pending", "生成中"
    DONE = "done", "已生成"
    FAILED = "failed", "生成失败"


class Numbering(models.TextChoices):
    DOCUMENT_NUMBER = "document_number", "文号"
    SERIAL = "serial", "编号"


class DocumentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(status=DocumentStatus.ISSUED).exists():
            raise PermissionError("已签发的文书不能修改")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status__in=[DocumentStatus.ISSUED, DocumentStatus.ISSUING]).exists():
            raise PermissionError("已签发的文书不能删除")
        return super().delete()


class Document(models.Model):
    """One document of a case: a preview (draft, no number) or an issued one (numbered, frozen)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="documents")
    bureau = models.ForeignKey("org.Bureau", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("文书类型", max_length=64)
    label = models.CharField("文书名称", max_length=100)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    render_status = models.CharField("生成状态", max_length=16, choices=RenderStatus.choices,
                                     default=RenderStatus.PENDING)
    render_error = models.TextField("生成失败原因", blank=True)
    numbering = models.CharField("编号方式", max_length=20, choices=Numbering.choices, blank=True)
    series = models.CharField("编号序列", max_length=80, blank=True)
    year = models.PositiveIntegerField("年份", null=True, blank=True)
    sequence = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("文号或编号", max_length=100, blank=True, db_index=True)
    issued_on = models.DateField("签发日期", null=True, blank=True)
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    docx_path = models.CharField("DOCX 文件", max_length=300, blank=True)
    docx_sha256 = models.CharField("DOCX SHA-256", max_length=64, blank=True)
    pdf_path = models.CharField("PDF 文件", max_length=300, blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    content_sha256 = models.CharField("正文 SHA-256", max_length=64, blank=True,
                                      help_text="加核验码之前的正文（DOCX 的 word/document.xml）的 SHA-256")
    verification_code = models.CharField("核验码", max_length=140, blank=True)
    verification_key = models.CharField("核验码哈希部分", max_length=12, blank=True, db_index=True)
    corrects = models.ForeignKey("self", verbose_name="更正的文书", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")
    correction_reason = models.TextField("更正理由", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "执法文书"
        verbose_name_plural = "执法文书"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "series", "year", "sequence"],
                                    condition=models.Q(sequence__isnull=False), name="documents_number_unique"),
        ]
        indexes = [models.Index(fields=["case", "kind", "status"], name="documents_case_kind")]

    def __str__(self) -> str:
        return f"{self.label} {self.number}" if self.number else f"{self.label}（预览）"

    def save(self, *args, **kwargs):
        if getattr(self, "_stored_status", None) == DocumentStatus.ISSUED:
            raise PermissionError("已签发的文书不能修改；如有错误，请签发更正文书")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        if self.status != DocumentStatus.DRAFT or getattr(self, "_stored_status", None) not in (None,
                                                                                               DocumentStatus.DRAFT):
            raise PermissionError("已签发的文书不能删除")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._stored_status = self.status

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED


class CaseFileBuild(models.Model):
    """One build of a case file (一案一卷) made by a background job; kept and served again while the case's
    bound documents and evidence are what they were when it was built (`fingerprint`)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="file_builds")
    format = models.CharField("格式", max_length=8, default="pdf")
    status = models.CharField("状态", max_length=16, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    fingerprint = models.CharField("组卷内容指纹", max_length=64,
                                   help_text="卷内文书与证据材料的 SHA-256 汇总：内容变了就须重新生成")
    path = models.CharField("文件", max_length=300, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", null=True, blank=True)
    error = models.TextField("生成失败原因", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "案卷生成记录"
        verbose_name_plural = "案卷生成记录"
        ordering = ["-id"]
        indexes = [models.Index(fields=["case", "format", "fingerprint"], name="documents_casefile_build")]

    def __str__(self) -> str:
        return f"{self.case} 案卷 {self.format.upper()} #{self.pk}（{self.get_status_display()}）"
