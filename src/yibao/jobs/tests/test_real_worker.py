"""A real `yibao worker` process on a file SQLite database of its own: it runs what is queued, and a job
whose worker was killed is queued again or failed within a minute, with an audit event, without any
page being opened."""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Well inside the brief's minute: the watchdog looks every second here (10 s by default).
WITHIN_SECONDS = 60


@pytest.fixture
def home(tmp_path: Path) -> dict:
    env = {**os.environ, "YIBAO_VAR": str(tmp_path), "YIBAO_JOBS_WATCHDOG_SECONDS": "1",
           "YIBAO_JOBS_POLL_SECONDS": "0.2", "YIBAO_JOBS_WORKERS": "1", "YIBAO_DEBUG": "0"}
    env.pop("YIBAO_DATABASE_URL", None)
    env.pop("YIBAO_JOBS_SYNC", None)
    subprocess.run([sys.executable, "-m", "yibao.cli", "migrate"], env=env, check=True, capture_output=True)
    (tmp_path / "marks").mkdir()
    return {"env": env, "db": tmp_path / "yibao.sqlite3", "marks": tmp_path / "marks", "log": tmp_path / "worker.log"}


def _start_worker(home: dict) -> subprocess.Popen:
    log = open(home["log"], "a")  # noqa: SIM115 - the worker writes to it until it stops
    return subprocess.Popen([sys.executable, "-m", "yibao.cli", "worker"], env=home["env"], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _enqueue(home: dict, func: str, seconds: float) -> str:
    out = subprocess.run([sys.executable, "-m", "yibao.jobs.tests.sample_jobs", func, str(home["marks"]),
                          str(seconds)], env=home["env"], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def _query(home: dict, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(home["db"], timeout=20) as db:
        return db.execute(sql, params).fetchall()


def _wait_for(what, seconds: float, home: dict, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"{message}; worker log:\n{home['log'].read_text()[-3000:]}")


def _started(home: dict) -> list[int]:
    return [int(p.name.split("-")[1]) for p in home["marks"].glob("started-*")]


def test_a_worker_process_runs_a_queued_job_and_records_its_success(home):
    worker = _start_worker(home)
    try:
        task_id = _enqueue(home, "mark_and_sleep", 0)
        rows = _wait_for(lambda: _query(home, "SELECT success FROM django_q_task WHERE id = ?", task_id), 30, home,
                         "the queued job did not run")
        assert rows == [(1,)]
        assert list(home["marks"].glob("done-*"))
        assert _query(home, "SELECT outcome FROM jobs_jobattempt WHERE task_id = ?", task_id) == [("succeeded",)]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        finally:
            _kill_group(worker)


def test_a_job_whose_whole_worker_was_killed_runs_again_when_a_worker_starts(home):
    worker = _start_worker(home)
    try:
        task_id = _enqueue(home, "mark_and_sleep", 3)
        _wait_for(lambda: _started(home), 30, home, "the job did not start")
    finally:
        _kill_group(worker)
    assert not list(home["marks"].glob("done-*")), "the job was killed before it finished"
    killed_at = time.monotonic()
    worker = _start_worker(home)
    try:
        rows = _wait_for(lambda: _query(home, "SELECT success FROM django_q_task WHERE id = ?", task_id),
                         WITHIN_SECONDS, home, "the job of the killed worker did not run again")
        assert rows == [(1,)] and time.monotonic() - killed_at < WITHIN_SECONDS
        assert len(_started(home)) == 2 and len(list(home["marks"].glob("done-*"))) == 1
        outcomes = _query(home, "SELECT number, outcome FROM jobs_jobattempt WHERE task_id = ? ORDER BY number", task_id)
        assert outcomes == [(1, "died_retried"), (2, "succeeded")]
        events = _query(home, "SELECT action FROM core_auditevent WHERE action LIKE 'job.%'")
        assert events == [("job.retried",)]
    finally:
        _kill_group(worker)


def test_a_job_whose_process_was_killed_fails_within_a_minute_when_it_may_not_run_twice(home):
    worker = _start_worker(home)
    try:
        task_id = _enqueue(home, "mark_and_sleep_once", 30)
        [pid] = _wait_for(lambda: _started(home), 30, home, "the job did not start")
        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        rows = _wait_for(lambda: _query(home, "SELECT success, result FROM django_q_task WHERE id = ?", task_id),
                         WITHIN_SECONDS, home, "the job of the killed process was not failed")
        assert time.monotonic() - killed_at < WITHIN_SECONDS
        assert rows[0][0] == 0
        assert _query(home, "SELECT outcome FROM jobs_jobattempt WHERE task_id = ?", task_id) == [("died_failed",)]
        assert _query(home, "SELECT action FROM core_auditevent WHERE action LIKE 'job.%'") == [("job.failed",)]
        assert _query(home, "SELECT COUNT(*) FROM django_q_ormq") == [(0,)], "the failed job left the queue"
        assert worker.poll() is None, "the worker itself goes on"
    finally:
        _kill_group(worker)
