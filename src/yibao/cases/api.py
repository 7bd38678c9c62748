"""Leads and cases on the JSON API (/api/v1/leads, /api/v1/cases), routers of yibao/api/main.py.

Every read is scoped as the pages are (`visible_cases`, `restrict`); every write calls the service the
page calls, with the authenticated user as the actor and, on a case, the version the caller saw
(`expected_version`), so two callers never overwrite each other. A case or lead outside the caller's
view is 404, as on the pages. Refusals of the services come back as `{"code", "message", "basis"}`.

No `from __future__ import annotations` here: Ninja reads the action views' annotations, which the
loop at the end builds from the schemas in scope.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import codes_4xx

from yibao.api.errors import ApiError, ErrorCode
from yibao.api.schemas import ErrorOut
from yibao.core.audit import record_event
from yibao.monitoring.services import record_pii_view
from yibao.org.masking import mask_id_number, mask_name
from yibao.org.models import Officer
from yibao.org.permissions import can_view_personal_data, get_profile, restrict

from . import services as s
from .constants import LeadSource, LeadStatus, PartyType
from .models import (
    ArrangementKind,
    Case,
    CaseOfficer,
    DecisionKind,
    Lead,
    RecusalAskedBy,
    RemedyKind,
    RemedyOutcome,
    ReviewOpinion,
    ServiceMethod,
    TransferKind,
)
from .procedure import STATE_LABELS, STEPS, SUMMARY_TABLE, Action, CaseState, SummaryAction
from .services.actions import SIDE_STEPS
from .services.clock import (
    RECORDED_KINDS,
    do_end_excluded_period,
    do_extend_deadline,
    do_record_excluded_period,
    do_resume,
    do_revoke_filing,
    do_suspend,
)
from .services.deliberation import do_mark_complex, do_record_deliberation
from .services.execution import (
    do_apply_court_enforcement,
    do_arrange_payment,
    do_record_court_acceptance,
    do_record_remedy,
    do_record_remedy_outcome,
    do_serve_reminder,
    surcharge,
)
from .services.filing import FilingInput, PartyInput
from .services.handling import RECORD_STEPS
from .services.hearing import do_name_hearing_host, do_notify_hearing
from .services.lead_verification import do_decide_lead, do_extend_lead_verification, do_verify_lead
from .services.leads import do_change_lead_status, do_register_lead
from .services.officers import certificate_warnings, do_ask_recusal, do_decide_recusal, do_reassign_officer
from .services.summary import SummaryInput, do_decide_on_spot, do_file_summary
from .services.thresholds import deliberation_required, review_required
from .services.transfer import do_record_transfer_receipt, do_transfer

lead_router = Router(tags=["线索"])
case_router = Router(tags=["案件"])

ERRORS = {codes_4xx: ErrorOut}
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def _choices(values: list[str]) -> Any:
    return Literal[tuple(values)]


def _actor(request: HttpRequest) -> Any:
    """The authenticated user (token or session): the one who acts, never a name from the request."""
    return request.auth


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class Page(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


# ---------------------------------------------------------------- leads

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
    source: _choices(LeadSource.values)
    party_type: _choices(PartyType.values)
    party_code: str = ""
    party_name: str = ""
    summary: str
    suspected_loss: Decimal = Field(Decimal(0), ge=0, decimal_places=2)
    provisions: list[str] = []
    received_date: dt.date | None = None


class LeadStatusIn(Schema):
    status: _choices(LeadStatus.values)
    reason: str = ""


def visible_leads(user: Any) -> QuerySet[Lead]:
    return restrict(Lead.objects.select_related("bureau"), user, "bureau_id")


def _lead(request: HttpRequest, pk: int) -> Lead:
    lead = visible_leads(_actor(request)).filter(pk=pk).first()
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
            "fine_min": _money(lead.fine_min), "fine_max": _money(lead.fine_max), "fine_note": lead.fine_note,
            "status": lead.status, "status_label": lead.get_status_display(), "status_note": lead.status_note,
            "received_date": lead.received_date, "case_ids": cases.get(lead.pk, []),
        })
    record_pii_view(user, shown_people, where=where)
    return out


@lead_router.get("", response={200: LeadPage, **ERRORS}, summary="线索列表（本单位及下级单位）")
def list_leads(request: HttpRequest, filters: Query[LeadFilters]) -> dict:
    leads = visible_leads(_actor(request))
    if filters.status:
        leads = leads.filter(status=filters.status)
    if filters.q.strip():
        q = filters.q.strip()
        leads = leads.filter(Q(number__icontains=q) | Q(party_code=q))
    leads = leads.order_by("-received_date", "-id")
    page = list(leads[filters.offset:filters.offset + filters.limit])
    return {"count": leads.count(), "limit": filters.limit, "offset": filters.offset,
            "items": lead_json(page, _actor(request), "API 线索列表")}


@lead_router.get("/{lead_id}", response={200: LeadOut, **ERRORS}, summary="一条线索")
def get_lead(request: HttpRequest, lead_id: int) -> dict:
    lead = _lead(request, lead_id)
    return lead_json([lead], _actor(request), f"API 线索 {lead.number}")[0]


@lead_router.post("", response={201: LeadOut, **ERRORS}, summary="登记线索（举报、移送、检查等来源）")
def register_lead(request: HttpRequest, payload: LeadIn) -> Status:
    actor = _actor(request)
    bureau = _bureau(actor, payload.bureau_id)
    lead = do_register_lead(
        bureau, source=payload.source, party_type=payload.party_type, party_code=payload.party_code.strip(),
        party_name=payload.party_name.strip(), summary=payload.summary, suspected_loss=payload.suspected_loss,
        provisions=[p.strip() for p in payload.provisions if p.strip()], received_date=payload.received_date,
        actor=actor)
    return Status(201, lead_json([visible_leads(actor).get(pk=lead.pk)], actor, f"API 线索 {lead.number}")[0])


@lead_router.post("/{lead_id}/status", response={200: LeadOut, **ERRORS},
                  summary="变更线索状态（评估中、不予立案、已移送；后两者须写明理由）")
def change_lead_status(request: HttpRequest, lead_id: int, payload: LeadStatusIn) -> dict:
    lead = do_change_lead_status(_lead(request, lead_id), payload.status, actor=_actor(request),
                                 reason=payload.reason)
    return lead_json([visible_leads(_actor(request)).get(pk=lead.pk)], _actor(request), f"API 线索 {lead.number}")[0]


class LeadVerifyIn(Schema):
    note: str


class LeadExtendIn(Schema):
    reason: str


class LeadDecideIn(Schema):
    decision: Literal["not_filed", "transferred"]
    reason: str
    transferred_to: str = ""


def _lead_out(request: HttpRequest, lead: Lead) -> dict:
    return lead_json([visible_leads(_actor(request)).get(pk=lead.pk)], _actor(request), f"API 线索 {lead.number}")[0]


@lead_router.post("/{lead_id}/verify", response={200: LeadOut, **ERRORS}, summary="核查线索（立案岗）")
def verify_lead(request: HttpRequest, lead_id: int, payload: LeadVerifyIn) -> dict:
    return _lead_out(request, do_verify_lead(_lead(request, lead_id), actor=_actor(request), note=payload.note))


@lead_router.post("/{lead_id}/extend-verification", response={200: LeadOut, **ERRORS},
                  summary="延长线索核查期限（负责人批准，以一次为限，须写明理由）")
def extend_lead_verification(request: HttpRequest, lead_id: int, payload: LeadExtendIn) -> dict:
    lead = do_extend_lead_verification(_lead(request, lead_id), actor=_actor(request), reason=payload.reason)
    return _lead_out(request, lead)


@lead_router.post("/{lead_id}/decide", response={200: LeadOut, **ERRORS},
                  summary="线索处理决定：不予立案或移送其他机关（负责人，核查后、核查期限内）")
def decide_lead(request: HttpRequest, lead_id: int, payload: LeadDecideIn) -> dict:
    lead = do_decide_lead(_lead(request, lead_id), payload.decision, actor=_actor(request), reason=payload.reason,
                          transferred_to=payload.transferred_to)
    return _lead_out(request, lead)


def _bureau(actor: Any, bureau_id: int | None) -> Any:
    """The bureau named in the request, if the actor sees it; else the actor's own."""
    from yibao.org.models import Bureau

    if bureau_id is None:
        profile = get_profile(actor)
        if profile is None:
            raise ApiError(400, ErrorCode.INVALID_INPUT, "您的账号未关联单位：请用 bureau_id 指定单位")
        return profile.bureau
    bureau = restrict(Bureau.objects.all(), actor, "pk").filter(pk=bureau_id).first()
    if bureau is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"单位 {bureau_id} 不存在，或不在您的管辖范围内")
    return bureau


