"""A small read-only JSON API of the current items, a router of the project's API (yibao/api/main.py)
mounted at /api/v1/catalog/.

GET items?bureau=<id or name>&type=<code>&q=<words in the name>&limit=&offset=  → {"count", "limit", "offset", "items": [...]}
GET items/<pk>                                                       → one item
Each item is `item_snapshot` (the parser's shape) plus its ids, bureau and catalogue.
"""

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.responses import codes_4xx
from pydantic import BaseModel, ConfigDict, Field

from yibao.api.errors import ApiError, ErrorCode
from yibao.api.schemas import ErrorOut
from yibao.catalog.constants import PowerType
from yibao.catalog.exporting import current_items
from yibao.catalog.models import PowerItem
from yibao.catalog.services import item_snapshot

DEFAULT_LIMIT = 100
MAX_LIMIT = 500

router = Router(tags=["权责清单"])


class CatalogItemOut(BaseModel):
    """An item: its ids, bureau and catalogue, and the parser's fields (item_snapshot). A plain pydantic
    model, since Ninja's Schema keeps only the fields it declares."""

    model_config = ConfigDict(extra="allow")
    id: int
    url: str
    catalog_id: int
    catalog: str
    version: int
    date: str
    is_current: bool
    bureau_id: int
    bureau: str


class CatalogPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CatalogItemOut]


class ItemFilters(Schema):
    bureau: str = Field("", description="单位的 id 或名称")
    type: str = Field("", description=f"事项类型代码：{'、'.join(PowerType.values)}")
    q: str = Field("", description="名称中的词，空格分隔，至多五个")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


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


@router.get("/items", response={200: CatalogPage, codes_4xx: ErrorOut}, summary="当前权责清单的事项")
def items(request: HttpRequest, filters: Query[ItemFilters]) -> dict:
    """The current items, filtered by bureau (id or name), type and words in the name."""
    kind = filters.type.strip()
    if kind and kind not in PowerType.values:
        raise ApiError(400, ErrorCode.INVALID_INPUT, f"未知的事项类型：type 应为 {'、'.join(PowerType.values)} 之一")
    bureau = filters.bureau.strip()
    found = current_items(
        bureau_id=int(bureau) if bureau.isdigit() else None,
        bureau=bureau if bureau and not bureau.isdigit() else None,
        type=kind or None,
    )
    for word in filters.q.strip().split()[:5]:
        found = found.filter(Q(name__icontains=word) | Q(sub_item__icontains=word) | Q(national_code=word))
    count = found.count()
    page = found[filters.offset:filters.offset + filters.limit]
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": [item_json(i) for i in page]}


@router.get("/items/{pk}", response={200: CatalogItemOut, codes_4xx: ErrorOut}, summary="一个事项（任一版本）")
def item(request: HttpRequest, pk: int) -> dict:
    """One item of any version."""
    found = (
        PowerItem.objects.select_related("catalog__bureau")
        .prefetch_related("bases__law", "bases__article", "duties")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"事项不存在：{pk}")
    return item_json(found)
