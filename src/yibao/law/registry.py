"""Known laws: resolve a short or bracketed name to the full official name and its rank."""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

REGISTRY_FILE = Path(__file__).with_name("data") / "laws.yaml"
RANKS = ("law", "admin_regulation", "dept_rule", "local_rule", "normative_doc")

# The tag a document puts before a law, e.g. 【法律】, when the registry does not know it.
TAG_RANKS = {
    "法律": "law",
    "行政法规": "admin_regulation",
    "部门规章": "dept_rule",
    "地方政府规章": "local_rule",
    "地方性法规": "local_rule",
    "规范性文件": "normative_doc",
}

_EDITION = re.compile(r"[（(]\s*(?:\d{4}\s*年?\s*)?[^（）()]*(?:修订|修正|修改|版)\s*[)）]$")


@dataclass(frozen=True)
class KnownLaw:
    name: str
    rank: str
    aliases: tuple[str, ...] = field(default_factory=tuple)


def _key(name: str) -> str:
    """Fold the variants documents use: 〈〉 for nested 《》, half-width brackets, spaces."""
    name = re.sub(r"\s+", "", name)
    return name.replace("〈", "《").replace("〉", "》").replace("<", "《").replace(">", "》").replace("(", "（").replace(")", "）")


@cache
def known_laws() -> dict[str, KnownLaw]:
    """Return the registry keyed by every folded name and alias."""
    entries = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    index: dict[str, KnownLaw] = {}
    for entry in entries:
        if entry["rank"] not in RANKS:
            raise ValueError(f"{REGISTRY_FILE}: unknown rank {entry['rank']!r} for {entry['name']}")
        law = KnownLaw(entry["name"], entry["rank"], tuple(entry.get("aliases") or ()))
        for name in (law.name, *law.aliases):
            index[_key(name)] = law
    return index


def strip_edition(name: str) -> str:
    """Drop an edition note from a title: 社会救助暂行办法（2019修订） → 社会救助暂行办法."""
    return _EDITION.sub("", name.strip()).strip()


def lookup(name: str) -> KnownLaw | None:
    """Return the known law for a name as documents write it, or None."""
    index = known_laws()
    for candidate in (name, strip_edition(name)):
        hit = index.get(_key(candidate))
        if hit:
            return hit
    return None
