"""Match the items a new version of a list dropped with the ones it added: a renamed item is one
item, not a removal and an addition. Pure Python: no Django.

An item keeps its identity by national code, else by name and sub-item (services.item_identity),
so renaming an item without a code, or changing the sub-item of one with a code, changes its
identity. A removed and an added item are the same item renamed when

* they share a national code; or
* they are of the same type, and their names (with sub-items) are at least
  RENAME_NAME_SIMILARITY alike; or
* they are of the same type, cite exactly the same provisions (at least one), and their names are
  at least RENAME_NAME_SIMILARITY_SAME_BASES alike.

Alikeness is difflib's ratio (2·matches / total length) of the names with spaces and punctuation
removed. Pairs are taken best first, each item at most once.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

# 对骗取医疗救助资金的处罚 → 对骗取医疗救助资金行为的处罚 is 0.92; two different penalties of the same
# regulation, 对定点医药机构分解住院的处罚 / 对定点医药机构串换药品的处罚, are 0.71 and stay apart.
RENAME_NAME_SIMILARITY = 0.8
# With the very same provisions cited, a reworded name is enough: 医疗保障基金使用情况的监督检查 →
# 对定点医药机构使用医疗保障基金情况的检查 is 0.63.
RENAME_NAME_SIMILARITY_SAME_BASES = 0.5


@dataclass(frozen=True)
class Candidate:
    """What the matching needs of one item: its identity key and what identifies it by content."""

    key: str
    name: str
    sub_item: str = ""
    type: str = ""
    national_code: str = ""
    bases: frozenset[tuple] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.name}（{self.sub_item}）" if self.sub_item else self.name


def _fold(text: str) -> str:
    return re.sub(r"[\s\u3000，,。.、；;：:（）()“”\"'《》]", "", text)


def name_similarity(a: Candidate, b: Candidate, floor: float = 0.0) -> float:
    """difflib's ratio of the two names; 0 when a cheap upper bound already falls below `floor`."""
    matcher = SequenceMatcher(None, _fold(a.name + a.sub_item), _fold(b.name + b.sub_item), autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def rename_score(old: Candidate, new: Candidate) -> float | None:
    """How sure it is that `new` is `old` renamed (higher is surer), or None when it is not."""
    if old.national_code and old.national_code == new.national_code:
        return 2.0 + name_similarity(old, new)
    if old.type != new.type:
        return None
    similarity = name_similarity(old, new, floor=RENAME_NAME_SIMILARITY_SAME_BASES)
    if similarity >= RENAME_NAME_SIMILARITY:
        return similarity
    if old.bases and old.bases == new.bases and similarity >= RENAME_NAME_SIMILARITY_SAME_BASES:
        return similarity
    return None


# Pairs whose names share fewer character pairs than this (Dice coefficient of bigrams) are not
# compared further: a cheap bound that keeps large diffs fast; renamed names share far more.
BIGRAM_PREFILTER = 0.3


def _bigrams(c: Candidate) -> frozenset[str]:
    text = _fold(c.name + c.sub_item)
    return frozenset(text[k:k + 2] for k in range(len(text) - 1)) or frozenset({text})


def match_renames(removed: Iterable[Candidate], added: Iterable[Candidate]) -> list[tuple[Candidate, Candidate]]:
    """Return (old, new) pairs of renamed items, best matches first, each item in one pair at most."""
    scored = []
    removed, added = list(removed), list(added)
    grams = [_bigrams(c) for c in added]
    for i, old in enumerate(removed):
        mine = _bigrams(old)
        for j, new in enumerate(added):
            shared = 2 * len(mine & grams[j]) / (len(mine) + len(grams[j]))
            if shared < BIGRAM_PREFILTER and not (old.national_code and old.national_code == new.national_code):
                continue
            score = rename_score(old, new)
            if score is not None:
                scored.append((-score, i, j))
    pairs, used_old, used_new = [], set(), set()
    for _, i, j in sorted(scored):
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((removed[i], added[j]))
    return pairs
