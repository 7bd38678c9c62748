"""Names beside codes: institutions and insured persons, filled from the datasets screened.

The findings hold codes only. Each run upserts the institutions (fixmedins) and persons
(psn_info) its findings name, so pages and exports can show a name beside every code.
"""

from django.db import models

from ..constants import GENDER_LABELS, INSTITUTION_TYPE_LABELS, RANK_LABELS


class Institution(models.Model):
    """A designated institution (定点医药机构) as a bureau's data knows it."""

    bureau = models.ForeignKey("org.Bureau", verbose_name="单位", on_delete=models.CASCADE,
                               related_name="institutions")
    code = models.CharField("定点医药机构编号", max_length=64)
    name = models.CharField("名称", max_length=200, blank=True)
    type = models.CharField("类型", max_length=8, blank=True, help_text="1 定点医疗机构，2 定点零售药店")
    hosp_lv = models.CharField("医院等级代码", max_length=8, blank=True)
    rank = models.PositiveSmallIntegerField("等级", default=0, help_text="3、2、1 级，0 为未定级或药店")
    admdvs = models.CharField("行政区划", max_length=16, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "定点医药机构"
        verbose_name_plural = "定点医药机构"
        ordering = ["bureau", "code"]
        constraints = [models.UniqueConstraint(fields=["bureau", "code"], name="monitoring_institution_unique_code")]

    def __str__(self) -> str:
        return f"{self.name or '（未知名称）'}（{self.code}）"

    @property
    def type_label(self) -> str:
        return INSTITUTION_TYPE_LABELS.get(self.type, self.type or "")

    @property
    def rank_label(self) -> str:
        return RANK_LABELS.get(self.rank, "")


class InsuredPerson(models.Model):
    """An insured person (参保人员). Name and certno are personal data: show them masked by role."""

    psn_no = models.CharField("人员编号", max_length=64, unique=True)
    name = models.CharField("姓名", max_length=100, blank=True)
    certno = models.CharField("身份证号", max_length=64, blank=True)
    gender = models.CharField("性别", max_length=2, blank=True, help_text="1 男，2 女，9 未知")
    birth_date = models.DateField("出生日期", null=True, blank=True)
    death_date = models.DateField("死亡日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "参保人员"
        verbose_name_plural = "参保人员"
        ordering = ["psn_no"]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs, admin history and audit summaries.
        return self.psn_no

    @property
    def gender_label(self) -> str:
        return GENDER_LABELS.get(self.gender, self.gender or "")
