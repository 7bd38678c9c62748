"""Load and validate the provision files; a malformed file fails with its path and field."""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from yibao.law import registry
from yibao.law.numerals import to_chinese_numeral

DATA_DIR = Path(__file__).with_name("data")
SCHEMA_FILE = Path(__file__).with_name("schema.json")


class ProvisionError(ValueError):
    """A provision file that does not validate; the message names the file and the field."""


@dataclass(frozen=True)
class Range:
    min: Decimal
    max: Decimal


@dataclass(frozen=True)
class Measure:
    kind: str
    quote: str
    target: str | None = None
    optional: bool = False
    when: tuple[str, ...] = ()
    when_any: tuple[str, ...] = ()
    base: str | None = None
    multiple: Range | None = None
    per_mille: Range | None = None
    percent_of_unit_fine: Range | None = None
    yuan: Range | None = None
    months: Range | None = None
    years: Range | None = None
    rate_per_day: Decimal | None = None
    amount_equals_base: bool = False
    note: str | None = None


@dataclass
class Provision:
    id: str
    law: str
    rank: str
    article: int
    paragraph: int
    article_text: str
    valid_from: dt.date
    valid_to: dt.date | None
    parties: tuple[str, ...]
    conduct: str
    clauses: dict[int, str]
    measures: tuple[Measure, ...]
    requires: tuple[str, ...] = ()
    applies: dict[str, str] | str | None = None
    includes: tuple[str, ...] = ()
    conduct_of: str | None = None
    date_precision: str = "day"
    reviewed: bool = False
    source: dict = field(default_factory=dict)
    note: str | None = None
    file: str = ""

    @property
    def citation(self) -> str:
        from yibao.law.citations import nested_title

        article, paragraph = to_chinese_numeral(self.article), to_chinese_numeral(self.paragraph)
        return f"《{nested_title(self.law)}》第{article}条第{paragraph}款"

    @property
    def encoding_hash(self) -> str:
        """A digest of the text and encoding: a review signs off exactly this."""
        import hashlib

        payload = repr((self.id, self.article_text, self.valid_from, self.valid_to, self.parties, self.conduct,
                        sorted(self.clauses.items()), self.measures, self.requires, self.applies, self.includes))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class ProvisionLibrary:
    """All provisions, by id and by article; cross-references resolved and checked."""

    def __init__(self, provisions: list[Provision]):
        self.by_id: dict[str, list[Provision]] = {}
        for p in provisions:
            self.by_id.setdefault(p.id, []).append(p)
        self.provisions = provisions

    def versions(self, provision_id: str) -> list[Provision]:
        try:
            return sorted(self.by_id[provision_id], key=lambda p: p.valid_from)
        except KeyError:
            raise ProvisionError(f"未找到罚则 {provision_id}") from None

    def in_force(self, provision_id: str, on: dt.date) -> Provision | None:
        return next((p for p in self.versions(provision_id) if p.in_force(on)), None)

    def for_article(self, law: str, article: int, paragraph: int | None = None) -> list[str]:
        """Return the ids of provisions of an article (or of one of its paragraphs)."""
        ids = []
        for p in self.provisions:
            matches = p.law == law and p.article == article and paragraph in (None, p.paragraph)
            if matches and p.id not in ids:
                ids.append(p.id)
        return ids


def _range(value) -> Range | None:
    if value is None:
        return None
    return Range(Decimal(value["min"]), Decimal(value["max"]))


def _measure(d: dict) -> Measure:
    return Measure(
        kind=d["kind"], quote=d["quote"], target=d.get("target"), optional=d.get("optional", False),
        when=tuple(d.get("when", ())), when_any=tuple(d.get("when_any", ())), base=d.get("base"),
        multiple=_range(d.get("multiple")), per_mille=_range(d.get("per_mille")),
        percent_of_unit_fine=_range(d.get("percent_of_unit_fine")), yuan=_range(d.get("yuan")),
        months=_range(d.get("months")), years=_range(d.get("years")),
        rate_per_day=Decimal(d["rate_per_day"]) if d.get("rate_per_day") else None,
        amount_equals_base=d.get("amount_equals_base", False), note=d.get("note"),
    )


def _fail(path: Path, where: str, message: str) -> None:
    raise ProvisionError(f"{path}: {where}: {message}")


