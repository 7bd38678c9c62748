"""The official full texts of the laws the bureau applies (law/data/texts/*.md), with their data.

A text file is YAML front matter (name, issuing body, document number, dates, the articles it has,
where the text was taken from) between two --- lines, then the text exactly as published at its
source, which the regulation parser splits into 章、节、条、款、项. A file without a text records a
law whose full text could not be found in a published source: the library shows its data and says so.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from yibao.law import registry
from yibao.law.regulation import ParsedRegulation, parse_regulation_text, split_front_matter

TEXTS_DIR = Path(__file__).with_name("data") / "texts"
# The closing article of most texts states the date in force: 本条例自2021年5月1日起施行。
_IN_FORCE = re.compile(r"自\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日起施行")
REQUIRED = ("name", "issuer", "document_number", "promulgated", "effective", "history", "articles", "source")


class LawTextError(ValueError):
    """A text file that is malformed or contradicts itself; the message names the file."""


@dataclass(frozen=True)
class HistoryStep:
    date: dt.date
    note: str


@dataclass(frozen=True)
class LawText:
    slug: str
    path: Path
    name: str
    rank: str
    issuer: str
    document_number: str
    promulgated: dt.date
    effective: dt.date
    history: tuple[HistoryStep, ...]
    article_total: int | None  # None: the full text is not held
    source: dict
    body: str
    body_line: int  # the file's line number of the body's first line
    digest: str  # of the whole file: a changed file is loaded again

    @property
    def relative_path(self) -> str:
        return f"law/data/texts/{self.path.name}"

    @property
    def source_label(self) -> str:
        """Where the text was taken from, as a reader can look it up."""
        s = self.source
        if s.get("repository"):
            return f"GitHub {s['repository']}：{s['path']}（提交 {s['commit'][:12]}）"
        if s.get("file"):
            return f"项目示例文件 {s['file']}"
        return s.get("url", "")

    @property
    def source_url(self) -> str:
        return self.source.get("url", "")

    def parse(self) -> ParsedRegulation | None:
        """The text split into articles, or None when the full text is not held."""
        if self.article_total is None:
            return None
        return parse_regulation_text(self.body, self.path.name)


def _date(path: Path, key: str, value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    raise LawTextError(f"{path.name}：{key} 应为日期（YYYY-MM-DD），实为 {value!r}")


def read_text_file(path: Path) -> LawText:
    """Read and check one text file; raise LawTextError naming what is wrong."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    meta_text, body, body_line = split_front_matter(text)
    if meta_text is None:
        raise LawTextError(f"{path.name}：缺少以 --- 开始和结束的文件头")
    meta = yaml.safe_load(meta_text) or {}
    missing = [k for k in REQUIRED if k not in meta]
    if missing:
        raise LawTextError(f"{path.name}：文件头缺少 {', '.join(missing)}")
    known = registry.lookup(meta["name"])
    if not known or known.name != meta["name"]:
        raise LawTextError(f"{path.name}：{meta['name']!r} 不是法规登记表中的全称")
    source = meta["source"] or {}
    if not (source.get("url") or source.get("file")):
        raise LawTextError(f"{path.name}：source 须写明来源地址（url）或文件（file）")
    total = meta["articles"]
    if (total is None) != (not body.strip()):
        raise LawTextError(f"{path.name}：articles 为空当且仅当文件不含全文")
    law = LawText(
        slug=path.stem, path=path, name=known.name, rank=known.rank, issuer=meta["issuer"],
        document_number=meta["document_number"] or "",
        promulgated=_date(path, "promulgated", meta["promulgated"]),
        effective=_date(path, "effective", meta["effective"]),
        history=tuple(HistoryStep(_date(path, "history", h["date"]), h["note"]) for h in meta["history"] or ()),
        article_total=total, source=source, body=body, body_line=body_line,
        digest=hashlib.sha256(raw).hexdigest(),
    )
    _check_text(law)
    return law


def _check_text(law: LawText) -> None:
    parsed = law.parse()
    if parsed is None:
        return
    numbers = [a.number for a in parsed.articles]
    if numbers != list(range(1, law.article_total + 1)):
        raise LawTextError(f"{law.path.name}：文件头写明 {law.article_total} 条，正文解析出 {len(numbers)} 条")
    stated = _IN_FORCE.search(parsed.articles[-1].text)
    if stated:
        in_text = dt.date(int(stated["y"]), int(stated["m"]), int(stated["d"]))
        if in_text != law.effective:
            raise LawTextError(f"{law.path.name}：文件头施行日期 {law.effective} 与正文 {in_text} 不一致")


@cache
def law_texts(directory: Path = TEXTS_DIR) -> tuple[LawText, ...]:
    """Every text file of the directory, checked, in file-name order."""
    return tuple(read_text_file(p) for p in sorted(directory.glob("*.md")))
