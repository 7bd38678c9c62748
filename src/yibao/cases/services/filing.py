"""Filing (立案): an officer of 立案岗 proposes, the head approves; or the head files directly, the
approval recorded as theirs. The case gets its number and its 90-day deadline on the day it is filed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F

from yibao.catalog.models import PowerItem
from yibao.law.money import limitation
from yibao.monitoring.services import assess_fine
from yibao.org.constants import Role
from yibao.org.models import Bureau, Officer

from ..constants import LeadStatus, PartyType
from ..models import Case, CaseNumberCounter, CaseOfficer, Lead, Party
from ..procedure import (
    CERTIFICATES,
    FUND_SUPERVISION,
    TWO_OFFICERS,
    Action,
    CaseFacts,
    CaseState,
    OfficerFacts,
    Refusal,
    ServiceCode,
    penalty_law,
)
from .access import actor_role, check_post, check_scope, role_refusal
from .facts import count, today
from .lead_verification import check_within_period as check_lead_period
from .leads import FILABLE_LEAD_STATUSES, do_follow_filing
from .steps import do_take_step, write_step

FILING_POST = "立案岗"


@dataclass
class PartyInput:
    party_type: str
    name: str
    credit_code: str = ""
    id_number: str = ""
    address: str = ""
    legal_representative: str = ""
    contact: str = ""


@dataclass
class FilingInput:
    """What a filing records: the matter, its parties and officers, and the facts limitation needs."""

    title: str
    parties: Sequence[PartyInput]
    officers: Sequence[Officer]
    act_end_on: dt.date | None
    facts_summary: str = ""
    lead: Lead | None = None
    bureau: Bureau | None = None
    lead_officer: Officer | None = None
    discovered_on: dt.date | None = None
    life_health_harm: bool = False
    provisions: Sequence[str] = field(default_factory=list)
    items: Iterable[PowerItem] = ()
    amount: Decimal | None = None
    review_required: bool = True
    deliberation_required: bool = False


def case_number(bureau: Bureau, year: int, sequence: int) -> str:
    """The bureau's format: the first character of its name, 医保立, the year, the sequence, e.g.
    栾医保立〔2026〕3号. (A bureau-chosen short name is a setting still to come.)"""
    return f"{bureau.name[:1]}医保立〔{year}〕{sequence}号"


def next_case_number(bureau: Bureau, year: int) -> str:
    """Take the next number under the counter row's lock; call inside the filing's transaction."""
    counter = CaseNumberCounter.objects.filter(bureau=bureau, year=year)
    if not counter.update(last=F("last") + 1):
        CaseNumberCounter.objects.bulk_create([CaseNumberCounter(bureau=bureau, year=year, last=0)],
                                              ignore_conflicts=True)
        counter.update(last=F("last") + 1)
    return case_number(bureau, year, counter.get().last)


def _invalid(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def _money(value: Decimal | int | str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _invalid(f"涉案金额应为金额（元），收到：{value}") from None
    if amount < 0:
        raise _invalid("涉案金额不能为负数")
    return amount


def _check_input(data: FilingInput, bureau: Bureau, on: dt.date) -> dict:
    if not data.title.strip():
        raise _invalid("请填写案由")
    if not data.parties:
        raise _invalid("请至少填写一个当事人")
    for p in data.parties:
        if p.party_type not in PartyType.values:
            raise _invalid(f"当事人类型不正确：{p.party_type}")
        if not p.name.strip():
            raise _invalid("请填写当事人的姓名或名称")
    officers = list(dict.fromkeys(data.officers))
    strangers = [o for o in officers if o.bureau_id != bureau.pk]
    if strangers:
        raise _invalid(f"执法人员 {strangers[0]} 不属于{bureau.name}")
    facts = CaseFacts(today=on, officers=[
        OfficerFacts(o.user_id or -o.pk, o.certificate_expiry if o.certificate_number else None) for o in officers
    ])
    for guard in (TWO_OFFICERS, CERTIFICATES):
        if not guard.passes(facts):
            raise Refusal(guard.code, guard.message, guard.basis)
    if data.act_end_on is None:
        raise _invalid("请填写违法行为发生或者终了的日期（追责时效据此计算）")
    discovered = data.discovered_on or (data.lead.received_date if data.lead else on)
    if data.act_end_on > discovered:
        raise _invalid("违法行为发生或终了日期不能晚于发现日期")
    checked = limitation(data.act_end_on, discovered, life_health_harm=data.life_health_harm)
    if checked.expired:
        raise Refusal(ServiceCode.LIMITATION_EXPIRED, checked.explanation, penalty_law(36, 1))
    return {"officers": officers, "discovered": discovered, "limitation": checked.as_dict()}


def file(case: Case, *, actor: Any, on: dt.date) -> None:
    """What filing sets on an approved case: number, date, deadline, the approver, the lead's status."""
    case.number = next_case_number(case.bureau, on.year)
    case.filed_on = on
    case.filing_approved_by = actor
    due = count("decide_case", on, bureau=case.bureau)
    case.due_on, case.due_explanation, case.due_provisional = due.due, due.explanation, due.provisional
    if case.lead_id:
        do_follow_filing(case.lead, LeadStatus.FILED, f"已立案：{case.number}", actor=actor, case_number=case.number)


