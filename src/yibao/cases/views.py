"""Case pages: the list (scoped to what the user may see), filing from a lead, the case page with the
actions the signed-in user may take now, each posting to its service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yibao.core.audit import record_event
from yibao.core.auditlog.refusals import record_refusal
from yibao.law.links import article_url
from yibao.org.masking import mask_id_number, mask_name
from yibao.org.permissions import can_view_personal_data, get_profile, visible_bureau_ids

from . import services as s
from .case_deadlines import open_deadlines
from .exporting import xlsx_bytes, xlsx_response
from .forms import FilingForm, SearchForm, SummaryForm, action_fields, page_values
from .models import Case, CaseOfficer
from .procedure import Refusal, ServiceCode
from .services.execution import surcharge
from .services.filing import FilingInput, PartyInput
from .services.officers import certificate_warnings
from .services.payments import payment_summary
from .services.registry import CASE_ACTIONS, case_action
from .services.summary import SummaryInput, do_decide_on_spot


def _searched(request: HttpRequest) -> tuple[SearchForm, QuerySet[Case]]:
    """The list's form and the cases its filters select, among those the user may see."""
    form = SearchForm(request.GET or None)
    cases = s.visible_cases(request.user).select_related("bureau").prefetch_related("parties")
    if form.is_valid():
        q, state, officer = (form.cleaned_data[k] for k in ("q", "state", "officer"))
        if q:
            cases = cases.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(parties__name__icontains=q))
        if state:
            cases = cases.filter(state=state)
        if officer:
            cases = cases.filter(officers__officer__name__icontains=officer)
        cases = cases.distinct()
    return form, cases


REGISTER_COLUMNS = [("案号", 24), ("案由", 36), ("当事人", 30), ("权责事项", 36), ("办案单位", 22), ("状态", 10),
                    ("办案人员", 20), ("立案日期", 12), ("办案期限", 12), ("决定", 16), ("决定日期", 12),
                    ("罚款（元）", 14), ("责令退回（元）", 14), ("没收违法所得（元）", 16)]


def case_register(request: HttpRequest) -> HttpResponse:
    """台账: the cases the list's filters select, as xlsx; persons' names masked as on the pages."""
    form, cases = _searched(request)
    cases = cases.prefetch_related("items", "officers__officer")
    full_bureaus: dict[int, bool] = {}

    def party(p: Any, case: Case) -> str:
        if case.bureau_id not in full_bureaus:
            full_bureaus[case.bureau_id] = can_view_personal_data(request.user, case.bureau)
        return p.name if not p.is_person or full_bureaus[case.bureau_id] else mask_name(p.name)

    rows = ([str(c), c.title, "、".join(party(p, c) for p in c.parties.all()),
             "、".join(i.name for i in c.items.all()), c.bureau.name, c.get_state_display(),
             "、".join(co.officer.name for co in c.officers.all() if co.recused_on is None),
             c.filed_on, c.due_on, c.get_decision_kind_display(), c.decided_on, c.decided_fine,
              c.decided_refund, c.decided_confiscation]
            for c in cases.iterator(chunk_size=2000))
    return xlsx_response(xlsx_bytes("案件台账", REGISTER_COLUMNS, rows), f"案件台账-{s.today().isoformat()}.xlsx")


# Cases a list page shows; one more is read to know whether a next page exists, so no COUNT over every
# case the user sees is needed (bench/README.md: 200 rows a page gave a p95 of about 200 ms).
CASE_LIST_PAGE_SIZE = 50


def case_list(request: HttpRequest) -> HttpResponse:
    form, cases = _searched(request)
    profile = get_profile(request.user)
    can_file = profile is not None and profile.role in ("officer", "head")
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    start = (page - 1) * CASE_LIST_PAGE_SIZE
    rows = list(cases[start:start + CASE_LIST_PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/case_list.html", {
        "form": form, "cases": rows[:CASE_LIST_PAGE_SIZE], "can_file": can_file, "page": page,
        "has_next": len(rows) > CASE_LIST_PAGE_SIZE, "query": query.urlencode(),
    })


def _filing_input(form: FilingForm) -> FilingInput:
    d = form.cleaned_data
    lead = d["lead"]
    profile = get_profile(form.user)
    return FilingInput(
        title=d["title"], facts_summary=d["facts_summary"], lead=lead,
        bureau=None if lead else (profile.bureau if profile else None),
        parties=[PartyInput(d["party_type"], d["party_name"], d["credit_code"], d["id_number"], d["address"],
                            d["legal_representative"], d["contact"])],
        officers=list(d["officers"]), act_end_on=d["act_end_on"], discovered_on=d["discovered_on"],
        life_health_harm=d["life_health_harm"],
        provisions=[line.strip() for line in d["provisions"].splitlines() if line.strip()],
        amount=d["amount"], review_required=d["review_required"],
        deliberation_required=d["deliberation_required"],
    )


