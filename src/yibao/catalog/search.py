"""Chinese full-text search over the current catalogue items and the law articles.

Why bigrams: Chinese has no spaces, and the words people search for are mostly two characters long
(骗取, 封存, 挂床). SQLite's trigram tokenizer cannot match a two-character query and PostgreSQL's
parsers do not segment Chinese at all. So the index text of every document is rewritten as
space-separated overlapping character bigrams of each run of CJK characters (a lone CJK character is
kept as a unigram) plus ASCII/other words and numbers as whole tokens:

    骗取医疗保障基金，3个月  →  骗取 取医 医疗 疗保 保障 障基 基金 3 个月

A two-character query is then one token, and a longer query is the phrase of its consecutive bigrams,
which matches exactly where the text contains the query inside one run of characters. Both databases
only ever see space-separated tokens: SQLite indexes them with FTS5 (unicode61, ranked by bm25) in
the table catalog_searchfts; PostgreSQL keeps search_vector = to_tsvector('simple', tokens) as a
stored generated column with a GIN index (ranked by ts_rank). Migration 0002 makes both. `query()`
hides the difference; any other database falls back to LIKE scans.

Query rules: punctuation separates terms; every term must match (AND); each term also matches any
of its expansions from data/synonyms.yaml (OR); one-character terms, which bigrams cannot express,
are found by a LIKE scan over the normalised text, and terms that mix scripts (3个月) are checked
by LIKE after the index has narrowed the rows, so that they too match only as written.

Citations: a query, or a part of it between spaces, that cites an article (条例第40条,
《医疗保障基金使用监督管理条例》第四十条, 基金监管条例第40条第1款, 第四十条) is read by the citation
parser (yibao.law.citations) rather than matched as text, so every way of writing the same citation
finds the same articles and the current items that cite them, whatever numerals their text uses.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from .search_text import normalize, segment_tokens, segments, synonyms, tokenize, tokens_of_plain

if TYPE_CHECKING:
    from yibao.catalog.models import Catalog
    from yibao.law.citations import ArticleQuery
    from yibao.law.models import Article

log = logging.getLogger(__name__)

FTS_TABLE = "catalog_searchfts"
DOC_TABLE = "catalog_searchdocument"
KINDS = ("item", "article")
MAX_TERMS = 8  # a pasted paragraph must not turn into a hundred-clause query
MAX_TERM_LENGTH = 40
SNIPPET_WIDTH = 110  # characters of context shown around the first match
HEAD_WEIGHT = 4.0  # a match in the item name / article heading counts this much more than one in the text
CHUNK = 500  # ids per statement: stays far below SQLite's bound-parameter limit
_SEPARATOR = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")



# ---------------------------------------------------------------- documents


def _type_label(value: str) -> str:
    from yibao.catalog.constants import PowerType

    try:
        return str(PowerType(value).label)
    except ValueError:
        return value


def _item_fields(item: Any) -> dict[str, Any]:
    # Field access only (no model methods), so that migration 0002 can call this with its
    # historical models.
    title = f"{item.name}（{item.sub_item}）" if item.sub_item else item.name
    duties = [
        " ".join(p for p in (d.step, d.text, d.post, d.department) if p) for d in item.duties.all()
    ]
    body = "\n".join(p for p in (item.scope, item.remark, item.national_code, item.basis_text, *duties) if p)
    bureau = item.catalog.bureau
    return {
        "kind": "item",
        "item_id": item.pk,
        "bureau_id": bureau.pk,
        "type": item.type,
        "title": title[:800],
        "subtitle": f"{bureau.name} · {_type_label(item.type)}"[:400],
        "body": body,
        "text_title": title,
    }


def _article_fields(article: Any) -> dict[str, Any]:
    from yibao.law.numerals import to_chinese_numeral

    title = f"《{article.law.name}》第{to_chinese_numeral(article.number)}条"
    return {
        "kind": "article",
        "article_id": article.pk,
        "bureau_id": None,
        "type": "",
        "title": title[:800],
        "subtitle": "",
        "body": article.text or "",
        "text_title": title,
    }


def _document(model: Any, fields: dict[str, Any]) -> Any:
    title = fields.pop("text_title")
    plain = normalize(f"{title}\n{fields['body']}")
    return model(**fields, plain=plain, head_tokens=tokenize(title), tokens=tokens_of_plain(plain))


@dataclass
class _Models:
    """The models to read and write: the real ones, or a migration's historical ones."""

    SearchDocument: Any
    PowerItem: Any
    Article: Any

    @classmethod
    def current(cls) -> _Models:
        from yibao.catalog.models import PowerItem, SearchDocument
        from yibao.law.models import Article

        return cls(SearchDocument, PowerItem, Article)


