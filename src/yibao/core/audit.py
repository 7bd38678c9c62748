"""Write audit events. Call inside the service's transaction so state and trail commit together.

The chain: each event's hash covers the one before it. Events written before the key existed are
plain SHA-256 and vouched for by the seal (the first keyed checkpoint); every event after it is an
HMAC-SHA256 under the audit key (auditlog.keys), which the database does not hold. The head is also
anchored in a file outside the database (auditlog.anchors), so deleting the newest events is found.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from .auditlog import context
from .auditlog.keys import audit_key
from .models import AuditChainHead, AuditCheckpoint, AuditEvent
from .models.audit import CheckpointKind, Outcome

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
            if last is None and not _trusted(CheckpointKind.SEAL).exists():
                # An empty chain (a new or flushed database) is sealed at once: every event will be keyed.
                seal_chain()
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
    outcome: str = Outcome.SUCCESS,
    source_ip: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. The source address is the current request's unless given."""
    if source_ip is None:
        request = context.current()
        source_ip = request.source_ip if request is not None else None
    key = audit_key()
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
            outcome=str(outcome),
            source_ip=source_ip,
            prev_hash=prev_hash,
            created_at=timezone.now(),
        )
        event.hash = event.compute_hash(key)
        event.save()
        AuditChainHead.objects.filter(pk=HEAD_ID).update(
            last_id=event.id, last_hash=event.hash, length=F("length") + 1
        )
        return event


def _trusted(kind: str) -> models.QuerySet:
    """Checkpoints of the kind; whether each is genuine is for `_genuine` to say (its MAC)."""
    return AuditCheckpoint.objects.filter(kind=kind)


def _genuine(checkpoints, key: bytes) -> list[AuditCheckpoint]:
    return [cp for cp in checkpoints if cp.mac and cp.mac == cp.compute_mac(key)]


def seal_chain(note: str = "") -> AuditCheckpoint | None:
    """Vouch with the key for the chain as it stands (the events hashed before the key); once only."""
    key = audit_key()
    if _genuine(_trusted(CheckpointKind.SEAL), key):
        return None
    last = AuditEvent.objects.order_by("-id").first()
    seal = AuditCheckpoint(kind=CheckpointKind.SEAL, through_id=last.id if last else 0,
                           through_hash=last.hash if last else "", checked=0, note=note)
    seal.mac = seal.compute_mac(key)
    seal.save()
    return seal


@dataclass
class ChainReport:
    """What a verification found: the broken event ids (with why), from where it started, how many it read."""

    broken: list[int]
    start_after: int
    checked: int
    through_id: int
    reasons: dict[int, str] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        return not self.broken

    def first_break(self) -> str:
        """The first break in Chinese: 首个异常事件 N：why."""
        if not self.broken:
            return ""
        first = min(self.broken)
        return f"首个异常事件 {first}：{self.reasons.get(first, '哈希或链接不符')}"

    def as_dict(self) -> dict:
        return {"intact": self.intact, "broken": self.broken[:100], "start_after": self.start_after,
                "checked": self.checked, "through_id": self.through_id,
                "first_break": self.first_break() or None}


def verify_chain() -> list[int]:
    """Return the ids of events whose hash or link does not match; empty means intact."""
    return check_chain(resume=False, save=False).broken


def check_chain(*, resume: bool = True, save: bool = True) -> ChainReport:
    """Verify the chain, from the last checkpoint when resuming; record a checkpoint when intact.

    Checks: every event's link and hash (keyed after the seal), the seal itself, the head row and the
    anchors in the file outside the database (a missing anchored event: the newest events deleted). A
    checkpoint without a valid MAC, or whose event no longer carries the recorded hash, is not trusted.
    """
    from .auditlog import anchors

    key = audit_key()
    seals = _genuine(_trusted(CheckpointKind.SEAL).order_by("through_id"), key)
    seal = seals[0] if seals else None
    archives = _genuine(_trusted(CheckpointKind.ARCHIVE).order_by("-through_id"), key)
    start_after, prev = (archives[0].through_id, archives[0].through_hash) if archives else (0, "")
    floor = start_after
    if resume:
        for cp in _genuine(_trusted(CheckpointKind.CHECK).filter(through_id__gt=start_after)
                           .order_by("-through_id")[:5], key):
            if AuditEvent.objects.filter(pk=cp.through_id, hash=cp.through_hash).exists():
                start_after, prev = cp.through_id, cp.through_hash
                break
    broken: list[int] = []
    reasons: dict[int, str] = {}

    def flag(event_id: int, reason: str) -> None:
        if event_id not in reasons:
            broken.append(event_id)
            reasons[event_id] = reason

    checked = 0
    last_id, last_hash = start_after, prev
    for event in AuditEvent.objects.filter(id__gt=start_after).order_by("id").iterator(chunk_size=5000):
        if seal is None:
            flag(event.id, "缺少密钥封存点（封存点被删除或伪造）")
        keyed = seal is not None and event.id > seal.through_id
        if event.prev_hash != prev:
            flag(event.id, "与前一事件的链接不符（事件被删除、插入或改写）")
        elif event.compute_hash(key if keyed else None) != event.hash:
            flag(event.id, "哈希不符（事件被改写，或链在无密钥时被重算）")
        if seal is not None and event.id == seal.through_id and event.hash != seal.through_hash:
            flag(event.id, "与密钥封存点记录的哈希不符")
        prev = event.hash
        last_id, last_hash = event.id, event.hash
        checked += 1
    newest = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    if head is not None and head.last_id and (newest is None or head.last_id > newest[0]):
        flag(head.last_id, "链头记录的最新事件已不存在（最新事件被删除）")
    elif head is not None and newest is not None and head.last_id == newest[0] and head.last_hash != newest[1]:
        flag(newest[0], "与链头记录的哈希不符")
    for anchor in anchors.current_anchors():
        if anchor.event_id <= floor:
            continue  # archived: its file's manifest vouches for it
        stored = AuditEvent.objects.filter(pk=anchor.event_id).values_list("hash", flat=True).first()
        if stored is None:
            flag(anchor.event_id, f"锚点（{anchor.at}）记录的事件已不存在（最新事件被删除？）")
        elif stored != anchor.hash:
            flag(anchor.event_id, f"与锚点（{anchor.at}）记录的哈希不符")
    broken.sort()
    if save and not broken and checked:
        cp = AuditCheckpoint(through_id=last_id, through_hash=last_hash, checked=checked)
        cp.mac = cp.compute_mac(key)
        cp.save()
    return ChainReport(broken, start_after, checked, last_id, reasons)
