"""The worker: django-q2's cluster (its sentinel, pusher, monitor and worker processes) plus the
watchdog, which this process runs between its checks that the cluster is alive."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db import close_old_connections, connections

from .watchdog import reap_dead_attempts

log = logging.getLogger(__name__)

# How long a worker stopped beside the web server may finish its current jobs before it is killed;
# the jobs it then drops are run again by the next worker (watchdog).
STOP_GRACE_SECONDS = 10


def _watch() -> None:
    try:
        reap_dead_attempts()
    except Exception:
        log.exception("后台任务看守检查失败")
    finally:
        close_old_connections()


def run_worker() -> None:
    """Run the cluster until SIGTERM or SIGINT; meanwhile handle the jobs whose worker died."""
    from django_q.cluster import Cluster

    # Jobs of a worker that died before this one started are found first.
    _watch()
    connections.close_all()
    cluster = Cluster()
    cluster.start()
    log.info("后台任务工作进程已启动（%s 个执行进程）", settings.YIBAO_JOBS_WORKERS)
    try:
        while cluster.sentinel is not None and cluster.sentinel.is_alive():
            cluster.sentinel.join(timeout=settings.YIBAO_JOBS_WATCHDOG_SECONDS)
            if cluster.sentinel.is_alive() and cluster.is_running:
                _watch()
    finally:
        if cluster.sentinel is not None and cluster.sentinel.is_alive():
            cluster.stop()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # Python's default for SIGTERM ends the process without running `finally`: the worker would outlive it.
    raise SystemExit(128 + signum)


@contextmanager
def worker_beside() -> Iterator[subprocess.Popen]:
    """Start `yibao worker` as a child in its own process group; stop it (and its processes) on exit."""
    child = subprocess.Popen([sys.executable, "-m", "yibao.cli", "worker"], start_new_session=True)
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield child
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_worker(child)


def run_beside_worker(args: list[str]) -> int:
    """Run a server process with a worker beside it until the server ends or this process is stopped."""
    with worker_beside():
        server = subprocess.Popen(args)
        try:
            return server.wait()
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait()


def stop_worker(child: subprocess.Popen) -> None:
    """Ask the worker to stop (it lets running jobs finish), then kill its whole group after the grace."""
    if child.poll() is not None:
        return
    try:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        pass
    with suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()
