"""Service of the decision (送达, 行政处罚法 第六十一条, which sends it to the 民事诉讼法): the party's confirmed
address for service and its consent to electronic service (送达地址确认书), the public announcement served
when its period ends, and the receipt (送达回证) each method needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yibao.deadlines.calendar import cn_date
from yibao.deadlines.periods import CIVIL_PROCEDURE_LAW
from yibao.law.citations import Citation

from ..models import Case, ServiceMethod
from ..procedure import FUND_SUPERVISION, Action, CaseState, Refusal, ServiceCode, penalty_law
from .facts import count
from .steps import RecordStep, act_date, do_record, do_take_step

SERVICE_BASIS = penalty_law(61, 1)
NO_ELECTRONIC_CONSENT = "no_electronic_consent"
NO_SERVICE_RECEIPT = "no_service_receipt"
ANNOUNCEMENT_RUNNING = "announcement_running"

# 民事诉讼法 (2023): 第八十七条 direct service signed for, 第八十九条 left at the address before witnesses or on
# photo or video, 第九十条 electronic only with consent, 第九十一条 mail, 第九十五条 announcement.
CIVIL_ARTICLES = {ServiceMethod.DIRECT: 87, ServiceMethod.LEFT: 89, ServiceMethod.ELECTRONIC: 90,
                  ServiceMethod.MAIL: 91, ServiceMethod.ANNOUNCEMENT: 95}

# What a 送达回证 must show for each method, beside the day (the day signed, received or reached the system):
# (one of these parts, its Chinese name).
RECEIPT_PARTS: dict[str, tuple[tuple[str, ...], str]] = {
    ServiceMethod.DIRECT: (("signed_by",), "签收人"),
    ServiceMethod.LEFT: (("witnesses", "evidence_note"), "见证人或拍照、录像记录"),
    ServiceMethod.MAIL: (("tracking_number",), "邮件单号"),
    ServiceMethod.ELECTRONIC: (("electronic_address",), "电子送达地址"),
}

# Until the decision is served, the party may confirm or change its address for service.
BEFORE_SERVICE = frozenset({CaseState.FILED, CaseState.INVESTIGATING, CaseState.UNDER_REVIEW, CaseState.NOTIFIED,
                            CaseState.HEARING, CaseState.DECIDED, CaseState.SUSPENDED})
RECORD_SERVICE_ADDRESS = RecordStep("record_service_address", "记录送达地址确认书", BEFORE_SERVICE,
                                    frozenset({"officer"}), on_case=True)
ANNOUNCE_SERVICE = RecordStep("announce_service", "公告送达（发出公告）", frozenset({CaseState.DECIDED}),
                              frozenset({"officer"}), ("送达岗", FUND_SUPERVISION), on_case=True)

SERVICE_STEPS = {s.action: s for s in (RECORD_SERVICE_ADDRESS, ANNOUNCE_SERVICE)}
# The announcement's button until one is recorded (its period then runs to the day of service).
SERVICE_SHOWN = {ANNOUNCE_SERVICE.action: lambda case: case.announcement_ends is None}


def civil_law(article: int) -> Citation:
    return Citation(CIVIL_PROCEDURE_LAW, "law", article)


def _invalid(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def case_parties(case: Case) -> list[tuple[str, str]]:
    return [(str(p.pk), p.name) for p in case.parties.all()]


def do_record_service_address(case: Case | int, *, actor: Any, expected_version: int | None, party: str | int,
                              address: str, electronic_address: str = "", confirmed_on: dt.date | None = None
                              ) -> Case:
    """Record the party's 送达地址确认书: its address and, if it agreed to electronic service, where."""
    address, electronic_address = (address or "").strip(), (electronic_address or "").strip()
    if not address:
        raise _invalid("请填写当事人确认的送达地址")
    day = act_date(confirmed_on)

    def change(c: Case) -> None:
        found = c.parties.filter(pk=party).first() if str(party or "").isdigit() else None
        if found is None:
            raise _invalid("请选择本案的当事人")
        found.service_address, found.electronic_address, found.service_confirmed_on = address, electronic_address, day
        found.save(update_fields=["service_address", "electronic_address", "service_confirmed_on"])

    return do_record(case, RECORD_SERVICE_ADDRESS, actor=actor, expected_version=expected_version, change=change,
                     data={"party": str(party), "address": address, "electronic_address": electronic_address,
                           "confirmed_on": day.isoformat()})


