"""The pre-screened settlements of a bureau, appended to one file that every worker process shares.

Each web worker holds the history in memory. After judging a settlement it appends the request
to the journal: one line, one ``write`` under an exclusive ``flock`` (a few microseconds, no
fsync: a crashed process loses nothing, a power cut may lose the last seconds, which the next
screening run's dataset holds anyway). Before judging, a worker reads what the others appended
since it last looked (a ``stat`` and an ``fstat``; a ``pread`` when the file grew), so every worker judges with
the settlements all of them have seen. On start the journal is replayed after the dataset.

Line format: ``<writer id> TAB <request JSON> LF``; a worker skips its own lines when it reads.

Compaction (``compact``) rewrites the journal without the settlements that left the history
window: the kept lines go to a temporary file in the same folder, which is fsynced and renamed
over the journal while the exclusive lock of the old file is held. The other processes notice
that the path names another file (its inode differs from their descriptor's): a reader finishes
the old file, then reads the new one from its start, its own lines included, so that replaying it
in order leaves the history as a freshly started worker's (a settlement read again replaces the
one held); a writer that waited for the lock on the old file moves to the new one before writing.
"""

import contextlib
import fcntl
import json
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_READ_SIZE = 1 << 20
_MAX_LOGGED_BAD_LINES = 5


@dataclass
class Compaction:
    """The outcome of a compaction: lines kept and dropped, sizes in bytes, whether the file was replaced."""

    kept: int
    dropped: int
    size_before: int
    size_after: int
    replaced: bool

    def as_dict(self) -> dict[str, Any]:
        return {"kept": self.kept, "dropped": self.dropped, "size_before": self.size_before,
                "size_after": self.size_after, "replaced": self.replaced}


