"""Screening runs started from the web run in the background: queued, executed by a worker (a child
process or a thread) that records its pid, host and heartbeat, and failed when that worker is gone."""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from yibao.core.models import AuditEvent
from yibao.monitoring.constants import RUN_STALE_MINUTES, RunStatus
from yibao.monitoring.engine.config import ConfigError
from yibao.monitoring.engine.generator import generate_dataset
from yibao.monitoring.models import Finding, ScreeningRun
from yibao.monitoring.services import (
    do_queue_screening,
    do_run_screening,
    execute_run,
    screening_log_path,
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
    run = do_queue_screening(county, dataset_dir, actor=analyst, launcher="process")
    assert run.status == RunStatus.QUEUED and run.started_by == analyst
    assert run.progress_total == 17 and run.finished_at is None and run.heartbeat_at is not None
    event = AuditEvent.objects.get(action="screening.queue", object_id=str(run.pk))
    assert event.actor == analyst and event.data["dataset"] == str(dataset_dir) and event.data["launcher"] == "process"
    # Outside a commit (this test's transaction is never committed) no worker is started.
    assert not Finding.objects.exists()
    assert ScreeningRun.objects.get(pk=run.pk).status == RunStatus.QUEUED


def test_a_bad_configuration_is_refused_before_a_run_is_queued(county, dataset_dir, tmp_path, analyst):
    config = tmp_path / "rules.yaml"
    config.write_text("rules:\n  R99: {enabled: false}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="未知的规则 R99"):
        do_queue_screening(county, dataset_dir, config_path=config, actor=analyst, launcher="process")
    assert not ScreeningRun.objects.exists() and not AuditEvent.objects.filter(action="screening.queue").exists()


def test_executing_a_queued_run_gives_the_findings_of_a_synchronous_run_on_the_same_dataset(
        county, generated_dataset, analyst):
    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    synchronous = do_run_screening(other, generated_dataset, actor=None)
    queued = do_queue_screening(county, generated_dataset, actor=analyst, launcher="process")
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
    run = do_queue_screening(county, dataset_dir, actor=analyst, launcher="process")
    execute_run(run.pk)
    with pytest.raises(ValueError, match="不是排队中"):
        execute_run(run.pk)
    assert ScreeningRun.objects.get(pk=run.pk).finding_count == 8


def test_the_inline_launcher_finishes_the_run_before_returning(county, dataset_dir, analyst):
    run = do_queue_screening(county, dataset_dir, actor=analyst, launcher="inline")
    assert run.status == RunStatus.SUCCEEDED and run.finding_count == 8


# ---------------------------------------------------------------- a worker that is gone

def test_a_run_whose_worker_process_is_gone_is_marked_failed_when_its_page_is_viewed(
        county, dataset_dir, analyst, client):
    run = do_queue_screening(county, dataset_dir, actor=analyst, launcher="process")
    pid = dead_pid()
    ScreeningRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, worker_pid=pid,
                                                  worker_host=socket.gethostname(), progress_done=4)
    client.force_login(analyst)
    response = client.get(reverse("monitoring:run_detail", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error.startswith("筛查进程已中断：") and f"进程号 {pid}" in run.error
    page = response.content.decode()
    assert "筛查进程已中断" in page and 'hx-trigger="every 2s"' not in page
    event = AuditEvent.objects.get(action="screening.interrupt", object_id=str(run.pk))
    assert event.actor == analyst and event.data["pid"] == pid
    assert not Finding.objects.exists()


def test_a_run_without_a_heartbeat_for_too_long_is_marked_failed_when_the_runs_are_listed(
        county, dataset_dir, analyst, client):
    stale = do_queue_screening(county, dataset_dir, actor=analyst, launcher="process")
    alive = do_queue_screening(county, dataset_dir, actor=analyst, launcher="process")
    long_ago = timezone.now() - dt.timedelta(minutes=RUN_STALE_MINUTES + 1)
    # Another host's worker: its pid cannot be checked here, only its heartbeat.
    ScreeningRun.objects.filter(pk=stale.pk).update(status=RunStatus.RUNNING, worker_pid=1, worker_host="elsewhere",
                                                    heartbeat_at=long_ago)
    ScreeningRun.objects.filter(pk=alive.pk).update(status=RunStatus.RUNNING, worker_pid=1, worker_host="elsewhere",
                                                    heartbeat_at=timezone.now())
    client.force_login(analyst)
    page = client.get(reverse("monitoring:run_list")).content.decode()
    assert ScreeningRun.objects.get(pk=stale.pk).status == RunStatus.FAILED
    assert f"超过 {RUN_STALE_MINUTES} 分钟没有进度" in ScreeningRun.objects.get(pk=stale.pk).error
    assert ScreeningRun.objects.get(pk=alive.pk).status == RunStatus.RUNNING
    assert "失败" in page and "运行中" in page


def test_the_progress_of_a_run_whose_worker_is_gone_reloads_the_page_to_show_the_failure(
        county, dataset_dir, analyst, client):
    run = do_queue_screening(county, dataset_dir, actor=analyst, launcher="process")
    ScreeningRun.objects.filter(pk=run.pk).update(worker_pid=dead_pid(), worker_host=socket.gethostname())
    client.force_login(analyst)
    response = client.get(reverse("monitoring:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert ScreeningRun.objects.get(pk=run.pk).status == RunStatus.FAILED


def test_a_queued_or_running_run_shows_its_progress_and_elapsed_time_and_keeps_polling(
        county, dataset_dir, analyst, client):
    run = do_queue_screening(county, dataset_dir, actor=analyst, launcher="process")
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


# ---------------------------------------------------------------- the web form with real workers

def screening_thread(run_id: int) -> threading.Thread | None:
    return next((t for t in threading.enumerate() if t.name == f"screening-run-{run_id}"), None)


@pytest.mark.django_db(transaction=True)
def test_the_form_with_the_thread_launcher_redirects_at_once_and_the_run_succeeds_in_the_background(
        county, dataset_dir, analyst, client, settings):
    if connection.vendor == "sqlite":
        # SQLite's in-memory test database is shared between threads in shared-cache mode, which
        # locks whole tables and ignores the busy timeout: the worker's first write and the request's
        # own session write then fail at random. A file database (production) waits instead.
        pytest.skip("threads writing at once lock SQLite's in-memory test database; runs on PostgreSQL")
    settings.YIBAO_SCREENING_LAUNCHER = "thread"
    client.force_login(analyst)
    response = post_run(client, county, dataset_dir)
    run = ScreeningRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("monitoring:run_detail", args=[run.pk])
    thread = screening_thread(run.pk)
    if thread is not None:  # else it has already finished
        thread.join(timeout=WAIT_SECONDS)
        assert not thread.is_alive(), "the screening thread did not finish in time"
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.finding_count == 8
    assert run.worker_pid == os.getpid()
    page = client.get(reverse("monitoring:run_detail", args=[run.pk])).content.decode()
    assert f"筛查 #{run.pk} 已开始" in page and 'id="run-findings">8<' in page


def test_the_form_says_the_run_has_started_when_a_worker_will_screen_it(county, dataset_dir, analyst, client,
                                                                         settings):
    settings.YIBAO_SCREENING_LAUNCHER = "process"
    client.force_login(analyst)
    response = post_run(client, county, dataset_dir)
    run = ScreeningRun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert f"筛查 #{run.pk} 已开始" in page and "等待筛查进程开始" in page


def child_database_url(settings_dict: dict) -> str:
    """A URL of the test database (pytest-django's test_… name) for a child process's environment."""
    user, password = quote(settings_dict["USER"] or "", safe=""), quote(settings_dict["PASSWORD"] or "", safe="")
    return (f"postgres://{user}:{password}@{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}"
            f"/{settings_dict['NAME']}")


@pytest.mark.django_db(transaction=True)
def test_the_process_launcher_screens_the_run_in_a_detached_child_process(
        county, dataset_dir, analyst, monkeypatch, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the child process cannot see SQLite's in-memory test database; runs on PostgreSQL")
    settings.YIBAO_SCREENING_LAUNCHER = "process"
    # The child reads the database URL from its environment: point it at the test database.
    monkeypatch.setenv("YIBAO_DATABASE_URL", child_database_url(connection.settings_dict))
    settings.VAR_DIR = tmp_path  # the child's log goes here
    run = do_queue_screening(county, dataset_dir, actor=analyst)

    def finished():
        """the child to finish the run"""
        current = ScreeningRun.objects.get(pk=run.pk)
        if current.is_active and current.worker_pid and _gone(current.worker_pid):
            return current  # the child died without finishing: show its log below
        return current if not current.is_active else None

    run = wait_for(finished)
    log = screening_log_path(run.pk)
    assert run.status == RunStatus.SUCCEEDED, log.read_text(errors="replace") if log.exists() else run.error
    assert run.finding_count == 8
    assert run.worker_pid != os.getpid() and run.worker_host == socket.gethostname()
    assert "完成：疑点 8 条" in log.read_text(encoding="utf-8")

    # Let the child exit before the test database is flushed.
    wait_for(lambda: _gone(run.worker_pid), timeout=30)


def _gone(pid: int) -> bool:
    """Whether the process has exited (a zombie has)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except OSError:
        return True


def test_the_run_list_refreshes_itself_only_while_a_run_is_queued_or_running(county, dataset_dir, analyst, client):
    client.force_login(analyst)
    run = do_queue_screening(county, dataset_dir, actor=analyst, launcher="process")
    ScreeningRun.objects.filter(pk=run.pk).update(worker_pid=os.getpid(), worker_host=socket.gethostname())
    page = client.get(reverse("monitoring:run_list")).content.decode()
    assert f'id="run-table" hx-get="{reverse("monitoring:run_list")}"' in page and 'hx-trigger="every 3s"' in page
    ScreeningRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, finished_at=timezone.now())
    page = client.get(reverse("monitoring:run_list")).content.decode()
    assert '<div id="run-table">' in page and 'hx-trigger="every 3s"' not in page