# ---------------------------------------------------------------- cases

class PartyIn(Schema):
    party_type: _choices(PartyType.values)
    name: str
    credit_code: str = ""
    id_number: str = ""
    address: str = ""
    legal_representative: str = ""
    contact: str = ""


class FilingIn(Schema):
    """立案: from a lead (lead_id) or without one (bureau_id, or the actor's bureau). An officer of 立案岗
    proposes it for the head's approval; a head files it at once."""

    lead_id: int | None = None
    bureau_id: int | None = None
    title: str
    facts_summary: str = ""
    parties: list[PartyIn] = Field(..., min_length=1)
    officer_ids: list[int] = Field(..., description="执法人员（Officer）的 id，至少两名")
    lead_officer_id: int | None = None
    act_end_on: dt.date | None = Field(None, description="违法行为发生或终了的日期（追责时效据此计算）")
    discovered_on: dt.date | None = None
    life_health_harm: bool = False
    provisions: list[str] = []
    amount: Decimal | None = Field(None, ge=0, decimal_places=2)
    review_required: bool = True
    deliberation_required: bool = False


class PartyOut(Schema):
    party_type: str
    party_type_label: str
    name: str | None
    credit_code: str
    id_number: str | None
    address: str
    legal_representative: str
    contact: str


class CaseOfficerOut(Schema):
    officer_id: int
    name: str
    is_lead: bool
    certificate_valid: bool
    recused: bool
    certificate_warning: str = Field("", description="执法证在办案期限届满前到期的提示")