def do_announce_service(case: Case | int, *, actor: Any, expected_version: int | None, reason: str, where: str,
                        announced_on: dt.date | None = None) -> Case:
    """Publish the decision by announcement when the party cannot be found; it is served when the period ends."""
    reason, where = (reason or "").strip(), (where or "").strip()
    if not reason:
        raise Refusal("no_reason", "公告送达须写明受送达人下落不明或者用其他方式无法送达的情况", civil_law(95))
    if not where:
        raise _invalid("请填写公告刊登处（报纸、公告栏或网站）")
    day = act_date(announced_on)

    def change(c: Case) -> None:
        c.announced_on, c.announcement_where = day, where
        c.announcement_ends = count("announce_service", day, bureau=c.bureau).due

    return do_record(case, ANNOUNCE_SERVICE, actor=actor, expected_version=expected_version, change=change,
                     reason=reason, data={"announced_on": day.isoformat(), "where": where})


def _electronic_address(case: Case, given: str) -> str:
    """The address electronic service goes to: one the party agreed to in writing, else a refusal."""
    parties = list(case.parties.all())
    agreed = [p.electronic_address for p in parties if p.electronic_address and p.service_confirmed_on]
    if not parties or len(agreed) < len(parties):
        raise Refusal(NO_ELECTRONIC_CONSENT, "当事人未在送达地址确认书中同意电子送达，不能电子送达", SERVICE_BASIS)
    if given and given not in agreed:
        raise Refusal(NO_ELECTRONIC_CONSENT, f"“{given}”不是当事人同意的电子送达地址（{'、'.join(agreed)}）",
                      SERVICE_BASIS)
    return given or "、".join(agreed)


def _receipt(case: Case, method: str, parts: dict[str, str], day: dt.date) -> dict[str, str]:
    """The 送达回证 of the method, or a refusal naming the part it lacks."""
    if method == ServiceMethod.ELECTRONIC:
        parts["electronic_address"] = _electronic_address(case, parts.get("electronic_address", ""))
    if method == ServiceMethod.ANNOUNCEMENT:
        return {"method": method, "served_on": day.isoformat(), "announced_on": case.announced_on.isoformat(),
                "where": case.announcement_where}
    names, label = RECEIPT_PARTS[method]
    if not any(parts.get(n) for n in names):
        raise Refusal(NO_SERVICE_RECEIPT, f"{ServiceMethod(method).label}须在送达回证中记录{label}",
                      civil_law(CIVIL_ARTICLES[ServiceMethod(method)]))
    return {"method": method, "served_on": day.isoformat(), **{k: v for k, v in parts.items() if v}}


def do_serve(case: Case | int, *, actor: Any, expected_version: int | None, method: str,
             on: dt.date | None = None, reason: str = "", signed_by: str = "", witnesses: str = "",
             evidence_note: str = "", tracking_number: str = "", electronic_address: str = "") -> Case:
    """送达 with its method, date and receipt; late service needs the reason (第六十一条). An announcement is
    served on the day its period ends, recorded on or after it."""
    if method not in ServiceMethod.values:
        raise _invalid("请选择送达方式")
    parts = {k: (v or "").strip() for k, v in (("signed_by", signed_by), ("witnesses", witnesses),
                                               ("evidence_note", evidence_note),
                                               ("tracking_number", tracking_number),
                                               ("electronic_address", electronic_address))}
    stored: dict[str, Any] = {}

    def before(c: Case) -> None:
        day = act_date(on)
        if method == ServiceMethod.ANNOUNCEMENT:
            if c.announcement_ends is None:
                raise Refusal("no_announcement", "请先记录公告（公告日期和刊登处），公告期满方为送达", civil_law(95))
            if act_date(None) < c.announcement_ends:
                raise Refusal(ANNOUNCEMENT_RUNNING, f"公告期间尚未届满，{cn_date(c.announcement_ends)}起方视为送达",
                              civil_law(95))
            day = c.announcement_ends
        stored["receipt"], stored["day"] = _receipt(c, method, dict(parts), day), day
        c.service_method = method  # the guard holds an announcement's publication against the seven days

    def after(c: Case) -> None:
        day = stored["day"]
        c.served_on, c.service_receipt = day, stored["receipt"]
        c.payment_due = count("pay_fine", day, bureau=c.bureau).due if c.to_execute else None

    return do_take_step(case, Action.SERVE, actor=actor, expected_version=expected_version, reason=reason,
                        before=before, after=after, data={"method": method, **{k: v for k, v in parts.items() if v}})
