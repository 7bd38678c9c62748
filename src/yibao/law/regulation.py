"""Parse a regulation's text into articles, paragraphs and clauses (条、款、项) under their 章 and 节."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from yibao.law.numerals import NUMBER_PATTERN, parse_number
from yibao.law.text import squeeze_spaces

N = NUMBER_PATTERN
_ARTICLE = re.compile(rf"^第\s*(?P<n>{N})\s*条(?:[\s\u3000]+|(?=[^\s款项]))(?P<text>.*)$")
_CLAUSE = re.compile(rf"^[（(]\s*(?P<n>{N})\s*[)）]\s*(?P<text>.*)$")
_HEADING = re.compile(rf"^第\s*(?P<n>{N})\s*(?P<level>[章节编])(?:[\s\u3000]*(?P<title>.*))?$")
# A heading is short; a longer line that starts 第二节 is prose.
HEADING_MAX_LENGTH = 40
# Law collections kept as Markdown mark the title and the 章/节 headings with #.
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")
# The data of a full text in law/data/texts/, before its text.
_FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n", re.DOTALL)
_JUNK = re.compile(r"^(?:\[(?:bookmark|footnote)[^\]]*\]|<!--.*-->)$", re.IGNORECASE)
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
    chapter: str = ""  # 第一章 总则
    section: str = ""  # 第一节 一般规定

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
                    "chapter": a.chapter,
                    "section": a.section,
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


def heading_label(line: str) -> tuple[str, str] | None:
    """Return (level, label) for a 章/节/编 heading line: ("章", "第一章 总则"); None for other lines.

    The label drops the spaces documents put inside short titles (总　则)."""
    m = _HEADING.match(line)
    if not m or len(line) >= HEADING_MAX_LENGTH:
        return None
    title = re.sub(r"[\s\u3000]+", "", m.group("title") or "")
    number = squeeze_spaces(m.group("n"))
    return m.group("level"), f"第{number}{m.group('level')}" + (f" {title}" if title else "")


def parse_regulation_text(text: str, source: str = "<text>") -> ParsedRegulation:
    """Split a regulation into articles; a line starting （一） is a clause of the paragraph above."""
    title = note = None
    chapter = section = ""
    articles: list[ParsedArticle] = []
    for lineno, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = _MARKDOWN_HEADING.sub("", raw.strip().strip("\u3000").strip())
        if not line or _JUNK.match(line):
            continue
        heading = heading_label(line)
        if heading:
            level, label = heading
            if level == "章":
                chapter, section = label, ""
            elif level == "节":
                section = label
            continue
        m = _ARTICLE.match(line)
        if m:
            number = parse_number(m.group("n"))
            if articles and number != articles[-1].number + 1:
                raise RegulationParseError(
                    f"{source}，第{lineno}行：条文序号不连续（第{articles[-1].number}条之后是第{number}条）"
                )
            article = ParsedArticle(number, lineno, chapter=chapter, section=section)
            article.paragraphs.append(Paragraph(1, squeeze_spaces(m.group("text"))))
            articles.append(article)
            continue
        if not articles:
            if title is None:
                title = squeeze_spaces(line)
            elif note is None and _NOTE.match(line):
                note = line
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


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (the YAML between two --- lines at the top, or None; the text after it; the line the text starts on)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return None, text, 1
    return m.group("meta"), text[m.end():], m.group(0).count("\n") + 1


def parse_regulation_file(path: str | Path) -> ParsedRegulation:
    """Parse a regulation file; a full-text file of the library (law/data/texts/) is read past its data."""
    path = Path(path)
    _, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return parse_regulation_text(body, path.name)
