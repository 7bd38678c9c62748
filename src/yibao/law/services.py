"""Write to the law library. The library keeps each article once, with the fullest text seen."""

from django.db import transaction

from yibao.core.audit import record_event
from yibao.law import registry
from yibao.law.citations import Citation
from yibao.law.models import Article, Law
from yibao.law.regulation import ParsedRegulation


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
    text seen is the best copy of the article the library has.
    """
    article, created = Article.objects.get_or_create(
        law=law, number=number,
        defaults={"text": text or "", "source_file": source_file, "source_line": source_line,
                  "structure": structure or []},
    )
    article.changed = created
    if not created and text and len(text) > len(article.text):
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
            structure = [
                {"number": p.number, "text": p.text, "clauses": [{"number": c.number, "text": c.text} for c in p.clauses]}
                for p in a.paragraphs
            ]
            article = keep_article(law, a.number, a.text, source_file=source_file, source_line=a.line,
                                   structure=structure)
            changed += article.changed
        if not changed:
            return law
        record_event("law.import", actor=actor, obj=law, summary=f"导入法规《{law.name}》{len(parsed.articles)}条",
                     data={"source": source_file, "articles": len(parsed.articles), "changed": changed})
        from yibao.catalog import search  # lazy: the catalog app depends on this module
        search.index_articles(law.articles.all())
    return law


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
