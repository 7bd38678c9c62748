"""The audit page (审计日志): the audit administrator's view of the trail, its filters, its xlsx export
(itself recorded) and the chain's status (last check, last anchor)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode

from yibao.core.audit import record_event
from yibao.core.models import AuditChainHead, AuditCheckpoint, AuditEvent
from yibao.core.models.audit import CheckpointKind, Outcome

from . import anchors
from .access import is_audit_admin

PAGE_SIZE = 50
# An export larger than this is refused: narrow the filters (the archive files hold the rest).
EXPORT_MAX_ROWS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("start", "end", "user", "action", "object", "outcome", "ip")


@dataclass
class Filtered:
    events: QuerySet
    values: dict[str, str]
    errors: list[str]


def _date(text: str, label: str, errors: list[str]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(f"{label}“{text}”不是有效的日期，请按 年-月-日 填写，如 2026-03-02")
        return None


def filtered(request: HttpRequest) -> Filtered:
    values = {name: request.GET.get(name, "").strip()[:200] for name in FILTERS}
    errors: list[str] = []
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    start = _date(values["start"], "起始日期", errors)
    end = _date(values["end"], "截止日期", errors)
    if start:
        events = events.filter(created_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)))
    if end:
        events = events.filter(created_at__lt=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1),
                                                                                    dt.time.min)))
    if values["user"]:
        events = events.filter(actor__username=values["user"])
    if values["action"]:
        events = events.filter(action__startswith=values["action"])
    if values["object"]:
        kind, _, pk = values["object"].partition(":")
        events = events.filter(Q(object_type=kind, object_id=pk) if pk else
                               Q(object_type=kind) | Q(object_id=kind))
    if values["outcome"]:
        if values["outcome"] in Outcome.values:
            events = events.filter(outcome=values["outcome"])
        else:
            errors.append("结果应为 成功、拒绝 或 失败")
    if values["ip"]:
        import ipaddress

        try:
            events = events.filter(source_ip=str(ipaddress.ip_address(values["ip"])))
        except ValueError:
            errors.append(f"来源地址“{values['ip']}”不是有效的 IP 地址")
    return Filtered(events if not errors else events.none(), values, errors)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "core/audit/forbidden.html",
                  {"message": "只有审计管理员可以查看审计日志（三权分立）。"}, status=403)


def chain_status() -> dict:
    check = AuditCheckpoint.objects.filter(kind=CheckpointKind.CHECK).order_by("-verified_at").first()
    return {"last_check": check, "last_anchor": anchors.last_anchor(),
            "head": AuditChainHead.objects.filter(pk=AuditChainHead.HEAD_ID).first()}


def event_list(request: HttpRequest) -> HttpResponse:
    if not is_audit_admin(request.user):
        return _forbidden(request)
    result = filtered(request)
    events = result.events
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(id__lt=int(before))
    page = list(events[:PAGE_SIZE + 1])
    has_next = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    query = urlencode({k: v for k, v in result.values.items() if v})
    return render(request, "core/audit/event_list.html", {
        "events": page, "values": result.values, "errors": result.errors, "query": query,
        "next_before": page[-1].id if has_next else None, "outcomes": Outcome.choices, **chain_status(),
    })


def export(request: HttpRequest) -> HttpResponse:
    """The filtered events as xlsx; the export is itself an event, naming the filters."""
    from openpyxl import Workbook

    if not is_audit_admin(request.user):
        return _forbidden(request)
    result = filtered(request)
    if result.errors:
        return HttpResponse("；".join(result.errors), status=400, content_type="text/plain; charset=utf-8")
    count = result.events.count()
    if count > EXPORT_MAX_ROWS:
        return HttpResponse(f"符合条件的事件有 {count} 条，超过一次导出的上限 {EXPORT_MAX_ROWS} 条，请缩小时间范围",
                            status=400, content_type="text/plain; charset=utf-8")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(["编号", "时间", "操作人", "来源地址", "动作", "对象类型", "对象编号", "结果", "摘要", "哈希"])
    for e in result.events.iterator(chunk_size=2000):
        sheet.append([e.id, timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                      e.actor.username if e.actor else "", e.source_ip or "", e.action, e.object_type,
                      e.object_id, e.get_outcome_display() if e.outcome else "", e.summary, e.hash])
    out = io.BytesIO()
    book.save(out)
    filters = {k: v for k, v in result.values.items() if v}
    record_event("audit.export", actor=request.user, summary=f"导出审计日志 {count} 条",
                 data={"filters": filters, "count": count})
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"审计日志_{timezone.localdate():%Y%m%d}.xlsx")
    return response