class DeadlineOut(Schema):
    key: str
    label: str
    due: dt.date
    explanation: str
    basis: str
    provisional: bool


class StepOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    actor: str | None
    at: dt.datetime
    reason: str


class ActionOut(Schema):
    action: str
    label: str
    url: str


class CaseSummaryOut(Schema):
    id: int
    number: str | None
    url: str
    bureau_id: int
    bureau: str
    title: str
    state: str
    state_label: str
    filed_on: dt.date | None
    due_on: dt.date | None
    version: int


class CaseOut(CaseSummaryOut):
    lead_id: int | None
    procedure: str
    facts_summary: str
    act_end_on: dt.date | None
    discovered_on: dt.date | None
    due_explanation: str
    due_provisional: bool
    provisions: list[str]
    amount: str | None
    fine_min: str | None
    fine_max: str | None
    fine_note: str
    review_required: bool
    deliberation_required: bool
    deliberation_done: bool
    review_opinion: str
    review_passed: bool
    investigation_report: str
    decision_kind: str
    proposed_fine: str | None
    proposal_approved: bool
    hearing_right: bool
    notified_on: dt.date | None
    statement_window_ends: dt.date | None
    statements_closed: bool
    hearing_requested: bool
    hearing_request_due: dt.date | None
    hearing_on: dt.date | None
    hearing_place: str
    hearing_noticed_on: dt.date | None
    decided_fine: str | None
    decided_on: dt.date | None
    service_due: dt.date | None
    service_method: str
    served_on: dt.date | None
    payment_due: dt.date | None
    paid_on: dt.date | None
    executed: bool
    surcharge: str | None = Field(None, description="截至今日的加处罚款（元）")
    surcharge_explanation: str = ""
    closed_on: dt.date | None
    parties: list[PartyOut]
    officers: list[CaseOfficerOut]
    deadlines: list[DeadlineOut]
    steps: list[StepOut]
    actions: list[ActionOut] = Field(description="您现在可以办理的环节（各环节的条件在办理时检查）")


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseSummaryOut]


class CaseFilters(Page):
    q: str = Field("", description="案号、案由或当事人名称中的文字")
    state: str = Field("", description="状态：" + "、".join(CaseState))


