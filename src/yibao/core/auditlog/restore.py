"""A restore from backup, recorded as such so the check does not report it as deleted events."""

from typing import Any

from django.db import transaction

from yibao.core.audit import record_event
from yibao.core.models import AuditEvent

from . import anchors


def do_record_restore(note: str, *, actor: Any) -> AuditEvent:
    """Write a restore event naming the anchor the restore went back from, then a restore anchor line.

    The anchors before the restore line describe events the restore may have dropped; the check reads
    the anchor file from this line on.
    """
    previous = anchors.last_anchor()
    with transaction.atomic():
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        event = record_event(
            "audit.restored", actor=actor,
            summary=f"数据库自备份恢复：{note}"[:500],
            data={"note": note, "newest_before": newest,
                  "last_anchor": {"at": previous.at, "event_id": previous.event_id, "hash": previous.hash}
                  if previous else None},
        )
    anchors.write_anchor(anchors.RESTORE)
    return event
