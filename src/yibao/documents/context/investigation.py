"""The documents of the investigation: 询问笔录, 现场检查笔录, 先行登记保存通知书 and its 处理决定书, 封存决定书 and
解除封存决定书, 协助调查函, 回避决定书, 案件延期审批表, 调查终结报告.

No published sample of these 医疗保障 forms was found in the stored pages; the 云阳县医疗保障局 decision
(https://www.yunyang.gov.cn/zwgk_257/zfxxgkml/cfqz/cfqzxxhz/xybj_303635/202212/t20221229_11434477.html) cites
询问笔录 and 现场检查笔录 among its evidence. The records follow 行政处罚法 第五十五条 (certificates shown, a record
the person checks and signs or refuses with a witness), 先行登记保存 第五十六条, 封存 行政强制法 第二十四、二十八条 and
条例 第二十七条, 回避 第四十三条.

The records come from the investigation's models (cases.models.investigation; coercion.Seal) when the engine
names one in params['record'] (an instance or its id), else the case's latest; a dict with the same field names
is taken as well.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from yibao.cases.models import Case

from .base import (
    DocumentContextInput,
    MissingData,
    common,
    date_or_none,
    get,
    record_from,
    require,
    require_party,
    statutory_days,
    step_date,
    user_name,
)

INQUIRY_RECORD = "询问笔录"
INSPECTION_RECORD = "现场检查笔录"
PRESERVATION_NOTICE = "先行登记保存通知书"
PRESERVATION_DECISION = "先行登记保存处理决定书"
SEAL_DECISION = "封存决定书"
UNSEAL_DECISION = "解除封存决定书"
ASSISTANCE_REQUEST = "协助调查函"
RECUSAL_DECISION = "回避决定书"
EXTENSION_APPROVAL = "案件延期审批表"
INVESTIGATION_REPORT = "调查终结报告"


def _when(value: Any) -> str:
    """A record's date and time as written in a record: 2026年3月2日9时30分."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.year}年{value.month}月{value.day}日{value.hour}时{value.minute:02d}分"
    return date_or_none(value)


def _record(case: Case, inp: DocumentContextInput, manager: str, document: str) -> dict[str, Any]:
    r = record_from(case, inp, manager, document)
    require(document, 地点=get(r, "place"), 被询问人或在场人=get(r, "person_name"), 开始时间=get(r, "started_at"))
    ctx = common(case, inp, document)
    certificates = get(r, "officer_certificates", []) or ctx["officers"]
    signature = r.get_signature_display() if hasattr(r, "get_signature_display") else get(r, "signature")
    ctx.update({
        "started_at": _when(get(r, "started_at")), "ended_at": _when(get(r, "ended_at")),
        "place": get(r, "place"),
        "record_officers": [{"name": get(c, "name"), "certificate_number": get(c, "certificate_number")}
                            for c in certificates],
        "certificates_shown": bool(get(r, "certificates_shown", False)),
        "person_name": get(r, "person_name"), "person_id_number": get(r, "person_id_number"),
        "person_relation": get(r, "person_relation"), "person_contact": get(r, "person_contact"),
        "qa": [{"question": get(x, "question"), "answer": get(x, "answer")} for x in get(r, "qa", []) or []],
        "signature": signature, "witness": get(r, "witness"), "page_count": get(r, "page_count"),
        "recorded_by": user_name(get(r, "recorded_by", None)),
        "findings": get(r, "findings"),
    })
    return ctx


