"""Choices of the catalogue app."""

from django.db import models


class PowerType(models.TextChoices):
    LICENSING = "licensing", "行政许可"
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    LEVY = "levy", "行政征收"
    BENEFIT = "benefit", "行政给付"
    INSPECTION = "inspection", "行政检查"
    CONFIRMATION = "confirmation", "行政确认"
    REWARD = "reward", "行政奖励"
    ADJUDICATION = "adjudication", "行政裁决"
    OTHER = "other", "其他"


class BasisRole(models.TextChoices):
    POWER = "power", "职权依据"
    DUTY = "duty", "责任事项依据"


class DutyStage(models.TextChoices):
    FILE = "file", "立案"
    INVESTIGATE = "investigate", "调查"
    REVIEW = "review", "审查"
    NOTIFY = "notify", "告知"
    DECIDE = "decide", "决定"
    SERVE = "serve", "送达"
    ENFORCE = "enforce", "执行"
    INSPECT = "inspect", "检查"
    HANDLE = "handle", "处置"
    APPROVE = "approve", "批准决定"
    SUPERVISE = "supervise", "事后监管"
    OTHER = "other", "其他"
