"""Leads on the JSON API (/api/v1/leads): the list and one lead scoped as the pages are (`restrict`),
registration, status changes, verification and the head's decision, each through the lead services."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from yibao.api.errors import ApiError, ErrorCode
from yibao.monitoring.services import record_pii_view
from yibao.org.masking import mask_name
from yibao.org.permissions import can_view_personal_data, restrict

from ..constants import LeadSource, LeadStatus, PartyType
from ..models import Case, Lead
from ..services.lead_verification import do_decide_lead, do_extend_lead_verification, do_verify_lead
from ..services.leads import do_change_lead_status, do_register_lead
from .common import ERRORS, Page, acting_user, bureau_named, choices, money, operation

lead_router = Router(tags=["线索"])


class LeadOut(Schema):
    id: int
    number: str
    url: str
    bureau_id: int
    bureau: str
    source: str
    source_label: str
    party_type: str
    party_type_label: str
    party_code: str
    party_name: str | None
    summary: str
    suspected_loss: str
    provisions: list[str]
    fine_min: str | None
    fine_max: str | None
    fine_note: str
    status: str
    status_label: str
    status_note: str
    received_date: dt.date
    case_ids: list[int]


class LeadPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[LeadOut]


class LeadFilters(Page):
    status: str = Field("", description="状态：" + "、".join(LeadStatus.values))
    q: str = Field("", description="线索编号或当事人编号")


class LeadIn(Schema):
    bureau_id: int | None = Field(None, description="登记到哪个单位；不填为本人所在单位")
    source: choices(LeadSource.values)
    party_type: choices(PartyType.values)
    party_code: str = ""
    party_name: str = ""
    summary: str
    suspected_loss: Decimal = Field(Decimal(0), ge=0, decimal_places=2)
    provisions: list[str] = []
    received_date: dt.date | None = None


class LeadStatusIn(Schema):
    status: choices(LeadStatus.values)
    reason: str = ""


def visible_leads(user: Any) -> QuerySet[Lead]:
    return restrict(Lead.objects.select_related("bureau"), user, "bureau_id")


def visible_lead(request: HttpRequest, pk: int) -> Lead:
    lead = visible_leads(acting_user(request)).filter(pk=pk).first()
    if lead is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"线索 {pk} 不存在，或不在您的查看范围内")
    return lead


def lead_json(leads: list[Lead], user: Any, where: str) -> list[dict]:
    """Leads as the API shows them: a natural person's name masked unless the user may see it, and every
    full view audited (pii.view), as on the pages."""
    shown_people = []
    out = []
    cases: dict[int, list[int]] = {}
    for lead_id, case_id in Case.objects.filter(lead__in=leads).values_list("lead_id", "pk"):
        cases.setdefault(lead_id, []).append(case_id)
    for lead in leads:
        name = lead.party_name
        if lead.party_is_person:
            if can_view_personal_data(user, lead.bureau):
                shown_people.append(lead.party_code)
            else:
                name = mask_name(name)
        out.append({
            "id": lead.pk, "number": lead.number, "url": lead.get_absolute_url(), "bureau_id": lead.bureau_id,
            "bureau": lead.bureau.name, "source": lead.source, "source_label": lead.get_source_display(),
            "party_type": lead.party_type, "party_type_label": lead.get_party_type_display(),
            "party_code": lead.party_code, "party_name": name, "summary": lead.summary,
            "suspected_loss": str(lead.suspected_loss), "provisions": list(lead.provisions),
            "fine_min": money(lead.fine_min), "fine_max": money(lead.fine_max), "fine_note": lead.fine_note,
            "status": lead.status, "status_label": lead.get_status_display(), "status_note": lead.status_note,
            "received_date": lead.received_date, "case_ids": cases.get(lead.pk, []),
        })
    record_pii_view(user, shown_people, where=where)
    return out


@lead_router.get("", response={200: LeadPage, **ERRORS}, summary="线索列表（本单位及下级单位）",
                 operation_id=operation("list_leads"))
def list_leads(request: HttpRequest, filters: Query[LeadFilters]) -> dict:
    leads = visible_leads(acting_user(request))
    if filters.status:
        leads = leads.filter(status=filters.status)
    if filters.q.strip():
        q = filters.q.strip()
        leads = leads.filter(Q(number__icontains=q) | Q(party_code=q))
    leads = leads.order_by("-received_date", "-id")
    page = list(leads[filters.offset:filters.offset + filters.limit])
    return {"count": leads.count(), "limit": filters.limit, "offset": filters.offset,
            "items": lead_json(page, acting_user(request), "API 线索列表")}


@lead_router.get("/{lead_id}", response={200: LeadOut, **ERRORS}, summary="一条线索",
                 operation_id=operation("get_lead"))
def get_lead(request: HttpRequest, lead_id: int) -> dict:
    lead = visible_lead(request, lead_id)
    return lead_json([lead], acting_user(request), f"API 线索 {lead.number}")[0]


@lead_router.post("", response={201: LeadOut, **ERRORS}, summary="登记线索（举报、移送、检查等来源）",
                  operation_id=operation("register_lead"))
def register_lead(request: HttpRequest, payload: LeadIn) -> Status:
    actor = acting_user(request)
    bureau = bureau_named(actor, payload.bureau_id)
    lead = do_register_lead(
        bureau, source=payload.source, party_type=payload.party_type, party_code=payload.party_code.strip(),
        party_name=payload.party_name.strip(), summary=payload.summary, suspected_loss=payload.suspected_loss,
        provisions=[p.strip() for p in payload.provisions if p.strip()], received_date=payload.received_date,
        actor=actor)
    return Status(201, lead_json([visible_leads(actor).get(pk=lead.pk)], actor, f"API 线索 {lead.number}")[0])


@lead_router.post("/{lead_id}/status", response={200: LeadOut, **ERRORS},
                  summary="变更线索状态（评估中、不予立案、已移送；后两者须写明理由）",
                  operation_id=operation("change_lead_status"))
def change_lead_status(request: HttpRequest, lead_id: int, payload: LeadStatusIn) -> dict:
    lead = do_change_lead_status(visible_lead(request, lead_id), payload.status, actor=acting_user(request),
                                 reason=payload.reason)
    return _lead_out(request, lead)


class LeadVerifyIn(Schema):
    note: str


class LeadExtendIn(Schema):
    reason: str


class LeadDecideIn(Schema):
    decision: Literal["not_filed", "transferred"]
    reason: str
    transferred_to: str = ""


def _lead_out(request: HttpRequest, lead: Lead) -> dict:
    return lead_json([visible_leads(acting_user(request)).get(pk=lead.pk)], acting_user(request), f"API 线索 {lead.number}")[0]


@lead_router.post("/{lead_id}/verify", response={200: LeadOut, **ERRORS}, summary="核查线索（立案岗）",
                  operation_id=operation("verify_lead"))
def verify_lead(request: HttpRequest, lead_id: int, payload: LeadVerifyIn) -> dict:
    return _lead_out(request, do_verify_lead(visible_lead(request, lead_id), actor=acting_user(request), note=payload.note))


@lead_router.post("/{lead_id}/extend-verification", response={200: LeadOut, **ERRORS},
                  summary="延长线索核查期限（负责人批准，以一次为限，须写明理由）",
                  operation_id=operation("extend_lead_verification"))
def extend_lead_verification(request: HttpRequest, lead_id: int, payload: LeadExtendIn) -> dict:
    lead = do_extend_lead_verification(visible_lead(request, lead_id), actor=acting_user(request), reason=payload.reason)
    return _lead_out(request, lead)


@lead_router.post("/{lead_id}/decide", response={200: LeadOut, **ERRORS},
                  summary="线索处理决定：不予立案或移送其他机关（负责人，核查后、核查期限内）",
                  operation_id=operation("decide_lead"))
def decide_lead(request: HttpRequest, lead_id: int, payload: LeadDecideIn) -> dict:
    lead = do_decide_lead(visible_lead(request, lead_id), payload.decision, actor=acting_user(request), reason=payload.reason,
                          transferred_to=payload.transferred_to)
    return _lead_out(request, lead)
