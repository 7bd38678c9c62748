"""The lead pages (线索): list, registration by hand, a lead with its findings and fine range, status moves.

They moved here from monitoring with the leads; monitoring's old addresses redirect to these. The findings
table and the article links are monitoring's (monitoring.views).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yibao.core.htmx import render_page
from yibao.core.models import AuditEvent
from yibao.monitoring.engine.rules import RULES
from yibao.monitoring.models import Finding
from yibao.monitoring.services import basis_citation, people_display
from yibao.monitoring.views import (
    PAGE_SIZE,
    article_links,
    basis_link,
    error_text,
    finding_rows,
    forbidden,
    scoped,
    visible_bureaus,
)
from yibao.org.permissions import can_view_personal_data, get_profile, has_role, role_refusal_message

from .constants import LEAD_REGISTER_ROLES, LEAD_TRANSITIONS, LeadStatus
from .lead_forms import LeadFilterForm, LeadRegisterForm, LeadStatusForm
from .models import LEAD_OBJECT_TYPES, Lead
from .services import leads as services


def lead_list(request: HttpRequest) -> HttpResponse:
    form = LeadFilterForm(request.GET or None)
    filters = form.filters()
    leads = scoped(Lead.objects.select_related("bureau", "created_by"), request)
    if filters.get("status"):
        leads = leads.filter(status=filters["status"])
    if filters.get("source"):
        leads = leads.filter(source=filters["source"])
    if filters.get("q"):
        leads = leads.filter(Q(number__icontains=filters["q"]) | Q(party_code=filters["q"]))
    leads = leads.annotate(finding_count=Count("lead_findings")).order_by("-received_date", "-id")
    page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _party_display(request, rows, "线索列表")
    return render_page(request, "cases/lead_list.html", "cases/_lead_results.html",
                       {"form": form, "page": page, "rows": rows, "can_register": has_role(request.user, LEAD_REGISTER_ROLES)})


def lead_create(request: HttpRequest) -> HttpResponse:
    """登记线索: a lead from a source other than monitoring; then its page with the fine range."""
    if not has_role(request.user, LEAD_REGISTER_ROLES):
        return forbidden(request, role_refusal_message("登记线索", LEAD_REGISTER_ROLES))
    bureaus = visible_bureaus(request)
    profile = get_profile(request.user)
    form = LeadRegisterForm(request.POST or None, bureaus=bureaus,
                            initial={"bureau": profile.bureau_id} if profile else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notes = data["evidence_notes"].strip()
        try:
            lead = services.do_register_lead(
                data["bureau"], source=data["source"], party_type=data["party_type"],
                party_code=data["party_code"].strip(), party_name=data["party_name"], summary=data["summary"],
                suspected_loss=data["suspected_loss"], provisions=data["provisions"],
                received_date=data["received_date"], evidence={"notes": notes} if notes else {}, actor=request.user)
        except PermissionDenied as e:
            return forbidden(request, str(e))
        except ValidationError as e:
            form.add_error(None, error_text(e))
        else:
            messages.success(request, f"已登记线索 {lead.number}。")
            return redirect(lead)
    return render(request, "cases/lead_form.html", {"form": form})


def _party_display(request: HttpRequest, leads: list[Lead], where: str) -> None:
    people = people_display((lead.party_code for lead in leads if lead.party_is_person), user=request.user,
                                     where=where)
    full = can_view_personal_data(request.user)
    from yibao.org.masking import mask_name

    for lead in leads:
        lead.party_shown = lead.party_name
        if lead.party_is_person:
            person = people.get(lead.party_code)
            lead.party_shown = person["name"] if person else (lead.party_name if full else mask_name(lead.party_name))


def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(scoped(Lead.objects.select_related("bureau", "created_by"), request), pk=pk)
    _party_display(request, [lead], f"线索 {lead.number}")
    findings = finding_rows(request, list(Finding.objects.filter(lead_links__lead=lead).order_by(
        "rule_id", "setl_id", "feedetl_sn", "id")), f"线索 {lead.number}")
    links = article_links()
    provisions = []
    for citation in lead.provisions:
        rule_id = next((r.id for r in RULES.values() if basis_citation(r.basis) == citation), None)
        url = basis_link(rule_id, links)["url"] if rule_id else None
        provisions.append({"citation": citation, "url": url})
    allowed = LEAD_TRANSITIONS.get(lead.status, ())
    can_change = has_role(request.user, LEAD_REGISTER_ROLES, lead.bureau) and allowed
    return render(request, "cases/lead_detail.html", {
        "lead": lead, "findings": findings, "provisions": provisions,
        "measures": (lead.assessment or {}).get("measures", []),
        # The notes that explain the fine range are already shown beside it: each note once.
        "notes": [n for n in (lead.assessment or {}).get("notes", []) if n not in lead.fine_note],
        "status_form": LeadStatusForm(allowed=allowed) if can_change else None,
        "rules": (lead.evidence or {}).get("rules", {}), "loss": (lead.evidence or {}).get("loss", {}),
        # Events written before leads moved to cases name their object monitoring.lead: both are this lead's.
        "events": AuditEvent.objects.filter(object_type__in=LEAD_OBJECT_TYPES, object_id=str(lead.pk))
        .select_related("actor").order_by("created_at", "id"),
    })


@require_POST
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(scoped(Lead.objects.all(), request), pk=pk)
    form = LeadStatusForm(request.POST, allowed=LEAD_TRANSITIONS.get(lead.status, ()))
    if not form.is_valid():
        messages.error(request, "请选择可变更的状态。")
        return redirect(lead)
    try:
        services.do_change_lead_status(lead, form.cleaned_data["status"], actor=request.user,
                                       reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"线索 {lead.number} 已变更为“{LeadStatus(form.cleaned_data['status']).label}”。")
    return redirect(lead)

