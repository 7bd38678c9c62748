"""延期（分期）缴纳罚款审批表, 催告书, 强制执行申请书.

No published sample of these 医疗保障 documents was found in the stored pages. The 催告书 follows 行政强制法
第三十五条 (the obligation, its period, the amount, the party's right to state and defend) with the surcharge of
行政处罚法 第七十二条第一款第（一）项; the application 行政强制法 第五十三至五十五条; the approval 行政处罚法
第六十六条第二款.
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
    require,
    require_party,
    user_name,
)
from .decision import ordered_amounts


def owed_now(case: Case, on: Any) -> dict[str, Any]:
    """What the party still owes on the day: each item of the decision not yet paid, the surcharge as the
    execution services count it (on the unpaid fine only, 行政处罚法 第七十二条; from a missed instalment under a
    plan), and the total; after part payments a 催告书 or an application to the court asks for the rest only."""
    from decimal import Decimal

    from yibao.cases.models import PaymentItem
    from yibao.cases.services.execution import surcharge
    from yibao.cases.services.payments import paid, remaining
    from yibao.documents.formatting import amount_with_capitals

    rests = {item: remaining(case, item) for item in PaymentItem}
    late = surcharge(case, on)
    extra = late.amount if late is not None else Decimal("0.00")
    ctx: dict[str, Any] = {
        "owed_items": "、".join(f"{item.label}{amount_with_capitals(rest)}" for item, rest in rests.items() if rest > 0),
        "partly_paid": paid(case) > 0,
        "overdue_days": late.days if late is not None else 0,
        "surcharge_explanation": late.explanation if late is not None else "",
    }
    ctx.update(amount_parts("unpaid_fine", rests[PaymentItem.FINE]))
    ctx.update(amount_parts("surcharge", extra))
    ctx.update(amount_parts("total", sum(rests.values(), Decimal("0.00")) + extra))
    return ctx

PAYMENT_DEFERRAL_APPROVAL = "延期（分期）缴纳罚款审批表"
REMINDER = "催告书"
COURT_ENFORCEMENT_APPLICATION = "强制执行申请书"
STATEMENT_RIGHT_BASIS = "《中华人民共和国行政强制法》第三十五条第（四）项"


def _fine(case: Case, document: str) -> dict[str, Any]:
    if case.decided_fine is None or case.decided_on is None:
        raise MissingData(document, ["行政处罚决定的罚款金额"])
    return amount_parts("fine", case.decided_fine)


def payment_deferral_approval(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    require_party(case, PAYMENT_DEFERRAL_APPROVAL)
    a = getattr(case, "payment_arrangement", None) if hasattr(case, "payment_arrangement") else None
    if a is None:
        raise MissingData(PAYMENT_DEFERRAL_APPROVAL, ["暂缓或分期缴纳的安排"])
    ctx = common(case, inp, PAYMENT_DEFERRAL_APPROVAL)
    ctx.update(_fine(case, PAYMENT_DEFERRAL_APPROVAL))
    from yibao.documents.formatting import amount_figures

    ctx.update({"arrangement": a.get_kind_display(), "until": date_or_none(a.until), "reason": a.reason,
                "instalments": [{"on": date_or_none(_date(d)), "amount": amount_figures(str(x))}
                                for d, x in (a.instalments or [])],
                "approved_by": user_name(a.approved_by), "approved_on": date_or_none(a.approved_on),
                "payment_due": date_or_none(case.payment_due), "decided_on": date_or_none(case.decided_on)})
    return ctx


def _date(value: Any):
    import datetime as dt

    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def reminder(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    from yibao.cases.parameters import defaults
    from yibao.cases.services.parameters import value
    from yibao.documents.formatting import cn_count, cn_rate
    from yibao.law.money import SURCHARGE_RATE_PER_DAY

    require_party(case, REMINDER)
    require(REMINDER, 缴款期限=case.payment_due)
    ctx = common(case, inp, REMINDER)
    ctx.update(_fine(case, REMINDER))
    ctx.update(ordered_amounts(case))  # also owed, without surcharge (第七十二条 is on the fine)
    ctx.update(owed_now(case, inp.issued_on))
    ctx.update({"decided_on": date_or_none(case.decided_on), "served_on": date_or_none(case.served_on),
                "payment_due": date_or_none(case.payment_due),
                "surcharge_rate": cn_rate(SURCHARGE_RATE_PER_DAY.value), "surcharge_basis": SURCHARGE_RATE_PER_DAY.label,
                "statement_basis": STATEMENT_RIGHT_BASIS,
                # 行政强制法 第五十四条: the bureau applies to the court only after this many days from service.
                "pay_within_days": cn_count(int(value(case.bureau, "enforcement_reminder", inp.issued_on))),
                "pay_within_basis": defaults()["enforcement_reminder"].basis})
    return ctx


def court_enforcement_application(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    from .base import region_of

    require_party(case, COURT_ENFORCEMENT_APPLICATION)
    require(COURT_ENFORCEMENT_APPLICATION, 催告书送达日期=case.reminder_served_on, 缴款期限=case.payment_due)
    ctx = common(case, inp, COURT_ENFORCEMENT_APPLICATION)
    ctx.update(_fine(case, COURT_ENFORCEMENT_APPLICATION))
    ctx.update(ordered_amounts(case))
    ctx.update(owed_now(case, inp.issued_on))
    ctx.update({"court": inp.params.get("court") or f"{region_of(inp.settings)}人民法院",
                "decided_on": date_or_none(case.decided_on), "served_on": date_or_none(case.served_on),
                "payment_due": date_or_none(case.payment_due),
                "reminder_served_on": date_or_none(case.reminder_served_on)})
    return ctx
