"""Home page and health check."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Show the overview a civil servant starts the day with."""
    from yibao.catalog.models import Catalog, PowerItem
    from yibao.law.models import Article, Law

    context = {
        "catalog_count": Catalog.objects.count(),
        "item_count": PowerItem.objects.filter(catalog__is_current=True).count(),
        "law_count": Law.objects.count(),
        "article_count": Article.objects.count(),
        "recent_catalogs": Catalog.objects.select_related("bureau").order_by("-imported_at")[:8],
    }
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
