"""`yibao backup` and `yibao restore`: a round trip brings back the database and the files, checks the
manifest first, and is recorded in the audit trail as a restore."""

import json
import os
import shutil

import pytest

from yibao.core.backup import MANIFEST, BackupError, do_backup, do_restore, pg_binary, read_manifest
from yibao.core.models import AuditEvent
from yibao.org.constants import BureauLevel
from yibao.org.models import Bureau


@pytest.fixture
def site(settings, tmp_path):
    """Every folder a backup carries, and the audit files, under the test's own folder."""
    settings.YIBAO_EVIDENCE_ROOT = tmp_path / "var" / "evidence"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "var" / "documents"
    settings.YIBAO_AUDIT_ARCHIVE_DIR = tmp_path / "var" / "audit-archive"
    settings.YIBAO_AUDIT_ANCHOR_FILE = tmp_path / "var" / "audit-anchors.log"
    settings.YIBAO_EVIDENCE_ROOT.mkdir(parents=True)
    settings.YIBAO_DOCUMENTS_DIR.mkdir(parents=True)
    return tmp_path


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(os.environ.get("YIBAO_DATABASE_URL", "").startswith("postgres"), reason="the SQLite variant")
def test_a_backup_restores_the_database_and_the_files_and_the_restore_is_audited(site, settings):
    Bureau.objects.create(name="栾川县医疗保障局", level=BureauLevel.COUNTY)
    evidence = settings.YIBAO_EVIDENCE_ROOT / "case-1" / "照片.jpg"
    evidence.parent.mkdir()
    evidence.write_bytes(b"\xff\xd8original")
    result = do_backup(site / "backup")
    manifest = read_manifest(result.path)
    assert {"database.sqlite3", "files/evidence/case-1/照片.jpg"} <= {e["path"] for e in manifest["files"]}

    # After the backup: a bureau deleted, another added, an evidence file changed, a document written.
    Bureau.objects.filter(name="栾川县医疗保障局").delete()
    Bureau.objects.create(name="后来县医疗保障局", level=BureauLevel.COUNTY)
    evidence.write_bytes(b"changed")
    (settings.YIBAO_DOCUMENTS_DIR / "later.pdf").write_bytes(b"%PDF later")

    do_restore(result.path, note="演练")
    names = set(Bureau.objects.values_list("name", flat=True))
    assert "栾川县医疗保障局" in names and "后来县医疗保障局" not in names
    assert evidence.read_bytes() == b"\xff\xd8original"
    assert not (settings.YIBAO_DOCUMENTS_DIR / "later.pdf").exists()
    restored = AuditEvent.objects.get(action="audit.restored")
    assert "演练" in restored.summary and result.path.name in restored.summary
    assert settings.YIBAO_AUDIT_ANCHOR_FILE.exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_whose_file_was_changed_is_refused_before_anything_is_touched(site, settings):
    (settings.YIBAO_EVIDENCE_ROOT / "a.txt").write_text("evidence", encoding="utf-8")
    result = do_backup(site / "backup")
    (result.path / "files" / "evidence" / "a.txt").write_text("forged", encoding="utf-8")
    Bureau.objects.create(name="现在县医疗保障局", level=BureauLevel.COUNTY)
    with pytest.raises(BackupError, match="备份已被改动：files/evidence/a.txt"):
        do_restore(result.path)
    assert Bureau.objects.filter(name="现在县医疗保障局").exists()
    assert (settings.YIBAO_EVIDENCE_ROOT / "a.txt").read_text(encoding="utf-8") == "evidence"


@pytest.mark.django_db(transaction=True)
def test_a_file_added_to_a_backup_or_a_missing_manifest_is_refused(site):
    result = do_backup(site / "backup")
    (result.path / "files" / "planted.sh").parent.mkdir(exist_ok=True)
    (result.path / "files" / "planted.sh").write_text("echo", encoding="utf-8")
    with pytest.raises(BackupError, match="清单未列出的文件：files/planted.sh"):
        read_manifest(result.path)
    (result.path / MANIFEST).unlink()
    with pytest.raises(BackupError, match="不是 yibao 备份"):
        read_manifest(result.path)


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_not_written_over_an_existing_folder_and_carries_no_audit_key(site, settings):
    (site / "full").mkdir()
    (site / "full" / "x").write_text("x", encoding="utf-8")
    with pytest.raises(BackupError, match="已存在且不为空"):
        do_backup(site / "full")
    result = do_backup(site / "backup")
    listed = json.loads((result.path / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert not any("audit.key" in e["path"] or "anchors" in e["path"] for e in listed)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("YIBAO_DATABASE_URL", "").startswith("postgres"),
                    reason="PostgreSQL only (make test runs it on the local cluster)")
def test_a_postgresql_backup_round_trip(site):
    assert shutil.which("pg_dump") or pg_binary("pg_dump")
    Bureau.objects.create(name="栾川县医疗保障局", level=BureauLevel.COUNTY)
    result = do_backup(site / "backup")
    assert result.database == "database.dump"
    Bureau.objects.filter(name="栾川县医疗保障局").delete()
    do_restore(result.path)
    assert Bureau.objects.filter(name="栾川县医疗保障局").exists()
    assert AuditEvent.objects.filter(action="audit.restored").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(os.environ.get("YIBAO_DATABASE_URL", "").startswith("postgres"), reason="the SQLite variant")
def test_the_commands_back_up_refuse_a_tampered_backup_in_chinese_and_restore_with_yes(site, settings):
    from typer.testing import CliRunner

    from yibao.cli import app

    (settings.YIBAO_EVIDENCE_ROOT / "a.txt").write_text("evidence", encoding="utf-8")
    out = site / "backup"
    made = CliRunner().invoke(app, ["backup", "--out", str(out)])
    assert made.exit_code == 0 and "已备份到" in made.output
    (out / "files" / "evidence" / "a.txt").write_text("forged", encoding="utf-8")
    refused = CliRunner().invoke(app, ["restore", str(out), "--yes"])
    assert refused.exit_code == 1 and "备份已被改动" in refused.output
    (out / "files" / "evidence" / "a.txt").write_text("evidence", encoding="utf-8")
    cancelled = CliRunner().invoke(app, ["restore", str(out)], input="n\n")
    assert cancelled.exit_code == 1 and "已取消" in cancelled.output
    restored = CliRunner().invoke(app, ["restore", str(out), "--yes", "--note", "演练"])
    assert restored.exit_code == 0 and "已从" in restored.output
    assert AuditEvent.objects.filter(action="audit.restored", summary__contains="演练").exists()