class Journal:
    """Append-only request log shared between processes; each process opens its own descriptor."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.offset = 0
        self._pid = -1
        self._fd = -1
        self._ino: tuple[int, int] | None = None  # (st_dev, st_ino) of the file self.offset belongs to
        self._writer = b""
        # Descriptors of replaced files, with the offset still to read from: read before the new file.
        self._retired: list[tuple[int, int]] = []
        self._reread_own = False  # the current file is a replacement: read it with own lines

    def _open(self) -> int:
        """This process's descriptor: reopened after fork, since a flock held through an inherited
        descriptor would not exclude the parent or the siblings sharing it."""
        if self._pid != os.getpid():
            inherited = self._fd if self._pid != -1 else -1
            self._pid = os.getpid()
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
            self._writer = f"{self._pid}-{secrets.token_hex(4)}".encode()
            ino = _identity(os.fstat(self._fd))
            if self._ino is not None and ino != self._ino and inherited != -1:
                # Replaced since the parent read it: self.offset belongs to the inherited file.
                self._retired.append((inherited, self.offset))
                self.offset, self._reread_own = 0, True
            self._ino = ino
        return self._fd

    def _replaced(self) -> bool:
        """Whether the path now names another file than this process's descriptor."""
        try:
            return _identity(os.stat(self.path)) != self._ino
        except FileNotFoundError:
            return True

    def _switch(self) -> None:
        """Move to the file now at the path; the old one is read to its end by the next read_new."""
        self._retired.append((self._fd, self.offset))
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        self._ino = _identity(os.fstat(self._fd))
        self.offset, self._reread_own = 0, True

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
        while True:
            fd = self._open()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                # Checked under the lock: a compaction replaces the file while holding it, so a
                # line written to the old file after that would be lost.
                if not self._replaced():
                    os.write(fd, line)
                    return
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._switch()

    def read_new(self, *, include_own: bool = False) -> Iterator[dict[str, Any]]:
        """Yield the requests appended since the last read (by other processes unless include_own)."""
        fd = self._open()
        if self._replaced():
            self._switch()
            fd = self._fd
        while self._retired:
            old_fd, offset = self._retired.pop(0)
            try:
                chunk, _ = _complete_lines(old_fd, offset)
            finally:
                os.close(old_fd)
            yield from self._decode(chunk, include_own)
        chunk, self.offset = _complete_lines(fd, self.offset)
        own = include_own or self._reread_own
        self._reread_own = False
        yield from self._decode(chunk, own)

    def _decode(self, chunk: bytes, include_own: bool) -> Iterator[dict[str, Any]]:
        own = self.writer
        for raw in chunk.splitlines():
            writer, _, body = raw.partition(b"\t")
            if writer == own and not include_own:
                continue
            try:
                yield json.loads(body, parse_float=Decimal)
            except ValueError:
                log.warning("pre-screen journal %s: unreadable line skipped", self.path)

    def entries(self) -> Iterator[dict[str, Any]]:
        """Yield every decodable request now in the journal from its start, reading it in blocks
        (the read offset does not move)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            end, read_at, pending = _complete_lines_end(fd), 0, b""
            while read_at < end:
                block = os.pread(fd, min(_READ_SIZE, end - read_at), read_at)
                if not block:
                    break
                read_at += len(block)
                lines = (pending + block).split(b"\n")
                pending = lines.pop()
                for raw in lines:
                    try:
                        yield json.loads(raw.partition(b"\t")[2], parse_float=Decimal)
                    except ValueError:
                        continue
        finally:
            os.close(fd)

    def compact(self, keep: Callable[[dict[str, Any]], bool], *, min_drop_bytes: int = 1) -> Compaction:
        """Rewrite the journal with only the entries `keep` accepts; lines that cannot be decoded are kept.

        The file is replaced only when at least `min_drop_bytes` would go. The bulk is copied
        before taking the lock (the journal only grows, so what is there does not change): the
        lock is held for the lines appended meanwhile, the fsync and the rename, so writers wait
        for milliseconds, not for the whole copy.
        """
        for _ in range(5):
            fd = self._open()
            if self._replaced():
                self._switch()
                fd = self._fd
            result = self._compact_once(fd, keep, min_drop_bytes)
            if result is not None:
                return result
            self._switch()  # another process compacted it first: compact the file it wrote
        raise RuntimeError(f"pre-screen journal {self.path} kept being replaced during compaction")

    def _compact_once(self, fd: int, keep: Callable[[dict[str, Any]], bool], min_drop_bytes: int) -> Compaction | None:
        """Compact the file behind fd; None if another process replaced it first."""
        reader_offset = self.offset
        tmp_path = self.path.with_name(f".{self.path.name}.compact-{os.getpid()}-{secrets.token_hex(4)}")
        tmp = os.open(tmp_path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o640)
        copy = _Copy(self.path, tmp, keep, reader_offset)
        adopted = replaced = False
        try:
            copy.run(fd, 0, _complete_lines_end(fd))
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if self._replaced():
                    return None
                size = os.fstat(fd).st_size
                copy.run(fd, copy.position, size, final=True)
                copy.flush()
                if copy.dropped_bytes < max(min_drop_bytes, 1):
                    return Compaction(copy.kept, copy.dropped, size, size, False)
                _copy_owner(fd, tmp)
                os.fsync(tmp)
                os.replace(tmp_path, self.path)
                replaced = True
                _fsync_folder(self.path.parent)
                result = Compaction(copy.kept, copy.dropped, size, os.fstat(tmp).st_size, True)
                log.info("pre-screen journal %s compacted: %d entries kept, %d dropped, %d → %d bytes",
                         self.path, result.kept, result.dropped, result.size_before, result.size_after)
            finally:
                # Unlocked explicitly: a forked child may share this descriptor, so closing it
                # would not release the lock the writers waiting on the old file need.
                fcntl.flock(fd, fcntl.LOCK_UN)
            if self.offset == reader_offset:
                # This reader had read the old file up to reader_offset: go on from the same
                # point of the new one, without reading again what it has.
                os.close(fd)
                self._fd, self._ino = tmp, _identity(os.fstat(tmp))
                self.offset = copy.mapped_offset if copy.mapped_offset >= 0 else copy.written
                adopted = True
            return result
        finally:
            if not adopted:
                os.close(tmp)
            if not replaced:
                os.unlink(tmp_path)

    def close(self) -> None:
        if self._pid == os.getpid():
            os.close(self._fd)
            for fd, _ in self._retired:
                os.close(fd)
        self._retired = []
        self._pid, self._fd, self._ino = -1, -1, None


class _Copy:
    """Copies the lines a keep function accepts from a journal descriptor to another, counting."""

    def __init__(self, path: Path, out: int, keep: Callable[[dict[str, Any]], bool], reader_offset: int):
        self.path = path
        self.out = out
        self.keep = keep
        self.reader_offset = reader_offset
        self.position = 0  # how far the source has been read
        self.written = 0
        self.mapped_offset = -1  # where reader_offset's line starts in the copy
        self.kept = self.dropped = self.dropped_bytes = self.bad = 0
        self._buffer = bytearray()

    def run(self, fd: int, start: int, end: int, *, final: bool = False) -> None:
        """Copy the lines between start and end; with final, a last line without its end too."""
        read_at, pending = start, b""
        while read_at < end:
            block = os.pread(fd, min(_READ_SIZE, end - read_at), read_at)
            if not block:
                break
            read_at += len(block)
            data = pending + block
            line_start = read_at - len(data)
            lines = data.split(b"\n")
            pending = lines.pop()
            for line in lines:
                self._line(line, line_start)
                line_start += len(line) + 1
        if pending and final:
            # A writer died in the middle of its line: keep it, ended, for a person to look at.
            self._line(pending, read_at - len(pending))
            pending = b""
        self.position = read_at - len(pending)

    def _line(self, raw: bytes, start: int) -> None:
        if self.mapped_offset < 0 and start >= self.reader_offset:
            self.mapped_offset = self.written + len(self._buffer)
        if self._wanted(raw, start):
            self._buffer += raw + b"\n"
            self.kept += 1
            if len(self._buffer) >= _READ_SIZE:
                self.flush()
        else:
            self.dropped += 1
            self.dropped_bytes += len(raw) + 1

    def _wanted(self, raw: bytes, start: int) -> bool:
        _, _, body = raw.partition(b"\t")
        try:
            data = json.loads(body, parse_float=Decimal)
        except ValueError:
            self._bad(start, "not readable JSON")
            return True
        try:
            return bool(self.keep(data))
        except Exception as e:  # a keep function that trips over an odd entry must not lose it
            self._bad(start, f"keep raised {type(e).__name__}: {e}")
            return True

    def _bad(self, start: int, why: str) -> None:
        self.bad += 1
        if self.bad <= _MAX_LOGGED_BAD_LINES:
            log.warning("pre-screen journal %s: line at byte %d kept by compaction: %s", self.path, start, why)
        elif self.bad == _MAX_LOGGED_BAD_LINES + 1:
            log.warning("pre-screen journal %s: more lines kept unread by compaction; not logged", self.path)

    def flush(self) -> None:
        while self._buffer:
            n = os.write(self.out, self._buffer)
            del self._buffer[:n]
            self.written += n


def _complete_lines(fd: int, offset: int) -> tuple[bytes, int]:
    """The complete lines from offset to the end of the file, and the offset after them."""
    size = os.fstat(fd).st_size
    if size <= offset:
        return b"", offset
    chunk = os.pread(fd, size - offset, offset)
    end = chunk.rfind(b"\n") + 1  # a line being written is read next time
    return chunk[:end], offset + end


def _complete_lines_end(fd: int) -> int:
    """The offset after the last complete line now in the file."""
    size = os.fstat(fd).st_size
    position = size
    while position > 0:
        start = max(0, position - 65536)
        block = os.pread(fd, position - start, start)
        i = block.rfind(b"\n")
        if i >= 0:
            return start + i + 1
        position = start
    return 0


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _copy_owner(source: int, target: int) -> None:
    """Give the new file the old one's mode and, when allowed, its owner: a compaction run by
    another user (root from a shell) must leave a journal the web workers can still open."""
    st = os.fstat(source)
    os.fchmod(target, st.st_mode & 0o7777)
    with contextlib.suppress(PermissionError):
        os.fchown(target, st.st_uid, st.st_gid)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _default(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
