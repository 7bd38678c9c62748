"""Choices of the catalogue app."""

from django.db import models

from yibao.org.constants import Stage


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


# A duty step performs a stage of the case; one list of stages serves posts and duties alike.
DutyStage = Stage
