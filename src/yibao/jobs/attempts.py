"""Record each start and end of a job in the worker process that runs it (django-q2's signals).

The rows are what the watchdog reads to find a job whose worker died. A job run inside its caller
(django-q2's sync mode, in tests) is recorded too: it ends with its caller.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.utils import timezone
from django_q.signals import post_execute_in_worker, pre_execute
from django_q.utils import close_old_django_connections, get_func_repr

from .models import AttemptOutcome, JobAttempt
from .process import host_name, start_token

log = logging.getLogger(__name__)


def connect() -> None:
    pre_execute.connect(job_started, dispatch_uid="yibao.jobs.started")
    post_execute_in_worker.connect(job_finished, dispatch_uid="yibao.jobs.finished")


def job_started(sender: Any, func: Any, task: dict, **kwargs: Any) -> None:
    # A signal receiver that raises would kill the worker process: log and let the job run.
    try:
        # django-q2's helper keeps the caller's connection in sync mode: closing it there would end the
        # caller's transaction (a test's, on PostgreSQL).
        close_old_django_connections()
        number = JobAttempt.objects.filter(task_id=task["id"]).count() + 1
        JobAttempt.objects.create(
            task_id=task["id"], queue_id=task.get("ack_id"), name=str(task.get("name", ""))[:100],
            func=get_func_repr(task["func"])[:256], number=number, host=host_name(), pid=os.getpid(),
            process_started=start_token(os.getpid()), started_at=timezone.now(),
        )
    except Exception:
        log.exception("无法记录后台任务 %s 的开始", task.get("name"))


def job_finished(sender: Any, func: Any, task: dict, **kwargs: Any) -> None:
    try:
        outcome = AttemptOutcome.SUCCEEDED if task.get("success") else AttemptOutcome.FAILED
        JobAttempt.objects.filter(task_id=task["id"], pid=os.getpid(), outcome=AttemptOutcome.RUNNING).update(
            outcome=outcome, finished_at=timezone.now())
    except Exception:
        log.exception("无法记录后台任务 %s 的结束", task.get("name"))
