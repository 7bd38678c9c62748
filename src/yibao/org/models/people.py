"""Enforcement officers and the profile that ties a login to a bureau and a role."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..constants import CERTIFICATE_WARNING_DAYS, CertificateStatus, Role
from ..masking import mask_name
from .bureau import Bureau, Department, Post


class Officer(models.Model):
    """An enforcement officer (执法人员) holding an enforcement certificate (执法证)."""

    bureau = models.ForeignKey(Bureau, verbose_name="单位", on_delete=models.PROTECT, related_name="officers")
    department = models.ForeignKey(
        Department, verbose_name="科室", null=True, blank=True, on_delete=models.SET_NULL, related_name="officers"
    )
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    certificate_number = models.CharField("执法证号", max_length=50, blank=True)
    certificate_expiry = models.DateField("执法证有效期至", null=True, blank=True)
    posts = models.ManyToManyField(Post, verbose_name="岗位", blank=True, related_name="officers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
    )
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["bureau", "department", "id"]

    def __str__(self) -> str:
        # Never the full name: __str__ ends up in logs, admin history and audit summaries.
        return f"{mask_name(self.name)}（{self.certificate_number or '无执法证'}）"

    def has_valid_certificate(self, on_date: datetime.date | None = None) -> bool:
        """Return whether the officer holds a certificate valid on the date (today by default)."""
        if not self.certificate_number or self.certificate_expiry is None:
            return False
        if on_date is None:
            on_date = timezone.localdate()
        return on_date <= self.certificate_expiry

    def certificate_status(self, on_date: datetime.date | None = None) -> str:
        """Return the CertificateStatus of the officer's certificate on the date (today by default)."""
        if on_date is None:
            on_date = timezone.localdate()
        if not self.certificate_number or self.certificate_expiry is None:
            return CertificateStatus.MISSING
        if not self.has_valid_certificate(on_date):
            return CertificateStatus.EXPIRED
        if (self.certificate_expiry - on_date).days < CERTIFICATE_WARNING_DAYS:
            return CertificateStatus.EXPIRING
        return CertificateStatus.VALID


class UserProfile(models.Model):
    """The bureau a login belongs to and the role it acts in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.CASCADE, related_name="profile"
    )
    bureau = models.ForeignKey(Bureau, verbose_name="单位", on_delete=models.PROTECT, related_name="profiles")
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        verbose_name = "用户资料"
        verbose_name_plural = "用户资料"

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}，{self.bureau.name}）"
