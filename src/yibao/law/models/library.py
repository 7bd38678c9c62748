"""The law library: each law once, each article once, with the fullest text seen."""

from django.db import models
from django.urls import reverse

from yibao.law.constants import LawRank


class Law(models.Model):
    name = models.CharField("法规名称", max_length=200, unique=True)
    rank = models.CharField("效力位阶", max_length=32, choices=LawRank.choices, blank=True)
    rank_from_registry = models.BooleanField("位阶来自法规登记表", default=True)

    class Meta:
        verbose_name = "法律法规"
        verbose_name_plural = "法律法规"
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("law:law_detail", args=[self.pk])


class Article(models.Model):
    law = models.ForeignKey(Law, verbose_name="法规", on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveIntegerField("条")
    text = models.TextField("条文", blank=True)
    source_file = models.CharField("来源文件", max_length=255, blank=True)
    source_line = models.PositiveIntegerField("来源行", null=True, blank=True)
    structure = models.JSONField("款项结构", default=list, blank=True)

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
