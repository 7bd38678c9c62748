"""三权分立 for the audit trail: the audit administrator reads it and nothing else, and nobody else reads it."""

from typing import Any

from yibao.org.constants import Role
from yibao.org.permissions import has_role

AUDIT_READERS = frozenset({Role.AUDIT_ADMIN})
# What an audit administrator may reach besides the audit pages: signing in and out, their own password
# and second factor (/account/), static files.
AUDIT_ADMIN_PATHS = ("/audit/", "/account/", "/login/", "/logout/", "/static/", "/favicon.ico", "/healthz")


def is_audit_admin(user: Any) -> bool:
    """Whether the user's role is the audit administrator's: the one role that reads the trail (a superuser
    without it does not: the system administrator is not the auditor)."""
    return has_role(user, AUDIT_READERS)
