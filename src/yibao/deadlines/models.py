"""The working-day calendar as stored: one row per year of arrangement, one row per special day."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from yibao.deadlines.calendar import WEEKDAY_LABELS, cn_date
from yibao.deadlines.constants import CalendarSource, DayKind


class CalendarYear(models.Model):
    """The State Council's holiday arrangement of one year (国务院办公厅关于某年部分节假日安排的通知)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField("来源", max_length=32, choices=CalendarSource.choices)
    source_version = models.CharField("软件包版本", max_length=32, blank=True,
                                      help_text="来自 chinesecalendar 软件包时，其版本号")
    notice = models.CharField("通知文号", max_length=100, blank=True, help_text="例如：国办发明电〔2025〕7号")
    published_on = models.DateField("通知发布日期", null=True, blank=True)
    revision = models.PositiveIntegerField("修订次数", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排（年度）"
        verbose_name_plural = "节假日安排（年度）"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class CalendarDay(models.Model):
    """A holiday or a make-up workday; every other day follows the week (Monday to Friday work)."""

    calendar_year = models.ForeignKey(CalendarYear, verbose_name="年度", on_delete=models.CASCADE,
                                      related_name="days")
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=32, choices=DayKind.choices)
    name = models.CharField("节日", max_length=60, blank=True, help_text="例如：春节、国庆节")

    class Meta:
        verbose_name = "节假日或调休上班日"
        verbose_name_plural = "节假日和调休上班日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{cn_date(self.date)} {self.get_kind_display()} {self.name}".strip()

    def clean(self) -> None:
        if not isinstance(self.date, dt.date):
            return
        if self.calendar_year_id and self.date.year != self.calendar_year.year:
            raise ValidationError({"date": f"{cn_date(self.date)}不属于{self.calendar_year.year}年"})
        if self.kind == DayKind.MAKEUP_WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": f"{cn_date(self.date)}是{WEEKDAY_LABELS[self.date.weekday()]}，本就是工作日，不能录入为调休上班日"}
            )
