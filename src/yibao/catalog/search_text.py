"""The text side of the catalogue search: normalising, the bigram tokens of the index, and the synonym list.

Pure Python (no Django): search.py indexes and queries with these; see its docstring for why bigrams.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SYNONYMS_PATH = Path(__file__).resolve().parent / "data" / "synonyms.yaml"
MAX_EXPANSIONS = 8  # per term

# CJK ideographs (with extensions and compatibility forms), 〇, kana and Hangul: scripts written
# without spaces, which get bigrams. Everything else that is a letter or digit forms whole words.
_CJK = "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_SEGMENT = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>(?:(?![{_CJK}])[^\W_])+)")


# ---------------------------------------------------------------- text → tokens

def _normal_char(c: str) -> str:
    # NFKC folds full-width letters and digits (Ａ１ → a1) and the Kangxi radicals that PDF
    # conversions leave in government documents (⾏ → 行). Only one-to-one foldings are taken, so
    # that positions in the normalised text are positions in the original (snippets rely on it).
    folded = unicodedata.normalize("NFKC", c)
    if len(folded) != 1:
        folded = c
    lower = folded.lower()
    return lower if len(lower) == 1 else folded


class _FoldTable(dict):
    """str.translate table that works out and remembers each character's folding on first sight."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _normal_char(chr(code))
        return folded


_FOLD = _FoldTable()


def normalize(text: str) -> str:
    """Fold width, compatibility forms and case, character by character (length is preserved)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def segments(plain: str) -> list[tuple[str, str]]:
    """Split normalised text into ("cjk", run) and ("word", run) segments; the rest separates."""
    return [(m.lastgroup or "", m.group()) for m in _SEGMENT.finditer(plain)]


def segment_tokens(kind: str, run: str) -> list[str]:
    """The index tokens of one segment: the bigrams of a CJK run (a lone character as itself), or the word."""
    if kind == "cjk" and len(run) > 1:
        return [run[i : i + 2] for i in range(len(run) - 1)]
    return [run]


def tokenize(text: str) -> str:
    """Return the index text: space-separated bigrams of CJK runs, unigrams of lone CJK characters, words."""
    return tokens_of_plain(normalize(text))


def tokens_of_plain(plain: str) -> str:
    """tokenize() of text already normalised."""
    return " ".join(t for kind, run in segments(plain) for t in segment_tokens(kind, run))


# ---------------------------------------------------------------- synonyms


@dataclass(frozen=True)
class Synonyms:
    """Replacement table: a key found in a query term may be replaced by any of its expansions."""

    table: dict[str, tuple[str, ...]]

    def expand(self, term: str) -> list[str]:
        """Return the term's expansions, without those that can only match where the term (or a
        shorter expansion) already matches: 挂床 → 挂床住院 would add nothing."""
        candidates: list[str] = []
        for key, replacements in self.table.items():
            start = term.find(key)
            while start != -1:
                candidates.extend(term[:start] + r + term[start + len(key) :] for r in replacements)
                start = term.find(key, start + 1)
        kept = [term]
        for cand in dict.fromkeys(candidates):
            if any(k in cand for k in kept):
                continue
            kept = [k for k in kept if k == term or cand not in k]
            kept.append(cand)
        return kept[1 : MAX_EXPANSIONS + 1]


def _parse_synonyms(data: Any, source: str) -> Synonyms:
    table: dict[str, list[str]] = {}

    def add(key: str, values: Iterable[str]) -> None:
        bucket = table.setdefault(normalize(key), [])
        for v in values:
            v = normalize(v)
            if v != normalize(key) and v not in bucket:
                bucket.append(v)

    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{source}: expected a mapping with a list under 'entries'")
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not str(entry.get("note") or "").strip():
            raise ValueError(f"{source}: entry {n} needs a note saying why it is there")
        if "group" in entry:
            members = [str(m) for m in entry["group"]]
            if len(members) < 2:
                raise ValueError(f"{source}: entry {n}: a group needs two or more words")
            for m in members:
                add(m, [o for o in members if o != m])
        elif "term" in entry and entry.get("expand"):
            term, expansions = str(entry["term"]), [str(e) for e in entry["expand"]]
            add(term, expansions)
            if entry.get("both_ways"):
                for e in expansions:
                    add(e, [term])
        else:
            raise ValueError(f"{source}: entry {n} needs either 'group' or 'term' with 'expand'")
    # Longer keys first, so that expansions come out in a stable, most-specific-first order.
    ordered = sorted(table.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return Synonyms({k: tuple(v) for k, v in ordered if v})


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    """The reviewed synonym list (data/synonyms.yaml), read once per process."""
    with SYNONYMS_PATH.open(encoding="utf-8") as f:
        return _parse_synonyms(yaml.safe_load(f), SYNONYMS_PATH.name)
