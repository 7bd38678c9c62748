"""The chain's head anchored outside the database: an append-only file of lines
``time<TAB>event id<TAB>keyed hash<TAB>kind`` that a site ships elsewhere (a log server, write-once
storage). Whoever deletes the newest events from the database cannot delete them from there.

A restore from backup writes a ``restore`` line: the anchors before it describe a history the restore
went back from, so the check reads only the lines from the last restore on.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

ANCHOR = "anchor"
RESTORE = "restore"


@dataclass(frozen=True)
class Anchor:
    at: str
    event_id: int
    hash: str
    kind: str


def anchor_file() -> Path:
    return Path(settings.YIBAO_AUDIT_ANCHOR_FILE)


def read_anchors(path: Path | None = None) -> list[Anchor]:
    """Every well-formed line of the anchor file, oldest first (none when there is no file)."""
    path = path or anchor_file()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[1].isdigit():
            out.append(Anchor(parts[0], int(parts[1]), parts[2], parts[3]))
    return out


def current_anchors() -> list[Anchor]:
    """The anchors from the last restore line on."""
    anchors = read_anchors()
    for i in range(len(anchors) - 1, -1, -1):
        if anchors[i].kind == RESTORE:
            return anchors[i:]
    return anchors


def last_anchor() -> Anchor | None:
    anchors = read_anchors()
    return anchors[-1] if anchors else None


def write_anchor(kind: str = ANCHOR, now: dt.datetime | None = None) -> Anchor | None:
    """Append the chain's newest event to the anchor file; None when the chain is empty."""
    from yibao.core.models import AuditEvent

    newest = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    if newest is None:
        return None
    anchor = Anchor((now or timezone.now()).isoformat(timespec="seconds"), newest[0], newest[1], kind)
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: concurrent writers (the worker, a command) each add whole lines.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(f"{anchor.at}\t{anchor.event_id}\t{anchor.hash}\t{anchor.kind}\n")
        out.flush()
        os.fsync(out.fileno())
    return anchor
