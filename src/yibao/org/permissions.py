"""Who may do what in the organisation app."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from .constants import ORG_ADMIN_ROLES, PII_ROLES, Role


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


def can_view_personal_data(user: Any, bureau: Any = None) -> bool:
    """Return whether the user may see unmasked personal data (of people in the bureau, if given).

    Superusers and system administrators see every bureau; heads and legal reviewers
    see their own bureau and the bureaus below it.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
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
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or get_role(user) in ORG_ADMIN_ROLES