def _vendor() -> str:
    return connection.vendor


def _store(m: _Models, docs: list[Any]) -> None:
    if not docs:
        return
    # bulk_create fills in the ids on both databases (SQLite ≥ 3.35 through RETURNING).
    m.SearchDocument.objects.bulk_create(docs, batch_size=CHUNK)
    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                # OR REPLACE: after `manage.py flush` (which knows nothing of the FTS table) ids start
                # again at 1 and would collide with the rows left behind.
                f"INSERT OR REPLACE INTO {FTS_TABLE}(rowid, head_tokens, tokens) VALUES (%s, %s, %s)",
                [(d.pk, d.head_tokens, d.tokens) for d in docs],
            )


def _delete(m: _Models, queryset: QuerySet) -> None:
    ids = list(queryset.values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if _vendor() == "sqlite":
            marks = ", ".join(["%s"] * len(chunk))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)
        m.SearchDocument.objects.filter(id__in=chunk).delete()


def _purge_orphans() -> None:
    # Rows deleted by ORM cascades (an item or article deleted elsewhere) leave FTS rows behind;
    # queries join them away, and this drops them.
    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM {DOC_TABLE})")


def _item_documents(m: _Models, items: QuerySet) -> list[Any]:
    items = items.select_related("catalog__bureau").prefetch_related("duties").order_by("pk")
    return [_document(m.SearchDocument, _item_fields(i)) for i in items]


def _article_documents(m: _Models, articles: QuerySet) -> list[Any]:
    return [_document(m.SearchDocument, _article_fields(a)) for a in articles.select_related("law").order_by("pk")]


def _index_articles(m: _Models, articles: Iterable[Article] | QuerySet | None) -> None:
    docs = m.SearchDocument.objects.filter(kind="article")
    if articles is None:
        _delete(m, docs)
        _store(m, _article_documents(m, m.Article.objects.all()))
        return
    if isinstance(articles, QuerySet):
        ids = list(dict.fromkeys(articles.order_by().values_list("pk", flat=True)))
    else:
        ids = list(dict.fromkeys(a.pk for a in articles))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _delete(m, docs.filter(article_id__in=chunk))
        _store(m, _article_documents(m, m.Article.objects.filter(pk__in=chunk)))


def index_catalog(catalog: Catalog) -> None:
    """(Re)index a catalogue's items if it is the current version, drop the rows of items whose
    catalogue is no longer current (older versions of the same list), and re-index the articles its
    items cite (an import may have stored a fuller text). Running it twice changes nothing."""
    from yibao.catalog.models import Catalog as CatalogModel

    m = _Models.current()
    with transaction.atomic():
        stale = m.SearchDocument.objects.filter(kind="item").filter(
            item__catalog__is_current=False
        ) | m.SearchDocument.objects.filter(item__catalog_id=catalog.pk)
        _delete(m, stale)
        if CatalogModel.objects.filter(pk=catalog.pk, is_current=True).exists():
            _store(m, _item_documents(m, m.PowerItem.objects.filter(catalog_id=catalog.pk)))
        cited = m.Article.objects.filter(citations__item__catalog_id=catalog.pk)
        _index_articles(m, cited)
        _purge_orphans()


def index_articles(articles: Iterable[Article] | QuerySet | None = None) -> None:
    """(Re)index the given articles (a queryset or Article objects), or every article."""
    m = _Models.current()
    with transaction.atomic():
        _index_articles(m, articles)
        _purge_orphans()


def _rebuild(m: _Models) -> int:
    with transaction.atomic():
        if _vendor() == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
        m.SearchDocument.objects.all().delete()
        _store(m, _item_documents(m, m.PowerItem.objects.filter(catalog__is_current=True)))
        _store(m, _article_documents(m, m.Article.objects.all()))
        if _vendor() == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        return m.SearchDocument.objects.count()


def rebuild() -> int:
    """Rebuild the whole index (current items and all articles); return the number of documents."""
    count = _rebuild(_Models.current())
    log.info("search index rebuilt: %d documents", count)
    return count


def rebuild_with_models(apps: Any) -> int:
    """Rebuild with a migration's historical models (used by migration 0002 to fill the new index)."""
    return _rebuild(_Models(apps.get_model("catalog", "SearchDocument"), apps.get_model("catalog", "PowerItem"),
                            apps.get_model("law", "Article")))


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class Hit:
    kind: str  # "item" or "article"
    object_id: int
    title: str
    snippet: str  # HTML: escaped text with the matched words in <mark>
    score: float  # the engine's relevance, higher is better
    url: str
    subtitle: str = ""  # item: bureau · type; article: empty


