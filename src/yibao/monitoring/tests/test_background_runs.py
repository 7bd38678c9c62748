"""Screening runs started from the web run in the background: queued as a job (yibao.jobs), executed by
`yibao worker`, which records its pid and host, and failed by the worker's watchdog when the process
screening it dies."""

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from yibao.core.models import AuditEvent
from yibao.jobs.models import JobAttempt
from yibao.jobs.process import host_name
from yibao.jobs.watchdog import reap_dead_attempts
from yibao.monitoring.constants import RunStatus
from yibao.monitoring.engine.config import ConfigError
from yibao.monitoring.engine.generator import generate_dataset
from yibao.monitoring.models import Finding, ScreeningRun
from yibao.monitoring.services import (
    do_queue_screening,
    do_run_screening,
    execute_run,
    fail_interrupted_run,
)
from yibao.org.constants import BureauLevel
from yibao.org.services import do_create_bureau

WAIT_SECONDS = 120


@pytest.fixture(scope="module")
def generated_dataset(tmp_path_factory):
    """A generated dataset with planted findings of every rule (the smallest the generator makes)."""
    out = tmp_path_factory.mktemp("generated") / "ds"
    generate_dataset(out, lines=1000, seed=11)
    return out


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def wait_for(predicate, timeout: float = WAIT_SECONDS, interval: float = 0.2):
    """Poll predicate until it returns something truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"gave up after {timeout} s waiting for {predicate.__doc__ or predicate}")


def finding_rows(bureau) -> set[tuple]:
    return set(Finding.objects.filter(bureau=bureau).values_list(
        "rule_id", "fixmedins_code", "psn_no", "setl_id", "feedetl_sn", "med_list_codg", "day", "month", "amount"))


def sighting_evidence(run) -> dict[str, dict]:
    return {s.finding.identity_hash: json.loads(s.evidence or "{}")
            for s in run.sightings.select_related("finding")}


def post_run(client, county, dataset_dir):
    return client.post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": str(dataset_dir), "engine": "duckdb", "config_path": ""})


# ---------------------------------------------------------------- queueing and executing

def test_queueing_creates_a_queued_run_and_an_audit_event_and_screens_nothing_yet(county, dataset_dir, analyst):
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    assert run.status == RunStatus.QUEUED and run.started_by == analyst
    assert run.progress_total == 17 and run.finished_at is None and run.heartbeat_at is not None
    event = AuditEvent.objects.get(action="screening.queue", object_id=str(run.pk))
    assert event.actor == analyst and event.data["dataset"] == str(dataset_dir)
    # The job waits in the queue, in the same transaction as the run (never committed in this test).
    assert [q.task["args"] for q in OrmQ.objects.all()] == [(run.pk,)]
    assert not Finding.objects.exists()
    assert ScreeningRun.objects.get(pk=run.pk).status == RunStatus.QUEUED


def test_a_bad_configuration_is_refused_before_a_run_is_queued(county, dataset_dir, tmp_path, analyst):
    config = tmp_path / "rules.yaml"
    config.write_text("rules:\n  R99: {enabled: false}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="未知的规则 R99"):
        do_queue_screening(county, dataset_dir, config_path=config, actor=analyst)
    assert not ScreeningRun.objects.exists() and not AuditEvent.objects.filter(action="screening.queue").exists()
    assert not OrmQ.objects.exists()


def test_executing_a_queued_run_gives_the_findings_of_a_synchronous_run_on_the_same_dataset(
        county, generated_dataset, analyst):
    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    synchronous = do_run_screening(other, generated_dataset, actor=None)
    queued = do_queue_screening(county, generated_dataset, actor=analyst)
    run = execute_run(queued.pk)
    assert run.status == synchronous.status == RunStatus.SUCCEEDED
    assert run.finding_count == synchronous.finding_count > 17
    assert run.total_amount == synchronous.total_amount
    assert run.summary["by_rule"] == synchronous.summary["by_rule"]
    assert finding_rows(county) == finding_rows(other)
    assert sighting_evidence(run) == sighting_evidence(synchronous)
    assert (run.worker_pid, run.worker_host) == (os.getpid(), socket.gethostname())
    assert run.heartbeat_at >= run.started_at and run.progress_done == run.progress_total == 17
    actions = sorted(AuditEvent.objects.filter(object_id=str(run.pk), object_type="monitoring.screeningrun")
                     .values_list("action", flat=True))
    assert actions == ["screening.finish", "screening.queue", "screening.start"]


def test_a_run_is_executed_once_only(county, dataset_dir, analyst):
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    execute_run(run.pk)
    with pytest.raises(ValueError, match="不是排队中"):
        execute_run(run.pk)
    assert ScreeningRun.objects.get(pk=run.pk).finding_count == 8


def test_a_job_run_inside_the_call_finishes_the_run_before_returning(county, dataset_dir, analyst, jobs_inline):
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    assert run.status == RunStatus.SUCCEEDED and run.finding_count == 8
    assert JobAttempt.objects.get().outcome == "succeeded"


# ---------------------------------------------------------------- a worker that dies

def dead_job_attempt(run: ScreeningRun) -> JobAttempt:
    """The run's job taken by a worker process that has died since (as the job's signals record it)."""
    queued = OrmQ.objects.get()
    ScreeningRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress_done=4)
    return JobAttempt.objects.create(task_id=queued.task["id"], queue_id=queued.pk, name=queued.task["name"],
                                     func=queued.task["func"], host=host_name(), pid=dead_pid(),
                                     started_at=timezone.now())


def test_a_run_whose_worker_died_is_failed_by_the_watchdog_and_its_job_is_not_run_again(county, dataset_dir,
                                                                                        analyst):
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    attempt = dead_job_attempt(run)
    reap_dead_attempts()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error.startswith("筛查进程已中断：") and f"进程号 {attempt.pid}" in run.error
    event = AuditEvent.objects.get(action="screening.interrupt", object_id=str(run.pk))
    assert event.actor is None and event.data["run"] == run.pk
    assert AuditEvent.objects.filter(action="job.failed").count() == 1
    assert not OrmQ.objects.exists(), "a screening run is not run twice"
    assert not Finding.objects.exists()


def test_viewing_a_run_whose_worker_died_changes_nothing(county, dataset_dir, analyst, client):
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    dead_job_attempt(run)
    client.force_login(analyst)
    for name in ("monitoring:run_detail", "monitoring:run_progress"):
        client.get(reverse(name, args=[run.pk]), HTTP_HX_REQUEST="true")
    client.get(reverse("monitoring:run_list"))
    assert ScreeningRun.objects.get(pk=run.pk).status == RunStatus.RUNNING
    assert not AuditEvent.objects.filter(action="screening.interrupt").exists()


def test_the_progress_of_a_run_that_was_failed_reloads_the_page_to_show_the_failure(
        county, dataset_dir, analyst, client):
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    fail_interrupted_run(run.pk, reason="测试")
    client.force_login(analyst)
    response = client.get(reverse("monitoring:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert "筛查进程已中断：测试" in client.get(reverse("monitoring:run_detail", args=[run.pk])).content.decode()


def test_a_run_already_finished_is_not_failed_by_a_late_interruption(county, dataset_dir, analyst, jobs_inline):
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    assert fail_interrupted_run(run.pk, reason="测试") is None
    assert ScreeningRun.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED


def test_a_queued_or_running_run_shows_its_progress_and_elapsed_time_and_keeps_polling(
        county, dataset_dir, analyst, client):
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    client.force_login(analyst)
    fragment = client.get(reverse("monitoring:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment and "排队中" in fragment.content.decode()
    assert 'hx-trigger="every 2s"' in fragment.content.decode()
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress_done=5, progress_rule="R06", worker_pid=os.getpid(),
        worker_host=socket.gethostname(), started_at=timezone.now() - dt.timedelta(seconds=75))
    page = client.get(reverse("monitoring:run_detail", args=[run.pk])).content.decode()
    assert "已完成 5/17 条规则，正在筛查 R06（第 6/17 条），已用时 1 分 15 秒" in page
    assert ScreeningRun.objects.get(pk=run.pk).status == RunStatus.RUNNING


# ---------------------------------------------------------------- the web form and a real worker

def test_the_form_says_the_run_has_started_when_a_worker_will_screen_it(county, dataset_dir, analyst, client):
    client.force_login(analyst)
    response = post_run(client, county, dataset_dir)
    run = ScreeningRun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.QUEUED
    assert OrmQ.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert f"筛查 #{run.pk} 已开始" in page and "等待筛查进程开始" in page


# Enough fee lines that screening them takes a few seconds: the test kills the worker mid-run.
SLOW_DATASET_LINES = 400_000
WORKER_WITHIN_SECONDS = 60


@pytest.fixture
def worker_home(tmp_path):
    """A file SQLite database of its own for `yibao worker` subprocesses, with a bureau in it."""
    env = {**os.environ, "YIBAO_VAR": str(tmp_path), "YIBAO_JOBS_WATCHDOG_SECONDS": "1",
           "YIBAO_JOBS_POLL_SECONDS": "0.2", "YIBAO_JOBS_WORKERS": "1", "YIBAO_DEBUG": "0"}
    for name in ("YIBAO_DATABASE_URL", "YIBAO_JOBS_SYNC"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "yibao.cli", "migrate"], env=env, check=True, capture_output=True)
    return {"env": env, "db": tmp_path / "yibao.sqlite3", "log": tmp_path / "worker.log", "tmp": tmp_path}


def queue_in(home: dict, dataset) -> int:
    """Queue a run of the dataset for a new bureau in the worker's database; return its id."""
    script = ("import django; django.setup()\n"
              "from yibao.org.constants import BureauLevel\n"
              "from yibao.org.services import do_create_bureau\n"
              "from yibao.monitoring.services import do_queue_screening\n"
              "b = do_create_bureau('栾川县医疗保障局', level=BureauLevel.COUNTY, code='410324', actor=None)\n"
              f"print(do_queue_screening(b, {str(dataset)!r}, actor=None).pk)\n")
    out = subprocess.run([sys.executable, "-c", script], env=home["env"] | {"DJANGO_SETTINGS_MODULE": "yibao.settings"},
                         check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def run_row(home: dict, run_id: int) -> dict:
    with sqlite3.connect(home["db"], timeout=20) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT status, worker_pid, progress_done, error, finding_count FROM monitoring_screeningrun"
                         " WHERE id = ?", (run_id,)).fetchone()
        return dict(row)


