"""Cases on the JSON API (/api/v1/cases): the list and one case scoped as the pages are
(`visible_cases`), filing, and the summary procedure's on-the-spot decision. Each action on a case is
its own endpoint, generated from the action table (actions.py)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Status

from yibao.api.errors import ApiError, ErrorCode
from yibao.core.audit import record_event
from yibao.org.masking import mask_id_number, mask_name
from yibao.org.models import Officer
from yibao.org.permissions import can_view_personal_data

from .. import services as s
from ..models import Case, CaseOfficer, ClosingReport, InvestigationReport
from ..procedure import STATE_LABELS
from ..services.execution import surcharge
from ..services.filing import FilingInput, PartyInput
from ..services.officers import certificate_warnings
from ..services.payments import payment_summary
from ..services.summary import SummaryInput, do_decide_on_spot
from ..services.thresholds import deliberation_required, review_required
from .common import ERRORS, acting_user, bureau_named, money, operation
from .leads import visible_lead
from .schemas import CaseFilters, CaseOut, CasePage, FilingIn, SummaryIn

case_router = Router(tags=["案件"])


def _case(request: HttpRequest, pk: int) -> Case:
    case = s.visible_cases(acting_user(request)).select_related("bureau").filter(pk=pk).first()
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
            "id": p.pk, "party_type": p.party_type, "party_type_label": p.get_party_type_display(),
            "name": p.name if full or not person else mask_name(p.name), "credit_code": p.credit_code,
            "id_number": p.id_number if full else mask_id_number(p.id_number), "address": p.address,
            "legal_representative": p.legal_representative, "contact": p.contact,
            "service_address": p.service_address, "electronic_address": p.electronic_address if full or not person
            else "", "service_confirmed_on": p.service_confirmed_on,
        })
    if seen:
        record_event("pii.view", actor=user, obj=case, summary=f"{user.get_username()} 查看 {case} 当事人的完整个人信息（API）",
                     data={"viewer": user.get_username(), "where": "API 案件", "count": seen,
                           "fields": ["name", "id_number"]})
    return rows


def _closing_report(case: Case) -> dict | None:
    """The closing report as it stands; its earlier drafts and returns are in `steps`."""
    r = ClosingReport.objects.filter(case=case).select_related("drafted_by", "returned_by", "approved_by").first()
    if r is None:
        return None

    def name(user: Any) -> str | None:
        return user.get_username() if user else None

    return {"ground": r.ground, "ground_label": r.get_ground_display(), "status": r.status, "drafts": r.drafts,
            "handling_summary": r.handling_summary, "execution_summary": r.execution_summary,
            "drafted_by": name(r.drafted_by), "drafted_on": r.drafted_on, "returned_by": name(r.returned_by),
            "returned_on": r.returned_on, "return_reason": r.return_reason, "approved_by": name(r.approved_by),
            "approved_on": r.approved_on, "approval_opinion": r.approval_opinion}


def _investigation_report(case: Case) -> dict | None:
    """The current 调查终结报告 in its parts; the earlier ones it superseded are counted, kept on file."""
    reports = list(InvestigationReport.objects.filter(case=case).select_related("drafted_by")
                   .prefetch_related("evidence"))
    current = next((r for r in reports if r.current), None)
    if current is None:
        return None
    return {"source": current.source, "process": current.process, "facts": current.facts,
            "evidence": sorted(e.number for e in current.evidence.all()), "basis": current.basis,
            "nature": current.nature, "proposal": current.proposal, "proposal_label": current.get_proposal_display(),
            "measures": current.measures, "fine": money(current.fine), "discretion": current.discretion,
            "grade": (current.grade or {}).get("label", ""), "drafted_by": current.drafted_by.get_username(),
            "drafted_on": current.drafted_on, "superseded_reports": len(reports) - 1}


def _payments(case: Case, today: Any) -> dict:
    """The payments' sums and the next unpaid instalment (services.payments), as strings of yuan."""
    summary = payment_summary(case, today)
    if summary is None:
        return {}
    following = summary["next"]
    items = [{"item": i["item"], "label": i["label"], "decided": money(i["decided"]), "owed": str(i["owed"]),
              "paid": str(i["paid"]), "remaining": str(i["remaining"]), "refund_due": str(i["refund"])}
             for i in summary["items"]]
    return {"paid": str(summary["paid"]), "remaining": str(summary["remaining"]), "refund_due": str(summary["refund"]),
            "payment_items": items,
            "next_instalment_due": following.due if following else None,
            "next_instalment_unpaid": str(following.unpaid) if following else None}