def do_file_case(data: FilingInput, *, actor: Any) -> Case:
    """Propose a filing (an officer of 立案岗) or file directly (the head); refuse with a Refusal."""
    role = actor_role(actor)
    bureau = data.lead.bureau if data.lead is not None else data.bureau
    if bureau is None:
        raise _invalid("请指定办案单位或线索")
    check_scope(actor, bureau)
    if role == Role.OFFICER:
        check_post(actor, bureau, FILING_POST, FUND_SUPERVISION, "申请立案")
    elif role != Role.HEAD:
        raise role_refusal("立案", {Role.OFFICER, Role.HEAD})
    on = today()
    with transaction.atomic():
        if data.lead is not None:
            lead = Lead.objects.select_for_update().get(pk=data.lead.pk)
            if lead.status not in FILABLE_LEAD_STATUSES:
                raise _invalid(f"线索 {lead.number} 的状态为“{lead.get_status_display()}”，不能立案")
            if lead.cases.exclude(state__in=[CaseState.NOT_FILED]).exists():
                raise _invalid(f"线索 {lead.number} 已有立案申请或案件")
            check_lead_period(lead)
        checked = _check_input(data, bureau, on)
        amount = _money(data.amount)
        fine = (assess_fine(data.parties[0].party_type, list(data.provisions), amount or Decimal(0), bureau)
                if data.provisions else {"fine_min": None, "fine_max": None, "note": "", "assessment": {}})
        case = Case.objects.create(
            bureau=bureau, lead=data.lead, title=data.title.strip(), facts_summary=data.facts_summary.strip(),
            act_end_on=data.act_end_on, discovered_on=checked["discovered"], life_health_harm=data.life_health_harm,
            limitation=checked["limitation"], proposed_by=actor, proposed_on=on, provisions=list(data.provisions),
            amount=amount, assessment=fine["assessment"], fine_min=fine["fine_min"], fine_max=fine["fine_max"],
            fine_note=fine["note"], review_required=data.review_required,
            deliberation_required=data.deliberation_required, state=CaseState.PROPOSED,
        )
        case.items.set(list(data.items))
        Party.objects.bulk_create([Party(case=case, **{k: str(v).strip() for k, v in vars(p).items()})
                                   for p in data.parties])
        lead_officer = data.lead_officer or checked["officers"][0]
        CaseOfficer.objects.bulk_create([
            CaseOfficer(case=case, officer=o, is_lead=o == lead_officer, assigned_on=on, assigned_by=actor)
            for o in checked["officers"]
        ])
        summary = {"title": case.title, "parties": len(data.parties), "officers": [o.pk for o in checked["officers"]],
                   "lead": data.lead.number if data.lead else None, "provisions": list(data.provisions)}
        if role == Role.HEAD:
            case.state = CaseState.FILED
            file(case, actor=actor, on=on)
            write_step(case, action="file", label="立案（负责人批准）", from_state="", actor=actor, data=summary)
        else:
            if data.lead is not None:
                do_follow_filing(data.lead, LeadStatus.ASSESSING, "已申请立案，待负责人批准", actor=actor)
            write_step(case, action="propose_filing", label="申请立案", from_state="", actor=actor, data=summary)
    return case


def do_approve_filing(case: Case | int, *, actor: Any, expected_version: int | None) -> Case:
    """The head approves a proposed filing: the case is filed, numbered and its deadline starts."""
    return do_take_step(case, Action.APPROVE_FILING, actor=actor, expected_version=expected_version,
                        after=lambda c: file(c, actor=actor, on=today()))


def do_reject_filing(case: Case | int, *, actor: Any, expected_version: int | None, reason: str) -> Case:
    """The head declines a proposed filing, with the reason; the lead stays open for its own decision."""
    return do_take_step(case, Action.REJECT_FILING, actor=actor, expected_version=expected_version, reason=reason)
