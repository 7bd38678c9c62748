"""Citations: parse 《条例》第40条第1款 and split a basis cell into the articles it quotes."""

import re
from dataclasses import dataclass, field

from yibao.law import registry
from yibao.law.numerals import NUMBER_PATTERN, parse_number
from yibao.law.text import html_to_paragraphs, squeeze_spaces

N = NUMBER_PATTERN
ARTICLE_REF = rf"第\s*(?P<article>{N})\s*(?:条|(?=第\s*{N}\s*款))(?:\s*第\s*(?P<paragraph>{N})\s*款)?(?:\s*第\s*[（(]?\s*(?P<clause>{N})\s*[)）]?\s*项)?"
_ARTICLE_REF = re.compile(ARTICLE_REF)
# An article named anywhere in text (第40条, 第 八十七 条): what tells a cell or a paragraph that cites one.
ARTICLE_MENTION = rf"第\s*{N}\s*条"
_RANGE_SEP = r"\s*[~～至\-—－]\s*"
_LIST_SEP = r"\s*[、，,和及与]\s*"
_LAW_TITLE = re.compile(r"《(?P<name>[^《》]{1,120})》")
_TAG = re.compile(r"^【(?P<tag>[^】]{1,12})】\s*")
_NUMBERING = re.compile(r"^(?:\d{1,2}\s*[.、．]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,3}、)\s*")
_LEADING_WORDS = re.compile(r"^(?:参照|依据|根据|按照|依照)\s*")
# An edition or promulgation note after a title: （2018年修正） （2021年中华人民共和国国务院令 第735号）
_NOTE = re.compile(r"\s*[（(][^（）()]{0,60}[)）]")
# A heading that starts an article inside a basis: "第八十七条 社会保险…" (a space, not a reference in prose).
_HEADING = re.compile(rf"^(?P<ref>{ARTICLE_REF})(?:\s+|[：:]\s*|　+)(?=\S)")
_INLINE_HEADING = re.compile(
    rf"(?<=[。；;])\s*(?=第\s*{N}\s*条(?:\s*第\s*{N}\s*款)?[ 　]+\S|《[^《》]{{1,80}}》\s*第\s*{N}\s*条)"
)


def nested_title(name: str) -> str:
    """Write a title inside a title with 〈〉: 实施《…》若干规定 → 实施〈…〉若干规定, for 《…》 around it."""
    return name.replace("《", "〈").replace("》", "〉")


class CitationError(ValueError):
    """A citation that does not resolve; the message is Chinese, for the user."""


@dataclass
class Citation:
    law: str
    rank: str | None
    article: int | None = None
    paragraph: int | None = None
    clause: int | None = None
    text: str | None = None
    known: bool = True

    def as_dict(self) -> dict:
        return {
            "law": self.law,
            "rank": self.rank,
            "article": self.article,
            "paragraph": self.paragraph,
            "clause": self.clause,
            "text": self.text,
        }

    def label(self) -> str:
        from yibao.law.numerals import to_chinese_numeral as cn

        parts = [f"《{nested_title(self.law)}》"]
        if self.article:
            parts.append(f"第{cn(self.article)}条")
        if self.paragraph:
            parts.append(f"第{cn(self.paragraph)}款")
        if self.clause:
            parts.append(f"第（{cn(self.clause)}）项")
        return "".join(parts)


