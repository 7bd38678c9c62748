"""Write audit events. Call inside the service's transaction so state and trail commit together."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent


def record_event(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    summary: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain."""
    # Lock the chain head so two writers cannot both link to the same predecessor.
    with transaction.atomic():
        last = AuditEvent.objects.select_for_update().order_by("-id").first()
        event = AuditEvent(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            summary=summary[:500],
            data=data or {},
            prev_hash=last.hash if last else "",
            created_at=timezone.now(),
        )
        event.hash = event.compute_hash()
        event.save()
        return event


def verify_chain() -> list[int]:
    """Return the ids of events whose hash or link does not match; empty means intact."""
    broken: list[int] = []
    prev = ""
    for event in AuditEvent.objects.order_by("id").iterator():
        if event.prev_hash != prev or event.compute_hash() != event.hash:
            broken.append(event.id)
        prev = event.hash
    return broken
