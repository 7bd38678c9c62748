"""Is a process of this host still the one that started a job? Pure: no Django."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def host_name() -> str:
    return socket.gethostname()


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat from its third field on (state, ppid, …), or None where it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat[stat.rindex(")") + 2:].split()


def start_token(pid: int) -> str:
    """The kernel's start time of `pid` (field 22 of /proc/PID/stat), or "" where /proc is missing."""
    fields = _stat_fields(pid)
    return fields[19] if fields else ""


def is_alive(pid: int, token: str = "") -> bool:
    """True while `pid` runs on this host and, when a start token was recorded, is the same process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    fields = _stat_fields(pid)
    if fields is None:
        # Without /proc (not Linux) the signal probe is all there is; with it, the process just ended.
        return not Path("/proc/self/stat").exists()
    # A killed process its parent has not reaped yet is a zombie: it runs nothing any more.
    if fields[0] in ("Z", "X"):
        return False
    return not token or fields[19] == token
