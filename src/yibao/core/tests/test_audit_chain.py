"""The audit chain: one line of events under concurrent writers, and checks that resume."""

import threading

import pytest
from django.db import connection, connections, transaction

from yibao.core.audit import check_chain, record_event, verify_chain
from yibao.core.migrations import _audit_guard
from yibao.core.models import AuditChainHead, AuditCheckpoint, AuditEvent

THREADS = 8
EVENTS_PER_THREAD = 50


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database locks whole tables between threads; runs on PostgreSQL")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_PER_THREAD):
                record_event("test.concurrent", summary=f"thread {n} event {i}")
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    # The database may hold events written before the threads (migrate's, after a flush).
    events = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert AuditEvent.objects.filter(action="test.concurrent").count() == THREADS * EVENTS_PER_THREAD
    predecessors = [prev for prev, _ in events]
    assert len(set(predecessors)) == len(predecessors), "two events link to the same predecessor"
    assert verify_chain() == []
    head = AuditChainHead.objects.get()
    assert (head.last_hash, head.length) == (events[-1][1], len(events))


@pytest.mark.django_db
def test_each_event_links_to_the_one_before():
    first = record_event("test.a")
    second = record_event("test.b")
    assert (first.prev_hash, second.prev_hash) == ("", first.hash)
    assert AuditChainHead.objects.get().last_id == second.id


@pytest.mark.django_db
def test_a_missing_head_is_rebuilt_from_the_newest_event():
    first = record_event("test.a")
    AuditChainHead.objects.all().delete()
    second = record_event("test.b")
    assert second.prev_hash == first.hash
    assert verify_chain() == []


@pytest.mark.django_db
def test_a_check_resumes_after_the_last_checkpoint():
    for i in range(5):
        record_event("test.event", summary=str(i))
    report = check_chain()
    assert (report.intact, report.start_after, report.checked) == (True, 0, 5)
    for i in range(3):
        record_event("test.event", summary=f"later {i}")
    report = check_chain()
    assert report.intact
    assert report.checked == 3
    assert report.start_after == AuditCheckpoint.objects.filter(kind="check").order_by("through_id").first().through_id


@pytest.mark.django_db
def test_a_rewritten_event_after_the_checkpoint_is_reported():
    record_event("test.event", summary="checked")
    check_chain()
    later = record_event("test.event", summary="original")
    with _audit_guard.lifted(connection), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET summary = 'rewritten' WHERE id = %s", [later.id])
    report = check_chain()
    assert report.broken == [later.id]
    assert AuditCheckpoint.objects.filter(kind="check").count() == 1, "a broken chain records no checkpoint"


@pytest.mark.django_db
def test_a_checkpoint_whose_event_was_rewritten_is_not_trusted():
    event = record_event("test.event", summary="original")
    check_chain()
    with _audit_guard.lifted(connection), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["0" * 64, event.id])
    report = check_chain()
    assert report.start_after == 0
    assert event.id in report.broken


@pytest.mark.django_db
def test_the_audit_verify_command_names_the_first_broken_event():
    import json

    from typer.testing import CliRunner

    from yibao.cli import app

    runner = CliRunner()
    first = record_event("test.event", summary="one")
    record_event("test.event", summary="two")
    ok = runner.invoke(app, ["audit", "verify", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["intact"] is True
    with _audit_guard.lifted(connection), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET summary = 'rewritten' WHERE id = %s", [first.id])
    bad = runner.invoke(app, ["audit", "verify", "--full"])
    assert bad.exit_code == 1
    assert f"首个异常事件 {first.id}：哈希不符" in bad.stderr
