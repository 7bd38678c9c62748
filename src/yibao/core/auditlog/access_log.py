"""The pre-screen's access log: thousands of calls a second are counted, not chained one event each.

Each call adds one to a counter (API key's fingerprint, bureau, outcome) in memory; every
FLUSH_SECONDS the counts go to the log file as lines ``key fingerprint, bureau, count, outcome``,
rotated daily and kept LOG_BACKUP_DAYS (retention.py), so the fast path pays a dict increment.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import threading
import time
from collections import Counter
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path

from .retention import LOG_BACKUP_DAYS

LOGGER = "yibao.access.prescreen"
FILE_NAME = "prescreen-access.log"
FLUSH_SECONDS = 10.0

_lock = threading.Lock()
_counts: Counter = Counter()
_fingerprints: dict[str, str] = {}
_last_flush = time.monotonic()
_log = logging.getLogger(LOGGER)


def outcome_of(status: int) -> str:
    """success, refused (4xx) or failed (5xx), as the chain's events say it."""
    if status >= 500:
        return "failed"
    return "refused" if status >= 400 else "success"


def fingerprint(key: str) -> str:
    """The key's first 12 hex digits of SHA-256: names the key without writing it down."""
    found = _fingerprints.get(key)
    if found is None:
        found = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12] if key else "-"
        if len(_fingerprints) < 10_000:  # unknown keys tried in bulk must not grow memory without end
            _fingerprints[key] = found
    return found


def note(key: str, bureau: str | None, status: int) -> None:
    """Count one pre-screen call; write the counts when FLUSH_SECONDS have passed."""
    global _last_flush
    entry = (fingerprint(key), bureau or "-", outcome_of(status))
    with _lock:
        _counts[entry] += 1
        due = time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        flush()


def flush() -> None:
    global _last_flush
    with _lock:
        counts = dict(_counts)
        _counts.clear()
        _last_flush = time.monotonic()
    _ensure_handler()
    for (key, bureau, outcome), count in sorted(counts.items()):
        _log.info("key=%s bureau=%s count=%d outcome=%s", key, bureau, count, outcome)


def _ensure_handler() -> None:
    """The rotated file under YIBAO_LOG_DIR, attached on first use (not at import: tests move the folder)."""
    from django.conf import settings

    path = Path(settings.YIBAO_LOG_DIR) / FILE_NAME
    for handler in _log.handlers:
        if getattr(handler, "baseFilename", None) == str(path.resolve()):
            return
    for handler in list(_log.handlers):
        _log.removeHandler(handler)
        handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = TimedRotatingFileHandler(path, when="midnight", backupCount=LOG_BACKUP_DAYS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    _log.addHandler(handler)
    _log.setLevel(logging.INFO)
    _log.propagate = False


atexit.register(lambda: flush() if _counts else None)
