"""Published catalogues (one version of one bureau's list) and their items."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from yibao.catalog.constants import BasisRole, DutyStage, PowerType


class Catalog(models.Model):
    """One version of one bureau's published list; versions of a series chain by date."""

    bureau = models.ForeignKey("org.Bureau", verbose_name="单位", on_delete=models.PROTECT, related_name="catalogs")
    series = models.CharField("清单类别", max_length=100, help_text="同一单位同一类别的清单构成版本序列")
    title = models.CharField("标题", max_length=255)
    effective_date = models.DateField("日期")
    version = models.PositiveIntegerField("版本号")
    is_current = models.BooleanField("现行版本", default=True, db_index=True)
    source_name = models.CharField("来源文件", max_length=255)
    content_hash = models.CharField("内容摘要", max_length=64)
    item_count = models.PositiveIntegerField("事项数", default=0)
    changes = models.JSONField("与上一版本相比的变化", default=dict, blank=True)
    previous = models.ForeignKey("self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "权责清单"
        verbose_name_plural = "权责清单"
        ordering = ["bureau", "series", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "series", "version"], name="catalog_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版，{self.effective_date:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("catalog:catalog_detail", args=[self.pk])


class PowerItem(models.Model):
    """One item of one catalogue version; `identity_key` links the same item across versions."""

    catalog = models.ForeignKey(Catalog, verbose_name="清单", on_delete=models.CASCADE, related_name="items")
    identity_key = models.CharField("事项标识", max_length=400, db_index=True)
    position = models.PositiveIntegerField("顺序")
    seq = models.CharField("序号", max_length=20, blank=True)
    name = models.CharField("事项名称", max_length=500)
    sub_item = models.CharField("子项", max_length=500, blank=True)
    type = models.CharField("事项类型", max_length=20, choices=PowerType.choices, db_index=True)
    national_code = models.CharField("基本编码", max_length=20, blank=True, db_index=True)
    subject = models.CharField("责任主体", max_length=255, blank=True)
    implementer = models.CharField("实施主体", max_length=255, blank=True)
    level = models.CharField("行使层级", max_length=50, blank=True)
    scope = models.TextField("行使内容", blank=True)
    remark = models.TextField("备注", blank=True)
    basis_text = models.TextField("依据原文", blank=True)
    source_line = models.PositiveIntegerField("来源行", null=True, blank=True)
    fingerprint = models.CharField("内容摘要", max_length=64)
    extra = models.JSONField("其他列", default=dict, blank=True)

    class Meta:
        verbose_name = "权责事项"
        verbose_name_plural = "权责事项"
        ordering = ["catalog", "position"]

    def __str__(self) -> str:
        return f"{self.name}（{self.sub_item}）" if self.sub_item else self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:item_detail", args=[self.pk])


class ItemBasis(models.Model):
    """One citation of an item: a law, and where it names one, an article, paragraph and clause."""

    item = models.ForeignKey(PowerItem, verbose_name="事项", on_delete=models.CASCADE, related_name="bases")
    role = models.CharField("类别", max_length=10, choices=BasisRole.choices, default=BasisRole.POWER)
    position = models.PositiveIntegerField("顺序")
    law = models.ForeignKey("law.Law", verbose_name="法规", on_delete=models.PROTECT, related_name="citations")
    article = models.ForeignKey(
        "law.Article", verbose_name="条文", null=True, blank=True, on_delete=models.PROTECT, related_name="citations"
    )
    paragraph = models.PositiveIntegerField("款", null=True, blank=True)
    clause = models.PositiveIntegerField("项", null=True, blank=True)
    text = models.TextField("引用原文", blank=True)

    class Meta:
        verbose_name = "依据"
        verbose_name_plural = "依据"
        ordering = ["item", "role", "position"]

    def __str__(self) -> str:
        return f"《{self.law.name}》第{self.article.number}条" if self.article else f"《{self.law.name}》"


class Duty(models.Model):
    """One step of an item's duty chain, with the post and department that perform it."""

    item = models.ForeignKey(PowerItem, verbose_name="事项", on_delete=models.CASCADE, related_name="duties")
    position = models.PositiveIntegerField("顺序")
    step = models.CharField("责任事项", max_length=100, blank=True)
    stage = models.CharField("环节", max_length=20, choices=DutyStage.choices, blank=True)
    text = models.TextField("内容", blank=True)
    post = models.CharField("岗位", max_length=100, blank=True)
    department = models.CharField("科室", max_length=100, blank=True)

    class Meta:
        verbose_name = "责任事项"
        verbose_name_plural = "责任事项"
        ordering = ["item", "position"]

    def __str__(self) -> str:
        return self.step or self.post or f"第{self.position}项"
