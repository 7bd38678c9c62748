"""One endpoint per action on a case (POST /api/v1/cases/{case_id}/{action}), generated from the action
table (`services/registry.py`): its request body, with the version the caller saw, is built from the
action's inputs, and the call is the one the case page makes.

No `from __future__ import annotations`: Ninja reads the generated views' annotations at run time.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import create_model

from ..models import Case
from ..services.registry import CASE_ACTIONS, CaseAction, Input, Kind
from .cases import _case, case_json, case_router
from .common import ERRORS, acting_user, choices
from .schemas import CaseOut


class VersionIn(Schema):
    expected_version: int = Field(..., ge=1, description="您看到的案件版本（GET 返回的 version）；已被他人更新则 409")


# How each kind of input is written in JSON: its type, and the pydantic field options.
JSON_TYPES: dict[Kind, Any] = {
    Kind.TEXT: str, Kind.LONG_TEXT: str, Kind.DATE: dt.date, Kind.MONEY: Decimal, Kind.FLAG: bool, Kind.USER: int,
    Kind.OFFICER: int, Kind.OFFICER_ID: int, Kind.PARTY_ID: int, Kind.NAMES: list[str], Kind.INSTALMENTS: list[tuple[dt.date, Decimal]],
    Kind.NUMBERS: list[int],
}


def json_field(spec: Input) -> tuple[Any, Any]:
    """The (type, Field) pydantic needs for one input: required ones have no default; an optional text is
    empty, an optional list empty, anything else null unless the table gives a default."""
    kind = spec.kind
    typ = choices(spec.static_choices()) if kind == Kind.CHOICE else JSON_TYPES[kind]
    options: dict[str, Any] = {"description": spec.help} if spec.help else {}
    if kind == Kind.MONEY:
        options |= {"ge": 0, "decimal_places": 2}
    if spec.required:
        return typ, Field(..., **options)
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        return typ, Field(spec.default or "", **options)
    if kind in (Kind.NAMES, Kind.INSTALMENTS, Kind.NUMBERS):
        return typ, Field(list(spec.default or []), **options)
    if spec.default is not None:
        return typ, Field(spec.default, **options)
    return typ | None, Field(None, **options)


def json_signature(spec: Input) -> tuple:
    """What an input contributes to the API document, to check that actions sharing a body ask alike."""
    kind = Kind.TEXT if spec.kind == Kind.LONG_TEXT else spec.kind  # one line or several: a string either way
    return spec.name, kind, spec.required, spec.default, tuple(spec.static_choices()), spec.help


_BODIES: dict[str, tuple[type[VersionIn], tuple]] = {}


def body_schema(action: CaseAction) -> type[VersionIn]:
    """The request body of an action, by the name the table gives it; actions sharing a name must ask the
    same inputs (the document has one schema per name)."""
    signature = tuple(json_signature(i) for i in action.inputs)
    if action.body in _BODIES:
        schema, seen = _BODIES[action.body]
        if seen != signature:
            raise ValueError(f"{action.key}: body {action.body} differs from another action's of that name")
        return schema
    if not action.inputs:
        schema = VersionIn
    else:
        schema = create_model(action.body, __base__=VersionIn, **{i.name: json_field(i) for i in action.inputs})
    _BODIES[action.body] = (schema, signature)
    return schema


def _action_view(action: CaseAction, body: type[VersionIn]) -> Any:
    def view(request: HttpRequest, case_id: int, payload: body) -> dict:  # type: ignore[valid-type]
        case = _case(request, case_id)
        values = payload.model_dump(exclude={"expected_version"})
        updated = action.take(case, values, actor=acting_user(request), expected_version=payload.expected_version)
        return case_json(Case.objects.select_related("bureau").get(pk=updated.pk), acting_user(request))

    view.__name__ = f"case_{action.key}"
    view.__doc__ = f"{action.label}：带上 expected_version；成功返回办理后的案件。"
    return view


for _action in CASE_ACTIONS.values():
    case_router.post(f"/{{case_id}}/{_action.key}", response={200: CaseOut, **ERRORS}, summary=_action.label,
                     url_name=f"case_{_action.key}", operation_id=f"case_{_action.key}")(
        _action_view(_action, body_schema(_action)))
