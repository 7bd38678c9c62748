"""Views: they only read, or call services."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from yibao.law.constants import LawRank
from yibao.law.models import Article, Law
from yibao.law.numerals import to_chinese_numeral

UNRANKED = "未定位阶"
CURRENT_CITATION = Q(citations__item__catalog__is_current=True)


def law_list(request: HttpRequest) -> HttpResponse:
    """The library by rank (法律, 行政法规, …), with article counts and how many current items cite each law."""
    laws = Law.objects.annotate(
        article_count=Count("articles", distinct=True),
        item_count=Count("citations__item", filter=CURRENT_CITATION, distinct=True),
    ).order_by("name")
    by_rank: dict[str, list[Law]] = {}
    for law in laws:
        by_rank.setdefault(law.rank or "", []).append(law)
    groups = [{"rank": value, "label": label, "laws": by_rank[value]}
              for value, label in LawRank.choices if value in by_rank]
    if "" in by_rank:
        groups.append({"rank": "", "label": UNRANKED, "laws": by_rank[""]})
    return render(request, "law/law_list.html", {"groups": groups, "law_count": len(laws)})


def law_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A law's articles, each with how many current items cite it."""
    law = get_object_or_404(Law, pk=pk)
    articles = law.articles.annotate(
        item_count=Count("citations__item", filter=CURRENT_CITATION, distinct=True)
    ).order_by("number")
    whole_law = (
        law.citations.filter(article__isnull=True, item__catalog__is_current=True)
        .select_related("item__catalog__bureau")
        .order_by("item__catalog__bureau__name", "item__position")
    )
    return render(request, "law/law_detail.html", {"law": law, "articles": articles, "whole_law": whole_law})


def paragraphs_of(article: Article) -> list[dict]:
    """The article's paragraphs and clauses with their labels, from its structure."""
    rows = []
    for p in article.structure or []:
        number = p.get("number")
        rows.append({
            "number": number,
            "label": f"第{to_chinese_numeral(number)}款" if number else "",
            "text": p.get("text", ""),
            "clauses": [{"number": c.get("number"), "label": f"（{to_chinese_numeral(c['number'])}）"
                         if c.get("number") else "", "text": c.get("text", "")} for c in p.get("clauses", [])],
        })
    return rows


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An article's full text and every item that cites it, current items first."""
    from yibao.catalog.exporting import article_label

    article = get_object_or_404(Article.objects.select_related("law"), pk=pk)
    citations = list(
        article.citations.select_related("item__catalog__bureau").order_by(
            "-item__catalog__is_current", "item__catalog__bureau__code", "item__catalog__bureau__name",
            "-item__catalog__version", "item__position", "role",
        )
    )
    for c in citations:
        c.label = article_label(article.number, c.paragraph, c.clause)
    current = sum(1 for c in citations if c.item.catalog.is_current)
    others = Article.objects.filter(law_id=article.law_id).only("id", "number", "law_id")
    context = {
        "article": article,
        "law": article.law,
        "paragraphs": paragraphs_of(article),
        "citations": citations,
        "current_count": current,
        "old_count": len(citations) - current,
        "previous": others.filter(number__lt=article.number).order_by("-number").first(),
        "next": others.filter(number__gt=article.number).order_by("number").first(),
    }
    return render(request, "law/article_detail.html", context)
