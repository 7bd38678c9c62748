"""Checking a document against yibao's record: by its verification code (the public page, the API) or by
the file itself (its SHA-256). What is shown is the record — number, kind, bureau, date, hashes — never
the content."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from django.core.cache import cache

from .models import Document, DocumentStatus
from .rendering import sha256_bytes, sha256_file
from .services import CODE_HASH_LENGTH, CODE_SEPARATOR

CODE_KEY = re.compile(rf"^[0-9a-f]{{{CODE_HASH_LENGTH}}}$")
# A polite limit on the public page: lookups per client address per minute (guessing 48 bits is hopeless
# anyway; this keeps a script from hammering the database).
LOOKUPS_PER_MINUTE = 30
UNKNOWN_MESSAGE = "未找到与该核验码相符的已签发文书。请核对核验码（文号及其后 12 位字母数字），或向签发机关核实。"
MALFORMED_MESSAGE = "核验码格式不正确：应为文号、短横线和 12 位十六进制字符，如 栾医保罚〔2026〕3号-1a2b3c4d5e6f"


def _normalise_number(text: str) -> str:
    # Full-width letters and digits typed from a phone become ASCII; spaces go.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("[", "〔").replace("]", "〕")


def parse_code(code: str) -> tuple[str, str] | None:
    """(number, hash part) of a code, or None when it cannot be one."""
    text = unicodedata.normalize("NFKC", code or "").strip()
    number, sep, key = text.rpartition(CODE_SEPARATOR)
    key = key.strip().lower()
    if not sep or not number.strip() or not CODE_KEY.match(key):
        return None
    return number.strip(), key


def find_by_code(code: str) -> Document | None:
    parsed = parse_code(code)
    if parsed is None:
        return None
    number, key = parsed
    for document in Document.objects.filter(verification_key=key, status=DocumentStatus.ISSUED).select_related("bureau"):
        if _normalise_number(document.number) == _normalise_number(number):
            return document
    return None


def find_by_file(path: Path | None = None, *, data: bytes | None = None) -> Document | None:
    """The issued document whose PDF or DOCX has exactly this content; a changed byte finds nothing."""
    digest = sha256_file(path) if path is not None else sha256_bytes(data or b"")
    return (Document.objects.filter(status=DocumentStatus.ISSUED, pdf_sha256=digest).first()
            or Document.objects.filter(status=DocumentStatus.ISSUED, docx_sha256=digest).first())


def public_record(document: Document) -> dict[str, Any]:
    latest = document.corrections.filter(status=DocumentStatus.ISSUED).order_by("-id").first()
    return {
        "number": document.number,
        "kind": document.kind,
        "kind_label": document.label,
        "bureau": document.bureau.name,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "verification_code": document.verification_code,
        "pdf_sha256": document.pdf_sha256,
        "docx_sha256": document.docx_sha256,
        "corrects": document.corrects.number if document.corrects_id else None,
        "corrected_by": latest.number if latest else None,
    }


def allow_lookup(client: str) -> bool:
    """False once the client has made LOOKUPS_PER_MINUTE lookups in the current minute."""
    key = f"documents.verify.{client}"
    if cache.add(key, 1, timeout=60):
        return True
    try:
        return cache.incr(key) <= LOOKUPS_PER_MINUTE
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60)
        return True
