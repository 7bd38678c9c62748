"""Payments of the amounts of the decision, one by one and each apart: the fine (罚款), the refund to the fund
(责令退回, 医疗保障基金使用监督管理条例 第三十八条 to 第四十一条) and the confiscation (没收违法所得). Of the fine a payment
may be an instalment of an approved plan (行政处罚法 第六十六条第二款), part of it, or the whole. Each is a `Payment` row
the 执行岗 records with its item, date, amount and receipt; the decision is executed when the rows cover every amount. What is still owed, the next instalment due and the penalty surcharge on a missed
one (第七十二条第一款第（一）项, law/money.py) are worked out from those rows and the plan, never stored twice.

Simplifications, where the law says nothing:
- A payment pays one item, named when recorded (the fine when not named); what is paid above one item never covers
  another: it is refunded.
- Deferral and instalments are of the fine only (第六十六条第二款 speaks of 罚款), and so is the surcharge (第七十二条).
- Payments settle the instalments in date order, earliest first, whatever the party meant to pay.
- A missed instalment does not make the rest of the plan due at once (第六十六条 leaves it open): each instalment
  keeps its own date, and the surcharge runs on the part of it still unpaid today, from the day after its date.
- The surcharge is shown, not collected here: payments count against the decided amounts only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Sum

from yibao.law.money import Surcharge, penalty_surcharge
from yibao.org.constants import Role

from ..models import ArrangementKind, Case, Payment, PaymentArrangement, PaymentItem
from ..procedure import FUND_SUPERVISION, CaseState, GuardCode, Refusal, ServiceCode, penalty_law
from .facts import today
from .steps import RecordStep, act_date, do_record

ZERO = Decimal("0.00")
RECORD_PAYMENT = RecordStep("record_payment", "记录缴款", frozenset({CaseState.ENFORCING}), frozenset({Role.OFFICER}),
                            ("执行岗", FUND_SUPERVISION), on_case=True)


class PaymentCode:
    NOTHING_TO_EXECUTE = GuardCode.NOTHING_TO_EXECUTE
    EXCEEDS_OWED = "payment_exceeds_owed"


# Where the decision keeps each item's amount: one source per fact.
DECIDED_FIELD = {PaymentItem.FINE: "decided_fine", PaymentItem.REFUND: "decided_refund",
                 PaymentItem.CONFISCATION: "decided_confiscation"}


def decided(case: Case, item: str) -> Decimal | None:
    """The amount the decision set for the item (None when it set none)."""
    return getattr(case, DECIDED_FIELD[PaymentItem(item)])


def _paid_by_item(case: Case) -> dict[str, Decimal]:
    rows = case.payments.values("item").annotate(total=Sum("amount")).order_by()
    return {r["item"]: r["total"] for r in rows}


def paid(case: Case, item: str | None = None) -> Decimal:
    """The sum of the payments recorded on the case, of the item or of all."""
    rows = case.payments.filter(item=item) if item else case.payments
    return rows.aggregate(total=Sum("amount"))["total"] or ZERO


def owed(case: Case, item: str | None = None) -> Decimal:
    """What the decision leaves to pay of the item (or of all): nothing when it set none or was set aside."""
    if not case.to_execute:
        return ZERO
    if item is None:
        return sum((owed(case, i) for i in PaymentItem), ZERO)
    return decided(case, item) or ZERO


def remaining(case: Case, item: str | None = None) -> Decimal:
    """What is still unpaid of the item, or of all items (each never below zero: one overpaid covers no other)."""
    by_item = _paid_by_item(case)
    items = [PaymentItem(item)] if item else list(PaymentItem)
    return sum((max(owed(case, i) - by_item.get(i, ZERO), ZERO) for i in items), ZERO)


def refund_due(case: Case, item: str | None = None) -> Decimal:
    """What was paid above what is now owed, of the item or of all: after a decision revoked, or a fine lowered by
    复议 or 诉讼."""
    by_item = _paid_by_item(case)
    items = [PaymentItem(item)] if item else list(PaymentItem)
    return sum((max(by_item.get(i, ZERO) - owed(case, i), ZERO) for i in items), ZERO)


@dataclass(frozen=True)
class Instalment:
    number: int
    due: dt.date
    amount: Decimal
    unpaid: Decimal
    surcharge: Surcharge | None  # on the unpaid part, once its date has passed

    @property
    def overdue(self) -> bool:
        return self.surcharge is not None and self.surcharge.days > 0


def instalments(case: Case, on: dt.date | None = None) -> list[Instalment]:
    """The approved plan's instalments with the part of each still unpaid (payments settle them earliest first)
    and the surcharge on a missed one; empty without a plan of instalments."""
    plan = PaymentArrangement.objects.filter(case=case, kind=ArrangementKind.INSTALMENTS).first()
    if plan is None:
        return []
    day, fine, left = on or today(), owed(case, PaymentItem.FINE), paid(case, PaymentItem.FINE)
    rows, planned = [], ZERO
    for number, (due_text, amount_text) in enumerate(sorted(plan.instalments), 1):
        due, amount = dt.date.fromisoformat(due_text), Decimal(amount_text)
        # A fine lowered by 复议 or 诉讼 after the plan ends the plan where the new fine is reached.
        share = max(min(planned + amount, fine) - planned, ZERO)
        planned += share
        covered = min(left, share)
        left -= covered
        unpaid = share - covered
        late = penalty_surcharge(unpaid, due, day) if unpaid > 0 and day > due else None
        rows.append(Instalment(number, due, amount, unpaid, late))
    return rows


def first_unpaid(rows: list[Instalment]) -> Instalment | None:
    """The earliest of a plan's instalments not yet covered by the payments."""
    return next((i for i in rows if i.unpaid > 0), None)


