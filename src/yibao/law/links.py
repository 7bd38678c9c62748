"""Links from a citation to its article's page in the law library, with the anchor of the paragraph or
clause cited (the article page gives each paragraph the id p1, p2… and each clause p1c2…)."""

from __future__ import annotations

from django.urls import reverse

from yibao.law.citations import Citation


def article_anchor(paragraph: int | None, clause: int | None) -> str:
    """#p2 for a paragraph, #p1c3 for a clause (of the first paragraph when none is cited), else nothing."""
    if clause:
        return f"#p{paragraph or 1}c{clause}"
    return f"#p{paragraph}" if paragraph else ""


def article_url(citation: Citation | None) -> str | None:
    """The page of the cited article, or None when the citation names no article or the library lacks it."""
    from yibao.law.models import Article

    if citation is None or not citation.article:
        return None
    pk = Article.objects.filter(law__name=citation.law, number=citation.article).values_list("pk", flat=True).first()
    if pk is None:
        return None
    return reverse("law:article_detail", args=[pk]) + article_anchor(citation.paragraph, citation.clause)