def start_worker(home: dict) -> subprocess.Popen:
    log = open(home["log"], "a")  # noqa: SIM115 - the worker writes to it until it stops
    return subprocess.Popen([sys.executable, "-m", "yibao.cli", "worker"], env=home["env"], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def test_a_real_worker_screens_a_queued_run(worker_home, dataset_dir):
    run_id = queue_in(worker_home, dataset_dir)
    worker = start_worker(worker_home)
    try:
        row = wait_for(lambda: (r := run_row(worker_home, run_id))["status"] not in ("queued", "running") and r, 60)
        assert row["status"] == "succeeded", worker_home["log"].read_text()[-3000:]
        assert row["finding_count"] == 8 and row["worker_pid"] != worker.pid
    finally:
        stop(worker)


def test_a_run_whose_worker_process_is_killed_mid_run_is_failed_by_the_worker_within_a_minute(worker_home):
    dataset = worker_home["tmp"] / "big"
    generate_dataset(dataset, lines=SLOW_DATASET_LINES, seed=3)
    run_id = queue_in(worker_home, dataset)
    worker = start_worker(worker_home)
    try:
        row = wait_for(lambda: (r := run_row(worker_home, run_id))["status"] == "running" and r["worker_pid"] and r,
                       60, interval=0.05)
        os.kill(row["worker_pid"], signal.SIGKILL)
        killed_at = time.monotonic()
        row = wait_for(lambda: (r := run_row(worker_home, run_id))["status"] != "running" and r,
                       WORKER_WITHIN_SECONDS)
        assert time.monotonic() - killed_at < WORKER_WITHIN_SECONDS
        assert row["status"] == "failed" and row["error"].startswith("筛查进程已中断："), row
        assert f"进程号 {row['worker_pid']}" in row["error"]
        with sqlite3.connect(worker_home["db"]) as db:
            actions = [a for (a,) in db.execute("SELECT action FROM core_auditevent WHERE action IN "
                                                "('screening.interrupt', 'job.failed') ORDER BY id")]
            assert sorted(actions) == ["job.failed", "screening.interrupt"]
            assert db.execute("SELECT COUNT(*) FROM monitoring_finding").fetchone() == (0,)
        assert worker.poll() is None, "the worker itself goes on"
    finally:
        stop(worker)


def test_the_run_list_refreshes_itself_only_while_a_run_is_queued_or_running(county, dataset_dir, analyst, client):
    client.force_login(analyst)
    run = do_queue_screening(county, dataset_dir, actor=analyst)
    page = client.get(reverse("monitoring:run_list")).content.decode()
    assert f'id="run-table" hx-get="{reverse("monitoring:run_list")}"' in page and 'hx-trigger="every 3s"' in page
    ScreeningRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, finished_at=timezone.now())
    page = client.get(reverse("monitoring:run_list")).content.decode()
    assert '<div id="run-table">' in page and 'hx-trigger="every 3s"' not in page
