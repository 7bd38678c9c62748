"""A bureau's own value of a procedural parameter (cases/parameters/defaults.yaml), from a date.

Rows are never rewritten: a new value from a later date supersedes the earlier one, so what was in force
on any day (the day a case was filed, a notice given) can always be told.
"""

from django.conf import settings
from django.db import models


class BureauParameter(models.Model):
    bureau = models.ForeignKey("org.Bureau", verbose_name="单位", on_delete=models.CASCADE,
                               related_name="case_parameters")
    key = models.CharField("参数", max_length=60)
    value = models.CharField("取值", max_length=60)
    valid_from = models.DateField("施行日期")
    basis = models.CharField("依据", max_length=300, help_text="本局或本省规定的名称、文号和条款")
    reason = models.TextField("说明", blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "本局办案参数"
        verbose_name_plural = "本局办案参数"
        ordering = ["bureau", "key", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["bureau", "key", "valid_from"], name="cases_param_once_a_day")]

    def __str__(self) -> str:
        return f"{self.key}={self.value}（{self.valid_from} 起）"