def _case(request: HttpRequest, pk: int) -> Case:
    case = s.visible_cases(_actor(request)).select_related("bureau").filter(pk=pk).first()
    if case is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, f"案件 {pk} 不存在，或不在您的查看范围内")
    return case


def action_url(case_id: int, action: str) -> str:
    return f"/api/v1/cases/{case_id}/{action}"


def summary_json(case: Case) -> dict:
    return {
        "id": case.pk, "number": case.number, "url": case.get_absolute_url(), "bureau_id": case.bureau_id,
        "bureau": case.bureau.name, "title": case.title, "state": case.state,
        "state_label": STATE_LABELS[case.case_state], "filed_on": case.filed_on, "due_on": case.due_on,
        "version": case.version,
    }


def _parties(case: Case, user: Any) -> list[dict]:
    """The parties, a person's name and ID number in full only for those the pages show them to (the
    bureau's heads and reviewers, the case's officers), each full view audited."""
    full = can_view_personal_data(user, case.bureau) or case.officers.filter(
        officer__user=user, recused_on__isnull=True).exists()
    rows, seen = [], 0
    for p in case.parties.all():
        person = p.is_person
        seen += full and person
        rows.append({
            "party_type": p.party_type, "party_type_label": p.get_party_type_display(),
            "name": p.name if full or not person else mask_name(p.name), "credit_code": p.credit_code,
            "id_number": p.id_number if full else mask_id_number(p.id_number), "address": p.address,
            "legal_representative": p.legal_representative, "contact": p.contact,
        })
    if seen:
        record_event("pii.view", actor=user, obj=case, summary=f"{user.get_username()} 查看 {case} 当事人的完整个人信息（API）",
                     data={"viewer": user.get_username(), "where": "API 案件", "count": seen,
                           "fields": ["name", "id_number"]})
    return rows


def case_json(case: Case, user: Any) -> dict:
    today = s.today()
    warnings = certificate_warnings(case)
    fine = case.decided_fine if case.decided_fine is not None else case.proposed_fine
    due = surcharge(case, today)
    c = case
    return {
        **summary_json(c), "lead_id": c.lead_id, "procedure": c.procedure, "facts_summary": c.facts_summary,
        "act_end_on": c.act_end_on, "discovered_on": c.discovered_on, "due_explanation": c.due_explanation,
        "due_provisional": c.due_provisional, "provisions": list(c.provisions), "amount": _money(c.amount),
        "fine_min": _money(c.fine_min), "fine_max": _money(c.fine_max), "fine_note": c.fine_note,
        "review_required": review_required(c, fine), "deliberation_required": deliberation_required(c, fine),
        "deliberation_done": c.deliberation_done, "review_opinion": c.review_opinion, "review_passed": c.review_passed,
        "investigation_report": c.investigation_report, "decision_kind": c.decision_kind,
        "proposed_fine": _money(c.proposed_fine), "proposal_approved": c.proposal_approved,
        "hearing_right": c.hearing_right, "notified_on": c.notified_on, "statement_window_ends": c.statement_window_ends,
        "statements_closed": c.statements_closed, "hearing_requested": c.hearing_requested,
        "hearing_request_due": c.hearing_request_due, "hearing_on": c.hearing_on, "hearing_place": c.hearing_place,
        "hearing_noticed_on": c.hearing_noticed_on, "decided_fine": _money(c.decided_fine),
        "decided_on": c.decided_on, "service_due": c.service_due, "service_method": c.service_method,
        "served_on": c.served_on, "payment_due": c.payment_due, "paid_on": c.paid_on, "executed": c.executed,
        "closed_on": c.closed_on,
        "surcharge": str(due.amount) if due else None, "surcharge_explanation": due.explanation if due else "",
        "parties": _parties(c, user),
        "officers": [{"officer_id": co.officer_id, "name": co.officer.name, "is_lead": co.is_lead,
                      "certificate_valid": co.officer.has_valid_certificate(today), "recused": co.recused_on is not None,
                      "certificate_warning": warnings.get(co.officer_id, "")}
                     for co in CaseOfficer.objects.filter(case=c).select_related("officer")],
        "deadlines": [vars(d) for d in s.case_deadlines(c)],
        "steps": [{"action": st.action, "label": st.label, "from_state": st.from_state, "to_state": st.to_state,
                   "actor": st.actor.get_username() if st.actor else None, "at": st.at, "reason": st.reason}
                  for st in c.steps.select_related("actor")],
        "actions": [{"action": key, "label": label, "url": action_url(c.pk, key)}
                    for key, label in s.available_actions(c, user)],
    }


