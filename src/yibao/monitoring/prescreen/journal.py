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
    """Append-only request log shared between processes; each process opens its own descriptor."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.offset = 0
        self._pid = -1
        self._fd = -1
        self._writer = b""

    def _open(self) -> int:
        """This process's descriptor: reopened after fork, since a flock held through an inherited
        descriptor would not exclude the parent or the siblings sharing it."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
            self._writer = f"{self._pid}-{secrets.token_hex(4)}".encode()
        return self._fd

    @property
    def writer(self) -> bytes:
        """This process's id in the journal (a new one after fork)."""
        self._open()
        return self._writer

    def append(self, data: dict[str, Any] | bytes) -> None:
        """Append a request: its JSON text as received (bytes) or decoded data."""
        if isinstance(data, bytes):
            # JSON text has no raw line breaks inside strings: outside them they are only spacing.
            text = data.replace(b"\r", b" ").replace(b"\n", b" ")
        else:
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_default).encode("utf-8")
        line = self.writer + b"\t" + text + b"\n"
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            os.write(fd, line)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def read_new(self, *, include_own: bool = False) -> Iterator[dict[str, Any]]:
        """Yield the requests appended since the last read (by other processes unless include_own)."""
        fd = self._open()
        size = os.fstat(fd).st_size
        if size <= self.offset:
            return
        chunk = os.pread(fd, size - self.offset, self.offset)
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
        if self._pid == os.getpid():
            os.close(self._fd)
        self._pid, self._fd = -1, -1


def _default(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
