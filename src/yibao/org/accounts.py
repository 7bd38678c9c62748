"""Accounts (三权分立): the security administrator creates and disables accounts, gives them a role, a bureau
and posts, resets passwords and second factors and lifts lockouts. Nobody else does, and the security
administrator never does it to their own account or to a superuser (the command line's system account).

Each do_… checks, changes and records its event in one transaction. `actor=None` is the system itself:
the command line on the server (`yibao account create`, the bootstrap of the first security administrator)
and the demo. The admin's 用户 pages (org/admin_accounts.py) ask the same `check_account_admin`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from yibao.core.audit import record_event

from .constants import ACCOUNT_ADMIN_ROLES, ADMIN_SITE_DUTIES, Role
from .models import Bureau, Officer, Post, UserProfile
from .permissions import has_role, role_refusal_message

NOT_OWN_ACCOUNT = "不能修改自己的账号、角色、密码或动态口令（三权分立）；请由另一位安全管理员办理。"
NOT_SUPERUSER = "超级用户（命令行的系统账号）不能在此修改。"


def may_manage_accounts(actor: Any) -> bool:
    """Whether the actor is a security administrator, or the system (actor None, or its superuser account)."""
    return actor is None or is_system(actor) or has_role(actor, ACCOUNT_ADMIN_ROLES)


def is_system(actor: Any) -> bool:
    # The one superuser `serve --production` allows is the command line's system account.
    return bool(getattr(actor, "is_superuser", False)) and actor.is_active


def check_account_admin(actor: Any, target: Any = None) -> None:
    """Refuse unless the actor may manage accounts and the target is neither the actor nor a superuser."""
    if not may_manage_accounts(actor):
        raise PermissionDenied(role_refusal_message("管理账号", ACCOUNT_ADMIN_ROLES))
    if target is None or actor is None or is_system(actor):
        return
    if target.pk == actor.pk:
        raise PermissionDenied(NOT_OWN_ACCOUNT)
    if target.is_superuser:
        raise PermissionDenied(NOT_SUPERUSER)


def sync_staff(user: Any) -> None:
    """Reaching the admin site (is_staff) follows the role: the system and the security administrator."""
    profile = UserProfile.objects.filter(user=user).first()
    staff = profile is not None and profile.role in ADMIN_SITE_DUTIES
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def do_create_account(
    username: str, *, password: str, role: str, bureau: Bureau, full_name: str = "", actor: Any
) -> Any:
    """Create an active account with a role in a bureau; never a superuser."""
    check_account_admin(actor)
    if role not in Role.values:
        raise ValueError(f"unknown role: {role!r}")
    User = get_user_model()
    with transaction.atomic():
        user = User(username=username.strip(), first_name=full_name)
        user.set_password(password)
        user.save()
        UserProfile.objects.create(user=user, bureau=bureau, role=role)
        sync_staff(user)
        record_event("user.create", actor=actor, obj=user,
                     summary=f"新建账号 {user.username}（{Role(role).label}，{bureau.name}）",
                     data={"username": user.username, "role": role, "bureau": bureau.pk})
    return user


def do_set_role(user: Any, *, role: str, bureau: Bureau, actor: Any) -> UserProfile:
    """Give an account its role and bureau (one role per account: no one holds two administrators')."""
    check_account_admin(actor, user)
    if role not in Role.values:
        raise ValueError(f"unknown role: {role!r}")
    with transaction.atomic():
        profile = UserProfile.objects.filter(user=user).first()
        before = (profile.role, profile.bureau_id) if profile else (None, None)
        if profile is None:
            profile = UserProfile(user=user)
        profile.role, profile.bureau = role, bureau
        profile.save()
        sync_staff(user)
        record_event("user.role_change", actor=actor, obj=user,
                     summary=f"账号 {user.get_username()} 的角色改为{Role(role).label}（{bureau.name}）",
                     data={"role": role, "bureau": bureau.pk, "before": {"role": before[0], "bureau": before[1]}})
    return profile


def do_set_posts(user: Any, posts: Iterable[Post], *, actor: Any) -> None:
    """Set the posts of the officer the account belongs to."""
    check_account_admin(actor, user)
    officer = Officer.objects.filter(user=user).first()
    if officer is None:
        raise PermissionDenied("该账号没有关联执法人员，不能分配岗位。")
    posts = list(posts)
    with transaction.atomic():
        officer.posts.set(posts)
        record_event("user.posts_change", actor=actor, obj=user,
                     summary=f"账号 {user.get_username()} 的岗位改为 {'、'.join(str(p) for p in posts) or '无'}",
                     data={"posts": sorted(p.pk for p in posts)})


def do_set_active(user: Any, active: bool, *, actor: Any) -> None:
    """Enable or disable an account (an account is disabled, never deleted: the trail names it)."""
    check_account_admin(actor, user)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_event("user.enable" if active else "user.disable", actor=actor, obj=user,
                     summary=f"{'启用' if active else '停用'}账号 {user.get_username()}", data={})


def do_reset_password(user: Any, password: str, *, actor: Any) -> None:
    """Set a new (validated) password for someone who lost theirs."""
    check_account_admin(actor, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        record_event("user.password_reset", actor=actor, obj=user,
                     summary=f"重置账号 {user.get_username()} 的登录密码", data={})


def do_reset_second_factor(user: Any, *, actor: Any) -> int:
    """Remove every second-factor device of an account (a lost phone); the user enrols again."""
    from django_otp import devices_for_user

    check_account_admin(actor, user)
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        record_event("user.2fa_reset", actor=actor, obj=user,
                     summary=f"重置账号 {user.get_username()} 的动态口令", data={"removed": len(devices)})
    return len(devices)


def do_unlock(username: str, *, actor: Any) -> int:
    """Lift the lockout of an account (its failed sign-ins); the number of records cleared."""
    from axes.models import AccessAttempt

    target = get_user_model().objects.filter(username=username).first()
    check_account_admin(actor, target)
    with transaction.atomic():
        cleared = AccessAttempt.objects.filter(username=username).delete()[0]
        record_event("user.unlock", actor=actor, obj=target,
                     summary=f"解除账号 {username} 的登录锁定", data={"username": username, "cleared": cleared})
    return cleared
