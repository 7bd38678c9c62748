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


def table_of_contents(articles: list[Article]) -> list[dict]:
    """Group articles in order under their 章 and 节: [{label, anchor, sections: [{label, anchor, articles}]}].

    A text without chapters is one group without a label."""
    chapters: list[dict] = []
    for a in articles:
        if not chapters or chapters[-1]["label"] != a.chapter:
            chapters.append({"label": a.chapter, "anchor": f"c{len(chapters) + 1}", "sections": []})
        sections = chapters[-1]["sections"]
        if not sections or sections[-1]["label"] != a.section:
            sections.append({"label": a.section, "anchor": f"{chapters[-1]['anchor']}s{len(sections) + 1}",
                             "articles": []})
        sections[-1]["articles"].append(a)
    return chapters


def law_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A law's data and text: for a full text its table of contents by 章/节 and every article in
    full; otherwise the articles quoted. Each article says how many current items cite it."""
    law = get_object_or_404(Law, pk=pk)
    articles = list(law.articles.annotate(
        item_count=Count("citations__item", filter=CURRENT_CITATION, distinct=True)
    ).order_by("number"))
    for a in articles:
        a.paragraphs = paragraphs_of(a)
    whole_law = (
        law.citations.filter(article__isnull=True, item__catalog__is_current=True)
        .select_related("item__catalog__bureau")
        .order_by("item__catalog__bureau__name", "item__position")
    )
    context = {
        "law": law, "articles": articles, "whole_law": whole_law,
        "chapters": table_of_contents(articles) if law.has_full_text else [],
        "has_headings": any(a.chapter for a in articles),
    }
    return render(request, "law/law_detail.html", context)


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


def provisions_of(article: Article) -> list:
    """The encoded provisions (law/provisions) of this article, every version, by paragraph."""
    from yibao.law.provisions import load_library

    library = load_library()
    found = [p for pid in library.for_article(article.law.name, article.number) for p in library.versions(pid)]
    return sorted(found, key=lambda p: (p.paragraph, p.id, p.valid_from))


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
        "provisions": provisions_of(article),
        "current_count": current,
        "old_count": len(citations) - current,
        "previous": others.filter(number__lt=article.number).order_by("-number").first(),
        "next": others.filter(number__gt=article.number).order_by("number").first(),
    }
    return render(request, "law/article_detail.html", context)


def _facts_from(form):
    """Return the calculator's Facts from a valid AssessmentForm."""
    from yibao.law.calculator import Facts

    d = form.cleaned_data
    return Facts(
        party=d["party"], provisions=d["provisions"], amount=d.get("amount"), amounts=form.amounts(),
        unit_fine=d.get("unit_fine"),
        circumstances=set(d.get("circumstances") or []), age=d.get("age"), act_date=d.get("act_date"),
        act_end_date=d.get("act_end_date"), discovery_date=d.get("discovery_date"),
        decision_date=d.get("decision_date"), benchmark=d["benchmark"],
    )


def calculator(request: HttpRequest) -> HttpResponse:
    """Enter the facts of a case and read the measures, the fine range and the grade with citations."""
    from yibao.law.calculator import AssessmentError, assess
    from yibao.law.forms import AssessmentForm
    from yibao.law.services import provision_review
    from yibao.org.permissions import get_profile

    profile = get_profile(request.user)
    default_benchmark = profile.bureau.benchmark_name() if profile and profile.bureau else "national"
    result = error = None
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            try:
                assessment = assess(_facts_from(form))
            except AssessmentError as e:
                error = str(e)
            else:
                result = assessment.as_dict()
                # A legal reviewer's sign-off in the database counts as much as the file's flag.
                for applied, shown in zip(assessment.provisions, result["provisions"], strict=True):
                    shown["reviewed"] = shown["reviewed"] or provision_review(applied.provision) is not None
    else:
        form = AssessmentForm(initial={"benchmark": default_benchmark, "party": "institution"})
    context = {"form": form, "result": result, "error": error}
    if request.htmx and request.method == "POST":
        return render(request, "law/_assessment.html", context)
    return render(request, "law/calculator.html", context)


def provision_list(request: HttpRequest) -> HttpResponse:
    """List the encoded provisions by law, with their review state."""
    from yibao.law.provisions import load_library
    from yibao.law.services import provision_review

    library = load_library()
    groups: dict[str, list] = {}
    for p in sorted(library.provisions, key=lambda p: (p.law, p.article, p.paragraph, p.valid_from)):
        groups.setdefault(p.law, []).append({"p": p, "review": provision_review(p)})
    return render(request, "law/provision_list.html", {"groups": groups})


def provision_detail(request: HttpRequest, provision_id: str) -> HttpResponse:
    """Show an article's text beside its encoding, so a reviewer can check one against the other."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.shortcuts import redirect

    from yibao.law.calculator import BASE_LABELS, CIRCUMSTANCE_LABELS, PARTY_LABELS
    from yibao.law.outcomes import MEASURE_LABELS
    from yibao.law.provisions import ProvisionError, load_library
    from yibao.law.services import do_review_provision, provision_review
    from yibao.org.permissions import get_role

    library = load_library()
    try:
        versions = library.versions(provision_id)
    except ProvisionError:
        raise Http404("未找到该罚则") from None
    if request.method == "POST":
        try:
            do_review_provision(provision_id, actor=request.user, note=request.POST.get("note", "").strip())
            messages.success(request, "已记录审核：编码与条文一致。")
        except PermissionDenied as e:
            messages.error(request, str(e))
        return redirect("law:provision_detail", provision_id=provision_id)
    law = Law.objects.filter(name=versions[0].law).first()
    article = Article.objects.filter(law=law, number=versions[0].article).first() if law else None
    rows = []
    for p in versions:
        measures = [{
            "m": m, "label": MEASURE_LABELS[m.kind],
            "target": PARTY_LABELS.get(m.target) if m.target else None,
            "when": [CIRCUMSTANCE_LABELS[c] for c in m.when], "when_any": [CIRCUMSTANCE_LABELS[c] for c in m.when_any],
            "base": BASE_LABELS.get(m.base) if m.base else None,
        } for m in p.measures]
        rows.append({
            "p": p, "measures": measures, "review": provision_review(p),
            "parties": [PARTY_LABELS[x] for x in p.parties],
            "requires": [CIRCUMSTANCE_LABELS[c] for c in p.requires],
            "quotes": [m.quote for m in p.measures],
        })
    can_review = request.user.is_superuser or get_role(request.user) == "legal_reviewer"
    return render(request, "law/provision_detail.html", {
        "rows": rows, "first": versions[0], "article": article, "can_review": can_review,
    })