def case_file(request: HttpRequest) -> HttpResponse:
    """从线索立案: an officer of 立案岗 proposes, the head files directly."""
    bureau_ids = visible_bureau_ids(request.user)
    refusal = None
    if request.method == "POST":
        form = FilingForm(request.POST, bureau_ids=bureau_ids)
        form.user = request.user
        if form.is_valid():
            try:
                case = s.do_file_case(_filing_input(form), actor=request.user)
            except Refusal as e:
                record_refusal(request, e)
                refusal = e
            else:
                messages.success(request, f"已{'立案' if case.number else '提交立案申请，待负责人批准'}：{case}")
                return redirect(case)
    else:
        initial: dict[str, Any] = {"review_required": True}
        lead = None
        if request.GET.get("lead", "").isdigit():
            lead = FilingForm(bureau_ids=bureau_ids).fields["lead"].queryset.filter(pk=request.GET["lead"]).first()
        if lead is not None:
            initial.update(lead=lead, title=f"{lead.party_name or '当事人'}涉嫌违法使用医疗保障基金案",
                           facts_summary=lead.summary, party_type=lead.party_type, party_name=lead.party_name,
                           provisions="\n".join(lead.provisions), amount=lead.suspected_loss,
                           discovered_on=lead.received_date)
        form = FilingForm(initial=initial, bureau_ids=bureau_ids)
    return render(request, "cases/case_file.html", {"form": form, "refusal": refusal, "refusal_url": _basis_url(refusal)},
                  status=400 if refusal else 200)


def case_summary(request: HttpRequest) -> HttpResponse:
    """当场处罚 (简易程序): an officer records the decision the two officers made on the spot."""
    bureau_ids = visible_bureau_ids(request.user)
    refusal = None
    form = SummaryForm(request.POST or None, bureau_ids=bureau_ids)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = do_decide_on_spot(SummaryInput(
                decision_number=d["decision_number"],
                party=PartyInput(d["party_type"], d["party_name"], d["credit_code"], d["id_number"]),
                officers=list(d["officers"]), facts_summary=d["facts_summary"], fine=d["fine"],
                provisions=[line.strip() for line in d["provisions"].splitlines() if line.strip()],
                decided_on=d["decided_on"], place=d["place"]), actor=request.user)
        except Refusal as e:
            record_refusal(request, e)
            refusal = e
        else:
            messages.success(request, f"已登记当场处罚决定：{case}，请在期限内报局备案")
            return redirect(case)
    return render(request, "cases/case_summary.html", {"form": form, "refusal": refusal,
                                                       "refusal_url": _basis_url(refusal)},
                  status=400 if refusal else 200)


def _basis_url(refusal: Refusal | None) -> str | None:
    """The law library's page of the article a refusal enforces, when the library holds it."""
    return article_url(refusal.basis) if refusal is not None else None


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(s.visible_cases(request.user).select_related("bureau", "lead"), pk=pk)


def _parties(request: HttpRequest, case: Case) -> list[dict]:
    full = can_view_personal_data(request.user, case.bureau) or case.officers.filter(
        officer__user=request.user, recused_on__isnull=True).exists()
    rows = []
    revealed = []
    for p in case.parties.all():
        person = p.is_person
        if full and (person or p.id_number):
            revealed.append(p.pk)
        rows.append({
            "type": p.get_party_type_display(),
            "name": p.name if full or not person else mask_name(p.name),
            "credit_code": p.credit_code,
            "id_number": p.id_number if full else mask_id_number(p.id_number),
            "address": p.address, "legal_representative": p.legal_representative, "contact": p.contact,
        })
    if revealed:
        # Every full view of a person's name or ID number is on the audit trail (issue 8, 个人信息保护法).
        record_event("pii.view", actor=request.user, obj=case,
                     summary=f"{request.user.get_username()} 查看案件 {case} 当事人的完整个人信息",
                     data={"viewer": request.user.get_username(), "where": "case_detail", "parties": revealed,
                           "fields": ["name", "id_number"]})
    return rows


def _render_case(request: HttpRequest, case: Case, refusal: Refusal | None = None, status: int = 200,
                 failed_action: str = "") -> HttpResponse:
    actions = [{"key": key, "label": label, "fields": action_fields(CASE_ACTIONS[key], case) if key in CASE_ACTIONS else []}
               for key, label in s.available_actions(case, request.user)]
    officers = CaseOfficer.objects.filter(case=case).select_related("officer")
    warnings = certificate_warnings(case)
    today = s.today()
    return render(request, "cases/case_detail.html", {
        "case": case, "parties": _parties(request, case), "actions": actions, "refusal": refusal,
        "refusal_url": _basis_url(refusal),
        "failed_action": failed_action,
        "officers": [{"row": co, "valid": co.officer.has_valid_certificate(today), "warning": warnings.get(co.officer_id)}
                     for co in officers],
        "deadlines": s.case_deadlines(case), "open_deadlines": open_deadlines(case, today=today), "steps": case.steps.select_related("actor"), "today": today,
        "surcharge": surcharge(case, today), "payments": payment_summary(case, today),
    }, status=status)


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, _case(request, pk))


def _call(action: str, case: Case, post: Any, actor: Any, version: int | None) -> Case:
    """Take the action posted from its form on the case page, as the API takes it (the action table)."""
    spec = case_action(action)
    if spec is None:
        raise Http404("没有这个办案环节")
    return spec.take(case, page_values(spec, post), actor=actor, expected_version=version)


@require_POST
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = _case(request, pk)
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isdigit() else None
    if version is None:
        refusal = Refusal(ServiceCode.CONFLICT, "页面缺少案件版本，请刷新页面后再办理")
        return _render_case(request, case, refusal, status=409, failed_action=action)
    try:
        updated = _call(action, case, request.POST, request.user, version)
    except Refusal as e:
        record_refusal(request, e, case)
        status = 409 if e.code == ServiceCode.CONFLICT else 400
        return _render_case(request, Case.objects.get(pk=case.pk), e, status=status, failed_action=action)
    last = updated.steps.order_by("-id").first()
    messages.success(request, f"{updated}：已{last.label if last else '办理'}（{updated.get_state_display()}）")
    return redirect(updated)
