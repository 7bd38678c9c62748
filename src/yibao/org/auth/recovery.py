"""Recovery codes stored as salted hashes, shown once when made (docs/security.md, 身份鉴别 d).

A code is 10 random base32 characters (50 bits), shown as `abcde-fghij`; the database keeps
PBKDF2-SHA256 of it with its own salt, so a copy of the database shows no code and guessing one offline costs
2^50 × PBKDF2_ITERATIONS hashes. Checking a typed code against a user's ten costs ten hashes (about 10 ms).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable
from typing import Any

# Few enough that checking a user's ten codes stays quick, many enough with 50-bit codes (see above).
PBKDF2_ITERATIONS = 20_000
CODE_BYTES = 50 // 8 + 1  # 7 random bytes, of which the first 50 bits are kept
CODE_LENGTH = 10


def new_code() -> str:
    """A fresh code, as it is shown: `abcde-fghij`."""
    raw = base64.b32encode(os.urandom(CODE_BYTES)).decode().lower()[:CODE_LENGTH]
    return f"{raw[:5]}-{raw[5:]}"


def normalise(code: str) -> str:
    """The code as typed, without spaces or dashes and in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def hash_code(code: str, salt: str | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    """`pbkdf2_sha256$iterations$salt$hex` of the normalised code."""
    salt = salt or os.urandom(12).hex()
    digest = hashlib.pbkdf2_hmac("sha256", normalise(code).encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def code_matches(code: str, stored: str) -> bool:
    try:
        _algorithm, iterations, salt, _digest = stored.split("$")
        return hmac.compare_digest(hash_code(code, salt, int(iterations)), stored)
    except ValueError:
        return False


def matching_code(codes: Iterable[Any], typed: str) -> Any | None:
    """The stored code (a RecoveryCode) the typed one matches, or None. Any length: codes made before they
    were hashed (8 characters, django-otp's) were hashed as they were by migration org.0006."""
    if not normalise(typed) or len(typed) > 32:
        return None
    return next((code for code in codes if code_matches(typed, code.digest)), None)
