"""Parse a regulation's text into articles, paragraphs and clauses (条、款、项)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from yibao.law.numerals import NUMBER_PATTERN, parse_number
from yibao.law.text import squeeze_spaces

N = NUMBER_PATTERN
_ARTICLE = re.compile(rf"^第\s*(?P<n>{N})\s*条(?:[\s\u3000]+|(?=[^\s款项]))(?P<text>.*)$")
_CLAUSE = re.compile(rf"^[（(]\s*(?P<n>{N})\s*[)）]\s*(?P<text>.*)$")
_CHAPTER = re.compile(rf"^第\s*{N}\s*[章节编]\s*")
_JUNK = re.compile(r"^\[(?:bookmark|footnote)[^\]]*\]$", re.IGNORECASE)
_NOTE = re.compile(r"^[（(].{2,80}[)）]$")


class RegulationParseError(ValueError):
    """The text is not a regulation; the message is Chinese."""


@dataclass
class Clause:
    number: int
    text: str


@dataclass
class Paragraph:
    number: int
    text: str
    clauses: list[Clause] = field(default_factory=list)


@dataclass
class ParsedArticle:
    number: int
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        lines = []
        for p in self.paragraphs:
            lines.append(p.text)
            lines.extend(f"（{_cn(c.number)}）{c.text}" for c in p.clauses)
        return "\n".join(x for x in lines if x)


@dataclass
class ParsedRegulation:
    title: str | None
    note: str | None
    articles: list[ParsedArticle]

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "note": self.note,
            "articles": [
                {
                    "number": a.number,
                    "text": a.text,
                    "line": a.line,
                    "paragraphs": [
                        {
                            "number": p.number,
                            "text": p.text,
                            "clauses": [{"number": c.number, "text": c.text} for c in p.clauses],
                        }
                        for p in a.paragraphs
                    ],
                }
                for a in self.articles
            ],
        }


def _cn(n: int) -> str:
    from yibao.law.numerals import to_chinese_numeral

    return to_chinese_numeral(n)


def parse_regulation_text(text: str, source: str = "<text>") -> ParsedRegulation:
    """Split a regulation into articles; a line starting （一） is a clause of the paragraph above."""
    title = note = None
    articles: list[ParsedArticle] = []
    for lineno, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = raw.strip().strip("\u3000").strip()
        if not line or _JUNK.match(line):
            continue
        m = _ARTICLE.match(line)
        if m:
            number = parse_number(m.group("n"))
            if articles and number != articles[-1].number + 1:
                raise RegulationParseError(
                    f"{source}，第{lineno}行：条文序号不连续（第{articles[-1].number}条之后是第{number}条）"
                )
            article = ParsedArticle(number, lineno)
            article.paragraphs.append(Paragraph(1, squeeze_spaces(m.group("text"))))
            articles.append(article)
            continue
        if not articles:
            if _CHAPTER.match(line):
                continue
            if title is None:
                title = squeeze_spaces(line)
            elif note is None and _NOTE.match(line):
                note = line
            continue
        if _CHAPTER.match(line) and len(line) < 40:
            continue
        current = articles[-1]
        c = _CLAUSE.match(line)
        if c:
            current.paragraphs[-1].clauses.append(Clause(parse_number(c.group("n")), squeeze_spaces(c.group("text"))))
        else:
            current.paragraphs.append(Paragraph(len(current.paragraphs) + 1, squeeze_spaces(line)))
    if not articles:
        raise RegulationParseError(f"{source}：未找到任何“第X条”，不是法规文本")
    return ParsedRegulation(title, note, articles)


def parse_regulation_file(path: str | Path) -> ParsedRegulation:
    path = Path(path)
    return parse_regulation_text(path.read_text(encoding="utf-8"), path.name)
