"""Change the organisation. Each do_… function checks permission, changes state and
writes its audit event in one transaction."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yibao.core.audit import record_event

from .constants import (
    ADMIN_SITE_DUTIES,
    DEFAULT_DEPARTMENTS,
    DEMO_OFFICER_ROLES,
    DEMO_PASSWORD,
    DEMO_SYSTEM_ROLES,
    DEMO_USERS,
    BureauLevel,
    Role,
    department_name,
)
from .masking import mask_name
from .models import Bureau, Department, Officer, Post, UserProfile
from .permissions import can_manage_org, can_view_personal_data

# The four municipalities are province-level although their names end in 市.
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
BUREAU_SUFFIXES = ("医疗保障局", "医保局")

PERSONAL_FIELDS = ("name", "id_number", "phone")


def _check_manage(actor: Any) -> None:
    # actor None is the system itself: a migration, the importer, a management command.
    if actor is not None and not can_manage_org(actor):
        raise PermissionDenied("您无权维护组织机构。")


def ensure_default_structure(bureau: Bureau) -> list[Post]:
    """Create the bureau's default sections and posts that are missing; return the posts created."""
    created: list[Post] = []
    for stem, post_names in DEFAULT_DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            bureau=bureau, name=department_name(stem, bureau.level)
        )
        for post_name in post_names:
            post, was_created = Post.objects.get_or_create(department=department, name=post_name)
            if was_created:
                created.append(post)
    return created


def do_create_bureau(
    name: str,
    *,
    level: str,
    code: str | None = None,
    parent: Bureau | None = None,
    actor: Any,
) -> Bureau:
    """Create a bureau with its default sections and posts."""
    _check_manage(actor)
    return _create_bureau(name, level=level, code=code, parent=parent, actor=actor)


def _create_bureau(name: str, *, level: str, code: str | None, parent: Bureau | None, actor: Any) -> Bureau:
    if level not in BureauLevel.values:
        raise ValueError(f"unknown bureau level: {level!r}")
    with transaction.atomic():
        bureau = Bureau(name=name.strip(), level=level, code=code or None, parent=parent)
        bureau.full_clean()
        bureau.save()
        posts = ensure_default_structure(bureau)
        record_event(
            "bureau.create",
            actor=actor,
            obj=bureau,
            summary=f"新建单位 {bureau.name}（{bureau.get_level_display()}）",
            data={
                "name": bureau.name,
                "level": bureau.level,
                "code": bureau.code,
                "parent": parent.pk if parent else None,
                "departments": sorted({p.department.name for p in posts}),
                "posts": len(posts),
            },
        )
    return bureau


def guess_level(name: str) -> str:
    """Guess a bureau's level from its name, e.g. 栾川县医疗保障局 → county."""
    region = name.strip()
    for suffix in BUREAU_SUFFIXES:
        region = region.removesuffix(suffix)
    if region.endswith(("县", "旗")) or (region.endswith("区") and not region.endswith("自治区")):
        return BureauLevel.COUNTY
    if region.endswith(("省", "自治区")) or region in MUNICIPALITIES:
        return BureauLevel.PROVINCE
    if region.endswith(("市", "自治州", "州", "盟", "地区")):
        return BureauLevel.CITY
    if "省" in name and not any(ch in name for ch in "市县区"):
        return BureauLevel.PROVINCE
    if "市" in name:
        return BureauLevel.CITY
    return BureauLevel.COUNTY


def get_or_create_bureau(name: str, *, actor: Any = None) -> Bureau:
    """Return the bureau with this name, creating it (level guessed from the name) if missing.

    For importers: the caller has already checked that the actor may import, which is
    what creates the bureau; the actor is recorded in the audit trail.
    """
    name = name.strip()
    bureau = Bureau.objects.filter(name=name).first()
    if bureau is not None:
        return bureau
    return _create_bureau(name, level=guess_level(name), code=None, parent=None, actor=actor)


