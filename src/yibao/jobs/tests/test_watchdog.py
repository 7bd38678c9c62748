"""The watchdog: a job whose worker process is gone is queued again or failed, with an audit event."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.utils import timezone
from django_q.models import OrmQ, Task
from django_q.signing import SignedPackage

from yibao.core.models import AuditEvent
from yibao.jobs.models import AttemptOutcome, JobAttempt
from yibao.jobs.process import host_name, is_alive, start_token
from yibao.jobs.watchdog import DIED_MESSAGE, reap_dead_attempts

FUNC = "yibao.jobs.tasks.check_audit_chain"


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _taken_job(pid: int, *, number: int = 1, token: str = "") -> tuple[JobAttempt, OrmQ]:
    task = {"id": f"task{number}{pid}", "name": "chain-check", "func": FUNC, "args": (), "kwargs": {}}
    queued = OrmQ.objects.create(key="yibao", payload=SignedPackage.dumps(task),
                                 lock=timezone.now() + dt.timedelta(hours=3))
    attempt = JobAttempt.objects.create(task_id=task["id"], queue_id=queued.pk, name=task["name"], func=FUNC,
                                        number=number, host=host_name(), pid=pid, process_started=token,
                                        started_at=timezone.now())
    return attempt, queued


def test_a_process_is_alive_only_while_it_is_the_same_process():
    assert is_alive(os.getpid(), start_token(os.getpid()))
    assert not is_alive(os.getpid(), "1"), "the same pid started at another time is another process"
    assert not is_alive(_dead_pid())


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_queued_again_with_an_audit_event(settings):
    settings.YIBAO_JOBS_MAX_ATTEMPTS = 3
    attempt, queued = _taken_job(_dead_pid())
    assert [a.pk for a in reap_dead_attempts()] == [attempt.pk]
    attempt.refresh_from_db()
    queued.refresh_from_db()
    assert attempt.outcome == AttemptOutcome.DIED_RETRIED
    assert queued.lock <= timezone.now(), "unlocked, the next free worker takes it"
    event = AuditEvent.objects.get(action="job.retried")
    assert event.object_id == str(attempt.pk) and event.data["task_id"] == attempt.task_id


@pytest.mark.django_db
def test_a_job_that_used_its_last_attempt_fails_and_leaves_the_queue(settings):
    settings.YIBAO_JOBS_MAX_ATTEMPTS = 2
    attempt, queued = _taken_job(_dead_pid(), number=2)
    reap_dead_attempts()
    attempt.refresh_from_db()
    assert attempt.outcome == AttemptOutcome.DIED_FAILED
    assert not OrmQ.objects.filter(pk=queued.pk).exists()
    failure = Task.objects.get(id=attempt.task_id)
    assert (failure.success, failure.result, failure.attempt_count) == (False, DIED_MESSAGE, 2)
    assert AuditEvent.objects.filter(action="job.failed", object_id=str(attempt.pk)).count() == 1


@pytest.mark.django_db
def test_a_job_whose_worker_is_alive_is_left_alone():
    attempt, queued = _taken_job(os.getpid(), token=start_token(os.getpid()))
    assert reap_dead_attempts() == []
    attempt.refresh_from_db()
    assert attempt.outcome == AttemptOutcome.RUNNING
    assert not AuditEvent.objects.filter(action__startswith="job.").exists()


@pytest.mark.django_db
def test_a_dead_job_is_handled_once_however_often_the_watchdog_looks():
    _taken_job(_dead_pid())
    reap_dead_attempts()
    assert reap_dead_attempts() == []
    assert AuditEvent.objects.filter(action__startswith="job.").count() == 1