# Before "/{case_id}": Ninja matches routes in order, and the case route would take "summary" as an id.
class SummaryIn(Schema):
    """当场处罚 (简易程序): the pre-printed numbered decision, the party, the two officers; no fine for a warning."""

    decision_number: str
    party: PartyIn
    officer_ids: list[int] = Field(..., description="两名执法人员（Officer）的 id，含登记人本人")
    facts_summary: str
    provisions: list[str] = []
    fine: Decimal | None = Field(None, ge=0, decimal_places=2)
    decided_on: dt.date | None = None
    place: str = ""


@case_router.post("/summary", response={201: CaseOut, **ERRORS}, summary="当场处罚（简易程序）：执法人员登记当场作出的决定")
def decide_on_spot(request: HttpRequest, payload: SummaryIn) -> Status:
    actor = _actor(request)
    officers = list(Officer.objects.filter(pk__in=payload.officer_ids))
    if len(officers) != len(set(payload.officer_ids)):
        raise ApiError(400, ErrorCode.INVALID_INPUT, "请求数据有误：officer_ids 中有不存在的执法人员")
    case = do_decide_on_spot(SummaryInput(
        decision_number=payload.decision_number, party=PartyInput(**payload.party.model_dump()), officers=officers,
        facts_summary=payload.facts_summary, provisions=payload.provisions, fine=payload.fine,
        decided_on=payload.decided_on, place=payload.place), actor=actor)
    return Status(201, case_json(Case.objects.select_related("bureau").get(pk=case.pk), actor))


@case_router.get("", response={200: CasePage, **ERRORS}, summary="案件列表（与案件页面相同的查看范围）")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict:
    cases = s.visible_cases(_actor(request)).select_related("bureau")
    q = filters.q.strip()
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(parties__name__icontains=q)).distinct()
    if filters.state:
        cases = cases.filter(state=filters.state)
    page = cases.order_by("-id")[filters.offset:filters.offset + filters.limit]
    return {"count": cases.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [summary_json(c) for c in page]}


@case_router.get("/{case_id}", response={200: CaseOut, **ERRORS}, summary="一个案件：当事人、办案人员、期限、办案环节及可办理的环节")
def get_case(request: HttpRequest, case_id: int) -> dict:
    return case_json(_case(request, case_id), _actor(request))


@case_router.post("", response={201: CaseOut, **ERRORS},
                  summary="立案：立案岗执法人员申请（待负责人批准），负责人直接立案")
def file_case(request: HttpRequest, payload: FilingIn) -> Status:
    actor = _actor(request)
    lead = _lead(request, payload.lead_id) if payload.lead_id is not None else None
    bureau = None if lead is not None else _bureau(actor, payload.bureau_id)
    ids = list(dict.fromkeys(payload.officer_ids))
    officers = {o.pk: o for o in Officer.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in officers]
    if missing:
        raise ApiError(400, ErrorCode.INVALID_INPUT, f"请求数据有误：officer_ids：执法人员 {missing[0]} 不存在")
    lead_officer = None
    if payload.lead_officer_id is not None:
        lead_officer = officers.get(payload.lead_officer_id)
        if lead_officer is None:
            raise ApiError(400, ErrorCode.INVALID_INPUT, "请求数据有误：lead_officer_id：主办人员须是 officer_ids 之一")
    case = s.do_file_case(FilingInput(
        title=payload.title, facts_summary=payload.facts_summary, lead=lead, bureau=bureau,
        parties=[PartyInput(**p.model_dump()) for p in payload.parties], officers=[officers[i] for i in ids],
        lead_officer=lead_officer, act_end_on=payload.act_end_on, discovered_on=payload.discovered_on,
        life_health_harm=payload.life_health_harm, provisions=[p.strip() for p in payload.provisions if p.strip()],
        amount=payload.amount, review_required=payload.review_required,
        deliberation_required=payload.deliberation_required,
    ), actor=actor)
    return Status(201, case_json(Case.objects.select_related("bureau").get(pk=case.pk), actor))


