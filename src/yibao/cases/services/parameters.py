"""Which value of a procedural parameter is in force for a bureau on a day, and setting a bureau's own.

A bureau's own value (BureauParameter) from its date wins; else the nearest bureau above that set one (a
province's rule applies to its cities and counties); else the default of parameters/defaults.yaml. A value
the law fixes cannot be changed by a bureau.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from yibao.core.audit import record_event
from yibao.deadlines.periods import STATUTORY_PERIODS, StatutoryPeriod
from yibao.law.citations import Citation, CitationError, parse_citation
from yibao.org.constants import Role
from yibao.org.models import Bureau
from yibao.org.permissions import has_role

from ..models import BureauParameter
from ..parameters import Parameter, defaults
from ..procedure import Refusal, ServiceCode
from .access import role_refusal
from .facts import today

# Who may set a bureau's parameters, and see the settings page.
PARAMETER_ROLES = frozenset({Role.HEAD, Role.ADMIN})
FIXED_BY_LAW = "fixed_by_law"

Value = int | Decimal | bool | str


@dataclass(frozen=True)
class InForce:
    """A parameter's value in force for a bureau on a day, and where it comes from."""

    parameter: Parameter
    value: Value
    is_default: bool
    set_by_bureau: Bureau | None = None
    row: BureauParameter | None = None

    @property
    def source_text(self) -> str:
        if self.row is not None and self.set_by_bureau is not None:
            return f"{self.set_by_bureau.name}规定：{self.row.basis}（{self.row.valid_from.isoformat()} 起施行）"
        p = self.parameter
        if p.fixed_by_law:
            return f"法律规定：{p.basis}"
        return f"默认值：{p.source}" + ("（待核实）" if p.unverified and p.source != "待核实" else "")


def _rows(bureau: Bureau, on: dt.date, keys: list[str] | None = None) -> dict[tuple[int, str], BureauParameter]:
    """The latest row in force on `on` for each (bureau, key) along the bureau's chain."""
    chain = [bureau, *bureau.ancestors()]
    rows = BureauParameter.objects.filter(bureau__in=chain, valid_from__lte=on).order_by("valid_from", "id")
    if keys is not None:
        rows = rows.filter(key__in=keys)
    return {(r.bureau_id, r.key): r for r in rows}  # later rows overwrite earlier ones


def _resolve(bureau: Bureau, parameter: Parameter, rows: dict) -> InForce:
    if not parameter.fixed_by_law:
        for b in (bureau, *bureau.ancestors()):
            row = rows.get((b.pk, parameter.key))
            if row is not None:
                return InForce(parameter, parameter.parse(row.value), False, b, row)
    return InForce(parameter, parameter.value, True)


def in_force(bureau: Bureau | None, key: str, on: dt.date | None = None) -> InForce:
    """The value of one parameter in force for the bureau on the day (today by default)."""
    parameter = defaults()[key]
    if bureau is None:
        return InForce(parameter, parameter.value, True)
    return _resolve(bureau, parameter, _rows(bureau, on or today(), [key]))


def value(bureau: Bureau | None, key: str, on: dt.date | None = None) -> Value:
    return in_force(bureau, key, on).value


def all_in_force(bureau: Bureau, on: dt.date | None = None) -> list[InForce]:
    """Every parameter, in the defaults file's order, with the value in force for the bureau on the day."""
    rows = _rows(bureau, on or today())
    return [_resolve(bureau, p, rows) for p in defaults().values()]


def period(bureau: Bureau | None, key: str, on: dt.date | None = None) -> StatutoryPeriod:
    """A period as deadlines/periods.py counts it, with the bureau's days where the bureau set its own."""
    parameter = defaults()[key]
    if parameter.period:
        return STATUTORY_PERIODS[parameter.period]  # fixed by law: the table's own period
    days = value(bureau, key, on)
    return StatutoryPeriod(key, int(days), bool(parameter.workdays), parameter.label, _basis_citation(parameter),
                           "起算之日")


def _basis_citation(parameter: Parameter) -> Citation:
    """The parameter's basis as a citation; a rule the library does not know keeps just its title."""
    try:
        return parse_citation(parameter.basis)
    except CitationError:
        title = parameter.basis.partition("《")[2].partition("》")[0] or parameter.basis
        return Citation(title, None, known=False)


def do_set_parameter(bureau: Bureau, key: str, raw: object, *, valid_from: dt.date, basis: str, reason: str = "",
                     actor: Any) -> BureauParameter:
    """Set the bureau's own value of a parameter from a date (today or later); refused for a value the law
    fixes, a value of the wrong kind, a date in the past, or an actor who is not the bureau's head or admin."""
    if not has_role(actor, PARAMETER_ROLES, bureau):
        raise role_refusal("设置本局办案参数", set(PARAMETER_ROLES))
    parameter = defaults().get(key)
    if parameter is None:
        raise Refusal(ServiceCode.INVALID_INPUT, f"没有名为“{key}”的办案参数")
    if parameter.fixed_by_law:
        raise Refusal(FIXED_BY_LAW, f"“{parameter.label}”由法律规定（{parameter.basis}），本局不能另行设置")
    try:
        parsed = parameter.parse(raw)
    except ValueError as bad:
        raise Refusal(ServiceCode.INVALID_INPUT, str(bad)) from None
    if valid_from < today():
        raise Refusal(ServiceCode.INVALID_INPUT, "施行日期不能早于今天：已经适用的参数不能追溯改变")
    if not basis.strip():
        raise Refusal(ServiceCode.INVALID_INPUT, "请写明本局或本省规定的名称、文号和条款")
    with transaction.atomic():
        row, _ = BureauParameter.objects.update_or_create(
            bureau=bureau, key=key, valid_from=valid_from,
            defaults={"value": str(parsed), "basis": basis.strip(), "reason": reason.strip(), "set_by": actor},
        )
        record_event("case_parameter.set", actor=actor, obj=row,
                     summary=f"{bureau.name}设置办案参数“{parameter.label}”为 {parsed}{parameter.unit}"
                             f"（{valid_from.isoformat()} 起施行）",
                     data={"bureau": bureau.pk, "key": key, "value": str(parsed), "valid_from": valid_from.isoformat(),
                           "basis": basis.strip(), "default": str(parameter.value)})
    return row

