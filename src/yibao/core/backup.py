"""`yibao backup` and `yibao restore`: the database and the files the database points to, with a manifest.

A backup is a folder:

* `database.sqlite3` (SQLite, copied page by page with sqlite3's online backup API, so a running server
  keeps writing) or `database.dump` (PostgreSQL, `pg_dump --format=custom`);
* `files/<name>/…`: the evidence files, uploaded media, rendered documents and archived audit events;
* `manifest.json`: what it holds, each file with its size and SHA-256.

Restore checks every file against the manifest before it touches anything, replaces the database and the
folders, and records the restore in the audit trail (auditlog.restore), so the chain check reads the
events the backup did not have as restored, not as deleted.

Not in a backup, on purpose: the audit key (YIBAO_AUDIT_KEY_FILE; kept with the database it would let
whoever holds the backup rewrite the chain: back it up apart) and the anchor file (it must outlive any
restore to show what the chain was before it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
PG_BINARIES = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is Chinese, for the operator."""


def file_roots() -> dict[str, Path]:
    """The folders a backup carries, by the name they have in it."""
    return {
        "evidence": Path(settings.YIBAO_EVIDENCE_ROOT),
        "media": Path(settings.MEDIA_ROOT),
        "documents": Path(settings.YIBAO_DOCUMENTS_DIR),
        "audit-archive": Path(settings.YIBAO_AUDIT_ARCHIVE_DIR),
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def pg_binary(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest under /usr/lib/postgresql/*/bin (Debian)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/").glob(f"{PG_BINARIES.lstrip('/')}/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if not candidates:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（apt-get install postgresql-client）")
    return str(candidates[-1])


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{result.stderr.strip()[:500]}")


@dataclass
class BackupResult:
    path: Path
    database: str
    files: int
    bytes: int


def _copy_database(out: Path) -> str:
    if _vendor() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(out / SQLITE_FILE)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return SQLITE_FILE
    if _vendor() == "postgresql":
        args, env = _pg_args()
        _run([pg_binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(out / PG_FILE), *args], env,
             "pg_dump 备份数据库")
        return PG_FILE
    raise BackupError(f"不支持备份 {_vendor()} 数据库（只支持 SQLite 和 PostgreSQL）")


def do_backup(out: Path) -> BackupResult:
    """Write a backup folder at `out` (which must not exist or be empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份目录 {out} 已存在且不为空：请指定新的目录")
    out.mkdir(parents=True, exist_ok=True)
    database = _copy_database(out)
    for name, root in file_roots().items():
        if root.is_dir():
            shutil.copytree(root, out / "files" / name, symlinks=False)
    entries = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        entries.append({"path": path.relative_to(out).as_posix(), "size": path.stat().st_size,
                        "sha256": sha256_of(path)})
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "vendor": _vendor(),
        "database": database,
        "roots": sorted(name for name, root in file_roots().items() if root.is_dir()),
        "files": entries,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return BackupResult(out, database, len(entries), sum(e["size"] for e in entries))


def read_manifest(backup: Path) -> dict[str, Any]:
    """The backup's manifest, after every file it lists is checked; a missing or changed file refuses it."""
    backup = Path(backup)
    try:
        manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{backup} 不是 yibao 备份：缺少或无法读取 {MANIFEST}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{backup}：不认识的备份格式 {manifest.get('format')!r}")
    listed = set()
    for entry in manifest["files"]:
        path = backup / entry["path"]
        listed.add(entry["path"])
        if not path.is_file():
            raise BackupError(f"备份不完整：缺少 {entry['path']}")
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"备份已被改动：{entry['path']} 与清单中的 SHA-256 不符")
    extra = [p.relative_to(backup).as_posix() for p in backup.rglob("*")
             if p.is_file() and p.name != MANIFEST and p.relative_to(backup).as_posix() not in listed]
    if extra:
        raise BackupError(f"备份中有清单未列出的文件：{extra[0]}")
    return manifest


def do_restore(backup: Path, *, note: str = "", actor: Any = None) -> dict[str, Any]:
    """Replace the database and the folders with the backup's, then record the restore; return the manifest."""
    backup = Path(backup)
    manifest = read_manifest(backup)
    if manifest["vendor"] != _vendor():
        raise BackupError(f"备份来自 {manifest['vendor']} 数据库，当前是 {_vendor()}：不能直接恢复")
    if _vendor() == "sqlite":
        source = sqlite3.connect(backup / manifest["database"])
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connections.close_all()
        args, env = _pg_args()
        _run([pg_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
              str(backup / manifest["database"])], env, "pg_restore 恢复数据库")
    for name, root in file_roots().items():
        saved = backup / "files" / name
        if name in manifest["roots"]:
            if root.exists():
                shutil.rmtree(root)
            if saved.is_dir():
                shutil.copytree(saved, root)
            else:  # an empty folder (a copy of the backup may have dropped it)
                root.mkdir(parents=True)
        elif root.exists():
            # The folder was empty or absent when the backup was made: what is there now came after it.
            shutil.rmtree(root)
    from yibao.core.auditlog.restore import do_record_restore

    created = manifest["created_at"]
    do_record_restore(f"自备份 {backup.name}（{created}）恢复" + (f"：{note}" if note else ""), actor=actor)
    return manifest
