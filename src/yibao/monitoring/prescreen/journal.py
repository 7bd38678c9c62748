"""The pre-screened settlements of a bureau, appended to one file that every worker process shares.

Each web worker holds the history in memory. After judging a settlement it appends the request
to the journal: one line, one ``write`` under an exclusive ``flock`` (a few microseconds, no
fsync: a crashed process loses nothing, a power cut may lose the last seconds, which the next
screening run's dataset holds anyway). Before judging, a worker reads what the others appended
since it last looked (one ``fstat``; a ``pread`` when the file grew), so every worker judges with
the settlements all of them have seen. On start the journal is replayed after the dataset.

Line format: ``<writer id> TAB <request JSON> LF``; a worker skips its own lines when it reads.
"""

import fcntl
import json
import logging
import os
import secrets
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class Journal:
    """Append-only request log shared between processes; safe across fork (pread/O_APPEND only)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        self.offset = 0
        self._pid = -1
        self._writer = b""

    @property
    def writer(self) -> bytes:
        """This process's id in the journal (a new one after fork)."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._writer = f"{self._pid}-{secrets.token_hex(4)}".encode()
        return self._writer

    def append(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_default)
        line = self.writer + b"\t" + text.encode("utf-8") + b"\n"
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            os.write(self.fd, line)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def read_new(self, *, include_own: bool = False) -> Iterator[dict[str, Any]]:
        """Yield the requests appended since the last read (by other processes unless include_own)."""
        size = os.fstat(self.fd).st_size
        if size <= self.offset:
            return
        chunk = os.pread(self.fd, size - self.offset, self.offset)
        end = chunk.rfind(b"\n") + 1  # a line being written is read next time
        self.offset += end
        own = self.writer
        for raw in chunk[:end].splitlines():
            writer, _, body = raw.partition(b"\t")
            if writer == own and not include_own:
                continue
            try:
                yield json.loads(body, parse_float=Decimal)
            except ValueError:
                log.warning("pre-screen journal %s: unreadable line skipped", self.path)

    def close(self) -> None:
        os.close(self.fd)


def _default(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
