"""Write audit events. Call inside the service's transaction so state and trail commit together."""

from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from .models import AuditChainHead, AuditCheckpoint, AuditEvent

HEAD_ID = AuditChainHead.HEAD_ID


def _lock_head() -> str:
    """Take the chain head's row lock (PostgreSQL) or the write lock (SQLite); return the last hash.

    The UPDATE comes first: it blocks until a concurrent append commits, and then returns the hash
    that append wrote. A missing head (a flushed test database) is rebuilt from the newest event;
    two writers racing to rebuild it insert one row between them.
    """
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    sql = f"UPDATE {table} SET length = length WHERE id = %s RETURNING last_hash"
    with connection.cursor() as cursor:
        cursor.execute(sql, [HEAD_ID])
        row = cursor.fetchone()
        if row is None:
            last = AuditEvent.objects.order_by("-id").first()
            AuditChainHead.objects.bulk_create(
                [AuditChainHead(pk=HEAD_ID, last_id=last.id if last else 0, last_hash=last.hash if last else "",
                                length=AuditEvent.objects.count())],
                ignore_conflicts=True,
            )
            cursor.execute(sql, [HEAD_ID])
            row = cursor.fetchone()
    return row[0]


def record_event(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    summary: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain."""
    # No savepoint: inside a service's transaction a failed append fails the whole service.
    with transaction.atomic(savepoint=False):
        prev_hash = _lock_head()
        event = AuditEvent(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            summary=summary[:500],
            data=data or {},
            prev_hash=prev_hash,
            created_at=timezone.now(),
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(pk=HEAD_ID).update(
            last_id=event.id, last_hash=event.hash, length=F("length") + 1
        )
        return event


@dataclass
class ChainReport:
    """What a verification found: the broken event ids, from where it started, how many it read."""

    broken: list[int]
    start_after: int
    checked: int
    through_id: int

    @property
    def intact(self) -> bool:
        return not self.broken


def verify_chain() -> list[int]:
    """Return the ids of events whose hash or link does not match; empty means intact."""
    return check_chain(resume=False, save=False).broken


def check_chain(*, resume: bool = True, save: bool = True) -> ChainReport:
    """Verify the chain, from the last checkpoint when resuming; record a checkpoint when intact.

    A checkpoint whose event no longer carries the recorded hash is not trusted: the check then
    starts from the beginning.
    """
    start_after, prev = 0, ""
    if resume:
        cp = AuditCheckpoint.objects.order_by("-through_id").first()
        if cp is not None and AuditEvent.objects.filter(pk=cp.through_id, hash=cp.through_hash).exists():
            start_after, prev = cp.through_id, cp.through_hash
    broken: list[int] = []
    checked = 0
    last_id, last_hash = start_after, prev
    for event in AuditEvent.objects.filter(id__gt=start_after).order_by("id").iterator(chunk_size=5000):
        if event.prev_hash != prev or event.compute_hash() != event.hash:
            broken.append(event.id)
        prev = event.hash
        last_id, last_hash = event.id, event.hash
        checked += 1
    if save and not broken and checked:
        AuditCheckpoint.objects.create(through_id=last_id, through_hash=last_hash, checked=checked)
    return ChainReport(broken, start_after, checked, last_id)