@dataclass
class SearchResult:
    hits: list[Hit]
    expanded_terms: list[str]  # synonym expansions searched as well ("同时检索：…")
    total: int
    terms: list[str] = field(default_factory=list)  # the query's terms after normalisation
    citations: list[str] = field(default_factory=list)  # the articles cited in the query, as labels


@dataclass(frozen=True)
class _Alternative:
    text: str
    tokens: tuple[str, ...]  # index phrase; empty when the index cannot express the text
    prefix: bool  # the phrase's last token is a prefix (the text ends in a word or a lone CJK character)
    exact: bool  # a phrase match is exactly a substring match (no LIKE check needed)


def _alternative(text: str) -> _Alternative:
    segs = segments(text)
    if len(text) < 2 or not segs:
        return _Alternative(text, (), False, False)
    if len(segs) == 1:
        kind, run = segs[0]
        # A word or number also matches longer ones it begins: 0247006 finds the code 0247006000.
        return _Alternative(text, tuple(segment_tokens(kind, run)), kind == "word", True)
    # Mixed scripts (第41条, 3个月): a leading lone CJK character is the tail of some bigram in the
    # index, which a phrase cannot ask for, so it is left out; a trailing one is the head of a
    # bigram, so it becomes a prefix token (as does a trailing word). LIKE then checks the exact text.
    if segs[0][0] == "cjk" and len(segs[0][1]) == 1:
        segs = segs[1:]
    tokens = tuple(t for kind, run in segs for t in segment_tokens(kind, run))
    prefix = segs[-1][0] == "word" or len(segs[-1][1]) == 1
    return _Alternative(text, tokens, prefix, False)


@dataclass(frozen=True)
class _Term:
    text: str
    alternatives: tuple[_Alternative, ...]  # the term itself first, then its expansions

    @property
    def indexed(self) -> bool:
        return all(a.tokens for a in self.alternatives)

    @property
    def needs_like(self) -> bool:
        return not self.indexed or not all(a.exact for a in self.alternatives)


def parse_terms(q: str) -> list[str]:
    """Normalise a query and split it into terms at spaces and punctuation (duplicates dropped)."""
    parts = (t[:MAX_TERM_LENGTH] for t in _SEPARATOR.split(normalize(q or "")) if t)
    return list(dict.fromkeys(parts))[:MAX_TERMS]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_expression(terms: Sequence[_Term]) -> str:
    # Tokens are letters and digits only, so double quotes cannot occur inside them.
    def phrase(a: _Alternative) -> str:
        return '"' + " ".join(a.tokens) + '"' + ("*" if a.prefix else "")

    return " AND ".join("(" + " OR ".join(phrase(a) for a in t.alternatives) + ")" for t in terms)


def _tsquery_expression(terms: Sequence[_Term]) -> str:
    def lexeme(token: str, prefix: bool) -> str:
        return "'" + token.replace("'", "''").replace("\\", "\\\\") + "'" + (":*" if prefix else "")

    def phrase(a: _Alternative) -> str:
        last = len(a.tokens) - 1
        return "(" + " <-> ".join(lexeme(t, a.prefix and i == last) for i, t in enumerate(a.tokens)) + ")"

    return " & ".join("(" + " | ".join(phrase(a) for a in t.alternatives) + ")" for t in terms)