@dataclass
class BasisParse:
    citations: list[Citation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def resolve_law(name: str, tag: str | None = None) -> tuple[str, str | None, bool, str | None]:
    """Return (full name, rank, known, warning) for a law name as written, using the tag as fallback."""
    name = squeeze_spaces(name)
    known = registry.lookup(name)
    if known:
        return known.name, known.rank, True, None
    clean = registry.strip_edition(name)
    rank = registry.TAG_RANKS.get(tag or "")
    if rank:
        return clean, rank, False, f"法规《{clean}》不在法规登记表中，按文件标注【{tag}】认定为{rank}"
    return clean, None, False, f"法规《{clean}》不在法规登记表中，且文件未标注效力位阶"


def _ref_numbers(m: re.Match) -> tuple[int, int | None, int | None]:
    article = parse_number(m.group("article"))
    paragraph = parse_number(m.group("paragraph")) if m.group("paragraph") else None
    clause = parse_number(m.group("clause")) if m.group("clause") else None
    return article, paragraph, clause


def parse_article_refs(text: str) -> tuple[list[tuple[int, int | None, int | None]], int]:
    """Parse '第三条、第四条、第三十条~第五十四条' at the start of text; return refs and characters used."""
    refs: list[tuple[int, int | None, int | None]] = []
    pos = 0
    while True:
        m = _ARTICLE_REF.match(text, pos)
        if not m:
            break
        first = _ref_numbers(m)
        pos = m.end()
        rng = re.compile(_RANGE_SEP + ARTICLE_REF).match(text, pos)
        if rng:
            last = _ref_numbers(rng)
            if last[0] < first[0]:
                raise CitationError(f"条文范围倒置：{text[m.start():rng.end()]}")
            refs.extend((n, None, None) for n in range(first[0], last[0] + 1))
            pos = rng.end()
        else:
            refs.append(first)
        sep = re.compile(_LIST_SEP + r"(?=第)").match(text, pos)
        if not sep:
            break
        pos = sep.end()
    return refs, pos


def parse_citation(text: str) -> Citation:
    """Resolve one citation such as 《条例》第40条第1款 or 社保法第八十七条; raise CitationError."""
    raw = text
    text = squeeze_spaces(text.strip())
    if not text:
        raise CitationError("引用为空")
    m = _LAW_TITLE.match(text)
    if m:
        name, rest = m.group("name"), text[m.end():]
    else:
        at = text.find("第")
        if at <= 0:
            raise CitationError(f"无法识别的引用：{raw}（未写明法规名称）")
        name, rest = text[:at], text[at:]
    known = registry.lookup(name)
    if not known:
        raise CitationError(f"未找到法规：《{registry.strip_edition(name)}》（引用：{raw}）")
    note = _NOTE.match(rest)  # an edition note right after the title, not the （三） of a clause
    rest = rest[note.end():].strip() if note else rest.strip()
    if not rest:
        return Citation(known.name, known.rank)
    ref = _ARTICLE_REF.fullmatch(rest)
    if not ref:
        raise CitationError(f"无法识别的条款：{rest}（引用：{raw}）")
    article, paragraph, clause = _ref_numbers(ref)
    return Citation(known.name, known.rank, article, paragraph, clause)


@dataclass(frozen=True)
class ArticleQuery:
    """An article asked for in a search: of one law, or (law None) of every law that has it."""

    law: str | None
    article: int
    paragraph: int | None = None
    clause: int | None = None

    def label(self) -> str:
        from yibao.law.numerals import to_chinese_numeral as cn

        where = f"第{cn(self.article)}条" + (f"第{cn(self.paragraph)}款" if self.paragraph else "") + (
            f"第（{cn(self.clause)}）项" if self.clause else "")
        return f"《{nested_title(self.law)}》{where}" if self.law else f"{where}（各法规）"


def parse_article_query(text: str) -> ArticleQuery | None:
    """Read a search query as a citation of an article, or return None when it is not one.

    The same article is asked for in many ways: 条例第40条, 基金监管条例第40条第1款,
    《医疗保障基金使用监督管理条例》第四十条, or 第四十条 alone (that article of every law)."""
    text = squeeze_spaces(text.strip())
    bare = _ARTICLE_REF.fullmatch(text)
    if bare:
        return ArticleQuery(None, *_ref_numbers(bare))
    if "第" not in text:
        return None
    try:
        c = parse_citation(text)
    except CitationError:
        return None
    return ArticleQuery(c.law, c.article, c.paragraph, c.clause) if c.article else None


def _strip_prefixes(paragraph: str) -> tuple[str, str | None]:
    """Remove list numbering, 参照 and a 【rank】 tag; return the text and the tag."""
    tag = None
    for _ in range(3):
        before = paragraph
        paragraph = _NUMBERING.sub("", paragraph, count=1)
        paragraph = _LEADING_WORDS.sub("", paragraph, count=1)
        t = _TAG.match(paragraph)
        if t:
            tag = t.group("tag")
            paragraph = paragraph[t.end():]
        if paragraph == before:
            break
    return paragraph.strip(), tag


def split_bases(fragment: str) -> BasisParse:
    """Split a basis cell (HTML or plain) into citations, each with the text it quotes."""
    result = BasisParse()
    paragraphs: list[str] = []
    for p in html_to_paragraphs(fragment):
        paragraphs.extend(s for s in _INLINE_HEADING.split(p) if s.strip())

    current_law: tuple[str, str | None, bool] | None = None
    open_citations: list[Citation] = []  # citations whose text is still being collected

    def new_law(name: str, tag: str | None) -> None:
        nonlocal current_law
        full, rank, known, warning = resolve_law(name, tag)
        if warning and warning not in result.warnings:
            result.warnings.append(warning)
        current_law = (full, rank, known)

    def add(refs, text: str | None) -> list[Citation]:
        assert current_law is not None
        made = []
        for article, paragraph, clause in refs or [(None, None, None)]:
            c = Citation(current_law[0], current_law[1], article, paragraph, clause, text, current_law[2])
            result.citations.append(c)
            made.append(c)
        return made

    for raw in paragraphs:
        para, tag = _strip_prefixes(raw)
        if not para:
            continue
        if _LAW_TITLE.match(para):
            open_citations = _parse_titled(para, tag, new_law, add)
            continue
        heading = _HEADING.match(para)
        if heading and current_law:
            refs = [_ref_numbers(heading)]
            open_citations = add(refs, squeeze_spaces(para[heading.end():]))
            continue
        if tag:
            # 【行政法规】 社会救助暂行办法(2019 修订): a tagged title without 《》.
            new_law(para, tag)
            open_citations = add([], None)
            continue
        if open_citations and open_citations[-1].text is not None:
            for c in open_citations:
                c.text = f"{c.text}\n{squeeze_spaces(para)}" if c.text else squeeze_spaces(para)
        elif current_law and open_citations:
            for c in open_citations:
                c.text = squeeze_spaces(para)
        else:
            result.warnings.append(f"无法归属的依据文字：{para[:40]}")
    # A law named in a tagged title line and followed by no article is still a citation.
    _drop_bare_duplicates(result)
    return result


def _parse_titled(para: str, tag: str | None, new_law, add) -> list[Citation]:
    """Parse a paragraph that starts with 《law》: one or more laws, each with its articles and text."""
    pos = 0
    group: list[Citation] = []
    while True:
        title = _LAW_TITLE.match(para, pos)
        if not title:
            return group
        new_law(title.group("name"), tag)
        pos = title.end()
        note = _NOTE.match(para, pos)
        if note:
            pos = note.end()
        pos += len(para[pos:]) - len(para[pos:].lstrip())
        refs, used = parse_article_refs(para[pos:])
        pos += used
        tail = para[pos:]
        listed = re.match(r"\s*(?:[；;、，,]\s*)?(?:《|$)", tail)
        if listed:
            group = add(refs, None)
            pos += re.match(r"\s*[；;、，,]?\s*", tail).end()
            continue
        lead = re.match(r"\s*(?:规定)?\s*[：:]\s*|\s*", tail)
        return add(refs, squeeze_spaces(tail[lead.end():]) or None)


def _drop_bare_duplicates(result: BasisParse) -> None:
    """Drop a law-only citation when the same law is also cited by article."""
    with_article = {c.law for c in result.citations if c.article is not None}
    seen: set[str] = set()
    kept = []
    for c in result.citations:
        if c.article is None and (c.law in with_article or c.law in seen) and not c.text:
            continue
        if c.article is None:
            seen.add(c.law)
        kept.append(c)
    result.citations = kept
