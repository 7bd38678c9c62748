"""移送: the head transfers a case to the judiciary (涉嫌犯罪, 行政处罚法 第二十七条第一款) or to the authority with
jurisdiction, with the letter; an officer of the case then records the receiver's receipt (回执)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yibao.org.constants import Role

from ..models import Case, CaseTransfer, TransferKind
from ..procedure import Action, CaseState, Refusal, ServiceCode, penalty_law
from .steps import RecordStep, act_date, do_record, do_take_step

RECORD_RECEIPT = RecordStep("record_transfer_receipt", "记录移送回执", frozenset({CaseState.TRANSFERRED}),
                            frozenset({Role.OFFICER, Role.HEAD}))
TRANSFER_STEPS: dict[str, RecordStep] = {RECORD_RECEIPT.action: RECORD_RECEIPT}
TRANSFER_SHOWN = {"record_transfer_receipt": lambda case: CaseTransfer.objects.filter(
    case=case, receipt_on__isnull=True).exists()}


class TransferCode:
    RECEIPT_RECORDED = "receipt_already_recorded"
    NO_TRANSFER = "no_transfer_letter"


def do_transfer(case: Case | int, *, actor: Any, expected_version: int | None, kind: str, to_authority: str,
                letter_number: str, reason: str, sent_on: dt.date | None = None) -> Case:
    """The head transfers the case with the letter (its number, the receiver, the day it was sent)."""
    to_authority, letter_number = (to_authority or "").strip(), (letter_number or "").strip()
    day = act_date(sent_on)

    def before(c: Case) -> None:
        if kind not in TransferKind.values:
            raise Refusal(ServiceCode.INVALID_INPUT, "请选择移送类别：涉嫌犯罪移送司法机关，或移送其他有管辖权的机关")
        if not to_authority or not letter_number:
            raise Refusal(ServiceCode.INVALID_INPUT, "请填写接收机关和移送函文号",
                          penalty_law(27, 1) if kind == TransferKind.JUDICIARY else None)
        if c.filed_on is not None and day < c.filed_on:
            raise Refusal(ServiceCode.INVALID_INPUT, "移送日期不能早于立案日期")

    def after(c: Case) -> None:
        CaseTransfer.objects.create(case=c, kind=kind, to_authority=to_authority, letter_number=letter_number,
                                    sent_on=day)

    return do_take_step(case, Action.TRANSFER, actor=actor, expected_version=expected_version, reason=reason,
                        before=before, after=after,
                        data={"kind": kind, "to": to_authority, "letter": letter_number, "sent_on": day})


def do_record_transfer_receipt(case: Case | int, *, actor: Any, expected_version: int | None,
                               received_on: dt.date | None, note: str = "") -> Case:
    """The receiver's receipt: once, not before the letter was sent."""
    day = act_date(received_on)

    def change(c: Case) -> None:
        transfer = CaseTransfer.objects.filter(case=c).first()
        if transfer is None:
            raise Refusal(TransferCode.NO_TRANSFER, "本案没有移送函记录")
        if transfer.receipt_on is not None:
            raise Refusal(TransferCode.RECEIPT_RECORDED, f"回执已于 {transfer.receipt_on.isoformat()} 记录")
        if day < transfer.sent_on:
            raise Refusal(ServiceCode.INVALID_INPUT, "回执日期不能早于移送日期")
        transfer.receipt_on, transfer.receipt_note = day, (note or "").strip()
        transfer.save(update_fields=["receipt_on", "receipt_note"])

    return do_record(case, RECORD_RECEIPT, actor=actor, expected_version=expected_version, change=change,
                     reason=note, data={"received_on": day})