def _select(terms: Sequence[_Term], kinds: Sequence[str], bureau_id: int | None, type: str | None,
            limit: int, among: Sequence[int] | None = None) -> tuple[list[tuple[int, float]], int]:
    """Return at most `limit` (document id, score) pairs, best first, and the number of matches;
    `among` keeps only those documents (the ones a citation in the query found)."""
    vendor = _vendor()
    indexed = [t for t in terms if t.indexed] if vendor in ("sqlite", "postgresql") else []

    where: list[str] = [f"d.kind IN ({', '.join(['%s'] * len(kinds))})"]
    where_params: list[Any] = list(kinds)
    if among is not None:
        where.append(f"d.id IN ({', '.join(['%s'] * len(among))})" if among else "1 = 0")
        where_params.extend(among)
    if bureau_id is not None:
        # The law library is shared by all bureaus: the bureau filter narrows items only.
        where.append("(d.bureau_id = %s OR d.kind = 'article')")
        where_params.append(bureau_id)
    if type:
        where.append("d.type = %s")
        where_params.append(type)
    for t in terms:
        if t.needs_like or t not in indexed:
            where.append("(" + " OR ".join(["d.plain LIKE %s ESCAPE '\\'"] * len(t.alternatives)) + ")")
            where_params.extend(_like(a.text) for a in t.alternatives)

    # Rows that contain the words as typed come before rows found only through a synonym.
    expanded = [t for t in terms if len(t.alternatives) > 1]
    literal_sql = " + ".join(["(CASE WHEN d.plain LIKE %s ESCAPE '\\' THEN 1 ELSE 0 END)"] * len(expanded)) or "0"
    literal_params = [_like(t.text) for t in expanded]

    if not indexed:
        # LIKE scan: rank by how often the terms occur.
        score_sql = " + ".join(["(LENGTH(d.plain) - LENGTH(REPLACE(d.plain, %s, ''))) * 1.0 / %s"] * len(terms))
        score_params: list[Any] = [p for t in terms for p in (t.text, len(t.text))]
        sql = (f"SELECT d.id, {score_sql} AS score, {literal_sql} AS literal "
               f"FROM {DOC_TABLE} d WHERE {' AND '.join(where)}")
        params = score_params + literal_params + where_params
    elif vendor == "sqlite":
        sql = (f"SELECT d.id, -bm25({FTS_TABLE}, {HEAD_WEIGHT}, 1.0) AS score, {literal_sql} AS literal "
               f"FROM {FTS_TABLE} JOIN {DOC_TABLE} d ON d.id = {FTS_TABLE}.rowid "
               f"WHERE {FTS_TABLE} MATCH %s AND {' AND '.join(where)}")
        params = literal_params + [_fts_expression(indexed)] + where_params
    else:
        tsq = _tsquery_expression(indexed)
        sql = (f"SELECT d.id, ts_rank(d.search_vector, to_tsquery('simple', %s)) "
               f"+ {HEAD_WEIGHT} * ts_rank(d.head_vector, to_tsquery('simple', %s)) AS score, "
               f"{literal_sql} AS literal FROM {DOC_TABLE} d "
               f"WHERE d.search_vector @@ to_tsquery('simple', %s) AND {' AND '.join(where)}")
        params = [tsq, tsq] + literal_params + [tsq] + where_params
    # No LIMIT and no COUNT(*) OVER (): FTS5 refuses bm25() next to a window function, and the
    # matching (id, score) pairs of a few thousand documents are cheap to fetch and count here.
    sql += " ORDER BY literal DESC, score DESC, d.id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(row[0], float(row[1] or 0)) for row in rows[:limit]], len(rows)


def _url(kind: str, object_id: int) -> str:
    name = "catalog:item_detail" if kind == "item" else "law:article_detail"
    try:
        return reverse(name, args=[object_id])
    except NoReverseMatch:  # the page may not exist yet in this build
        return ""


