"""Views of 智能监控: runs, findings (by rule, by institution, one by one), review, leads, export.

Views only read, or call services. Every page shows the bureaus the user may see: their own and
those below it (staff users without a bureau see all).
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from yibao.cases.constants import LEAD_ROLES
from yibao.cases.services.leads import do_create_leads
from yibao.core.audit import record_event
from yibao.core.htmx import render_page
from yibao.org.models import Bureau
from yibao.org.permissions import can_view_personal_data, get_profile, has_role, restrict

from . import services
from .constants import (
    ACTIVE_RUN_STATUSES,
    EVIDENCE_LABELS,
    EVIDENCE_LINE_KEYS,
    EVIDENCE_SETTLEMENT_KEYS,
    MANUAL_TRANSITIONS,
    OPEN_STATUSES,
    RUN_ROLES,
    TRANSITIONS,
    FindingStatus,
    RunStatus,
    Severity,
)
from .engine.config import ConfigError
from .engine.rules import BASIS_LAW, RULES
from .exporting import XLSX_CONTENT_TYPE, findings_workbook
from .forms import (
    CREATE_LEADS,
    BulkActionForm,
    FindingFilterForm,
    RunForm,
    TransitionForm,
    filter_findings,
)
from .models import Finding, FindingSighting, Institution, ScreeningRun

PAGE_SIZE = 50
TOP_INSTITUTIONS = 20
STATUS_LABELS = dict(FindingStatus.choices)
# How one finding can be made a lead: the party it names (group_by of do_create_leads) and the key it needs.
LEAD_GROUPS = (("institution", "以定点医药机构为当事人", "fixmedins_code"), ("person", "以参保人员为当事人", "psn_no"))
SEVERITY_LABELS = dict(Severity.choices)


# ---------------------------------------------------------------- helpers

def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "monitoring/forbidden.html", {"message": message}, status=403)


def scoped(queryset: QuerySet, request: HttpRequest, field: str = "bureau_id") -> QuerySet:
    """Only the bureaus the user may see."""
    return restrict(queryset, request.user, field)


def visible_bureaus(request: HttpRequest) -> QuerySet:
    return scoped(Bureau.objects.all(), request, "pk").order_by("code", "name")


def institution_names(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """(bureau id, code) → name."""
    codes = {c for _, c in pairs if c}
    if not codes:
        return {}
    return {(i.bureau_id, i.code): i.name
            for i in Institution.objects.filter(code__in=codes).only("bureau_id", "code", "name")}


def article_links() -> dict[int, int]:
    """Article number of the 条例 → its page in the law library, for the articles the library holds."""
    from yibao.law.models import Article

    return dict(Article.objects.filter(law__name=BASIS_LAW).values_list("number", "pk"))


def basis_link(rule_id: str, links: dict[int, int]) -> dict:
    """The rule's basis with a link to its article (and an anchor on the paragraph or clause) when held."""
    rule = RULES.get(rule_id)
    if rule is None:
        return {"text": "", "url": None}
    article, paragraph, clause = rule.article_citation
    url = None
    if article in links:
        url = reverse("law:article_detail", args=[links[article]])
        if clause:
            url += f"#p{paragraph or 1}c{clause}"
        elif paragraph:
            url += f"#p{paragraph}"
    return {"text": rule.basis_text, "url": url, "citation": services.basis_citation(rule.basis)}


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def chart_rows(rows, label, value="n", amount="amount") -> list[dict]:
    return [{"label": label(r), "n": r[value], "amount": float(r[amount] or 0)} for r in rows]


# ---------------------------------------------------------------- runs

def runnable_bureaus(request: HttpRequest) -> QuerySet:
    user = request.user
    if user.is_staff or user.is_superuser:
        profile = get_profile(user)
        if profile is None:
            return Bureau.objects.order_by("code", "name")
    return visible_bureaus(request)


