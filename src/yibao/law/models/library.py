"""The law library: each law once, each article once, with the fullest text seen."""

from django.db import models
from django.urls import reverse

from yibao.law.constants import LawRank


class Law(models.Model):
    name = models.CharField("法规名称", max_length=200, unique=True)
    rank = models.CharField("效力位阶", max_length=32, choices=LawRank.choices, blank=True)
    rank_from_registry = models.BooleanField("位阶来自法规登记表", default=True)
    # The data of the official text (law/data/texts/); empty for a law known only from quotations.
    issuer = models.CharField("制定机关", max_length=100, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    promulgated_on = models.DateField("公布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    history = models.JSONField("沿革", default=list, blank=True)
    source = models.CharField("文本来源", max_length=500, blank=True)
    source_url = models.URLField("来源地址", max_length=500, blank=True)
    article_total = models.PositiveIntegerField("全文条数", null=True, blank=True)
    text_digest = models.CharField("全文摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "法律法规"
        verbose_name_plural = "法律法规"
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("law:law_detail", args=[self.pk])

    @property
    def has_full_text(self) -> bool:
        return self.article_total is not None


class Article(models.Model):
    law = models.ForeignKey(Law, verbose_name="法规", on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveIntegerField("条")
    text = models.TextField("条文", blank=True)
    source_file = models.CharField("来源文件", max_length=255, blank=True)
    source_line = models.PositiveIntegerField("来源行", null=True, blank=True)
    structure = models.JSONField("款项结构", default=list, blank=True)
    chapter = models.CharField("章", max_length=100, blank=True)
    section = models.CharField("节", max_length=100, blank=True)
    # From the law's official text: a catalogue's quotation never replaces it.
    official = models.BooleanField("正式文本", default=False)

    class Meta:
        verbose_name = "条文"
        verbose_name_plural = "条文"
        ordering = ["law", "number"]
        constraints = [models.UniqueConstraint(fields=["law", "number"], name="article_unique_per_law")]

    def __str__(self) -> str:
        return f"《{self.law.name}》{self.label}"

    def get_absolute_url(self) -> str:
        return reverse("law:article_detail", args=[self.pk])

    @property
    def label(self) -> str:
        from yibao.law.numerals import to_chinese_numeral

        return f"第{to_chinese_numeral(self.number)}条"
