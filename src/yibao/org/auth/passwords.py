"""Password rules beyond Django's: character classes, no reuse of the last few, expiry.

The history is kept by a signal on the user model, so every way a password is set (the change page,
the admin, `createsuperuser`, the demo) leaves its hash there.
"""

from __future__ import annotations

import datetime
import string
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from ..models import PasswordHistory

CLASS_NAMES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and other characters the password uses."""
    found = [False] * 4
    for char in password:
        if char in string.ascii_uppercase:
            found[0] = True
        elif char in string.ascii_lowercase:
            found[1] = True
        elif char.isdigit():
            found[2] = True
        else:
            found[3] = True
    return sum(found)


class CharacterClassValidator:
    """A password uses at least `min_classes` of the four classes."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须包含{'、'.join(CLASS_NAMES)}四类中的至少 {self.min_classes} 类。"


class HistoryValidator:
    """A new password is none of the user's last `depth` passwords."""

    def __init__(self, depth: int = 5):
        self.depth = depth

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None or self.depth <= 0:
            return
        for old in PasswordHistory.objects.filter(user=user)[: self.depth]:
            if check_password(password, old.password):
                raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        return f"新密码不能与最近 {self.depth} 次使用过的密码相同。"


def password_set_at(user: Any) -> datetime.datetime:
    """When the user's current password was set: its history row, else when the account was made."""
    newest = PasswordHistory.objects.filter(user=user).values_list("set_at", flat=True).first()
    return newest or user.date_joined


def password_expired(user: Any, now: datetime.datetime | None = None) -> bool:
    """Whether the password is older than YIBAO_PASSWORD_MAX_AGE_DAYS (never, when that is 0)."""
    days = settings.YIBAO_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    return (now or timezone.now()) - password_set_at(user) > datetime.timedelta(days=days)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="yibao.org.password_history.pre")
def _note_password_change(sender, instance, update_fields=None, **kwargs) -> None:
    # Signing in saves last_login alone: no need to read the stored hash then.
    if update_fields is not None and "password" not in update_fields:
        instance._yibao_password_changed = False
        return
    if not instance.password or not instance.has_usable_password():
        instance._yibao_password_changed = False
        return
    before = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first() if instance.pk else None
    instance._yibao_password_changed = before != instance.password


@receiver(post_save, sender=get_user_model(), dispatch_uid="yibao.org.password_history.post")
def _keep_password_history(sender, instance, **kwargs) -> None:
    if getattr(instance, "_yibao_password_changed", False):
        PasswordHistory.objects.create(user=instance, password=instance.password)
        instance._yibao_password_changed = False
        keep = max(settings.YIBAO_PASSWORD_HISTORY, 1)
        stale = PasswordHistory.objects.filter(user=instance).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
