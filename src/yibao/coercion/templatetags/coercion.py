"""The seals section of the case page: `{% load coercion %}{% case_seals case %}`."""

from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("coercion/_case_seals.html")
def case_seals(case: Any) -> dict:
    return {"case": case, "seals": list(case.seals.order_by("-id")), "today": timezone.localdate()}
