"""Find the jobs whose worker process died, and run each again or fail it, with an audit event.

The worker (`yibao worker`) calls this when it starts and every YIBAO_JOBS_WATCHDOG_SECONDS while it
runs, so a job whose worker process was killed is handled within a minute with nobody opening a page.
It judges the processes of its own host (a worker on another host is judged when that host's worker
runs again, or when the queue's `retry` lock runs out and the job is taken again).
"""

from __future__ import annotations

import logging
import pydoc

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.models import OrmQ, Task

from yibao.core.audit import record_event

from .models import AttemptOutcome, JobAttempt
from .process import host_name, is_alive

log = logging.getLogger(__name__)

DIED_MESSAGE = "执行该任务的工作进程中断"


def attempts_allowed(func: str) -> int:
    """How many times a job may start in all: its function's `job_attempts`, else the setting."""
    target = pydoc.locate(func) if func else None
    return int(getattr(target, "job_attempts", settings.YIBAO_JOBS_MAX_ATTEMPTS))


def _tell_the_job(attempt: JobAttempt, queued: OrmQ | None, *, retried: bool) -> None:
    """Call the job function's `on_worker_died(args, kwargs, *, reason, retried)`, if it has one, so the
    job's own records (a screening run's status) say what happened, in the watchdog's transaction."""
    hook = getattr(pydoc.locate(attempt.func) if attempt.func else None, "on_worker_died", None)
    if hook is None:
        return
    if queued is None:
        log.warning("后台任务 %s 的队列行已不存在，无法通知 %s", attempt.task_id, attempt.func)
        return
    hook(tuple(queued.task.get("args") or ()), dict(queued.task.get("kwargs") or {}),
         reason=f"执行任务的工作进程（{attempt.host}，进程号 {attempt.pid}）已不存在", retried=retried)


def reap_dead_attempts() -> list[JobAttempt]:
    """Handle every running attempt of this host whose process is gone; return them, handled."""
    handled = []
    for attempt in JobAttempt.objects.filter(outcome=AttemptOutcome.RUNNING, host=host_name()):
        if is_alive(attempt.pid, attempt.process_started):
            continue
        if _handle_dead(attempt):
            handled.append(attempt)
    return handled


def _handle_dead(attempt: JobAttempt) -> bool:
    retry = attempt.number < attempts_allowed(attempt.func)
    with transaction.atomic():
        queued = OrmQ.objects.filter(pk=attempt.queue_id).first() if attempt.queue_id else None
        outcome = AttemptOutcome.DIED_RETRIED if retry and queued else AttemptOutcome.DIED_FAILED
        # Two watchdogs may see the same death: the one whose update lands handles it.
        claimed = JobAttempt.objects.filter(pk=attempt.pk, outcome=AttemptOutcome.RUNNING).update(
            outcome=outcome, finished_at=timezone.now())
        if not claimed:
            return False
        attempt.outcome = outcome
        data = {"task_id": attempt.task_id, "func": attempt.func, "attempt": attempt.number,
                "host": attempt.host, "pid": attempt.pid}
        _tell_the_job(attempt, queued, retried=outcome == AttemptOutcome.DIED_RETRIED)
        if outcome == AttemptOutcome.DIED_RETRIED:
            # Unlocked, the queue row is taken by the next free worker as if it were new.
            OrmQ.objects.filter(pk=queued.pk).update(lock=timezone.now())
            record_event("job.retried", obj=attempt, data=data,
                         summary=f"后台任务“{attempt.name}”的工作进程中断（第{attempt.number}次），已重新排队")
            log.warning("后台任务 %s（%s）的工作进程 %s 中断，已重新排队", attempt.name, attempt.func, attempt.pid)
        else:
            if queued is not None:
                _record_failure(attempt, queued)
                queued.delete()
            record_event("job.failed", obj=attempt, data=data,
                         summary=f"后台任务“{attempt.name}”的工作进程中断（第{attempt.number}次），不再重试，任务失败")
            log.error("后台任务 %s（%s）的工作进程 %s 中断，任务失败", attempt.name, attempt.func, attempt.pid)
    return True


def _record_failure(attempt: JobAttempt, queued: OrmQ) -> None:
    """Leave the failure where django-q2 keeps results (its admin's failed tasks)."""
    task = queued.task
    if Task.objects.filter(id=attempt.task_id, success=True).exists():
        return
    Task.objects.update_or_create(id=attempt.task_id, defaults={
        "name": attempt.name, "func": attempt.func, "args": task.get("args"), "kwargs": task.get("kwargs"),
        "group": task.get("group"), "cluster": task.get("cluster"), "started": attempt.started_at,
        "stopped": timezone.now(), "result": DIED_MESSAGE, "success": False, "attempt_count": attempt.number,
    })
