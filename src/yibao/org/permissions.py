"""Who may do what: the one permission vocabulary of yibao.

Three questions, asked the same way by every app:

* the role: `has_role(user, roles, bureau)` (an active user whose role is one of `roles`, and whose bureau
  is `bureau` or one above it when a bureau is given);
* the scope: `in_scope(user, bureau)`, `visible_bureau_ids(user)` and `restrict(queryset, user)` (the rows of
  the bureaus the user sees, in the manner of NetBox's `restrict(user, action)`);
* the post: `holds_post(user, post, section, bureau)`: the procedure names the post and the section of each
  step, so the same post name in two sections (执行岗 of 基金监管 and of 法制审核) is told apart.

Refusal messages are built from the role labels (`roles_text`, `role_refusal_message`), never restated.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from .constants import ORG_ADMIN_ROLES, PII_ROLES, Role, department_name

M = TypeVar("M", bound=Model)


def is_active_user(user: Any) -> bool:
    """Whether the user is signed in and not deactivated."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def get_profile(user: Any):
    """Return the user's UserProfile, or None for anonymous users and users without one."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except (ObjectDoesNotExist, AttributeError):
        return None


def get_role(user: Any) -> str | None:
    """Return the user's role code, or None."""
    profile = get_profile(user)
    return profile.role if profile is not None else None


def actor_bureau(user: Any):
    """The bureau of the user's profile, or None."""
    profile = get_profile(user)
    return profile.bureau if profile is not None else None


def in_scope(user: Any, bureau: Any) -> bool:
    """Whether the bureau is the user's own or lies below it (a user without a profile has no scope)."""
    profile = get_profile(user)
    return profile is not None and bureau.is_within(profile.bureau)


def has_role(user: Any, roles: Iterable[str], bureau: Any = None, *, staff: bool = False) -> bool:
    """Whether an active user has one of the roles, for the bureau when one is given (see `in_scope`).

    With staff=True, superusers and Django staff users without a profile pass (screening runs); a staff user
    with a profile (the system and the security administrator reach the admin site) acts in their role.
    """
    if not is_active_user(user):
        return False
    profile = get_profile(user)
    if staff and (user.is_superuser or (user.is_staff and profile is None)):
        return True
    if profile is None or profile.role not in roles:
        return False
    return bureau is None or bureau.is_within(profile.bureau)


def roles_text(roles: Iterable[str]) -> str:
    """The roles' Chinese labels joined with 、 in the order of `Role`, e.g. 执法人员、负责人."""
    wanted = set(roles)
    return "、".join(label for value, label in Role.choices if value in wanted)


def role_refusal_message(action: str, roles: Iterable[str]) -> str:
    """您无权{action}。只有{roles}可以{action}。 — the refusal of a role check, from the labels."""
    return f"您无权{action}。只有{roles_text(roles)}可以{action}。"


def visible_bureau_ids(user: Any) -> list[int] | None:
    """The bureaus whose data the user sees: their own and those below; None means all (superusers and
    staff without a profile); an empty list none."""
    if not is_active_user(user):
        return []
    cached = getattr(user, "_visible_bureau_ids", False)
    if cached is not False:  # computed once per request (the user object lives as long as the request)
        return cached
    from .models import Bureau

    profile = get_profile(user)
    if profile is None:
        ids = None if (user.is_superuser or user.is_staff) else []
    else:
        parents = dict(Bureau.objects.values_list("pk", "parent_id"))
        ids = []
        for pk in parents:
            node, seen = pk, set()
            while node is not None and node not in seen and node != profile.bureau_id:
                seen.add(node)
                node = parents.get(node)
            if node == profile.bureau_id:
                ids.append(pk)
    user._visible_bureau_ids = ids
    return ids


def restrict(queryset: QuerySet[M], user: Any, field: str = "bureau") -> QuerySet[M]:
    """The rows of the queryset whose bureau (the `field` path) the user sees."""
    ids = visible_bureau_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def holds_post(user: Any, post: str, section: str, bureau: Any) -> bool:
    """Whether the user is an active officer holding the post in the section (its stem, e.g. 基金监管) of
    the bureau. The procedure says which section a step's post is in."""
    if not is_active_user(user):
        return False
    from .models import Officer

    officer = Officer.objects.filter(user=user, active=True).first()
    if officer is None:
        return False
    return officer.posts.filter(
        name=post, department__bureau=bureau, department__name=department_name(section, bureau.level)
    ).exists()


def can_view_personal_data(user: Any, bureau: Any = None) -> bool:
    """Return whether the user may see unmasked personal data (of people in the bureau, if given).

    Superusers and system administrators see every bureau; heads and legal reviewers
    see their own bureau and the bureaus below it.
    """
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    profile = get_profile(user)
    if profile is None or profile.role not in PII_ROLES:
        return False
    if bureau is None or profile.role == Role.ADMIN:
        return True
    return bureau.is_within(profile.bureau)


def can_manage_org(user: Any) -> bool:
    """Return whether the user may create and change bureaus, sections, posts and officers."""
    if not is_active_user(user):
        return False
    return user.is_superuser or get_role(user) in ORG_ADMIN_ROLES
