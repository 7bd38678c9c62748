"""行政处罚事先告知书, 陈述申辩笔录, 听证通知书, 听证笔录, 责令改正通知书, 责令退回通知书.

The 事先告知书 follows the structure of the published decisions of county bureaus (party block with
统一社会信用代码, facts, provisions, the proposed penalty), e.g. 云阳县医疗保障局
(https://www.yunyang.gov.cn/zwgk_257/zfxxgkml/cfqz/cfqzxxhz/xybj_303635/202212/t20221229_11434477.html), and the
party's rights of 行政处罚法 第四十四、四十五、六十三、六十四条; no published 医疗保障 告知书 itself was found. The
hearing documents follow 第六十四条; the orders (责令改正, 责令退回) 条例 第三十八条 and the case's provisions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from yibao.cases.models import Case, DecisionKind

from .base import (
    DocumentContextInput,
    MissingData,
    amount_parts,
    common,
    date_or_none,
    last_step,
    provision_rows,
    provisions_text,
    require,
    require_party,
    require_party_identity,
    statutory_days,
    step_date,
    user_name,
)

ADVANCE_NOTICE = "行政处罚事先告知书"
STATEMENT_RECORD = "陈述申辩笔录"
HEARING_NOTICE = "听证通知书"
HEARING_RECORD = "听证笔录"
CORRECTION_ORDER = "责令改正通知书"
REFUND_ORDER = "责令退回通知书"


def facts_of(case: Case) -> str:
    """The facts a document states: the case's summary of the violation, else the investigation report."""
    return case.facts_summary or case.investigation_report


def _party_document(case: Case, inp: DocumentContextInput, document: str) -> dict[str, Any]:
    require_party_identity(case, document)
    require(document, 违法事实=facts_of(case))
    ctx = common(case, inp, document)
    rows = provision_rows(case, document)
    ctx.update({"facts": facts_of(case), "provisions": rows, "provisions_text": provisions_text(rows)})
    return ctx


def advance_notice(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    from yibao.cases.parameters import defaults
    from yibao.cases.services.parameters import value

    if not case.proposal_approved:
        raise MissingData(ADVANCE_NOTICE, ["负责人批准的拟处理意见"])
    fine = case.notified_fine if case.notified_fine is not None else case.proposed_fine
    is_penalty = case.decision_kind == DecisionKind.PENALTY
    if is_penalty and fine is None:
        raise MissingData(ADVANCE_NOTICE, ["拟罚款金额"])
    ctx = _party_document(case, inp, ADVANCE_NOTICE)
    window = defaults()["statement_window"]
    hearing = statutory_days("request_hearing")
    ctx.update({
        "is_penalty": is_penalty, "proposed_outcome": DecisionKind(case.decision_kind).label,
        "statement_days": _days(int(value(case.bureau, "statement_window", inp.issued_on)))
        + ("个工作日" if window.workdays else "日"),
        "statement_basis": "《中华人民共和国行政处罚法》第四十四条、第四十五条",
        "statement_window_ends": date_or_none(case.statement_window_ends),
        "hearing_right": case.hearing_right, "hearing_days": hearing["days"], "hearing_basis": hearing["basis"],
        "hearing_request_due": date_or_none(case.hearing_request_due),
    })
    if is_penalty:
        ctx.update(amount_parts("fine", fine))
    return ctx


def _days(n: int) -> str:
    from yibao.documents.formatting import cn_count

    return cn_count(n)


def statement_record(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    step = last_step(case, "close_statements")
    if step is None:
        raise MissingData(STATEMENT_RECORD, ["当事人陈述、申辩的记录"])
    require_party(case, STATEMENT_RECORD)
    ctx = common(case, inp, STATEMENT_RECORD)
    ctx.update({"statements": step.reason, "recorded_by": user_name(step.actor),
                "recorded_on": step_date(step), "notified_on": date_or_none(case.notified_on)})
    return ctx


def hearing_notice(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    require_party(case, HEARING_NOTICE)
    require(HEARING_NOTICE, 听证日期=case.hearing_on, 听证地点=case.hearing_place, 听证主持人=case.hearing_host)
    ctx = common(case, inp, HEARING_NOTICE)
    notice = statutory_days("hearing_notice")
    # The day as scheduled, with its hour when one was set: the template says 定于{{ hearing_on }}.
    at = f"{case.hearing_time.hour}时{case.hearing_time.minute:02d}分" if case.hearing_time else ""
    ctx.update({"hearing_on": date_or_none(case.hearing_on) + at, "hearing_time": at,
                "hearing_place": case.hearing_place,
                "hearing_host": user_name(case.hearing_host), "notice_days": notice["days"],
                "notice_basis": notice["basis"], "notified_on": date_or_none(case.notified_on)})
    return ctx


def hearing_record(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    require_party(case, HEARING_RECORD)
    require(HEARING_RECORD, 听证笔录=case.hearing_record, 主持人意见=case.host_opinion, 听证日期=case.hearing_on)
    ctx = common(case, inp, HEARING_RECORD)
    ctx.update({"hearing_on": date_or_none(case.hearing_on), "hearing_place": case.hearing_place,
                "hearing_host": user_name(case.hearing_host), "hearing_record": case.hearing_record,
                "host_opinion": case.host_opinion})
    return ctx


def _by(inp: DocumentContextInput, document: str, what: str) -> str:
    day = inp.params.get(what)
    if not isinstance(day, dt.date):
        raise MissingData(document, ["改正期限" if what == "correct_by" else "退回期限"])
    return date_or_none(day)


def correction_order(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    ctx = _party_document(case, inp, CORRECTION_ORDER)
    ctx.update({"correct_by": _by(inp, CORRECTION_ORDER, "correct_by"),
                "correction": inp.params.get("correction", "")})
    return ctx


def refund_order(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    # The amount the decision ordered back once there is one; before it, the amount involved (涉案金额).
    amount = inp.params.get("amount", case.decided_refund if case.decided_refund is not None else case.amount)
    if amount is None:
        raise MissingData(REFUND_ORDER, ["应退回的医疗保障基金金额"])
    ctx = _party_document(case, inp, REFUND_ORDER)
    ctx.update({"refund_by": _by(inp, REFUND_ORDER, "refund_by"),
                "refund_account": inp.params.get("refund_account", ""), **amount_parts("refund", amount)})
    return ctx
