"""三权分立 for the audit trail: the audit administrator reads it and nothing else, and nobody else reads it."""

from typing import Any

from yibao.org.constants import Role
from yibao.org.permissions import has_role

AUDIT_READERS = frozenset({Role.AUDIT_ADMIN})
# What a confined administrator (org.constants.CONFINED_ROLE_PATHS) may reach besides their own pages:
# signing in and out, their own password and second factor (/account/), static files.
ALWAYS_OPEN_PATHS = ("/account/", "/login/", "/logout/", "/static/", "/favicon.ico", "/healthz")
AUDIT_ADMIN_PATHS = ("/audit/", *ALWAYS_OPEN_PATHS)


def confined_paths(user: Any) -> tuple[str, ...] | None:
    """The pages the user's administrator role confines them to (their home page first), or None."""
    from yibao.org.constants import CONFINED_ROLE_PATHS
    from yibao.org.permissions import get_role, is_active_user

    if not is_active_user(user):
        return None
    own = CONFINED_ROLE_PATHS.get(get_role(user) or "")
    return (*own, *ALWAYS_OPEN_PATHS) if own else None


def is_audit_admin(user: Any) -> bool:
    """Whether the user's role is the audit administrator's: the one role that reads the trail (a superuser
    without it does not: the system administrator is not the auditor)."""
    return has_role(user, AUDIT_READERS)
