"""行政处罚决定书, 当场行政处罚决定书, 不予行政处罚决定书.

Structure after published decisions of county bureaus: 云阳县医疗保障局行政处罚决定书 云医保处罚字〔2022〕第24号
(https://www.yunyang.gov.cn/zwgk_257/zfxxgkml/cfqz/cfqzxxhz/xybj_303635/202212/t20221229_11434477.html), 湘乡市
医疗保障局 湘乡医保处字〔2023〕第3号 (http://www.yqfywz.cn/2994/22627/22651/content_1229676.html) and 南县医疗保障局
(http://www.nanxian.gov.cn/14366/37610/content_2064717.html): title and 文号; party (name, 统一社会信用代码 or
身份证号码, address, 法定代表人); how the case came and was filed; the facts; 以上违法事实，有……等证据证明; the
provisions violated and applied; the penalty in capitals and figures; where and within which period to pay and
the surcharge (行政处罚法 第六十七、七十二条); 行政复议 and 行政诉讼 with their periods; bureau and date. These are
the items 行政处罚法 第五十九条 requires.
"""

from __future__ import annotations

from typing import Any

from yibao.cases.models import Case, DecisionKind, Procedure

from .base import (
    DocumentContextInput,
    MissingData,
    amount_parts,
    common,
    date_or_none,
    evidence_rows,
    last_step,
    payment_context,
    provision_rows,
    provisions_text,
    require,
    require_party_identity,
    rights_context,
)
from .notice import facts_of

PENALTY_DECISION = "行政处罚决定书"
SUMMARY_PENALTY_DECISION = "当场行政处罚决定书"
NO_PENALTY_DECISION = "不予行政处罚决定书"


def _decision(case: Case, inp: DocumentContextInput, document: str) -> dict[str, Any]:
    require_party_identity(case, document)
    require(document, 违法事实=facts_of(case))
    ctx = common(case, inp, document)
    rows = provision_rows(case, document)
    ctx.update({"facts": facts_of(case), "provisions": rows, "provisions_text": provisions_text(rows),
                "evidence": evidence_rows(case, inp), "filed_on": date_or_none(case.filed_on),
                "notified_on": date_or_none(case.notified_on),
                "decided_on": date_or_none(case.decided_on) or ctx["issued_on"]})
    ctx.update(rights_context(case, inp))
    return ctx


def _statements(case: Case) -> str:
    """What the party said after the notice, as the decision recounts it."""
    if case.hearing_requested and case.host_opinion:
        return f"当事人要求听证，本机关依法举行了听证。听证主持人意见：{case.host_opinion}"
    step = last_step(case, "close_statements")
    return step.reason.rstrip("。") + "。" if step and step.reason else ""


def penalty_decision(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    if case.decision_kind and case.decision_kind != DecisionKind.PENALTY:
        raise MissingData(PENALTY_DECISION, ["给予行政处罚的决定（本案决定为" + DecisionKind(case.decision_kind).label + "）"])
    # Before the head decides, the approved proposal fills a draft for preview; the issued document is the decision.
    fine = case.decided_fine if case.decided_fine is not None else (
        case.proposed_fine if case.proposal_approved else None)
    if fine is None:
        raise MissingData(PENALTY_DECISION, ["罚款金额（负责人尚未作出处罚决定）"])
    if case.notified_on is None:
        raise MissingData(PENALTY_DECISION, ["行政处罚事先告知（告知日期）"])
    ctx = _decision(case, inp, PENALTY_DECISION)
    ctx.update(amount_parts("fine", fine))
    ctx.update(ordered_amounts(case))
    ctx.update(payment_context(case, inp.settings, PENALTY_DECISION))
    ctx.update({"statements": _statements(case), "hearing_right": case.hearing_right})
    return ctx


def ordered_amounts(case: Case) -> dict[str, Any]:
    """The refund to the fund ordered (责令退回, 医疗保障基金使用监督管理条例 第三十八条 etc.) and the illegal gains
    confiscated, beside the fine: has_refund, refund_figures, refund_capitals, …, has_confiscation, confiscation_…"""
    ctx: dict[str, Any] = {}
    for prefix, amount in (("refund", case.decided_refund), ("confiscation", case.decided_confiscation)):
        ctx[f"has_{prefix}"] = bool(amount)
        if amount:
            ctx.update(amount_parts(prefix, amount))
    return ctx


def summary_penalty_decision(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    if case.procedure != Procedure.SUMMARY:
        raise MissingData(SUMMARY_PENALTY_DECISION, ["简易程序（本案适用普通程序）"])
    ctx = _decision(case, inp, SUMMARY_PENALTY_DECISION)
    ctx["is_fine"] = case.decided_fine is not None
    if case.decided_fine is not None:
        ctx.update(amount_parts("fine", case.decided_fine))
        ctx.update(payment_context(case, inp.settings, SUMMARY_PENALTY_DECISION))
    return ctx


def no_penalty_decision(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    if case.decision_kind not in (DecisionKind.NO_PENALTY, DecisionKind.NOT_ESTABLISHED):
        raise MissingData(NO_PENALTY_DECISION, ["不予行政处罚的决定"])
    step = last_step(case, "decide")
    reason = step.reason if step else ""
    require(NO_PENALTY_DECISION, 不予行政处罚的理由=reason)
    ctx = _decision(case, inp, NO_PENALTY_DECISION)
    ctx.update({"reason": reason, "outcome": DecisionKind(case.decision_kind).label})
    return ctx