# ---------------------------------------------------------------- case actions

class VersionIn(Schema):
    expected_version: int = Field(..., ge=1, description="您看到的案件版本（GET 返回的 version）；已被他人更新则 409")


class ReasonIn(VersionIn):
    reason: str = ""


class ReportIn(VersionIn):
    report: str = Field(..., description="调查终结报告")


class ReviewIn(VersionIn):
    opinion: _choices(ReviewOpinion.values)
    text: str = ""


class ProposalIn(VersionIn):
    decision_kind: _choices(DecisionKind.values) = DecisionKind.PENALTY.value
    fine: Decimal | None = Field(None, ge=0, decimal_places=2)
    hearing_right: bool = False
    opinion: str = ""


class NotifyIn(VersionIn):
    on: dt.date | None = Field(None, description="告知日期，不填为今天")


class StatementsIn(VersionIn):
    text: str = Field(..., description="当事人陈述、申辩的情况或放弃的表示")


class HearingRecordIn(VersionIn):
    record: str
    host_opinion: str


class DecideIn(VersionIn):
    decision_kind: _choices(DecisionKind.values)
    fine: Decimal | None = Field(None, ge=0, decimal_places=2)
    reason: str = ""


class ServeIn(VersionIn):
    method: _choices(ServiceMethod.values)
    on: dt.date | None = None
    reason: str = Field("", description="逾期送达的原因")


class PaymentIn(VersionIn):
    paid_on: dt.date | None = None
    reference: str = ""


class AskRecusalIn(VersionIn):
    officer_id: int = Field(..., description="申请回避的执法人员（Officer）的 id")
    asked_by: _choices(RecusalAskedBy.values)
    reason: str


class DecideRecusalIn(VersionIn):
    granted: bool
    reason: str
    replacement_id: int | None = Field(None, description="接替的执法人员（Officer）的 id")


class ReassignIn(VersionIn):
    remove_id: int | None = None
    add_id: int | None = None
    reason: str


class ExtendIn(VersionIn):
    reason: str
    deliberation_record: str = Field("", description="再次延长时：负责人集体讨论的记录")


class ExcludedIn(VersionIn):
    kind: _choices(list(RECORDED_KINDS))
    start: dt.date
    end: dt.date | None = Field(None, description="尚未结束的不填")
    reason: str


class EndExcludedIn(VersionIn):
    end: dt.date


class DeliberationIn(VersionIn):
    held_on: dt.date | None = Field(None, description="讨论日期，不填为今天")
    attendees: list[str] = Field(..., description="参加人员姓名（主持的负责人可不列）")
    conclusion: str


class HostIn(VersionIn):
    host_id: int = Field(..., description="听证主持人的用户 id（法制审核机构，非本案执法人员）")


class HearingNoticeIn(VersionIn):
    hearing_on: dt.date
    place: str
    noticed_on: dt.date | None = Field(None, description="通知日期，不填为今天")


class TransferIn(VersionIn):
    kind: _choices(TransferKind.values)
    to_authority: str
    letter_number: str
    reason: str
    sent_on: dt.date | None = None


class ReceiptIn(VersionIn):
    received_on: dt.date | None = None
    note: str = ""


class ArrangementIn(VersionIn):
    kind: _choices(ArrangementKind.values)
    until: dt.date
    reason: str
    instalments: list[tuple[dt.date, Decimal]] = Field([], description="分期：[[日期, 金额], …]；暂缓不填")


class ReminderIn(VersionIn):
    served_on: dt.date | None = None


class CourtIn(VersionIn):
    applied_on: dt.date | None = None


class AcceptedIn(VersionIn):
    accepted_on: dt.date | None = None


class RemedyIn(VersionIn):
    kind: _choices(RemedyKind.values)
    body: str
    filed_on: dt.date | None = None


class RemedyOutcomeIn(VersionIn):
    outcome: _choices(RemedyOutcome.values)
    decided_on: dt.date | None = None
    changed_fine: Decimal | None = Field(None, ge=0, decimal_places=2)
    note: str = ""


