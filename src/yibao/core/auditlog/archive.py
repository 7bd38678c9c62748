"""Archiving old events: moved to a compressed JSON-lines file with a manifest, vouched for by a keyed
checkpoint, never deleted silently, and never younger than the retention period (retention.py)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from yibao.core.audit import check_chain, record_event
from yibao.core.auditlog.keys import audit_key
from yibao.core.migrations import _audit_guard
from yibao.core.models import AuditCheckpoint, AuditEvent
from yibao.core.models.audit import CheckpointKind

from .retention import LOG_RETENTION_BASIS, LOG_RETENTION_MONTHS, earliest_archivable

FIELDS = ("id", "created_at", "actor_id", "action", "object_type", "object_id", "summary", "data",
          "source_ip", "outcome", "prev_hash", "hash")


class ArchiveRefused(Exception):
    pass


def do_archive_events(before: dt.date, *, actor: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Move the events created before `before` (local date) to an archive file; return what was done."""
    today = today or timezone.localdate()
    latest = earliest_archivable(today)
    if before > latest:
        raise ArchiveRefused(
            f"不能归档 {before:%Y-%m-%d} 之前的事件：审计日志须至少留存 {LOG_RETENTION_MONTHS} 个月"
            f"（{LOG_RETENTION_BASIS}），最晚只能归档 {latest:%Y-%m-%d} 之前的事件")
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    report = check_chain(resume=True, save=True)
    if not report.intact:
        raise ArchiveRefused(f"审计链被破坏，不能归档：{report.first_break()}")
    last = AuditEvent.objects.filter(created_at__lt=cutoff).order_by("-id").first()
    if last is None:
        return {"count": 0}
    events = AuditEvent.objects.filter(id__lte=last.id).order_by("id")
    folder = Path(settings.YIBAO_AUDIT_ARCHIVE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    first_id = events.values_list("id", flat=True).first()
    name = f"audit-{first_id:012d}-{last.id:012d}"
    data_path = folder / f"{name}.jsonl.gz"
    count = 0
    with gzip.open(data_path, "wt", encoding="utf-8") as out:
        for event in events.iterator(chunk_size=5000):
            row = {f: getattr(event, f) for f in FIELDS}
            row["created_at"] = event.created_at.isoformat()
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str) + "\n")
            count += 1
    digest = hashlib.sha256(data_path.read_bytes()).hexdigest()
    key = audit_key()
    with transaction.atomic():
        checkpoint = AuditCheckpoint(kind=CheckpointKind.ARCHIVE, through_id=last.id, through_hash=last.hash,
                                     checked=count, note=f"{data_path.name} sha256={digest}")
        checkpoint.mac = checkpoint.compute_mac(key)
        checkpoint.save()
        manifest = {"file": data_path.name, "sha256": digest, "count": count, "first_id": first_id,
                    "last_id": last.id, "last_hash": last.hash, "before": before.isoformat(),
                    "archived_at": timezone.now().isoformat(), "checkpoint_mac": checkpoint.mac}
        (folder / f"{name}.manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                                       encoding="utf-8")
        record_event("audit.archived", actor=actor, obj=checkpoint,
                     summary=f"归档 {count} 条审计事件（{first_id}–{last.id}）到 {data_path.name}", data=manifest)
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with _audit_guard.lifted(connection), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last.id])
    return {**manifest, "file": str(data_path)}
