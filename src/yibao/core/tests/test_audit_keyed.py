"""The keyed chain: what someone with database access but not the key can do, and what verify says."""

import datetime as dt
import gzip
import hashlib
import json
import types

import pytest
from django.db import connection, transaction
from typer.testing import CliRunner

from yibao.cli import app
from yibao.core import audit
from yibao.core.audit import check_chain, record_event, seal_chain
from yibao.core.auditlog import anchors
from yibao.core.auditlog.archive import ArchiveRefused, do_archive_events
from yibao.core.auditlog.keys import audit_key
from yibao.core.auditlog.retention import earliest_archivable
from yibao.core.migrations import _audit_guard
from yibao.core.models import AuditChainHead, AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db


def _sql(statement: str, params: list) -> None:
    with _audit_guard.lifted(connection), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _events(n: int, prefix: str = "event") -> list[AuditEvent]:
    return [record_event("test.event", summary=f"{prefix} {i}") for i in range(n)]


def test_events_after_the_seal_are_hmacs_under_the_key_not_plain_hashes():
    event = record_event("test.event", summary="keyed")
    assert event.hash == event.compute_hash(audit_key())
    assert event.hash != event.compute_hash()


def test_a_chain_recomputed_without_the_key_is_reported():
    first, second, third = _events(3)
    # The attacker drops the trigger, rewrites the first event and recomputes every hash after it, as the
    # unkeyed chain allowed: plain SHA-256, the links and the head all consistent.
    prev = first.prev_hash
    for event in (first, second, third):
        event = AuditEvent.objects.get(pk=event.pk)
        if event.pk == first.pk:
            event.summary = "rewritten"
        event.prev_hash = prev
        event.hash = event.compute_hash()
        _sql("UPDATE core_auditevent SET summary = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [event.summary, event.prev_hash, event.hash, event.pk])
        prev = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    report = check_chain(resume=False, save=False)
    assert not report.intact
    assert min(report.broken) == first.pk
    assert "哈希不符" in report.first_break()


def test_a_checkpoint_forged_without_the_key_is_not_trusted():
    first, second = _events(2)
    _sql("UPDATE core_auditevent SET summary = 'rewritten' WHERE id = %s", [first.pk])
    # A checkpoint past the rewritten event would make a resumed check skip it, were it believed.
    AuditCheckpoint.objects.create(through_id=second.pk, through_hash=second.hash, checked=2, mac="0" * 64)
    report = check_chain()
    assert report.start_after < first.pk
    assert first.pk in report.broken


def test_a_deleted_seal_is_reported():
    _events(2)
    AuditCheckpoint.objects.filter(kind="seal").delete()
    report = check_chain(resume=False, save=False)
    assert not report.intact
    assert "缺少密钥封存点" in report.first_break()


def test_events_hashed_before_the_key_verify_under_the_seal_and_a_rewritten_one_is_found():
    # A database from before the key: plain hashes, then the seal (migration 0004) vouches for them.
    AuditCheckpoint.objects.filter(kind="seal").delete()
    newest = AuditEvent.objects.order_by("-id").first()
    prev = newest.hash if newest else ""
    old = []
    for i in range(3):
        event = AuditEvent(action="test.old", summary=f"old {i}", prev_hash=prev)
        event.hash = event.compute_hash()
        event.save()
        prev = event.hash
        old.append(event)
    AuditChainHead.objects.filter(pk=1).update(last_id=old[-1].pk, last_hash=old[-1].hash)
    assert seal_chain() is not None
    later = record_event("test.event", summary="keyed")
    assert check_chain(resume=False, save=False).intact
    assert later.hash == later.compute_hash(audit_key())
    _sql("UPDATE core_auditevent SET summary = 'rewritten' WHERE id = %s", [old[1].pk])
    assert old[1].pk in check_chain(resume=False, save=False).broken


def test_deleted_newest_events_are_found_by_the_head_row():
    events = _events(3)
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    report = check_chain(resume=False, save=False)
    assert report.broken == [events[-1].pk]
    assert "最新事件被删除" in report.first_break()


def test_deleted_newest_events_are_found_by_the_anchor_even_when_the_head_is_set_back():
    events = _events(4)
    anchors.write_anchor()
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [events[2].pk])
    AuditChainHead.objects.filter(pk=1).update(last_id=events[1].pk, last_hash=events[1].hash)
    report = check_chain(resume=False, save=False)
    assert report.broken == [events[-1].pk]
    assert "锚点" in report.first_break()


