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


class Alert(models.Model):
    """期限提醒（督办预警）: one deadline the daily check found near or past, open until it is no longer.

    Generic over what runs the deadline (a case, a lead, a 封存…): `subject_type` and `subject_id` name it,
    so the deadlines app depends on none of them. One open alert per (kind, subject); its due date follows the
    record (a recount, an extension). `overdue_on` is the day the check first found it past, written once with
    its audit event."""

    kind = models.CharField("期限类别", max_length=32)
    label = models.CharField("期限", max_length=60)
    subject_type = models.CharField("对象类型", max_length=32)
    subject_id = models.PositiveBigIntegerField("对象编号")
    subject = models.CharField("案号或编号", max_length=100)
    title = models.CharField("案由或当事人", max_length=300, blank=True)
    bureau = models.ForeignKey("org.Bureau", verbose_name="办案单位", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    due = models.DateField("届满日")
    provisional = models.BooleanField("待定", default=False)
    paused = models.CharField("计时", max_length=30, blank=True, help_text="中止或暂停计算时不算逾期")
    basis = models.CharField("依据", max_length=300, blank=True)
    url = models.CharField("链接", max_length=200, blank=True)
    raised_on = models.DateField("首次提醒日期")
    overdue_on = models.DateField("逾期预警日期", null=True, blank=True)
    checked_on = models.DateField("最近检查日期")
    resolved_on = models.DateField("解除日期", null=True, blank=True,
                                   help_text="期限已办结、已顺延或案件已离开该环节")

    class Meta:
        verbose_name = "期限提醒"
        verbose_name_plural = "期限提醒"
        ordering = ["due", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "subject_type", "subject_id"],
                                               condition=models.Q(resolved_on__isnull=True),
                                               name="deadlines_alert_one_open")]
        indexes = [models.Index(fields=["bureau", "resolved_on"], name="deadlines_alert_open")]

    def __str__(self) -> str:
        return f"{self.subject} {self.label} {self.due}"


class Recount(models.Model):
    """A stored due date the holiday table moved (or confirmed): the latest recount of each (subject, kind),
    with the calendar version it was counted on, since the table holding the date has no column for it."""

    subject_type = models.CharField("对象类型", max_length=32)
    subject_id = models.PositiveBigIntegerField("对象编号")
    kind = models.CharField("期限类别", max_length=32)
    start = models.DateField("起算日")
    due_before = models.DateField("原届满日")
    due_after = models.DateField("重新计算的届满日")
    provisional = models.BooleanField("仍待定", default=False)
    calendar_version = models.CharField("日历版本", max_length=60)
    recounted_at = models.DateTimeField("重新计算时间", auto_now=True)

    class Meta:
        verbose_name = "期限重新计算"
        verbose_name_plural = "期限重新计算"
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id", "kind"],
                                               name="deadlines_recount_unique")]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id} {self.kind}: {self.due_before} → {self.due_after}"
