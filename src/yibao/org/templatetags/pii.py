"""Mask personal data in templates: {% load pii %} then {{ officer.name|pii_name:user }}.

Without a user argument the value is always masked. With one, it is shown in full only
to users allowed to see personal data. Pages that reveal data on request should mask
here and reveal through services.do_reveal_personal_data, which writes the audit trail.
"""

from typing import Any

from django import template

from ..masking import mask_id_number, mask_name, mask_phone
from ..permissions import can_view_personal_data

register = template.Library()


def _allowed(user: Any) -> bool:
    return user is not None and user != "" and can_view_personal_data(user)


@register.filter
def pii_name(value: str | None, user: Any = None) -> str | None:
    """Mask a person's name unless the user may see it."""
    return value if _allowed(user) else mask_name(value)


@register.filter
def pii_id_number(value: str | None, user: Any = None) -> str | None:
    """Mask an ID number unless the user may see it."""
    return value if _allowed(user) else mask_id_number(value)


@register.filter
def pii_phone(value: str | None, user: Any = None) -> str | None:
    """Mask a phone number unless the user may see it."""
    return value if _allowed(user) else mask_phone(value)
