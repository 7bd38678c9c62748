"""法制审核意见书 and 集体讨论记录.

No published sample of a 医疗保障 法制审核意见书 or 集体讨论记录 was found in the stored pages. The fields follow
行政处罚法 第五十八条 (the review before the decision: facts, evidence, provisions, procedure, the proposed outcome)
and 第五十七条第二款 (the head's collective deliberation: who attended, who chaired, the conclusion).
"""

from __future__ import annotations

from typing import Any

from yibao.cases.models import Case, ReviewOpinion

from .base import (
    DocumentContextInput,
    MissingData,
    amount_parts,
    common,
    date_or_none,
    get,
    last_step,
    provision_rows,
    provisions_text,
    record_from,
    require,
    require_party,
    step_date,
    user_name,
)

LEGAL_REVIEW_OPINION = "法制审核意见书"
DELIBERATION_RECORD = "集体讨论记录"


def legal_review_opinion(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    step = last_step(case, "complete_review", "return_for_investigation")
    if step is None:
        raise MissingData(LEGAL_REVIEW_OPINION, ["法制审核人员的审核意见"])
    require_party(case, LEGAL_REVIEW_OPINION)
    ctx = common(case, inp, LEGAL_REVIEW_OPINION)
    rows = provision_rows(case, LEGAL_REVIEW_OPINION)
    opinion = (step.data or {}).get("opinion", "")
    ctx.update({
        "report": case.investigation_report, "provisions": rows, "provisions_text": provisions_text(rows),
        "opinion": ReviewOpinion(opinion).label if opinion in ReviewOpinion.values else opinion,
        "opinion_text": (step.data or {}).get("text", "") or step.reason,
        "reviewer": user_name(step.actor), "reviewed_on": step_date(step),
        "has_proposed_fine": case.proposed_fine is not None,
    })
    if case.proposed_fine is not None:
        ctx.update(amount_parts("proposed_fine", case.proposed_fine))
    return ctx


def deliberation_record(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    d = record_from(case, inp, "deliberations", DELIBERATION_RECORD)
    attendees = get(d, "attendees", []) or []
    require(DELIBERATION_RECORD, 讨论结论=get(d, "conclusion"), 参加人员=attendees)
    ctx = common(case, inp, DELIBERATION_RECORD)
    ctx.update({"held_on": date_or_none(get(d, "held_on", None)), "chaired_by": user_name(get(d, "chaired_by", None)),
                "attendees": "、".join(str(a) for a in attendees), "conclusion": get(d, "conclusion"),
                "report": case.investigation_report, "complex_reason": case.complex_reason})
    if case.proposed_fine is not None:
        ctx.update(amount_parts("proposed_fine", case.proposed_fine))
    ctx["has_proposed_fine"] = case.proposed_fine is not None
    return ctx