def inquiry_record(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    ctx = _record(case, inp, "inquiryrecords", INQUIRY_RECORD)
    if not ctx["qa"]:
        raise MissingData(INQUIRY_RECORD, ["询问的问答"])
    return ctx


def inspection_record(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    ctx = _record(case, inp, "inspectionrecords", INSPECTION_RECORD)
    require(INSPECTION_RECORD, 检查情况=ctx["findings"])
    return ctx


def _items(items: list) -> list[dict[str, Any]]:
    """An item list: dicts with name, specification, quantity, holder (先行登记保存) or plain names (封存)."""
    return [{"number": i, "name": x, "specification": "", "quantity": "", "holder": ""} if isinstance(x, str) else
            {"number": i, "name": get(x, "name"), "specification": get(x, "specification"),
             "quantity": get(x, "quantity"), "holder": get(x, "holder")} for i, x in enumerate(items or [], start=1)]


def preservation_notice(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    require_party(case, PRESERVATION_NOTICE)
    p = record_from(case, inp, "preservations", PRESERVATION_NOTICE)
    require(PRESERVATION_NOTICE, 物品清单=get(p, "items", []), 保存地点=get(p, "place"),
            负责人批准=get(p, "approved_on", None))
    ctx = common(case, inp, PRESERVATION_NOTICE)
    period = statutory_days("preservation_decision")
    ctx.update({"items": _items(get(p, "items", [])), "reason": get(p, "reason"), "place": get(p, "place"),
                "approved_on": date_or_none(get(p, "approved_on", None)),
                "preserved_on": date_or_none(get(p, "preserved_on", None)) or ctx["issued_on"],
                "decision_days": period["days"], "decision_basis": period["basis"]})
    return ctx


def preservation_decision(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    require_party(case, PRESERVATION_DECISION)
    p = record_from(case, inp, "preservations", PRESERVATION_DECISION)
    outcome = p.get_outcome_display() if hasattr(p, "get_outcome_display") else get(p, "outcome")
    require(PRESERVATION_DECISION, 处理决定=outcome, 登记保存日期=get(p, "preserved_on", None))
    ctx = common(case, inp, PRESERVATION_DECISION)
    ctx.update({"items": _items(get(p, "items", [])), "outcome": outcome, "outcome_note": get(p, "outcome_note"),
                "preserved_on": date_or_none(get(p, "preserved_on", None)),
                "notice_number": get(p, "notice_number"),
                "decided_on": date_or_none(get(p, "decided_on", None)) or ctx["issued_on"]})
    return ctx


def _seal(case: Case, inp: DocumentContextInput, document: str) -> tuple[Any, dict[str, Any]]:
    s = record_from(case, inp, "seals", document)
    require(document, 封存的资料清单=get(s, "items", []), 封存地点=get(s, "place"), 法律依据=get(s, "basis"))
    ctx = common(case, inp, document)
    ctx.update({
        "seal_number": get(s, "number"), "seal_party_name": get(s, "party_name"),
        "seal_party_address": get(s, "party_address"),
        "items": _items(get(s, "items", [])), "place": get(s, "place"), "reason": get(s, "reason"),
        "basis": get(s, "basis"), "seal_days": get(s, "days"),
        "starts_on": date_or_none(get(s, "starts_on", None)), "ends_on": date_or_none(get(s, "ends_on", None)),
    })
    return s, ctx


def seal_decision(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    s, ctx = _seal(case, inp, SEAL_DECISION)
    require(SEAL_DECISION, 封存期限=ctx["seal_days"], 负责人批准=get(s, "approved_on", None))
    return ctx


def unseal_decision(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    s, ctx = _seal(case, inp, UNSEAL_DECISION)
    reason = s.get_lift_reason_display() if hasattr(s, "get_lift_reason_display") else get(s, "lift_reason")
    require(UNSEAL_DECISION, 解除理由=reason, 解除日期=get(s, "lifted_on", None))
    ctx.update({"lift_reason": reason, "lift_note": get(s, "lift_note"),
                "lifted_on": date_or_none(get(s, "lifted_on", None))})
    return ctx


def assistance_request(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    a = record_from(case, inp, "assistance_requests", ASSISTANCE_REQUEST)
    require(ASSISTANCE_REQUEST, 协查单位=get(a, "to_authority"), 协查事项=get(a, "matters"),
            回复期限=get(a, "reply_due", None))
    ctx = common(case, inp, ASSISTANCE_REQUEST)
    ctx.update({"to_authority": get(a, "to_authority"), "matters": get(a, "matters"),
                "reply_due": date_or_none(get(a, "reply_due", None))})
    return ctx


def recusal_decision(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    r = record_from(case, inp, "recusal_requests", RECUSAL_DECISION)
    if get(r, "granted", None) is None:
        raise MissingData(RECUSAL_DECISION, ["负责人对回避申请的决定"])
    ctx = common(case, inp, RECUSAL_DECISION)
    officer = r.case_officer.officer.name if hasattr(r, "case_officer") else get(r, "officer_name")
    asked_by = r.get_asked_by_display() if hasattr(r, "get_asked_by_display") else get(r, "asked_by")
    ctx.update({"recused_officer": officer, "asked_by": asked_by, "request_reason": get(r, "reason"),
                "asked_on": date_or_none(get(r, "asked_on", None)), "granted": bool(get(r, "granted")),
                "decision_reason": get(r, "decision_reason"),
                "decided_by": user_name(get(r, "decided_by", None)),
                "decided_on": date_or_none(get(r, "decided_on", None))})
    return ctx


def extension_approval(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    e = record_from(case, inp, "extensions", EXTENSION_APPROVAL)
    require(EXTENSION_APPROVAL, 立案日期=case.filed_on, 延长理由=get(e, "reason"))
    ctx = common(case, inp, EXTENSION_APPROVAL)
    ctx.update({"filed_on": date_or_none(case.filed_on), "extension_days": get(e, "days"),
                "reason": get(e, "reason"), "deliberation_record": get(e, "deliberation_record"),
                "approved_by": user_name(get(e, "approved_by", None)),
                "approved_on": date_or_none(get(e, "approved_on", None)),
                "due_on": date_or_none(case.due_on)})
    return ctx


def investigation_report(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    from yibao.cases.services.report import current_report
    from yibao.documents.formatting import amount_figures

    from .base import evidence_rows, provision_rows, provisions_text

    require_party(case, INVESTIGATION_REPORT)
    require(INVESTIGATION_REPORT, 调查终结报告=case.investigation_report)
    ctx = common(case, inp, INVESTIGATION_REPORT)
    rows = provision_rows(case, INVESTIGATION_REPORT)
    step = case.steps.filter(action="finish_investigation").order_by("-at", "-id").first()
    # The structured report gives the facts found and the evidence it relies on (not every item of the case).
    report = current_report(case)
    if report is not None and "evidence" not in inp.params:
        inp = replace(inp, params={**inp.params, "evidence": list(report.evidence.order_by("number"))})
    ctx.update({"report": report.facts if report is not None else case.investigation_report,
                "report_parts": report_parts(report), "provisions": rows, "provisions_text": provisions_text(rows),
                "evidence": evidence_rows(case, inp), "filed_on": date_or_none(case.filed_on),
                "reported_on": step_date(step) if step else ctx["issued_on"],
                "fine_range": (f"{amount_figures(case.fine_min)}至{amount_figures(case.fine_max)}"
                               if case.fine_min is not None and case.fine_max is not None else case.fine_note)})
    return ctx


def report_parts(report: Any) -> dict[str, str]:
    """The parts of the structured 调查终结报告 (empty when the case has only the text of an earlier report)."""
    if report is None:
        return {}
    return {"source": report.source, "process": report.process, "facts": report.facts, "nature": report.nature,
            "basis": "；".join(report.basis), "proposal": report.get_proposal_display() if report.proposal else "",
            "measures": report.measures, "fine": str(report.fine) if report.fine is not None else "",
            "discretion": report.discretion, "grade": (report.grade or {}).get("label", "")}