def test_a_restore_from_backup_is_recorded_and_then_not_reported_as_a_deletion():
    events = _events(4)
    anchors.write_anchor()
    # The database goes back to a backup taken after the second event.
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [events[2].pk])
    AuditChainHead.objects.filter(pk=1).update(last_id=events[1].pk, last_hash=events[1].hash)
    assert not check_chain(resume=False, save=False).intact
    result = CliRunner().invoke(app, ["audit", "restored", "--note", "自 12 月 3 日备份恢复"])
    assert result.exit_code == 0, result.output
    restored = AuditEvent.objects.order_by("-id").first()
    assert restored.action == "audit.restored"
    assert restored.data["last_anchor"]["event_id"] == events[-1].pk
    assert anchors.read_anchors()[-1].kind == anchors.RESTORE
    assert check_chain(resume=False, save=False).intact


def test_the_anchor_command_appends_the_newest_event_to_the_anchor_file():
    event = record_event("test.event")
    result = CliRunner().invoke(app, ["audit", "anchor"])
    assert result.exit_code == 0, result.output
    last = anchors.read_anchors()[-1]
    assert (last.event_id, last.hash, last.kind) == (event.pk, event.hash, anchors.ANCHOR)


def test_the_verify_command_reports_the_first_break_of_a_recomputed_chain():
    first, second = _events(2)
    event = AuditEvent.objects.get(pk=second.pk)
    event.summary = "rewritten"
    _sql("UPDATE core_auditevent SET summary = %s, hash = %s WHERE id = %s",
         [event.summary, event.compute_hash(), event.pk])
    result = CliRunner().invoke(app, ["audit", "verify", "--full"])
    assert result.exit_code == 1
    assert f"首个异常事件 {second.pk}：哈希不符" in result.stderr


# ---------------------------------------------------------------- retention and archiving

def _events_at(monkeypatch, when: dt.datetime, n: int) -> list[AuditEvent]:
    monkeypatch.setattr(audit, "timezone", types.SimpleNamespace(now=lambda: when))
    try:
        return _events(n, prefix=f"{when:%Y-%m-%d}")
    finally:
        monkeypatch.undo()


def test_archiving_events_younger_than_six_months_is_refused():
    today = dt.date(2026, 12, 4)
    assert earliest_archivable(today) == dt.date(2026, 6, 4)
    with pytest.raises(ArchiveRefused, match="至少留存 6 个月"):
        do_archive_events(dt.date(2026, 6, 5), actor=None, today=today)


def test_six_months_before_the_end_of_august_is_the_end_of_february():
    assert earliest_archivable(dt.date(2026, 8, 31)) == dt.date(2026, 2, 28)


def test_the_archive_command_refuses_a_recent_date_in_chinese():
    result = CliRunner().invoke(app, ["audit", "archive", "--before", dt.date.today().isoformat()])
    assert result.exit_code == 1
    assert "至少留存 6 个月" in result.stderr


def test_archived_events_go_to_a_hashed_file_and_the_chain_still_verifies(monkeypatch, settings):
    from django.utils import timezone

    old = _events_at(monkeypatch, timezone.now() - dt.timedelta(days=400), 3)
    recent = _events(2, prefix="recent")
    result = do_archive_events(timezone.localdate() - dt.timedelta(days=200), actor=None)
    assert result["last_id"] == old[-1].pk and result["count"] >= 3
    assert not AuditEvent.objects.filter(pk__lte=old[-1].pk).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    archived = AuditEvent.objects.order_by("-id").first()
    assert archived.action == "audit.archived"
    data = (settings.YIBAO_AUDIT_ARCHIVE_DIR / result["file"].split("/")[-1]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == result["sha256"]
    lines = [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]
    assert [row["hash"] for row in lines[-3:]] == [e.hash for e in old]
    assert check_chain(resume=False, save=False).intact


def test_deleting_the_oldest_events_without_an_archive_is_reported():
    events = _events(3)
    _sql("DELETE FROM core_auditevent WHERE id <= %s", [events[0].pk])
    report = check_chain(resume=False, save=False)
    assert events[1].pk in report.broken


def test_production_without_an_audit_key_in_the_environment_is_refused(settings):
    from django.core.checks import run_checks

    from yibao.core.auditlog.keys import production_problems

    settings.YIBAO_AUDIT_KEY = ""
    assert "YIBAO_AUDIT_KEY" in production_problems()[0]
    assert "yibao.audit.E001" in {e.id for e in run_checks(include_deployment_checks=True)}
    settings.YIBAO_AUDIT_KEY = "k" * 40
    assert production_problems() == []


def test_the_key_file_is_created_readable_by_its_owner_only(settings, tmp_path):
    import stat

    settings.YIBAO_AUDIT_KEY = ""
    settings.YIBAO_AUDIT_KEY_FILE = tmp_path / "audit.key"
    key = audit_key()
    assert len(key) == 64
    assert stat.S_IMODE((tmp_path / "audit.key").stat().st_mode) == 0o600
    assert audit_key() == key
