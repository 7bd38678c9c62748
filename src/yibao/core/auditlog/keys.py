"""The audit chain's HMAC key, kept outside the database so whoever can write the database cannot
recompute the chain: YIBAO_AUDIT_KEY from the environment, else a key file created (0600) on first use."""

import os
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings

KEY_BYTES = 32


class AuditKeyError(RuntimeError):
    pass


def audit_key() -> bytes:
    """The key the chain's events after the seal are HMAC'd with."""
    return _key(settings.YIBAO_AUDIT_KEY, str(settings.YIBAO_AUDIT_KEY_FILE))


def key_from_environment() -> bool:
    """Whether the key is set in the environment (production requires it: a key file beside the database
    is copied with it)."""
    return bool(settings.YIBAO_AUDIT_KEY)


@lru_cache(maxsize=8)
def _key(value: str, path: str) -> bytes:
    if value:
        return value.encode("utf-8")
    file = Path(path)
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: read theirs
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(KEY_BYTES))
    text = file.read_text(encoding="ascii").strip()
    if len(text) < KEY_BYTES:
        raise AuditKeyError(f"审计密钥文件 {file} 内容过短（至少 {KEY_BYTES} 个字符）")
    return text.encode("ascii")


def production_problems() -> list[str]:
    """Why production must not start as configured, in Chinese (empty: fine). A key file under var/ sits
    beside the database and is copied with it, so production takes the key from the environment."""
    if not key_from_environment():
        return ["生产环境必须设置 YIBAO_AUDIT_KEY（审计链的 HMAC 密钥，至少 32 个字符，保存在数据库之外），"
                "否则有数据库权限的人可以重算审计链"]
    if len(settings.YIBAO_AUDIT_KEY) < KEY_BYTES:
        return [f"YIBAO_AUDIT_KEY 过短：至少 {KEY_BYTES} 个字符"]
    return []