def _officer(case: Case, pk: int | None) -> Officer | None:
    if pk is None:
        return None
    officer = Officer.objects.filter(pk=pk, bureau=case.bureau).first()
    if officer is None:
        raise ApiError(400, ErrorCode.INVALID_INPUT, f"请求数据有误：执法人员 {pk} 不是{case.bureau.name}的执法人员")
    return officer


def _kw(body: VersionIn, request: HttpRequest) -> dict:
    return {"actor": _actor(request), "expected_version": body.expected_version}


# Every action of the case services, with its request body and the call. The labels come from the
# procedure table and the recording steps, so the API and the pages name each step alike.
CASE_ACTIONS: dict[str, tuple[type[VersionIn], Any]] = {
    Action.APPROVE_FILING: (VersionIn, lambda c, b, kw: s.do_approve_filing(c, **kw)),
    Action.REJECT_FILING: (ReasonIn, lambda c, b, kw: s.do_reject_filing(c, reason=b.reason, **kw)),
    Action.START_INVESTIGATION: (VersionIn, lambda c, b, kw: s.do_start_investigation(c, **kw)),
    Action.FINISH_INVESTIGATION: (ReportIn, lambda c, b, kw: s.do_finish_investigation(c, report=b.report, **kw)),
    Action.COMPLETE_REVIEW: (ReviewIn, lambda c, b, kw: s.do_complete_review(c, opinion=b.opinion, text=b.text, **kw)),
    "approve_proposal": (ProposalIn, lambda c, b, kw: s.do_approve_proposal(
        c, decision_kind=b.decision_kind, fine=b.fine, hearing_right=b.hearing_right, opinion=b.opinion, **kw)),
    Action.NOTIFY: (NotifyIn, lambda c, b, kw: s.do_notify(c, on=b.on, **kw)),
    "close_statements": (StatementsIn, lambda c, b, kw: s.do_close_statements(c, text=b.text, **kw)),
    Action.REQUEST_HEARING: (VersionIn, lambda c, b, kw: s.do_request_hearing(c, **kw)),
    "record_hearing": (HearingRecordIn, lambda c, b, kw: s.do_record_hearing(
        c, record=b.record, host_opinion=b.host_opinion, **kw)),
    Action.FINISH_HEARING: (VersionIn, lambda c, b, kw: s.do_finish_hearing(c, **kw)),
    Action.DECIDE: (DecideIn, lambda c, b, kw: s.do_decide(c, decision_kind=b.decision_kind, fine=b.fine,
                                                           reason=b.reason, **kw)),
    Action.SERVE: (ServeIn, lambda c, b, kw: s.do_serve(c, method=b.method, on=b.on, reason=b.reason, **kw)),
    Action.START_ENFORCEMENT: (VersionIn, lambda c, b, kw: s.do_start_enforcement(c, **kw)),
    "record_payment": (PaymentIn, lambda c, b, kw: s.do_record_payment(c, paid_on=b.paid_on,
                                                                       reference=b.reference, **kw)),
    Action.CLOSE: (ReasonIn, lambda c, b, kw: s.do_close(c, reason=b.reason, **kw)),
    **{a: (ReasonIn, lambda c, b, kw, a=a: s.do_take_step(c, a, reason=b.reason, **kw))
       for a in (Action.SUSPEND, Action.RESUME, Action.TERMINATE, Action.TRANSFER)},
    Action.SUSPEND: (ReasonIn, lambda c, b, kw: do_suspend(c, reason=b.reason, **kw)),
    Action.RESUME: (ReasonIn, lambda c, b, kw: do_resume(c, reason=b.reason, **kw)),
    Action.REVOKE_FILING: (ReasonIn, lambda c, b, kw: do_revoke_filing(c, reason=b.reason, **kw)),
    "extend_deadline": (ExtendIn, lambda c, b, kw: do_extend_deadline(
        c, reason=b.reason, deliberation_record=b.deliberation_record, **kw)),
    "record_excluded_period": (ExcludedIn, lambda c, b, kw: do_record_excluded_period(
        c, kind=b.kind, start=b.start, end=b.end, reason=b.reason, **kw)),
    "end_excluded_period": (EndExcludedIn, lambda c, b, kw: do_end_excluded_period(c, end=b.end, **kw)),
    "name_hearing_host": (HostIn, lambda c, b, kw: do_name_hearing_host(c, b.host_id, **kw)),
    "notify_hearing": (HearingNoticeIn, lambda c, b, kw: do_notify_hearing(
        c, hearing_on=b.hearing_on, place=b.place, noticed_on=b.noticed_on, **kw)),
    Action.TRANSFER: (TransferIn, lambda c, b, kw: do_transfer(
        c, kind=b.kind, to_authority=b.to_authority, letter_number=b.letter_number, reason=b.reason,
        sent_on=b.sent_on, **kw)),
    "record_transfer_receipt": (ReceiptIn, lambda c, b, kw: do_record_transfer_receipt(
        c, received_on=b.received_on, note=b.note, **kw)),
    "arrange_payment": (ArrangementIn, lambda c, b, kw: do_arrange_payment(
        c, kind=b.kind, until=b.until, reason=b.reason, instalments=b.instalments, **kw)),
    "serve_reminder": (ReminderIn, lambda c, b, kw: do_serve_reminder(c, served_on=b.served_on, **kw)),
    "apply_court_enforcement": (CourtIn, lambda c, b, kw: do_apply_court_enforcement(c, applied_on=b.applied_on, **kw)),
    "record_court_acceptance": (AcceptedIn, lambda c, b, kw: do_record_court_acceptance(
        c, accepted_on=b.accepted_on, **kw)),
    "record_remedy": (RemedyIn, lambda c, b, kw: do_record_remedy(c, kind=b.kind, body=b.body, filed_on=b.filed_on,
                                                                  **kw)),
    "record_remedy_outcome": (RemedyOutcomeIn, lambda c, b, kw: do_record_remedy_outcome(
        c, outcome=b.outcome, decided_on=b.decided_on, changed_fine=b.changed_fine, note=b.note, **kw)),
    "file_summary": (ReasonIn, lambda c, b, kw: do_file_summary(c, reason=b.reason, **kw)),
    "mark_complex": (ReasonIn, lambda c, b, kw: do_mark_complex(c, reason=b.reason, **kw)),
    "record_deliberation": (DeliberationIn, lambda c, b, kw: do_record_deliberation(
        c, attendees=b.attendees, conclusion=b.conclusion, held_on=b.held_on, **kw)),
    "ask_recusal": (AskRecusalIn, lambda c, b, kw: do_ask_recusal(c, b.officer_id, asked_by=b.asked_by,
                                                                  reason=b.reason, **kw)),
    "decide_recusal": (DecideRecusalIn, lambda c, b, kw: do_decide_recusal(
        c, granted=b.granted, reason=b.reason, replacement=_officer(c, b.replacement_id), **kw)),
    "reassign_officer": (ReassignIn, lambda c, b, kw: do_reassign_officer(
        c, remove=_officer(c, b.remove_id), add=_officer(c, b.add_id), reason=b.reason, **kw)),
}


