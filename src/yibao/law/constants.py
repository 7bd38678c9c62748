"""Choices of the law app."""

from django.db import models


class LawRank(models.TextChoices):
    LAW = "law", "法律"
    ADMIN_REGULATION = "admin_regulation", "行政法规"
    DEPT_RULE = "dept_rule", "部门规章"
    LOCAL_RULE = "local_rule", "地方政府规章"
    NORMATIVE_DOC = "normative_doc", "规范性文件"
