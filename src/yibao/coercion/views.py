"""The seal pages: the bureau's seals with the form to propose one (or record one made on the spot), and a
seal's page with its period, its acts in order and the forms of the acts the user may take now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yibao.cases.forms import page_date
from yibao.cases.procedure import FINAL_STATES, Refusal, ServiceCode
from yibao.cases.services import today, visible_cases
from yibao.org.models import Officer
from yibao.org.permissions import actor_bureau

from . import services as cs
from .exclusions import do_record_seal_exclusion
from .models import ExclusionKind, LiftReason, Seal
from .procedure import EXTENSION_MAX_DAYS, SEAL_BASIS, SEAL_MAX_DAYS, SEAL_STEPS, SealStatus, SealStep

STEP_VALUES = frozenset(s.value for s in SealStep)
STATUS_FILTERS = [("", "全部"), ("open", "封存中及待办"), ("expired", "已届满未解除"), ("lifted", "已解除")]


def _int(raw: str, label: str) -> int:
    raw = (raw or "").strip()
    if not raw.isdigit():
        raise Refusal(ServiceCode.INVALID_INPUT, f"{label}应为正整数天数")
    return int(raw)


def seal_list(request: HttpRequest) -> HttpResponse:
    seals = cs.visible_seals(request.user)
    shown = request.GET.get("status", "")
    day = today()
    if shown == "open":
        seals = seals.filter(status__in=cs.OPEN_STATUSES)
    elif shown == "expired":
        seals = seals.filter(status=SealStatus.ACTIVE, ends_on__lt=day)
    elif shown == "lifted":
        seals = seals.filter(status=SealStatus.LIFTED)
    return render(request, "coercion/seal_list.html", _list_context(request, seals[:200], shown))


def _list_context(request: HttpRequest, seals: Any, shown: str, **extra: Any) -> dict:
    bureau = actor_bureau(request.user)
    can_propose = bureau is not None and cs.holds_seal_post(request.user, bureau, SealStep.PROPOSE)
    officers = (Officer.objects.filter(bureau=bureau, active=True).exclude(certificate_number="")
                if can_propose else Officer.objects.none())
    cases = (visible_cases(request.user).filter(bureau=bureau).exclude(state__in=[*FINAL_STATES, "proposed"])
             .order_by("-id")[:100] if can_propose else [])
    return {"seals": seals, "shown": shown, "filters": STATUS_FILTERS, "today": today(), "can_propose": can_propose,
            "officers": officers, "cases": cases, "max_days": SEAL_MAX_DAYS, "basis": SEAL_BASIS.label(),
            "preset_case": request.GET.get("case", ""), **extra}


@require_POST
def seal_create(request: HttpRequest) -> HttpResponse:
    post = request.POST
    bureau = actor_bureau(request.user)
    try:
        if bureau is None:
            raise Refusal(ServiceCode.OUT_OF_SCOPE, "您的账号未关联医疗保障局，不能办理封存")
        case_id = post.get("case", "").strip()
        case = get_object_or_404(visible_cases(request.user), pk=int(case_id)) if case_id.isdigit() else None
        officers = list(Officer.objects.filter(bureau=bureau, pk__in=[v for v in post.getlist("officers")
                                                                    if v.isdigit()]))
        kw = dict(actor=request.user, case=case, party_name=post.get("party_name", ""),
                  party_address=post.get("party_address", ""), items=post.get("items", "").splitlines(),
                  place=post.get("place", ""), reason=post.get("reason", ""),
                  days=_int(post.get("days", ""), "封存期限"), officers=officers)
        if post.get("emergency"):
            seal = cs.do_seal_on_site(bureau, site_record=post.get("site_record", ""), **kw)
        else:
            seal = cs.do_propose_seal(bureau, **kw)
    except Refusal as e:
        context = _list_context(request, cs.visible_seals(request.user)[:200], "", refusal=e, values=post)
        return render(request, "coercion/seal_list.html", context, status=400)
    messages.success(request, f"{seal}：已{SEAL_STEPS[SealStep.SEAL_ON_SITE if seal.emergency else SealStep.PROPOSE].label}")
    return redirect(seal)


# The forms of a seal's page: step → fields (name, label, kind, choices).
FORMS: dict[SealStep, list[tuple[str, str, str, list]]] = {
    SealStep.APPROVE: [("approved", "决定", "select", [("1", "批准"), ("0", "不予批准")]),
                       ("opinion", "意见", "textarea", [])],
    SealStep.EXECUTE: [("site_record", "现场笔录", "textarea", [])],
    SealStep.NOTIFY: [("statement", "当事人陈述申辩", "textarea", [])],
    SealStep.REPORT: [("note", "报告内容", "textarea", [])],
    SealStep.EXTEND: [("days", f"延长天数（不超过{EXTENSION_MAX_DAYS}日）", "text", []),
                      ("reason", "理由（情况复杂）", "textarea", [])],
    SealStep.EXCLUDE: [("kind", "类别", "select", list(ExclusionKind.choices)),
                       ("subject", "检测、鉴定的对象", "text", []), ("performed_by", "检测、鉴定机构", "text", []),
                       ("starts_on", "开始日期", "text", []), ("ends_on", "结束日期", "text", []),
                       ("told_on", "书面告知当事人日期", "text", []), ("notice_number", "告知书文号", "text", [])],
    SealStep.LIFT: [("reason", "解除理由", "select",
                     [(v, label) for v, label in LiftReason.choices
                      if v not in (LiftReason.NOT_APPROVED, LiftReason.CASE_ENDED)]),
                    ("note", "说明", "textarea", [])],
}


def _offered(seal: Seal, user: Any) -> list[dict]:
    """The acts the user may take on the seal now, as far as status, role and post tell."""
    out = []
    for step, fields in FORMS.items():
        rule = SEAL_STEPS[step]
        if seal.status not in rule.states or not cs.holds_seal_post(user, seal.bureau, step):
            continue
        if step == SealStep.REPORT and (not seal.emergency or seal.reported_at is not None):
            continue
        if step == SealStep.APPROVE and seal.status == SealStatus.ACTIVE and (not seal.emergency or seal.approved_on):
            continue
        if step == SealStep.NOTIFY and seal.party_notified_on is not None and not (
                seal.extended_on is not None and seal.extension_told_on is None):
            continue
        if step == SealStep.EXTEND and seal.extended_on is not None:
            continue
        out.append({"key": step.value, "label": rule.label, "fields": fields})
    return out


def _render(request: HttpRequest, seal: Seal, refusal: Refusal | None = None, status: int = 200,
            failed: str = "") -> HttpResponse:
    return render(request, "coercion/seal_detail.html", {
        "seal": seal, "events": seal.events.select_related("actor"), "officers": seal.officers.all(),
        "exclusions": seal.exclusions.all(),
        "actions": _offered(seal, request.user), "refusal": refusal, "failed_action": failed, "today": today(),
        "expired": seal.expired(today()),
    }, status=status)


def seal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, get_object_or_404(cs.visible_seals(request.user), pk=pk))


@require_POST
def seal_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    seal = get_object_or_404(cs.visible_seals(request.user), pk=pk)
    post = request.POST
    raw = post.get("version", "")
    kw: dict[str, Any] = {"actor": request.user, "expected_version": int(raw) if raw.isdigit() else None}
    calls = {
        SealStep.APPROVE: lambda: cs.do_approve_seal(seal, approved=post.get("approved") == "1",
                                                     opinion=post.get("opinion", ""), **kw),
        SealStep.EXECUTE: lambda: cs.do_execute_seal(seal, site_record=post.get("site_record", ""), **kw),
        SealStep.NOTIFY: lambda: cs.do_notify_seal_party(seal, statement=post.get("statement", ""), **kw),
        SealStep.REPORT: lambda: cs.do_report_emergency_seal(seal, note=post.get("note", ""), **kw),
        SealStep.EXTEND: lambda: cs.do_extend_seal(seal, days=_int(post.get("days", ""), "延长天数"),
                                                   reason=post.get("reason", ""), **kw),
        SealStep.EXCLUDE: lambda: do_record_seal_exclusion(
            seal, kind=post.get("kind", ""), subject=post.get("subject", ""), performed_by=post.get("performed_by", ""),
            starts_on=page_date(post.get("starts_on", ""), "开始日期"), ends_on=page_date(post.get("ends_on", ""), "结束日期"),
            told_on=page_date(post.get("told_on", ""), "书面告知当事人日期"), notice_number=post.get("notice_number", ""),
            **kw),
        SealStep.LIFT: lambda: cs.do_lift_seal(seal, reason=post.get("reason", ""), note=post.get("note", ""), **kw),
    }
    try:
        if kw["expected_version"] is None:
            raise Refusal(ServiceCode.CONFLICT, "页面缺少封存记录的版本，请刷新页面后再办理")
        step = SealStep(action) if action in STEP_VALUES else None
        if step is None or step not in calls:
            raise Refusal(ServiceCode.INVALID_INPUT, "没有这个封存环节")
        updated = calls[step]()
    except Refusal as e:
        return _render(request, Seal.objects.get(pk=seal.pk), e, 409 if e.code == ServiceCode.CONFLICT else 400,
                       SEAL_STEPS[SealStep(action)].label if action in STEP_VALUES else action)
    messages.success(request, f"{updated}：已{SEAL_STEPS[step].label}（{updated.get_status_display()}）")
    return redirect(updated)