def action_label(key: str) -> str:
    if key in RECORD_STEPS:
        return RECORD_STEPS[key].label
    if key in SIDE_STEPS:
        return SIDE_STEPS[key].label
    if key in SUMMARY_TABLE:
        return SUMMARY_TABLE[SummaryAction(key)].label
    if key == Action.COMPLETE_REVIEW:
        return "法制审核（同意、补充调查、变更、纠正或其他意见）"
    return STEPS[Action(key)].label


def _action_view(key: str, body: type[VersionIn], call: Any) -> Any:
    def view(request: HttpRequest, case_id: int, payload: body) -> dict:  # type: ignore[valid-type]
        case = _case(request, case_id)
        updated = call(case, payload, _kw(payload, request))
        return case_json(Case.objects.select_related("bureau").get(pk=updated.pk), _actor(request))

    view.__name__ = f"case_{key}"
    view.__doc__ = f"{action_label(key)}：带上 expected_version；成功返回办理后的案件。"
    return view


for _key, (_body, _call) in CASE_ACTIONS.items():
    case_router.post(f"/{{case_id}}/{_key}", response={200: CaseOut, **ERRORS}, summary=action_label(_key),
                     url_name=f"case_{_key}", operation_id=f"case_{_key}")(_action_view(str(_key), _body, _call))
