"""Home page, health check and the site icon."""

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = "yibao/favicon.ico"


def home(request: HttpRequest) -> HttpResponse:
    """Show the overview a civil servant starts the day with."""
    from yibao.cases.views_workbench import work_for
    from yibao.catalog.models import Catalog, PowerItem
    from yibao.law.models import Article, Law

    context = {
        "bench": work_for(request.user),
        "catalog_count": Catalog.objects.count(),
        "item_count": PowerItem.objects.filter(catalog__is_current=True).count(),
        "law_count": Law.objects.count(),
        "article_count": Article.objects.count(),
        "recent_catalogs": Catalog.objects.select_related("bureau").order_by("-imported_at")[:8],
    }
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """Browsers ask for /favicon.ico on their own, before and besides any page's <link rel="icon">."""
    path = finders.find(FAVICON)
    if path is None:
        raise Http404("favicon missing")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
