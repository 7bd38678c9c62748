"""Choices of the deadlines app; the values are the pure calendar's (yibao.deadlines.calendar)."""

from django.db import models

from yibao.deadlines import calendar


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = calendar.SOURCE_PACKAGE, "chinesecalendar 软件包"
    ADMIN = calendar.SOURCE_ADMIN, "管理员依据国务院办公厅通知录入"


class DayKind(models.TextChoices):
    HOLIDAY = calendar.HOLIDAY, "法定节假日（放假）"
    MAKEUP_WORKDAY = calendar.MAKEUP_WORKDAY, "调休上班日"