def snippet(body: str, needles: Iterable[str], width: int = SNIPPET_WIDTH) -> str:
    """Return escaped text around the first match with every needle wrapped in <mark>."""
    norm = normalize(body)
    spans: list[tuple[int, int]] = []
    for needle in {n for n in needles if n}:
        start = norm.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = norm.find(needle, start + 1)
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    begin = max(0, merged[0][0] - width // 4) if merged else 0
    end = min(len(body), begin + width)
    begin = max(0, min(begin, end - width))

    def text(a: int, b: int) -> str:
        return html.escape(_SPACES.sub(" ", body[a:b]))

    out, pos = [], begin
    for a, b in merged:
        a, b = max(a, begin), min(b, end)
        if a >= b:
            continue
        out.append(text(pos, a) + "<mark>" + text(a, b) + "</mark>")
        pos = b
    out.append(text(pos, end))
    return ("…" if begin > 0 else "") + "".join(out).strip() + ("…" if end < len(body) else "")


def split_citations(q: str) -> tuple[list[ArticleQuery], str]:
    """Take the article citations out of a query; return them and the rest of the query.

    The whole query may be one citation; otherwise each part between spaces may be one, or a law's
    name and the article in the next part (条例 第40条)."""
    from yibao.law.citations import parse_article_query

    whole = parse_article_query(q or "")
    if whole:
        return [whole], ""
    parts = (q or "").split()
    found: list[ArticleQuery] = []
    rest: list[str] = []
    i = 0
    while i < len(parts):
        pair = parse_article_query(parts[i] + parts[i + 1]) if i + 1 < len(parts) else None
        if pair:
            found.append(pair)
            i += 2
            continue
        one = parse_article_query(parts[i])
        if one:
            found.append(one)
        else:
            rest.append(parts[i])
        i += 1
    return list(dict.fromkeys(found)), " ".join(rest)


def cited_documents(citations: Sequence[ArticleQuery]) -> tuple[list[int], list[int]]:
    """Return the ids of the article documents of the cited articles and of the item documents of
    the current items that cite them, articles in the order cited."""
    from django.db.models import Q

    from yibao.catalog.models import SearchDocument
    from yibao.law.models import Article

    article_ids: list[int] = []
    for c in citations:
        wanted = Q(number=c.article) & (Q(law__name=c.law) if c.law else Q())
        article_ids += [pk for pk in Article.objects.filter(wanted).order_by("law__rank", "law__name")
                        .values_list("pk", flat=True) if pk not in article_ids]
    by_article = dict(SearchDocument.objects.filter(kind="article", article_id__in=article_ids)
                      .values_list("article_id", "id"))
    # An item citing two of the articles joins twice: drop the repeats here rather than with DISTINCT,
    # which PostgreSQL refuses next to an ORDER BY on columns not selected.
    items = (SearchDocument.objects.filter(kind="item", item__bases__article_id__in=article_ids)
             .order_by("subtitle", "title", "id").values_list("id", flat=True))
    return [by_article[a] for a in article_ids if a in by_article], list(dict.fromkeys(items))


def _citation_needles(citations: Sequence[ArticleQuery]) -> list[str]:
    """The ways an article number is written in text, to mark in snippets: 第四十条, 第40条."""
    from yibao.law.numerals import to_chinese_numeral

    return [normalize(f) for c in citations for f in (f"第{to_chinese_numeral(c.article)}条", f"第{c.article}条")]


def query(
    q: str,
    *,
    bureau_id: int | None = None,
    type: str | None = None,
    kinds: Sequence[str] = KINDS,
    limit: int = 50,
) -> SearchResult:
    """Search current items and law articles; every term must match, each through itself or a synonym.

    `bureau_id` narrows items to one bureau (articles are shared and stay); `type` keeps only items of
    that PowerType (articles have none); `kinds` chooses items and/or articles."""
    from yibao.catalog.models import SearchDocument

    citations, rest = split_citations(q)
    texts = parse_terms(rest)
    labels = [c.label() for c in citations]
    kinds = [k for k in dict.fromkeys(kinds or ()) if k in KINDS]
    if not (texts or citations) or not kinds or limit <= 0:
        return SearchResult([], [], 0, texts, labels)
    table = synonyms()
    terms = [_Term(t, tuple(_alternative(a) for a in [t, *table.expand(t)])) for t in texts]
    expanded = list(dict.fromkeys(a.text for t in terms for a in t.alternatives[1:]))
    bureau = int(bureau_id) if bureau_id not in (None, "") else None

    if citations:
        articles, items = cited_documents(citations)
        if terms:
            rows, total = _select(terms, kinds, bureau, type or None, limit, among=articles + items)
        else:
            rows, total = _cited_rows(articles + items, kinds, bureau, type or None, limit)
    else:
        rows, total = _select(terms, kinds, bureau, type or None, limit)
    docs = SearchDocument.objects.defer("plain", "head_tokens", "tokens").in_bulk([r[0] for r in rows])
    needles = [a.text for t in terms for a in t.alternatives] + _citation_needles(citations)
    hits = []
    for doc_id, score in rows:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        hits.append(Hit(kind=doc.kind, object_id=doc.object_id, title=doc.title, snippet=snippet(doc.body, needles),
                        score=round(score, 6), url=_url(doc.kind, doc.object_id), subtitle=doc.subtitle))
    return SearchResult(hits, expanded, total, texts, labels)


def _cited_rows(ordered: list[int], kinds: Sequence[str], bureau_id: int | None, type: str | None,
                limit: int) -> tuple[list[tuple[int, float]], int]:
    """The cited documents in their order (articles, then items), with the filters of a text search."""
    from yibao.catalog.models import SearchDocument

    docs = SearchDocument.objects.filter(id__in=ordered, kind__in=kinds)
    if bureau_id is not None:
        docs = docs.filter(Q(bureau_id=bureau_id) | Q(kind="article"))
    if type:
        docs = docs.filter(type=type)
    kept = set(docs.values_list("id", flat=True))
    rows = [(doc_id, 1.0) for doc_id in ordered if doc_id in kept]
    return rows[:limit], len(rows)

