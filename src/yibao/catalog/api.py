"""A small read-only JSON API of the current items.

Mounted at /api/v1/catalog/ by the project urls:
    path("api/v1/catalog/", include("yibao.catalog.api")),

GET items?bureau=<id or name>&type=<code>&q=<words in the name>&limit=&offset=  → {"count", "limit", "offset", "items": [...]}
GET items/<pk>                                                       → one item
Each item is `item_snapshot` (the parser's shape) plus its ids, bureau and catalogue.
"""

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from yibao.catalog.constants import PowerType
from yibao.catalog.exporting import current_items
from yibao.catalog.models import PowerItem
from yibao.catalog.services import item_snapshot

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def item_json(item: PowerItem) -> dict:
    catalog = item.catalog
    return {
        "id": item.pk,
        "url": reverse("catalog:item_detail", args=[item.pk]),
        "catalog_id": catalog.pk,
        "catalog": catalog.title,
        "version": catalog.version,
        "date": catalog.effective_date.isoformat(),
        "is_current": catalog.is_current,
        "bureau_id": catalog.bureau_id,
        "bureau": catalog.bureau.name,
        **item_snapshot(item),
    }


def _error(message: str, detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message, "detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def _int(value: str | None, default: int) -> int | None:
    if value in (None, ""):
        return default
    return int(value) if value.isdigit() else None


@require_GET
def items(request: HttpRequest) -> JsonResponse:
    """The current items, filtered by bureau (id or name), type and words in the name."""
    kind = request.GET.get("type", "").strip()
    if kind and kind not in PowerType.values:
        return _error("未知的事项类型", f"type must be one of {', '.join(PowerType.values)}")
    limit, offset = _int(request.GET.get("limit"), DEFAULT_LIMIT), _int(request.GET.get("offset"), 0)
    if limit is None or offset is None or not 0 < limit <= MAX_LIMIT:
        return _error("分页参数不正确", f"limit must be 1..{MAX_LIMIT}, offset a non-negative integer")
    bureau = request.GET.get("bureau", "").strip()
    found = current_items(
        bureau_id=int(bureau) if bureau.isdigit() else None,
        bureau=bureau if bureau and not bureau.isdigit() else None,
        type=kind or None,
    )
    q = request.GET.get("q", "").strip()
    for word in q.split()[:5]:
        found = found.filter(Q(name__icontains=word) | Q(sub_item__icontains=word) | Q(national_code=word))
    count = found.count()
    page = found[offset:offset + limit]
    return JsonResponse({"count": count, "limit": limit, "offset": offset, "items": [item_json(i) for i in page]},
                        json_dumps_params={"ensure_ascii": False})


@require_GET
def item(request: HttpRequest, pk: int) -> JsonResponse:
    """One item of any version."""
    found = (
        PowerItem.objects.select_related("catalog__bureau")
        .prefetch_related("bases__law", "bases__article", "duties")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        return _error("事项不存在", f"no item {pk}", status=404)
    return JsonResponse(item_json(found), json_dumps_params={"ensure_ascii": False})


app_name = "catalog_api"
urlpatterns = [
    path("items", items, name="items"),
    path("items/<int:pk>", item, name="item"),
]
