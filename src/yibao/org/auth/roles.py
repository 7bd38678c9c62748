"""Django permissions from roles alone (三权分立): what an administrator may do in the Django admin is
`org.constants.ADMIN_SITE_DUTIES`, never a group or a per-user permission someone ticked."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from ..constants import ADMIN_SITE_DUTIES


def duties_of(user: Any) -> frozenset[str]:
    """The "app_label.model" (or "app_label.*") entries the user's role may manage in the admin."""
    from ..permissions import get_role, is_active_user

    if not is_active_user(user):
        return frozenset()
    return ADMIN_SITE_DUTIES.get(get_role(user) or "", frozenset())


def may_manage(user: Any, app_label: str, model_name: str | None = None) -> bool:
    """Whether the user's role manages the model (or, without one, anything of the app)."""
    duties = duties_of(user)
    if model_name is None:
        return any(duty.split(".", 1)[0] == app_label for duty in duties)
    return f"{app_label}.{model_name}" in duties or f"{app_label}.*" in duties


class PasswordBackend(ModelBackend):
    """Checks passwords as Django's does, and grants no permission: groups and per-user permissions would
    let one account hold two administrators' duties, which the separation forbids."""

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()


class RolePermissionBackend:
    """Grants `app.action_model` when the user's role manages the model; authenticates nobody."""

    def authenticate(self, request, **credentials) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        app_label, _, codename = perm.partition(".")
        _action, _, model_name = codename.partition("_")
        return bool(model_name) and may_manage(user_obj, app_label, model_name)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return may_manage(user_obj, app_label)
