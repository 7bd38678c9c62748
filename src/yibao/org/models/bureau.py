"""Bureaus, their sections and the posts in each section."""

from django.core.validators import RegexValidator
from django.db import models

from ..constants import BureauLevel, Stage, stage_for_post

DEFAULT_BENCHMARK = "national"


def validate_benchmark(name: str) -> None:
    from django.core.exceptions import ValidationError

    from yibao.law.calculator import AssessmentError, load_benchmark

    try:
        load_benchmark(name)
    except AssessmentError as e:
        raise ValidationError(str(e)) from None


region_code_validator = RegexValidator(r"^\d{6}$", "行政区划代码应为6位数字。")


class Bureau(models.Model):
    """A healthcare security bureau (医疗保障局): the enforcing authority of one region."""

    name = models.CharField("名称", max_length=100, unique=True)
    code = models.CharField(
        "行政区划代码", max_length=6, null=True, blank=True, unique=True, validators=[region_code_validator]
    )
    level = models.CharField("层级", max_length=16, choices=BureauLevel.choices, default=BureauLevel.COUNTY)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    discretion_benchmark = models.CharField(
        "裁量基准", max_length=50, blank=True, validators=[validate_benchmark], help_text="留空则沿用上级单位的基准；均未设定时使用全国默认基准"
    )

    class Meta:
        verbose_name = "医疗保障局"
        verbose_name_plural = "医疗保障局"
        ordering = ["code", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A blank code means "unknown": store NULL so the unique constraint ignores it.
        if not self.code:
            self.code = None
        super().save(*args, **kwargs)

    def ancestors(self) -> list["Bureau"]:
        """Return the bureaus above this one, nearest first."""
        chain: list[Bureau] = []
        seen = {self.pk}
        node = self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def benchmark_name(self) -> str:
        """Return the discretion benchmark this bureau applies: its own, else the nearest parent's."""
        for bureau in (self, *self.ancestors()):
            if bureau.discretion_benchmark:
                return bureau.discretion_benchmark
        return DEFAULT_BENCHMARK

    def is_within(self, other: "Bureau") -> bool:
        """Return whether this bureau is the other one or lies below it."""
        return self.pk == other.pk or any(b.pk == other.pk for b in self.ancestors())


class Department(models.Model):
    """A section (科室 / 股 / 处) of a bureau, e.g. 基金监管股."""

    bureau = models.ForeignKey(Bureau, verbose_name="单位", on_delete=models.CASCADE, related_name="departments")
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "科室"
        verbose_name_plural = "科室"
        ordering = ["bureau", "id"]
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="org_department_unique_name")]

    def __str__(self) -> str:
        return f"{self.bureau.name}{self.name}"


class Post(models.Model):
    """A post (岗位) in a section; its stage names the case step it performs."""

    department = models.ForeignKey(Department, verbose_name="科室", on_delete=models.CASCADE, related_name="posts")
    name = models.CharField("名称", max_length=100)
    stage = models.CharField("办案环节", max_length=16, choices=Stage.choices, blank=True)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["department", "id"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="org_post_unique_name")]

    def __str__(self) -> str:
        return f"{self.department.name}·{self.name}"

    def save(self, *args, **kwargs):
        if not self.stage:
            self.stage = stage_for_post(self.name)
        super().save(*args, **kwargs)