def load_file(path: Path) -> list[Provision]:
    """Validate one file against the schema and the text it quotes; return its provisions."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ProvisionError(f"{path}: YAML syntax: {e}") from None
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        _fail(path, "/".join(str(p) for p in e.path) or "(root)", e.message)
    known = registry.lookup(data["law"])
    if not known or known.name != data["law"]:
        _fail(path, "law", f"{data['law']!r} is not the full name of a law in the registry")
    if known.rank != data["rank"]:
        _fail(path, "rank", f"{data['rank']} differs from the registry's {known.rank}")
    out: list[Provision] = []
    for ai, a in enumerate(data["articles"]):
        text = a["text"]
        for pi, p in enumerate(a["provisions"]):
            where = f"articles/{ai}/provisions/{pi}"
            for mi, m in enumerate(p.get("measures", [])):
                _check_measure(path, f"{where}/measures/{mi}", m, text)
            valid_from = dt.date.fromisoformat(p["valid_from"])
            valid_to = dt.date.fromisoformat(p["valid_to"]) if p.get("valid_to") else None
            if valid_to and valid_to < valid_from:
                _fail(path, f"{where}/valid_to", "ends before it starts")
            applies = p.get("applies")
            out.append(Provision(
                id=p["id"], law=data["law"], rank=data["rank"], article=a["number"], paragraph=p["paragraph"],
                article_text=text, valid_from=valid_from, valid_to=valid_to, parties=tuple(p["parties"]),
                conduct=p["conduct"], clauses={int(k): v for k, v in (p.get("clauses") or {}).items()},
                measures=tuple(_measure(m) for m in p.get("measures", [])), requires=tuple(p.get("requires", ())),
                applies=applies, includes=tuple(p.get("includes", ())), conduct_of=p.get("conduct_of"),
                date_precision=p.get("date_precision", "day"), reviewed=a["reviewed"], source=a["source"],
                note=p.get("note"), file=path.name,
            ))
    return out


def _numbers_in(quote: str) -> set[Decimal]:
    """Return the numbers a quote states, in Arabic or Chinese numerals (一倍, 五百元, 1万元, 千分之五)."""
    from yibao.law.numerals import NUMERAL_CHARS, parse_number

    found: set[Decimal] = set()
    for m in re.finditer(r"\d+(?:\.\d+)?", quote):
        found.add(Decimal(m.group()))
    for m in re.finditer(rf"[{NUMERAL_CHARS}]+", quote):
        try:
            found.add(Decimal(parse_number(m.group())))
        except (ValueError, KeyError):
            continue
    return found


_UNIT_SCALE = {"万元": Decimal(10000)}


def _check_measure(path: Path, where: str, m: dict, text: str) -> None:
    """Every number in a measure must be stated in its quote, and the quote must be in the article."""
    quote = m["quote"]
    if quote not in text.replace("\n", ""):
        _fail(path, f"{where}/quote", f"quote not found in the article text: {quote}")
    stated = _numbers_in(quote)
    if "万元" in quote:
        stated |= {n * _UNIT_SCALE["万元"] for n in stated}
    if "年" in quote:
        stated |= {n * 12 for n in stated}
    values: list[Decimal] = []
    for key in ("multiple", "per_mille", "percent_of_unit_fine", "yuan", "months", "years"):
        if m.get(key):
            values += [Decimal(m[key]["min"]), Decimal(m[key]["max"])]
    if m.get("rate_per_day"):
        rate = Decimal(m["rate_per_day"])
        values.append(rate * 10000 if "万分之" in quote else rate * 1000 if "千分之" in quote else rate * 100)
    for v in values:
        if v != 0 and v not in stated:
            _fail(path, where, f"number {v} is not stated in its quote: {quote}")
    fine_specs = [k for k in ("multiple", "per_mille", "percent_of_unit_fine", "yuan") if m.get(k)]
    if m["kind"] == "fine" and len(fine_specs) != 1:
        _fail(path, where, "a fine needs exactly one of multiple, per_mille, percent_of_unit_fine, yuan")
    if fine_specs and fine_specs[0] in ("multiple", "per_mille") and not m.get("base"):
        _fail(path, where, "a fine by multiple or per mille needs its base")


@cache
def load_library(directory: Path = DATA_DIR) -> ProvisionLibrary:
    """Load every provision file; check ids and cross-references."""
    provisions: list[Provision] = []
    for path in sorted(directory.glob("*.yaml")):
        provisions += load_file(path)
    library = ProvisionLibrary(provisions)
    for p in provisions:
        refs = list(p.includes)
        if isinstance(p.applies, str):
            refs.append(p.applies)
        elif isinstance(p.applies, dict):
            refs += list(p.applies.values())
        if p.conduct_of:
            refs.append(p.conduct_of)
        for ref in refs:
            if ref not in library.by_id:
                raise ProvisionError(f"{directory / p.file}: {p.id}: reference to unknown provision {ref}")
    return library
