"""涉嫌犯罪案件移送书 and 结案审批表.

No published sample of these 医疗保障 documents was found in the stored pages. The 移送书 follows 行政处罚法
第二十七条第一款 (the case, the facts, why a crime is suspected, the materials sent); the 结案审批表 the closing
grounds of the 广东省地市医疗保障行政处罚程序实施办法 第五十九条 (http://www.qbclub.cn/mn569423p6.aspx): executed,
court enforcement accepted, nothing to execute, investigation terminated. It is filled from the closing report
执行岗 drafted (cases.ClosingReport): its ground, summaries and drafter, and the head's approval once given.
"""

from __future__ import annotations

from typing import Any

from yibao.cases.models import Case, ClosingReport, TransferKind

from .base import (
    DocumentContextInput,
    MissingData,
    amount_parts,
    common,
    date_or_none,
    last_step,
    require_party,
    user_name,
)
from .notice import facts_of

CRIMINAL_TRANSFER = "涉嫌犯罪案件移送书"
CLOSING_APPROVAL = "结案审批表"


def criminal_transfer(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    t = getattr(case, "transfer", None) if hasattr(case, "transfer") else None
    if t is None or t.kind != TransferKind.JUDICIARY:
        raise MissingData(CRIMINAL_TRANSFER, ["负责人移送司法机关的决定"])
    require_party(case, CRIMINAL_TRANSFER)
    ctx = common(case, inp, CRIMINAL_TRANSFER)
    step = last_step(case, "transfer")
    ctx.update({"to_authority": t.to_authority, "sent_on": date_or_none(t.sent_on), "facts": facts_of(case),
                "reason": step.reason if step else "", "filed_on": date_or_none(case.filed_on),
                "materials": inp.params.get("materials", [])})
    return ctx


def closing_approval(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    require_party(case, CLOSING_APPROVAL)
    if not case.number:
        raise MissingData(CLOSING_APPROVAL, ["案号（案件尚未立案）"])
    # Before 执行岗 drafts the report the form prints with its parts blank, to be filled in by hand.
    report = ClosingReport.objects.filter(case=case).select_related("drafted_by", "approved_by").first() \
        or ClosingReport()
    ctx = common(case, inp, CLOSING_APPROVAL)
    approved = report.approved_on is not None
    ctx.update({
        "filed_on": date_or_none(case.filed_on), "decided_on": date_or_none(case.decided_on),
        "decision": case.get_decision_kind_display() if case.decision_kind else "",
        "has_fine": case.decided_fine is not None, "paid_on": date_or_none(case.paid_on),
        "executed": case.executed, "state": case.get_state_display(),
        "closing_ground": report.get_ground_display() if report.ground else "",
        "handling_summary": report.handling_summary, "execution_summary": report.execution_summary,
        "drafted_by": user_name(report.drafted_by if report.drafted_by_id else None),
        "drafted_on": date_or_none(report.drafted_on),
        "approved": approved, "approval_opinion": (report.approval_opinion or "同意结案") if approved else "",
        "approved_by": user_name(report.approved_by), "approved_on": date_or_none(report.approved_on),
        # The names of the form before the report, which a bureau's own template may still use.
        "closing_reason": report.get_ground_display() if report.ground else "", "closed_by": user_name(report.approved_by),
        "closed_on": date_or_none(case.closed_on),
    })
    if case.decided_fine is not None:
        ctx.update(amount_parts("fine", case.decided_fine))
    return ctx