def run_list(request: HttpRequest) -> HttpResponse:
    """Every screening run of the bureaus the user sees, newest first."""
    runs = scoped(ScreeningRun.objects.select_related("bureau", "started_by"), request)
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/run_list.html", {
        "page": page, "can_run": has_role(request.user, RUN_ROLES, staff=True), "running": runs.filter(
            status__in=ACTIVE_RUN_STATUSES).exists(),
    })


def run_create(request: HttpRequest) -> HttpResponse:
    """新建筛查: queue a dataset folder on the server for screening and go to the run's page at once."""
    if not has_role(request.user, RUN_ROLES, staff=True):
        return forbidden(request, "您没有发起筛查的权限。只有数据分析人员、负责人和系统管理员可以发起筛查。")
    bureaus = runnable_bureaus(request)
    profile = get_profile(request.user)
    initial = {"bureau": profile.bureau_id} if profile else {}
    form = RunForm(request.POST or None, bureaus=bureaus, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.do_queue_screening(data["bureau"], data["dataset_path"], engine=data["engine"],
                                              config_path=data["config_path"] or None, actor=request.user)
        except ConfigError as e:
            form.add_error("config_path", str(e))
        except PermissionDenied as e:
            return forbidden(request, str(e))
        else:
            if run.status == RunStatus.FAILED:  # a job run inside the request (django-q2's sync mode)
                messages.error(request, f"筛查 #{run.pk} 失败，未入库任何疑点。")
            elif run.status == RunStatus.SUCCEEDED:
                messages.success(request, f"筛查 #{run.pk} 完成：疑点 {run.finding_count} 条，其中新发现 {run.new_count} 条。")
            else:
                messages.success(request, f"筛查 #{run.pk} 已开始，正在后台运行；本页显示进度，完成后自动刷新。")
            return redirect(run)
    return render(request, "monitoring/run_form.html", {"form": form})


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run: its summary, rules screened and skipped, charts by rule, institution and severity."""
    runs = scoped(ScreeningRun.objects.select_related("bureau", "started_by"), request)
    run = get_object_or_404(runs, pk=pk)
    summary = run.summary or {}
    sightings = FindingSighting.objects.filter(run=run)
    by_rule = {r["finding__rule_id"]: r for r in
               sightings.values("finding__rule_id").annotate(n=Count("id"), amount=Sum("amount"))}
    skipped = summary.get("skipped", {})
    rules = []
    for rule in RULES.values():
        row = by_rule.get(rule.id, {})
        rules.append({"rule": rule, "n": row.get("n", 0), "amount": row.get("amount") or Decimal("0"),
                      "skipped": skipped.get(rule.id), "screened": rule.id in summary.get("by_rule", {})})
    institutions = list(sightings.values("finding__fixmedins_code", "finding__bureau_id")
                        .annotate(n=Count("id"), amount=Sum("amount")).order_by("-amount")[:TOP_INSTITUTIONS])
    names = institution_names({(r["finding__bureau_id"], r["finding__fixmedins_code"]) for r in institutions})
    for r in institutions:
        r["name"] = names.get((r["finding__bureau_id"], r["finding__fixmedins_code"]), "")
    severity = list(sightings.values("finding__severity").annotate(n=Count("id"), amount=Sum("amount"))
                    .order_by("finding__severity"))
    statuses = dict(sightings.values_list("finding__status").annotate(n=Count("id")).values_list("finding__status", "n"))
    chart = {
        "rules": chart_rows([r for r in rules if r["n"]], lambda r: f"{r['rule'].id} {r['rule'].name}"),
        "institutions": chart_rows(institutions, lambda r: r["name"] or r["finding__fixmedins_code"] or "—"),
        "severity": chart_rows(severity, lambda r: SEVERITY_LABELS.get(r["finding__severity"], r["finding__severity"])),
    }
    context = {
        "run": run, "summary": summary, "rules": rules, "institutions": institutions, "chart": chart,
        "statuses": [(value, label, statuses.get(value, 0)) for value, label in FindingStatus.choices],
        "findings_url": reverse("monitoring:finding_list") + "?" + urlencode({"run": run.pk}),
    }
    return render(request, "monitoring/run_detail.html", context)


def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a queued or running run (polled by the run page); a finished run reloads the page."""
    runs = scoped(ScreeningRun.objects.all(), request)
    run = get_object_or_404(runs, pk=pk)
    response = render(request, "monitoring/_run_progress.html", {"run": run})
    if not run.is_active:
        response["HX-Refresh"] = "true"
    return response


# ---------------------------------------------------------------- findings

def finding_filter_form(request: HttpRequest) -> FindingFilterForm:
    bureaus = list(visible_bureaus(request))
    runs = scoped(ScreeningRun.objects.filter(status=RunStatus.SUCCEEDED), request).order_by("-started_at")[:50]
    codes = sorted(c for c in scoped(Finding.objects.all(), request).order_by().values_list(
        "fixmedins_code", flat=True).distinct() if c)
    names: dict[str, str] = {}
    for code, name in scoped(Institution.objects.filter(code__in=codes), request).values_list("code", "name"):
        names.setdefault(code, name)
    seen = {code: names.get(code, "") for code in codes}
    return FindingFilterForm(request.GET or None, bureaus=bureaus if len(bureaus) > 1 else (), runs=runs,
                             institutions=sorted(seen.items()))


def finding_rows(request: HttpRequest, findings: list[Finding], where: str) -> list[Finding]:
    """Attach institution names and (masked) person names to findings for display."""
    names = institution_names({(f.bureau_id, f.fixmedins_code) for f in findings})
    people = services.people_display((f.psn_no for f in findings), user=request.user, where=where)
    for f in findings:
        f.institution_name = names.get((f.bureau_id, f.fixmedins_code), "")
        f.person = people.get(f.psn_no or "")
    return findings


def bulk_actions(request: HttpRequest) -> list[tuple[str, str]]:
    actions = [(n, TRANSITIONS[n].label) for n in MANUAL_TRANSITIONS if has_role(request.user, TRANSITIONS[n].roles)]
    if has_role(request.user, LEAD_ROLES):
        actions.append((CREATE_LEADS, "归集为线索"))
    return actions


def finding_list(request: HttpRequest) -> HttpResponse:
    """Findings filtered by bureau, run, rule, institution, status and severity, with bulk review."""
    form = finding_filter_form(request)
    filters = form.filters()
    base = filter_findings(scoped(Finding.objects.all(), request), filters, with_status=False)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    findings = filter_findings(base, {"status": filters.get("status")}).order_by(
        "rule_id", "fixmedins_code", "psn_no", "setl_id", "feedetl_sn", "id")
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = finding_rows(request, list(page.object_list), "疑点列表")
    totals = findings.aggregate(amount=Sum("amount"))
    query = dict(filters)
    context = {
        "form": form, "page": page, "rows": rows, "filters": filters,
        "status_tabs": [("", "全部", sum(counts.values())), ("open", "待处理",
                        sum(n for s, n in counts.items() if s in OPEN_STATUSES))]
        + [(value, label, counts.get(value, 0)) for value, label in FindingStatus.choices],
        "total_amount": totals["amount"] or Decimal("0"),
        "export_query": urlencode(query), "actions": bulk_actions(request),
        "bulk_form": BulkActionForm(), "next": request.get_full_path(),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }
    return render_page(request, "monitoring/finding_list.html", "monitoring/_finding_results.html", context)


@require_POST
def finding_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one review transition to the ticked findings, or group them into leads; all or none."""
    back = safe_next(request, reverse("monitoring:finding_list"))
    form = BulkActionForm(request.POST)
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    if not ids:
        messages.error(request, "请先勾选疑点。")
        return redirect(back)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    ids = list(scoped(Finding.objects.filter(pk__in=ids), request).values_list("pk", flat=True))
    data = form.cleaned_data
    try:
        if data["action"] == CREATE_LEADS:
            leads = do_create_leads(ids, group_by=data["group_by"] or "institution", by_rule=data["by_rule"],
                                             actor=request.user)
            numbers = "、".join(lead.number for lead in leads[:5]) + ("等" if len(leads) > 5 else "")
            messages.success(request, f"已将 {len(ids)} 条疑点归集为 {len(leads)} 条线索：{numbers}")
            return redirect(leads[0] if len(leads) == 1 else reverse("cases:lead_list"))
        moved = services.do_transition(ids, data["action"], actor=request.user, reason=data["reason"],
                                       appeal_text=data["appeal_text"], appeal_date=data["appeal_date"])
        messages.success(request, f"{TRANSITIONS[data['action']].label}：{moved} 条疑点。")
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e))
    return redirect(back)


def evidence_table(data: dict) -> list[dict]:
    rows = []
    for key, value in data.items():
        shown = "、".join(str(v) for v in value) if isinstance(value, list) else ("—" if value is None else str(value))
        rows.append({"key": key, "label": EVIDENCE_LABELS.get(key, key), "value": shown})
    return rows


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One finding: key columns with names, evidence, the claims it names, legal basis, history."""
    finding = get_object_or_404(scoped(Finding.objects.select_related(
        "bureau", "first_seen_run", "last_seen_run", "first_reviewer", "second_reviewer", "verified_by",
        "dismissed_by"), request), pk=pk)
    sightings = list(finding.sightings.select_related("run").order_by("-run__started_at"))
    latest = sightings[0] if sightings else None
    evidence = latest.evidence_data if latest else {}
    institution = Institution.objects.filter(bureau=finding.bureau, code=finding.fixmedins_code).first()
    people = services.people_display([finding.psn_no] if finding.psn_no else [], user=request.user,
                                     where=f"疑点 #{finding.pk}", bureau=finding.bureau, obj=finding)
    line_ids = [finding.feedetl_sn] if finding.feedetl_sn else []
    setl_ids = [finding.setl_id] if finding.setl_id else []
    for key in EVIDENCE_LINE_KEYS:
        value = evidence.get(key)
        line_ids += value if isinstance(value, list) else ([value] if value else [])
    for key in EVIDENCE_SETTLEMENT_KEYS:
        value = evidence.get(key)
        setl_ids += value if isinstance(value, list) else ([value] if value else [])
    claims = services.read_claims(latest.run.dataset_path, setl_ids=setl_ids, feedetl_sns=line_ids,
                                  lines_of_settlements=not finding.feedetl_sn) if latest else {}
    highlight = set(line_ids) | set(setl_ids)
    transitions = []
    for name in MANUAL_TRANSITIONS:
        t = TRANSITIONS[name]
        if finding.status in t.sources and has_role(request.user, t.roles, finding.bureau):
            blocked = name.startswith("second_") and finding.first_reviewer_id == request.user.pk
            if blocked and any(t["blocked"] for t in transitions):
                continue  # one note for the stage
            transitions.append({"name": name, "label": t.label, "reason_required": t.reason_required,
                                "blocked": blocked, "stage": t.stage, "danger": t.target == FindingStatus.DISMISSED})
    lead_link = finding.lead_links.select_related("lead").first()
    # A confirmed finding becomes a lead here as from the list: through finding_bulk and do_create_leads.
    lead_groups = []
    if finding.status == FindingStatus.CONFIRMED and lead_link is None and has_role(
            request.user, LEAD_ROLES, finding.bureau):
        lead_groups = [(value, label) for value, label, key in LEAD_GROUPS if getattr(finding, key)]
    context = {
        "finding": finding, "institution": institution, "person": people.get(finding.psn_no or ""),
        "evidence": evidence_table(evidence), "claims": claims, "highlight": highlight,
        "basis": basis_link(finding.rule_id, article_links()), "rule": RULES.get(finding.rule_id),
        "events": finding.events.select_related("actor"), "sightings": sightings, "transitions": transitions,
        "form": TransitionForm(), "lead": lead_link.lead if lead_link else None, "lead_groups": lead_groups,
        "create_leads": CREATE_LEADS,
        "keys": [("结算ID", finding.setl_id), ("费用明细流水号", finding.feedetl_sn), ("医疗目录编码", finding.med_list_codg),
                 ("日期", finding.day), ("月份", finding.month)],
    }
    return render(request, "monitoring/finding_detail.html", context)


@require_POST
def finding_transition(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(scoped(Finding.objects.all(), request), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(finding)
    data = form.cleaned_data
    try:
        services.do_transition(finding, data["transition"], actor=request.user, reason=data["reason"],
                               appeal_text=data["appeal_text"], appeal_date=data["appeal_date"])
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"{TRANSITIONS[data['transition']].label}：疑点 #{finding.pk}。")
    return redirect(finding)


def finding_export(request: HttpRequest) -> HttpResponse:
    """The filtered findings as an xlsx workbook (personal data masked unless the user may see it)."""
    form = finding_filter_form(request)
    findings = filter_findings(scoped(Finding.objects.all(), request), form.filters())
    content, count = findings_workbook(findings, user=request.user)
    record_event("finding.export", actor=request.user, summary=f"导出疑点 {count} 条",
                 data={"count": count, "filters": {k: str(v) for k, v in form.filters().items()},
                       "personal_data": "full" if can_view_personal_data(request.user) else "masked"})
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"疑点_{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _summary_context(request: HttpRequest) -> tuple[FindingFilterForm, QuerySet, dict]:
    form = finding_filter_form(request)
    filters = form.filters()
    findings = filter_findings(scoped(Finding.objects.all(), request), filters)
    return form, findings.order_by(), filters


def rule_summary(request: HttpRequest) -> HttpResponse:
    """Findings by rule: counts and amounts by status, with a chart."""
    form, findings, filters = _summary_context(request)
    rows = {r["rule_id"]: r for r in findings.values("rule_id").annotate(
        n=Count("id"), amount=Sum("amount"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        dismissed=Count("id", filter=Q(status=FindingStatus.DISMISSED)),
        handling=Count("id", filter=Q(status=FindingStatus.HANDLING)))}
    table = [{"rule": rule, **rows[rule.id]} for rule in RULES.values() if rule.id in rows]
    severity = findings.values("severity").annotate(n=Count("id"), amount=Sum("amount")).order_by("severity")
    chart = {"rules": chart_rows(table, lambda r: f"{r['rule'].id} {r['rule'].name}"),
             "severity": chart_rows(severity, lambda r: SEVERITY_LABELS.get(r["severity"], r["severity"]))}
    query = urlencode({k: v for k, v in filters.items() if k != "rule"})
    return render(request, "monitoring/rule_summary.html", {
        "form": form, "table": table, "chart": chart, "query": query,
        "total": {"n": sum(r["n"] for r in table), "amount": sum((r["amount"] for r in table), Decimal("0"))},
    })


def institution_summary(request: HttpRequest) -> HttpResponse:
    """Findings by institution: the institutions with the largest amounts first, with a top-20 chart."""
    form, findings, filters = _summary_context(request)
    rows = list(findings.exclude(fixmedins_code__isnull=True).values("bureau_id", "fixmedins_code").annotate(
        n=Count("id"), amount=Sum("amount"), rules=Count("rule_id", distinct=True),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        handling=Count("id", filter=Q(status=FindingStatus.HANDLING))).order_by("-amount", "fixmedins_code"))
    names = institution_names({(r["bureau_id"], r["fixmedins_code"]) for r in rows})
    kinds = {(i.bureau_id, i.code): i for i in Institution.objects.filter(code__in={r["fixmedins_code"] for r in rows})}
    for r in rows:
        r["name"] = names.get((r["bureau_id"], r["fixmedins_code"]), "")
        r["institution"] = kinds.get((r["bureau_id"], r["fixmedins_code"]))
    chart = {"institutions": chart_rows(rows[:TOP_INSTITUTIONS], lambda r: r["name"] or r["fixmedins_code"])}
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if k != "institution"})
    return render(request, "monitoring/institution_summary.html", {
        "form": form, "page": page, "chart": chart, "query": query, "count": len(rows),
    })
