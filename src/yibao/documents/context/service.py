"""送达地址确认书, 送达回证, 送达公告.

No published sample of a 医疗保障 送达回证 or 送达地址确认书 was found in the stored pages. The fields follow
行政处罚法 第六十一条 (service as 民事诉讼法 provides; electronic service with the party's consent and address):
the document served, its number, the person served, method, place, date, signatures.
"""

from __future__ import annotations

from typing import Any

from yibao.cases.models import Case, ServiceMethod
from yibao.deadlines.periods import STATUTORY_PERIODS
from yibao.law.citations import Citation

from .base import DocumentContextInput, MissingData, common, date_or_none, require, require_party

SERVICE_ADDRESS_CONFIRMATION = "送达地址确认书"
SERVICE_RECEIPT = "送达回证"
SERVICE_ANNOUNCEMENT = "送达公告"

# 公告送达: served when this many days have passed since the announcement (《中华人民共和国民事诉讼法》(2023)
# 第九十五条第一款, which 行政处罚法 第六十一条第一款 applies): the period the case services count.
ANNOUNCEMENT_DAYS = STATUTORY_PERIODS["announce_service"].days
ANNOUNCEMENT_BASIS: Citation = STATUTORY_PERIODS["announce_service"].citation


def _served_document(case: Case, inp: DocumentContextInput, document: str) -> dict[str, str]:
    """The document being served: params['served'] {title, number}, else the case's decision."""
    served = inp.params.get("served")
    if served:
        require(document, 送达文书名称=served.get("title"), 送达文书文号=served.get("number"))
        return {"served_title": served["title"], "served_number": served["number"]}
    raise MissingData(document, ["所送达的文书（名称和文号）"])


def service_address_confirmation(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    party = require_party(case, SERVICE_ADDRESS_CONFIRMATION)
    recorded = case.parties.exclude(service_confirmed_on=None).first()  # the confirmation recorded on the case
    address = inp.params.get("address") or (recorded.service_address if recorded else "") or party["address"]
    require(SERVICE_ADDRESS_CONFIRMATION, 送达地址=address)
    ctx = common(case, inp, SERVICE_ADDRESS_CONFIRMATION)
    ctx.update({"address": address, "recipient": inp.params.get("recipient") or party["name"],
                "phone": inp.params.get("phone") or party["contact"],
                "electronic_address": inp.params.get("electronic_address")
                or (recorded.electronic_address if recorded else ""),
                "confirmed_service_address": recorded.service_address if recorded else "",
                "confirmed_on": date_or_none(recorded.service_confirmed_on if recorded else None)})
    return ctx


def service_receipt(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    party = require_party(case, SERVICE_RECEIPT)
    ctx = common(case, inp, SERVICE_RECEIPT)
    ctx.update(_served_document(case, inp, SERVICE_RECEIPT))
    method = inp.params.get("method") or case.service_method
    ctx.update({"recipient": party["name"], "address": party["address"],
                "method": ServiceMethod(method).label if method in ServiceMethod.values else "",
                "served_on": date_or_none(inp.params.get("served_on") or case.served_on)})
    # What proves service, as do_serve recorded it (cases/services/service.py: RECEIPT_PARTS).
    receipt = case.service_receipt or {}
    ctx.update({key: receipt.get(key, "") for key in ("signed_by", "witnesses", "evidence_note", "tracking_number",
                                                      "electronic_address", "where")})
    ctx["announced_on"] = date_or_none(case.announced_on)
    return ctx


def service_announcement(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    from yibao.documents.formatting import cn_count

    party = require_party(case, SERVICE_ANNOUNCEMENT)
    ctx = common(case, inp, SERVICE_ANNOUNCEMENT)
    ctx.update(_served_document(case, inp, SERVICE_ANNOUNCEMENT))
    ctx.update({"recipient": party["name"], "announcement_days": cn_count(ANNOUNCEMENT_DAYS),
                "announcement_basis": ANNOUNCEMENT_BASIS.label(),
                "reason": inp.params.get("reason") or "受送达人下落不明或者用其他方式无法送达"})
    return ctx
