"""Sign-in, failed sign-in, sign-out, lockout and the admin's changes to users and passwords, on the chain.

Connected in CoreConfig.ready(). A failed sign-in records the username tried, never the password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save

from yibao.core.models.audit import Outcome

from . import context

USERNAME_MAX = 150
ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def _ip(request) -> str | None:
    if request is None:
        return None
    return context.client_ip(request.META)


def signed_in(sender, request, user, **kwargs) -> None:
    from yibao.core.audit import record_event

    record_event("auth.login", actor=user, obj=user, summary=f"登录：{user.get_username()}",
                 source_ip=_ip(request))


def signed_out(sender, request, user, **kwargs) -> None:
    from yibao.core.audit import record_event

    if user is None:
        return
    record_event("auth.logout", actor=user, obj=user, summary=f"退出：{user.get_username()}",
                 source_ip=_ip(request))


def sign_in_failed(sender, credentials: dict[str, Any], request=None, **kwargs) -> None:
    from yibao.core.audit import record_event

    # Django has already replaced the password with asterisks; take only the username all the same.
    username = str(credentials.get("username", ""))[:USERNAME_MAX]
    record_event("auth.login_failed", summary=f"登录失败：{username}", data={"username": username},
                 outcome=Outcome.FAILED, source_ip=_ip(request))


def locked_out(sender, request=None, username: str | None = None, ip_address: str | None = None,
               **kwargs) -> None:
    from yibao.core.audit import record_event

    username = str(username or "")[:USERNAME_MAX]
    record_event("auth.locked_out", summary=f"账号锁定：{username}", data={"username": username},
                 outcome=Outcome.REFUSED, source_ip=_ip(request) or ip_address)


def admin_logged(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Every change made in Django's admin (it writes a LogEntry for each), with what it changed."""
    from yibao.core.audit import record_event

    if not created:
        return
    action = ADMIN_ACTIONS.get(instance.action_flag, "admin.change")
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = model._meta.label_lower if model is not None else ""
    record_event(action, actor=instance.user,
                 summary=f"后台{instance.get_action_flag_display()}：{label} {instance.object_repr}"[:500],
                 data={"model": label, "object_id": str(instance.object_id), "object": instance.object_repr,
                       "change": instance.get_change_message()})


def password_changing(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """A changed password hash, whoever changed it (the admin's form, a user's own change, a command)."""
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._audit_password_changed = old is not None and old != instance.password


def password_changed(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    from yibao.core.audit import record_event

    if raw or created or not getattr(instance, "_audit_password_changed", False):
        return
    instance._audit_password_changed = False
    # Whoever is signed in to the request that changed it: the user, or the admin changing it for them.
    request = context.current()
    actor = getattr(request.request, "user", None) if request is not None else None
    record_event("auth.password_changed", actor=actor, obj=instance,
                 summary=f"密码已更改：{instance.get_username()}")


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(signed_in, dispatch_uid="yibao.audit.login")
    user_logged_out.connect(signed_out, dispatch_uid="yibao.audit.logout")
    user_login_failed.connect(sign_in_failed, dispatch_uid="yibao.audit.login_failed")
    post_save.connect(admin_logged, sender=LogEntry, dispatch_uid="yibao.audit.admin")
    pre_save.connect(password_changing, sender=user_model, dispatch_uid="yibao.audit.password_pre")
    post_save.connect(password_changed, sender=user_model, dispatch_uid="yibao.audit.password")
    from django.apps import apps

    if apps.is_installed("axes"):  # the lockout library (identity); without it there are no lockouts
        from axes.signals import user_locked_out

        user_locked_out.connect(locked_out, dispatch_uid="yibao.audit.locked_out")
