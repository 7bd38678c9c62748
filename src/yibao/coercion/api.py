"""Seals on the JSON API (/api/v1/seals), a router of yibao/api/main.py.

Reads are scoped as the pages are (`visible_seals`); every write calls the service the page calls, with the
authenticated user as the actor and the version the caller saw. Refusals come back as
`{"code", "message", "basis"}` through the API's handler of `Refusal`.

No `from __future__ import annotations` here: Ninja reads the views' annotations.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from yibao.api.errors import ApiError, ErrorCode
from yibao.cases.api.common import ERRORS, acting_user, bureau_named, choices
from yibao.cases.services import visible_cases
from yibao.org.models import Officer

from . import services as cs
from .exclusions import do_record_seal_exclusion
from .models import ExclusionKind, LiftReason, Seal
from .procedure import EXTENSION_MAX_DAYS, SEAL_MAX_DAYS, SealStatus

router = Router(tags=["封存"])


class SealIn(Schema):
    bureau_id: int | None = Field(None, description="实施单位；不填为本人所在单位")
    case_id: int | None = Field(None, description="案件；监督检查中尚未立案的可不填（条例第二十七条）")
    party_name: str
    party_address: str = ""
    items: list[str] = Field(..., description="封存的资料，每项写明名称、数量")
    place: str
    reason: str
    days: int = Field(..., description=f"封存期限（日），不超过{SEAL_MAX_DAYS}日（行政强制法第二十五条）")
    officer_ids: list[int] = Field(..., description="实施封存的执法人员（两名以上，执法证有效）")
    emergency: bool = Field(False, description="情况紧急已当场实施（行政强制法第十九条），须填现场笔录")
    site_record: str = ""


class SealVersionIn(Schema):
    expected_version: int = Field(..., description="调用方看到的封存记录版本（乐观锁）")


class SealApproveIn(SealVersionIn):
    approved: bool
    opinion: str = ""
    days: int | None = None


class SealExecuteIn(SealVersionIn):
    site_record: str


class SealNotifyIn(SealVersionIn):
    statement: str = ""


class SealReportIn(SealVersionIn):
    note: str = ""


class SealExtendIn(SealVersionIn):
    days: int = Field(..., description=f"延长天数，不超过{EXTENSION_MAX_DAYS}日，只能延长一次")
    reason: str


class SealExclusionIn(SealVersionIn):
    kind: choices(ExclusionKind.values) = Field(..., description="testing 检测、inspection 检验、quarantine 检疫、"
                                                                 "appraisal 技术鉴定")
    subject: str = Field(..., description="检测、鉴定的对象")
    performed_by: str = Field(..., description="检测、鉴定机构")
    starts_on: dt.date
    ends_on: dt.date
    told_on: dt.date | None = Field(None, description="书面告知当事人的日期（行政强制法第二十五条第三款，必填）")
    notice_number: str = ""


class SealLiftIn(SealVersionIn):
    reason: choices([v for v in LiftReason.values if v not in (LiftReason.NOT_APPROVED, LiftReason.CASE_ENDED)])
    note: str = ""


class SealOut(Schema):
    id: int
    number: str
    bureau: str
    case_id: int | None
    status: str
    status_label: str
    emergency: bool
    party_name: str
    items: list[str]
    place: str
    reason: str
    basis: str
    days: int
    extended_days: int
    officer_ids: list[int]
    approved_on: dt.date | None
    sealed_at: dt.datetime | None
    reported_at: dt.datetime | None
    party_notified_on: dt.date | None
    ends_on: dt.date | None
    ends_explanation: str
    expired: bool
    lifted_on: dt.date | None
    lift_reason: str
    version: int


class SealFilters(Schema):
    status: choices([s.value for s in SealStatus]) | None = None
    case_id: int | None = None


def seal_json(seal: Seal) -> dict:
    return {
        "id": seal.pk, "number": seal.number, "bureau": seal.bureau.name, "case_id": seal.case_id,
        "status": seal.status, "status_label": seal.get_status_display(), "emergency": seal.emergency,
        "party_name": seal.party_name, "items": seal.items, "place": seal.place, "reason": seal.reason,
        "basis": seal.basis, "days": seal.days, "extended_days": seal.extended_days,
        "officer_ids": sorted(seal.officers.values_list("pk", flat=True)), "approved_on": seal.approved_on,
        "sealed_at": seal.sealed_at, "reported_at": seal.reported_at, "party_notified_on": seal.party_notified_on,
        "ends_on": seal.ends_on, "ends_explanation": seal.ends_explanation, "expired": seal.expired(cs.today()),
        "lifted_on": seal.lifted_on, "lift_reason": seal.lift_reason, "version": seal.version,
    }


def _seal(request: HttpRequest, pk: int) -> Seal:
    return get_object_or_404(cs.visible_seals(acting_user(request)), pk=pk)


@router.get("", response={200: list[SealOut], **ERRORS}, summary="封存列表（本单位及下级单位）")
def list_seals(request: HttpRequest, filters: Query[SealFilters]) -> list[dict]:
    seals = cs.visible_seals(acting_user(request))
    if filters.status:
        seals = seals.filter(status=filters.status)
    if filters.case_id is not None:
        seals = seals.filter(case_id=filters.case_id)
    return [seal_json(s) for s in seals[:200]]


@router.get("/{seal_id}", response={200: SealOut, **ERRORS}, summary="一次封存：资料、期限、批准、实施与解除")
def get_seal(request: HttpRequest, seal_id: int) -> dict:
    return seal_json(_seal(request, seal_id))


@router.post("", response={201: SealOut, **ERRORS},
             summary="报请封存（经负责人批准后实施），或登记情况紧急当场实施的封存（24小时内报告负责人）")
def create_seal(request: HttpRequest, payload: SealIn) -> Status:
    user = acting_user(request)
    bureau = bureau_named(user, payload.bureau_id)
    case = None
    if payload.case_id is not None:
        case = visible_cases(user).filter(pk=payload.case_id).first()
        if case is None:
            raise ApiError(404, ErrorCode.NOT_FOUND, f"案件 {payload.case_id} 不存在，或不在您的查看范围内")
    officers = list(Officer.objects.filter(bureau=bureau, pk__in=payload.officer_ids))
    if len(officers) != len(set(payload.officer_ids)):
        raise ApiError(400, ErrorCode.INVALID_INPUT, "officer_ids：有执法人员不存在或不属于实施单位")
    kw: dict[str, Any] = dict(actor=user, case=case, party_name=payload.party_name,
                              party_address=payload.party_address, items=payload.items, place=payload.place,
                              reason=payload.reason, days=payload.days, officers=officers)
    if payload.emergency:
        seal = cs.do_seal_on_site(bureau, site_record=payload.site_record, **kw)
    else:
        seal = cs.do_propose_seal(bureau, **kw)
    return Status(201, seal_json(seal))


def _kw(request: HttpRequest, body: SealVersionIn) -> dict:
    return {"actor": acting_user(request), "expected_version": body.expected_version}


@router.post("/{seal_id}/approve", response={200: SealOut, **ERRORS},
             summary="负责人批准或不予批准（当场实施的，补办批准；不批准的立即解除）")
def approve_seal(request: HttpRequest, seal_id: int, payload: SealApproveIn) -> dict:
    return seal_json(cs.do_approve_seal(_seal(request, seal_id), approved=payload.approved, opinion=payload.opinion,
                                        days=payload.days, **_kw(request, payload)))


@router.post("/{seal_id}/execute", response={200: SealOut, **ERRORS}, summary="法制审核股执行岗实施已批准的封存")
def execute_seal(request: HttpRequest, seal_id: int, payload: SealExecuteIn) -> dict:
    return seal_json(cs.do_execute_seal(_seal(request, seal_id), site_record=payload.site_record,
                                        **_kw(request, payload)))


@router.post("/{seal_id}/notify", response={200: SealOut, **ERRORS}, summary="基金监管股告知岗告知当事人并记录陈述申辩")
def notify_seal(request: HttpRequest, seal_id: int, payload: SealNotifyIn) -> dict:
    return seal_json(cs.do_notify_seal_party(_seal(request, seal_id), statement=payload.statement,
                                             **_kw(request, payload)))


@router.post("/{seal_id}/report", response={200: SealOut, **ERRORS}, summary="当场封存后二十四小时内向负责人报告")
def report_seal(request: HttpRequest, seal_id: int, payload: SealReportIn) -> dict:
    return seal_json(cs.do_report_emergency_seal(_seal(request, seal_id), note=payload.note, **_kw(request, payload)))


@router.post("/{seal_id}/extend", response={200: SealOut, **ERRORS}, summary="负责人批准延长封存期限（一次，不超过30日）")
def extend_seal(request: HttpRequest, seal_id: int, payload: SealExtendIn) -> dict:
    return seal_json(cs.do_extend_seal(_seal(request, seal_id), days=payload.days, reason=payload.reason,
                                       **_kw(request, payload)))


@router.post("/{seal_id}/exclusions", response={200: SealOut, **ERRORS},
             summary="登记不计入封存期限的检测、检验、检疫或者技术鉴定期间（行政强制法第二十五条第三款）")
def record_seal_exclusion(request: HttpRequest, seal_id: int, payload: SealExclusionIn) -> dict:
    return seal_json(do_record_seal_exclusion(
        _seal(request, seal_id), kind=payload.kind, subject=payload.subject, performed_by=payload.performed_by,
        starts_on=payload.starts_on, ends_on=payload.ends_on, told_on=payload.told_on,
        notice_number=payload.notice_number, **_kw(request, payload)))


@router.post("/{seal_id}/lift", response={200: SealOut, **ERRORS}, summary="负责人决定解除封存（行政强制法第二十八条）")
def lift_seal(request: HttpRequest, seal_id: int, payload: SealLiftIn) -> dict:
    return seal_json(cs.do_lift_seal(_seal(request, seal_id), reason=payload.reason, note=payload.note,
                                     **_kw(request, payload)))
