"""立案审批表 and 不予立案审批表.

No published sample of a 医疗保障 立案审批表 was found in the stored pages (queries: 医疗保障行政执法文书 式样,
立案审批表 医疗保障局). The fields follow 行政处罚法 第五十四条第二款 and the approval the 四川省医疗保障基金监管行政执法规程
describes (https://www.sc.gov.cn/zfgbdb/detail/7f9bc59c4c79465cb221e293d7878827.shtml): source of the case, party,
facts, provisions, officers, the officer's proposal, the head's opinion and date.
"""

from __future__ import annotations

from typing import Any

from yibao.cases.models import Case

from .base import (
    DocumentContextInput,
    MissingData,
    amount_parts,
    common,
    date_or_none,
    last_step,
    require,
    require_party,
    step_date,
    user_name,
)

FILING_APPROVAL = "立案审批表"
NON_FILING_APPROVAL = "不予立案审批表"


def _filing_common(case: Case, inp: DocumentContextInput, document: str) -> dict[str, Any]:
    require_party(case, document)
    require(document, 案由=case.title, 申请立案日期=case.proposed_on, 适用条款=case.provisions)
    ctx = common(case, inp, document)
    lead = case.lead
    ctx.update({
        "case_source": (f"{lead.get_source_display()}（线索编号 {lead.number}）" if lead else "执法人员发现"),
        "lead_summary": lead.summary if lead else "",
        "provisions_text": "、".join(case.provisions),
        "proposed_by": user_name(case.proposed_by),
        "proposed_on": date_or_none(case.proposed_on),
        "act_end_on": date_or_none(case.act_end_on),
        "limitation_note": (case.limitation or {}).get("explanation", ""),
        "has_amount": case.amount is not None,
    })
    if case.amount is not None:
        ctx.update(amount_parts("amount", case.amount))
    return ctx


def filing_approval(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    ctx = _filing_common(case, inp, FILING_APPROVAL)
    ctx.update({
        "approved_by": user_name(case.filing_approved_by),
        "filed_on": date_or_none(case.filed_on),
        "approval_opinion": "同意立案" if case.filed_on else "",
    })
    return ctx


def non_filing_approval(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    step = last_step(case, "reject_filing")
    if step is None:
        raise MissingData(NON_FILING_APPROVAL, ["负责人不予立案的决定及理由"])
    ctx = _filing_common(case, inp, NON_FILING_APPROVAL)
    ctx.update({"reason": step.reason, "decided_by": user_name(step.actor),
                "decided_on": step_date(step)})
    return ctx