def case_json(case: Case, user: Any) -> dict:
    today = s.today()
    warnings = certificate_warnings(case)
    fine = case.decided_fine if case.decided_fine is not None else case.proposed_fine
    due = surcharge(case, today)
    c = case
    return {
        **summary_json(c), "lead_id": c.lead_id, "procedure": c.procedure, "facts_summary": c.facts_summary,
        "act_end_on": c.act_end_on, "discovered_on": c.discovered_on, "due_explanation": c.due_explanation,
        "due_provisional": c.due_provisional, "provisions": list(c.provisions), "amount": money(c.amount),
        "fine_min": money(c.fine_min), "fine_max": money(c.fine_max), "fine_note": c.fine_note,
        "review_required": review_required(c, fine), "deliberation_required": deliberation_required(c, fine),
        "deliberation_done": c.deliberation_done, "review_opinion": c.review_opinion, "review_passed": c.review_passed,
        "investigation_report": c.investigation_report, "decision_kind": c.decision_kind,
        "proposed_fine": money(c.proposed_fine), "proposal_approved": c.proposal_approved,
        "hearing_right": c.hearing_right, "notified_on": c.notified_on, "statement_window_ends": c.statement_window_ends,
        "statements_closed": c.statements_closed, "hearing_requested": c.hearing_requested,
        "hearing_request_due": c.hearing_request_due, "hearing_on": c.hearing_on, "hearing_place": c.hearing_place,
        "hearing_time": c.hearing_time.isoformat("minutes") if c.hearing_time else None,
        "hearing_noticed_on": c.hearing_noticed_on, "hearing_notice_method": c.hearing_notice_method,
        "decided_fine": money(c.decided_fine), "decided_refund": money(c.decided_refund),
        "decided_confiscation": money(c.decided_confiscation),
        "decided_on": c.decided_on, "service_due": c.service_due, "service_method": c.service_method,
        "served_on": c.served_on, "service_receipt": c.service_receipt, "announced_on": c.announced_on,
        "announcement_where": c.announcement_where, "announcement_ends": c.announcement_ends,
        "payment_due": c.payment_due, "paid_on": c.paid_on, "executed": c.executed,
        "closed_on": c.closed_on, "closing_report": _closing_report(c),
        "investigation_report_parts": _investigation_report(c),
        "surcharge": str(due.amount) if due else None, "surcharge_explanation": due.explanation if due else "",
        **_payments(c, today),
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

@case_router.post("/summary", response={201: CaseOut, **ERRORS}, summary="当场处罚（简易程序）：执法人员登记当场作出的决定",
                  operation_id=operation("decide_on_spot"))
def decide_on_spot(request: HttpRequest, payload: SummaryIn) -> Status:
    actor = acting_user(request)
    officers = list(Officer.objects.filter(pk__in=payload.officer_ids))
    if len(officers) != len(set(payload.officer_ids)):
        raise ApiError(400, ErrorCode.INVALID_INPUT, "请求数据有误：officer_ids 中有不存在的执法人员")
    case = do_decide_on_spot(SummaryInput(
        decision_number=payload.decision_number, party=PartyInput(**payload.party.model_dump()), officers=officers,
        facts_summary=payload.facts_summary, provisions=payload.provisions, fine=payload.fine,
        decided_on=payload.decided_on, place=payload.place), actor=actor)
    return Status(201, case_json(Case.objects.select_related("bureau").get(pk=case.pk), actor))


@case_router.get("", response={200: CasePage, **ERRORS}, summary="案件列表（与案件页面相同的查看范围）",
                 operation_id=operation("list_cases"))
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict:
    cases = s.visible_cases(acting_user(request)).select_related("bureau")
    q = filters.q.strip()
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(parties__name__icontains=q)).distinct()
    if filters.state:
        cases = cases.filter(state=filters.state)
    page = cases.order_by("-id")[filters.offset:filters.offset + filters.limit]
    return {"count": cases.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [summary_json(c) for c in page]}


@case_router.get("/{case_id}", response={200: CaseOut, **ERRORS}, summary="一个案件：当事人、办案人员、期限、办案环节及可办理的环节",
                 operation_id=operation("get_case"))
def get_case(request: HttpRequest, case_id: int) -> dict:
    return case_json(_case(request, case_id), acting_user(request))


@case_router.post("", response={201: CaseOut, **ERRORS},
                  summary="立案：立案岗执法人员申请（待负责人批准），负责人直接立案",
                  operation_id=operation("file_case"))
def file_case(request: HttpRequest, payload: FilingIn) -> Status:
    actor = acting_user(request)
    lead = visible_lead(request, payload.lead_id) if payload.lead_id is not None else None
    bureau = None if lead is not None else bureau_named(actor, payload.bureau_id)
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
