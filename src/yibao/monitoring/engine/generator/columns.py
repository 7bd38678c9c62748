"""Arrow columns built straight from numpy buffers, and valid ID numbers (身份证号).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from ..schema import TABLES

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "dec": pa.decimal128(18, 2),
    "dec6": pa.decimal128(18, 6),  # any DECIMAL will do (spec 5.24); precision 18 is stored as int64
    "int": pa.int64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "ts": pa.timestamp("us"),
}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema the generator writes for a table of schema.TABLES."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in TABLES[table].columns])


def _validity(valid: np.ndarray | None) -> tuple[Any, int]:
    if valid is None:
        return None, 0
    valid = np.asarray(valid, dtype=bool)
    nulls = int(len(valid) - valid.sum())
    if nulls == 0:
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), nulls


def _dec(unscaled: np.ndarray, typ: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    """A decimal128 column from int64 unscaled values (value × 10^scale)."""
    u = np.ascontiguousarray(unscaled, dtype=np.int64)
    buf = np.empty((len(u), 2), dtype=np.int64)
    buf[:, 0] = u
    buf[:, 1] = u >> 63
    vb, nulls = _validity(valid)
    return pa.Array.from_buffers(typ, len(u), [vb, pa.py_buffer(buf)], null_count=nulls)


def _ts(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    us = np.ascontiguousarray(seconds, dtype=np.int64) * 1_000_000
    vb, nulls = _validity(valid)
    return pa.Array.from_buffers(pa.timestamp("us"), len(us), [vb, pa.py_buffer(us)], null_count=nulls)


def _date(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    d = np.ascontiguousarray(days, dtype=np.int32)
    vb, nulls = _validity(valid)
    return pa.Array.from_buffers(pa.date32(), len(d), [vb, pa.py_buffer(d)], null_count=nulls)


def _int(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    v = np.ascontiguousarray(values, dtype=np.int64)
    vb, nulls = _validity(valid)
    return pa.Array.from_buffers(pa.int64(), len(v), [vb, pa.py_buffer(v)], null_count=nulls)


_DIGIT_PAIRS = (np.arange(100) // 10 + 48 + (np.arange(100) % 10 + 48) * 256).astype("<u2")


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Fixed-width identifiers prefix + zero-padded number, built as one byte matrix."""
    p = np.frombuffer(prefix.encode(), dtype=np.uint8)
    n, w = len(numbers), len(p) + width
    mat = np.empty((n, w), dtype=np.uint8)
    mat[:, : len(p)] = p
    body = mat[:, len(p):]
    x = np.asarray(numbers, dtype=np.int64)
    j = width
    while j >= 2:  # two digits at a time
        x, r = np.divmod(x, 100)
        body[:, j - 2 : j].view(np.uint16)[:, 0] = _DIGIT_PAIRS[r]
        j -= 2
    if j == 1:
        body[:, 0] = 48 + x % 10
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(mat)])


def _take(values: list[str | None], idx: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    dictionary = pa.array(values, type=pa.string())
    indices = pa.array(np.asarray(idx, dtype=np.int32), mask=None if valid is None else ~np.asarray(valid, bool))
    return dictionary.take(indices)


def _uniform_int(rng: np.random.Generator, lo: np.ndarray | int, hi: np.ndarray | int, n: int) -> np.ndarray:
    """Integers uniform in [lo, hi] (inclusive, elementwise)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)


def _check_digit(body: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check characters (as ASCII) of 17-digit ID bodies (uint8 digit matrix)."""
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
    s = (body.astype(np.int64) * weights).sum(axis=1) % 11
    table = np.frombuffer(b"10X98765432", dtype=np.uint8)
    return table[s]


def certno_of(region: str, brdy: date, seq: int) -> str:
    body = f"{region}{brdy:%Y%m%d}{seq:03d}"
    digits = np.frombuffer(body.encode(), dtype=np.uint8)[None, :] - 48
    return body + chr(int(_check_digit(digits)[0]))
