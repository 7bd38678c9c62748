"""Write to the law library. The library keeps each article once: its official text where the
library holds the law's full text (law/data/texts/), otherwise the fullest text quoted."""

from django.db import transaction

from yibao.core.audit import record_event
from yibao.law import registry
from yibao.law.citations import Citation
from yibao.law.models import Article, Law
from yibao.law.regulation import ParsedArticle, ParsedRegulation
from yibao.law.texts import LawText, law_texts


def get_or_create_law(name: str, rank: str | None) -> Law:
    """Return the law by its full name, creating it with the registry's rank or the given one."""
    known = registry.lookup(name)
    if known:
        law, _ = Law.objects.get_or_create(name=known.name, defaults={"rank": known.rank, "rank_from_registry": True})
        return law
    law, created = Law.objects.get_or_create(name=name, defaults={"rank": rank or "", "rank_from_registry": False})
    if not created and not law.rank and rank:
        law.rank = rank
        law.save(update_fields=["rank"])
    return law


def keep_article(law: Law, number: int, text: str | None, *, source_file: str, source_line: int | None,
                 structure: list | None = None) -> Article:
    """Return the article, storing this text when it is fuller than the one kept.

    A quoted article is often cut short (a list quotes only the clause it needs), so the longest
    text seen is the best copy of the article the library has, unless it has the official text.
    """
    article, created = Article.objects.get_or_create(
        law=law, number=number,
        defaults={"text": text or "", "source_file": source_file, "source_line": source_line,
                  "structure": structure or []},
    )
    article.changed = created
    if not created and not article.official and text and len(text) > len(article.text):
        article.changed = True
        article.text = text
        article.source_file = source_file
        article.source_line = source_line
        if structure:
            article.structure = structure
        article.save(update_fields=["text", "source_file", "source_line", "structure"])
    return article


def article_for(citation: Citation, *, source_file: str, source_line: int | None) -> tuple[Law, Article | None]:
    law = get_or_create_law(citation.law, citation.rank)
    if citation.article is None:
        return law, None
    return law, keep_article(law, citation.article, citation.text, source_file=source_file, source_line=source_line)


def do_import_regulation(parsed: ParsedRegulation, *, source_file: str, actor=None, name: str | None = None) -> Law:
    """Store a parsed regulation's articles in the library."""
    title = name or parsed.title
    if not title:
        raise ValueError("法规文本没有标题，请指定法规名称")
    known = registry.lookup(title)
    with transaction.atomic():
        law = get_or_create_law(known.name if known else registry.strip_edition(title), known.rank if known else None)
        changed = 0
        for a in parsed.articles:
            article = keep_article(law, a.number, a.text, source_file=source_file, source_line=a.line,
                                   structure=_structure(a))
            changed += article.changed
        if not changed:
            return law
        record_event("law.import", actor=actor, obj=law, summary=f"导入法规《{law.name}》{len(parsed.articles)}条",
                     data={"source": source_file, "articles": len(parsed.articles), "changed": changed})
        from yibao.catalog import search  # lazy: the catalog app depends on this module
        search.index_articles(law.articles.all())
    return law


def _structure(a: ParsedArticle) -> list[dict]:
    return [
        {"number": p.number, "text": p.text, "clauses": [{"number": c.number, "text": c.text} for c in p.clauses]}
        for p in a.paragraphs
    ]


def do_load_law_text(law_text: LawText, *, actor=None) -> tuple[Law, bool]:
    """Store a law's official full text and its data; return the law and whether anything changed.

    The articles catalogues quote are the same rows: their quotations give way to the official text.
    Loading the same file again changes nothing."""
    with transaction.atomic():
        law = get_or_create_law(law_text.name, law_text.rank)
        if law.text_digest == law_text.digest:
            return law, False
        law.issuer = law_text.issuer
        law.document_number = law_text.document_number
        law.promulgated_on = law_text.promulgated
        law.effective_on = law_text.effective
        law.history = [{"date": h.date.isoformat(), "note": h.note} for h in law_text.history]
        law.source = law_text.source_label
        law.source_url = law_text.source_url
        law.article_total = law_text.article_total
        law.text_digest = law_text.digest
        law.save()
        parsed = law_text.parse()
        loaded = _store_official_articles(law, law_text, parsed.articles) if parsed else 0
        record_event(
            "law.load_text", actor=actor, obj=law,
            summary=f"载入法规全文《{law.name}》{loaded}条" if parsed else f"登记法规《{law.name}》（未收录全文）",
            data={"file": law_text.relative_path, "source": law.source, "articles": loaded,
                  "digest": law_text.digest},
        )
        if parsed:
            from yibao.catalog import search  # lazy: the catalog app depends on this module

            search.index_articles(law.articles.all())
    return law, True


def _store_official_articles(law: Law, law_text: LawText, articles: list[ParsedArticle]) -> int:
    existing = {a.number: a for a in law.articles.all()}
    new, changed = [], []
    for a in articles:
        values = {
            "text": a.text, "structure": _structure(a), "chapter": a.chapter, "section": a.section,
            "official": True, "source_file": law_text.relative_path,
            "source_line": law_text.body_line + a.line - 1,
        }
        article = existing.get(a.number)
        if article is None:
            new.append(Article(law=law, number=a.number, **values))
            continue
        for field, value in values.items():
            setattr(article, field, value)
        changed.append(article)
    Article.objects.bulk_create(new)
    Article.objects.bulk_update(changed, ["text", "structure", "chapter", "section", "official", "source_file",
                                          "source_line"])
    return len(articles)


def do_load_law_texts(*, actor=None) -> list[Law]:
    """Load every official text of law/data/texts/ that is new or changed; return the laws loaded."""
    return [law for law, changed in (do_load_law_text(t, actor=actor) for t in law_texts()) if changed]


def provision_review(provision):
    """Return the ProvisionReview of this exact encoding, or None (never reviewed, or changed since)."""
    from yibao.law.models import ProvisionReview

    return (ProvisionReview.objects.filter(provision_id=provision.id, encoding_hash=provision.encoding_hash)
            .select_related("reviewer").first())


def do_review_provision(provision_id: str, *, actor, note: str = ""):
    """Record that a legal reviewer checked a provision's encoding against its text."""
    from django.core.exceptions import PermissionDenied

    from yibao.law.models import ProvisionReview
    from yibao.law.provisions import load_library
    from yibao.org.permissions import get_role

    if not (getattr(actor, "is_superuser", False) or get_role(actor) == "legal_reviewer"):
        raise PermissionDenied("只有法制审核人员可以审核罚则编码。")
    versions = load_library().versions(provision_id)
    with transaction.atomic():
        reviews = []
        for p in versions:
            reviews.append(ProvisionReview.objects.create(
                provision_id=p.id, encoding_hash=p.encoding_hash, reviewer=actor, note=note))
        record_event("provision.review", actor=actor, obj=reviews[-1],
                     summary=f"审核罚则编码 {versions[0].citation}", data={"provision": provision_id, "note": note})
    return reviews[-1]
