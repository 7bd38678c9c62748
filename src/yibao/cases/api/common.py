"""What the leads and cases routers share: the acting user, the error responses, paging, the bureau a
request names."""

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.responses import codes_4xx

from yibao.api.errors import ApiError, ErrorCode
from yibao.api.schemas import ErrorOut
from yibao.org.permissions import get_profile, restrict

ERRORS = {codes_4xx: ErrorOut}
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def operation(view: str) -> str:
    """The operation id the document gave the view when the routers were one module, kept so that clients
    generated from it keep their method names."""
    return f"yibao_cases_api_{view}"


def choices(values: list[str]) -> Any:
    return Literal[tuple(values)]


def acting_user(request: HttpRequest) -> Any:
    """The authenticated user (token or session): the one who acts, never a name from the request."""
    return request.auth


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class Page(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def bureau_named(user: Any, bureau_id: int | None) -> Any:
    """The bureau named in the request, if the user sees it; else the user's own."""
    from yibao.org.models import Bureau

    if bureau_id is None:
        profile = get_profile(user)
        if profile is None:
            raise ApiError(400, ErrorCode.INVALID_INPUT, "您的账号未关联单位：请用 bureau_id 指定单位")
        return profile.bureau
    bureau = restrict(Bureau.objects.all(), user, "pk").filter(pk=bureau_id).first()
    if bureau is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"单位 {bureau_id} 不存在，或不在您的管辖范围内")
    return bureau
