"""The schedules after migrate, and the scheduled jobs run in process."""

import datetime as dt
import logging
import zoneinfo

import pytest
from django.db import connection, transaction
from django_q.models import Schedule

from yibao.core.audit import record_event
from yibao.core.migrations import _audit_guard
from yibao.core.models import AuditCheckpoint, AuditEvent
from yibao.jobs import tasks
from yibao.jobs.schedules import SCHEDULES, ensure_schedules, next_at

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_the_schedules_exist_after_migrate_and_run_daily():
    rows = {s.name: s for s in Schedule.objects.all()}
    for spec in SCHEDULES:
        assert rows[spec.name].func == spec.func
        assert rows[spec.name].schedule_type == Schedule.DAILY
        assert rows[spec.name].repeats < 0, "a project schedule runs for ever"


@pytest.mark.django_db
def test_ensuring_the_schedules_again_creates_nothing_and_keeps_their_next_run():
    before = dict(Schedule.objects.values_list("name", "next_run"))
    assert ensure_schedules(now=dt.datetime(2030, 1, 1, tzinfo=SHANGHAI)) == []
    assert dict(Schedule.objects.values_list("name", "next_run")) == before


@pytest.mark.django_db
def test_a_schedule_deleted_by_hand_comes_back_with_its_function():
    Schedule.objects.filter(name=SCHEDULES[0].name).delete()
    assert ensure_schedules() == [SCHEDULES[0].name]
    assert Schedule.objects.get(name=SCHEDULES[0].name).func == SCHEDULES[0].func


def test_a_daily_time_already_past_today_runs_tomorrow_in_shanghai_time():
    now = dt.datetime(2025, 10, 8, 3, 0, tzinfo=SHANGHAI)
    assert next_at(dt.time(2, 30), now) == dt.datetime(2025, 10, 9, 2, 30, tzinfo=SHANGHAI)
    assert next_at(dt.time(6, 0), now) == dt.datetime(2025, 10, 8, 6, 0, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_the_chain_check_resumes_from_its_last_checkpoint():
    record_event("test.event", summary="one")
    first = tasks.check_audit_chain()
    record_event("test.event", summary="two")
    second = tasks.check_audit_chain()
    assert first["intact"] and second["intact"]
    assert second["start_after"] == first["through_id"]
    assert second["checked"] == 1
    assert AuditCheckpoint.objects.filter(kind="check").count() == 2


@pytest.mark.django_db
def test_the_daily_check_anchors_the_chain_head_outside_the_database():
    from yibao.core.auditlog.anchors import read_anchors

    event = record_event("test.event", summary="one")
    result = tasks.check_audit_chain()
    assert result["anchored_id"] == event.id
    assert (read_anchors()[-1].event_id, read_anchors()[-1].hash) == (event.id, event.hash)


@pytest.mark.django_db
def test_a_broken_chain_is_recorded_as_an_audit_event_naming_the_first_broken_id(caplog):
    event = record_event("test.event", summary="original")
    with _audit_guard.lifted(connection), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET summary = 'rewritten' WHERE id = %s", [event.id])
    with caplog.at_level(logging.ERROR, logger="yibao.jobs.tasks"):
        result = tasks.check_audit_chain()
    assert not result["intact"]
    alarm = AuditEvent.objects.get(action="audit.chain_broken")
    assert alarm.data["first_broken_id"] == event.id
    assert str(event.id) in alarm.summary
    assert any("审计链被破坏" in r.getMessage() for r in caplog.records)


def test_deadline_alerts_say_so_in_the_log_while_the_cases_app_has_no_alerts_module(monkeypatch, caplog):
    monkeypatch.setattr(tasks, "ALERTS_MODULE", "yibao.cases.no_such_alerts_module")
    with caplog.at_level(logging.WARNING, logger="yibao.jobs.tasks"):
        assert tasks.refresh_deadline_alerts() is None
    assert any("期限提醒未运行" in r.getMessage() for r in caplog.records)


def test_deadline_alerts_call_the_cases_apps_refresh_function(monkeypatch):
    import types

    module = types.ModuleType("fake_alerts")
    module.refresh_alerts = lambda: {"near": 2, "past": 1}
    monkeypatch.setitem(__import__("sys").modules, "fake_alerts", module)
    monkeypatch.setattr(tasks, "ALERTS_MODULE", "fake_alerts")
    assert tasks.refresh_deadline_alerts() == {"near": 2, "past": 1}


@pytest.mark.django_db
def test_compaction_runs_over_every_bureau_journal(monkeypatch):
    from yibao.monitoring.prescreen import service

    compacted = []

    class Done:
        def as_dict(self):
            return {"kept": 1, "dropped": 2}

    monkeypatch.setattr(service, "journal_codes", lambda: ["410324", "140300"])
    monkeypatch.setattr(service, "compact_journal", lambda code: compacted.append(code) or Done())
    assert tasks.compact_prescreen_journals() == [
        {"bureau": "410324", "kept": 1, "dropped": 2}, {"bureau": "140300", "kept": 1, "dropped": 2}]
    assert compacted == ["410324", "140300"]


@pytest.mark.django_db
def test_the_nightly_statistics_job_analyzes_the_database_so_the_planner_knows_the_indexes():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    result = tasks.refresh_planner_statistics()
    assert result["database"] == connection.vendor
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # ANALYZE creates the statistics table again (rows only for tables that hold rows).
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 1