def do_reveal_personal_data(officer: Officer, *, actor: Any) -> dict[str, str]:
    """Return an officer's unmasked personal data, recording who looked; refuse others."""
    if not can_view_personal_data(actor, officer.bureau):
        record_event(
            "pii.view_denied",
            actor=actor,
            obj=officer,
            summary=f"拒绝查看执法人员 {mask_name(officer.name)} 的完整个人信息",
            data={"fields": list(PERSONAL_FIELDS)},
        )
        raise PermissionDenied("您无权查看完整个人信息。")
    with transaction.atomic():
        record_event(
            "pii.view",
            actor=actor,
            obj=officer,
            summary=f"{actor.get_username()} 查看执法人员 {mask_name(officer.name)} 的完整个人信息",
            data={"viewer": actor.get_username(), "fields": list(PERSONAL_FIELDS)},
        )
    return {field: getattr(officer, field) for field in PERSONAL_FIELDS}


def ensure_demo_users(
    bureau: Bureau, *, username_prefix: str = "", full_names: dict[str, str] | None = None
) -> list:
    """Create the demo users of a bureau, one per role (two officers), if they do not exist; return them all.

    Without a prefix they are the README's users (officer1 … admin, security_admin, audit_admin). Another bureau's staff get
    a prefix (yangquan.officer1 …) and names of their own (full_names: plain username → name), and no
    administrators: the system, the security and the audit administrator are one each for all bureaus
    (DEMO_SYSTEM_ROLES).
    """
    User = get_user_model()
    expiry = timezone.localdate() + datetime.timedelta(days=365)
    users = []
    with transaction.atomic():
        ensure_default_structure(bureau)
        for number, (plain, role, full_name, stem, post_names) in enumerate(DEMO_USERS, start=1):
            if username_prefix and role in DEMO_SYSTEM_ROLES:
                continue
            username = username_prefix + plain
            full_name = (full_names or {}).get(plain, full_name)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=full_name)
                user.set_password(DEMO_PASSWORD)
                # No superuser (三权分立): the admin site admits the system and the security administrator
                # by role (ADMIN_SITE_DUTIES), each to their own models.
                user.is_staff = role in ADMIN_SITE_DUTIES
                user.save()
                record_event(
                    "user.create",
                    obj=user,
                    summary=f"新建演示账号 {username}（{Role(role).label}）",
                    data={"username": username, "role": role, "bureau": bureau.pk},
                )
            UserProfile.objects.get_or_create(
                user=user, defaults={"bureau": bureau, "role": role}
            )
            if role in DEMO_OFFICER_ROLES and not Officer.objects.filter(user=user).exists():
                _create_demo_officer(bureau, user, number, full_name, role, stem, post_names, expiry)
            users.append(user)
    return users


def _create_demo_officer(
    bureau: Bureau,
    user: Any,
    number: int,
    full_name: str,
    role: str,
    stem: str,
    post_names: tuple[str, ...],
    expiry: datetime.date,
) -> Officer:
    section = Department.objects.get(bureau=bureau, name=department_name(stem, bureau.level))
    region = bureau.code or "410324"
    officer = Officer.objects.create(
        bureau=bureau,
        # The head too belongs to the section whose decision posts they hold.
        department=section,
        name=full_name,
        id_number=demo_id_number(region, datetime.date(1980 + number, number, 10 + number), number),
        # Unique across the demo bureaus: the region's last four digits, then the user's number.
        phone=f"138{region[2:]}{number:04d}",
        certificate_number=f"YB{region}{number:04d}",
        certificate_expiry=expiry,
        user=user,
    )
    officer.posts.set(Post.objects.filter(department=section, name__in=post_names))
    record_event(
        "officer.create",
        obj=officer,
        summary=f"新建演示执法人员 {mask_name(full_name)}",
        data={"user": user.get_username(), "posts": list(post_names)},
    )
    return officer


def demo_id_number(region: str, birth: datetime.date, sequence: int) -> str:
    """Return a made-up resident ID number with a valid check digit (GB 11643)."""
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]