def next_instalment(case: Case, on: dt.date | None = None) -> Instalment | None:
    """The earliest instalment not yet covered by the payments."""
    return first_unpaid(instalments(case, on))


def instalment_surcharge(case: Case, on: dt.date | None = None) -> Surcharge | None:
    """The surcharge on the earliest missed instalment, its explanation naming the instalment; None when none."""
    missed = next((i for i in instalments(case, on) if i.overdue), None)
    if missed is None:
        return None
    late = missed.surcharge
    prefix = f"第{missed.number}期分期款（应于{missed.due.isoformat()}前缴纳）尚欠{missed.unpaid}元："
    return Surcharge(late.fine, late.payment_deadline, late.as_of, late.days, late.rate, late.amount, late.capped,
                     late.cap_reached_on, (penalty_law(66, 2), *late.citations), prefix + late.explanation)


def _amount(value: Decimal | int | str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Refusal(ServiceCode.INVALID_INPUT, f"缴款金额应为金额（元），收到：{value}") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise Refusal(ServiceCode.INVALID_INPUT, f"缴款金额应为大于零、精确到分的金额（元），收到：{value}")
    return amount.quantize(Decimal("0.01"))


def do_record_payment(case: Case | int, *, actor: Any, expected_version: int | None, paid_on: dt.date | None = None,
                      reference: str = "", amount: Decimal | int | str | None = None,
                      item: str | None = PaymentItem.FINE) -> Case:
    """Record a payment of one item of the decision, the fine when none is named (执行岗 of 基金监管股 in the penalty
    chain): the amount given, or without one the item's whole rest; never more than is owed of that item. The
    decision is executed when the payments cover every item."""
    day, reference = act_date(paid_on), (reference or "").strip()
    if item in (None, ""):
        item = PaymentItem.FINE
    if item not in PaymentItem.values:
        raise Refusal(ServiceCode.INVALID_INPUT, "请选择缴款项目：" + "、".join(PaymentItem.labels))
    item = PaymentItem(item)
    data: dict[str, Any] = {"paid_on": day, "item": item.value}

    def change(c: Case) -> None:
        rest = remaining(c, item) if not c.executed else ZERO
        if rest <= 0:
            raise Refusal(PaymentCode.NOTHING_TO_EXECUTE, f"该决定没有尚未缴纳的{item.label}")
        value = rest if amount in (None, "") else _amount(amount)
        if value > rest:
            raise Refusal(PaymentCode.EXCEEDS_OWED,
                          f"缴款 {value} 元超过尚欠的{item.label} {rest} 元，请核对缴款凭证和缴款项目")
        if c.served_on is not None and day < c.served_on:
            raise Refusal(ServiceCode.INVALID_INPUT, "缴款日期不能早于决定书送达日期")
        Payment.objects.create(case=c, item=item, paid_on=day, amount=value, reference=reference, recorded_by=actor)
        data.update(amount=value, remaining=rest - value)
        if remaining(c) <= 0:
            c.paid_on, c.executed = day, True

    return do_record(case, RECORD_PAYMENT, actor=actor, expected_version=expected_version, change=change,
                     reason=reference, data=data)


def settle_after_change(case: Case) -> None:
    """After the fine was changed: executed when the payments already cover every amount (the rest is refunded)."""
    if case.to_execute and not case.executed and remaining(case) <= 0:
        last = case.payments.order_by("-paid_on", "-id").first()
        case.executed, case.paid_on = True, last.paid_on if last else case.paid_on


def payment_summary(case: Case, on: dt.date | None = None) -> dict[str, Any] | None:
    """What the case page and the API show of the payments: owed, paid, still unpaid and to refund in all and per
    item (those decided or paid), the rows and the instalments with their surcharges; None before anything was
    decided to pay and paid."""
    rows = list(case.payments.select_related("recorded_by"))
    if not case.to_execute and not rows:
        return None
    plan = instalments(case, on)
    items = []
    for item in PaymentItem:
        paid_item = sum((p.amount for p in rows if p.item == item), ZERO)
        if decided(case, item) is None and not paid_item:
            continue
        due = owed(case, item)
        items.append({"item": item.value, "label": item.label, "decided": decided(case, item), "owed": due,
                      "paid": paid_item, "remaining": max(due - paid_item, ZERO),
                      "refund": max(paid_item - due, ZERO)})
    return {"owed": owed(case), "paid": sum((p.amount for p in rows), ZERO),
            "remaining": sum((i["remaining"] for i in items), ZERO), "refund": sum((i["refund"] for i in items), ZERO),
            "items": items, "apart": any(i["item"] != PaymentItem.FINE for i in items), "payments": rows, "instalments": plan, "next": first_unpaid(plan)}
