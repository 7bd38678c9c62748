"""The summary procedure (简易程序, 行政处罚法 第五十一、五十二条): two officers decide on the spot (a warning, or
a fine up to the limit for the party's type), hand the numbered decision over at once, and the head records it
with the bureau (备案) within the bureau's `summary_filing` period; payment (record_payment), then closing.
The steps and guards are procedure.SUMMARY_STEPS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from yibao.org.constants import Role
from yibao.org.models import Officer
from yibao.org.permissions import get_profile

from ..constants import PERSON_PARTIES, PartyType
from ..models import Case, CaseOfficer, DecisionKind, Party, Procedure, ServiceMethod
from ..procedure import (
    SUMMARY_TABLE,
    CaseFacts,
    CaseState,
    OfficerFacts,
    Refusal,
    ServiceCode,
    SummaryAction,
    check_summary,
)
from .access import actor_role, check_actor, check_scope
from .facts import closing_facts, count, today
from .filing import PartyInput
from .parameters import value
from .steps import Change, act_date, lock, write_step


@dataclass
class SummaryInput:
    """What an on-the-spot decision records: the pre-printed numbered form, the party, the two officers."""

    decision_number: str
    party: PartyInput
    officers: Sequence[Officer]
    facts_summary: str
    provisions: Sequence[str] = field(default_factory=list)
    fine: Decimal | int | str | None = None  # None: a warning
    decided_on: dt.date | None = None
    place: str = ""


def summary_limit(bureau: Any, party_type: str, on: dt.date) -> Decimal:
    key = "summary_fine_limit_person" if party_type in PERSON_PARTIES else "summary_fine_limit_organisation"
    return Decimal(str(value(bureau, key, on)))


def _invalid(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def _officer_facts(officers: Sequence[Officer]) -> list[OfficerFacts]:
    return [OfficerFacts(o.user_id or -o.pk, o.certificate_expiry if o.certificate_number else None)
            for o in officers]


def do_decide_on_spot(data: SummaryInput, *, actor: Any) -> Case:
    """当场作出行政处罚决定 by an officer who is one of the two, for their own bureau."""
    role = actor_role(actor)
    profile = get_profile(actor)
    bureau = profile.bureau
    check_scope(actor, bureau)
    day = act_date(data.decided_on)
    officers = list(dict.fromkeys(data.officers))
    try:
        fine = None if data.fine in (None, "") else Decimal(str(data.fine)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _invalid(f"罚款应为金额（元），收到：{data.fine}") from None
    if role == Role.OFFICER and not any(o.user_id == actor.pk for o in officers):
        raise Refusal(ServiceCode.NOT_CASE_OFFICER, "当场处罚须由作出决定的执法人员本人登记")
    facts = CaseFacts(today=day, officers=_officer_facts(officers), actor_id=actor.pk, proposed_fine=fine,
                      summary_fine_limit=summary_limit(bureau, data.party.party_type, day))
    step = check_summary(CaseState.PROPOSED, SummaryAction.DECIDE_ON_SPOT, role, facts)
    number = data.decision_number.strip()
    if not number:
        raise _invalid("请填写当场处罚决定书的编号")
    if data.party.party_type not in PartyType.values or not data.party.name.strip():
        raise _invalid("请填写当事人的类型和姓名或名称")
    if fine is not None and fine <= 0:
        raise _invalid("罚款应大于零；警告请不填罚款")
    if not data.facts_summary.strip():
        raise _invalid("请填写违法事实")
    if any(o.bureau_id != bureau.pk for o in officers):
        raise _invalid(f"执法人员须是{bureau.name}的执法人员")
    filing_due = count("summary_filing", day, bureau=bureau, label="当场处罚决定备案期限")
    with transaction.atomic():
        if Case.objects.filter(number=number).exists():
            raise _invalid(f"决定书编号 {number} 已被使用")
        case = Case.objects.create(
            bureau=bureau, number=number, procedure=Procedure.SUMMARY, state=step.target,
            title=f"{data.party.name.strip()}当场处罚", facts_summary=data.facts_summary.strip(), act_end_on=day,
            discovered_on=day, provisions=list(data.provisions), proposed_by=actor, proposed_on=day,
            review_required=False, decision_kind=DecisionKind.PENALTY, decided_fine=fine, decided_on=day,
            served_on=day, service_method=ServiceMethod.DIRECT,
            payment_due=count("pay_fine", day, bureau=bureau).due if fine else None,
            due_on=filing_due.due, due_explanation=filing_due.explanation, due_provisional=filing_due.provisional,
        )
        Party.objects.create(case=case, **{k: str(v).strip() for k, v in vars(data.party).items()})
        CaseOfficer.objects.bulk_create([CaseOfficer(case=case, officer=o, is_lead=o.user_id == actor.pk,
                                                     assigned_on=day, assigned_by=actor) for o in officers])
        write_step(case, action=SummaryAction.DECIDE_ON_SPOT, label=step.label, from_state="", actor=actor,
                   data={"fine": str(fine) if fine is not None else None, "place": data.place.strip(),
                         "decided_on": day.isoformat()})
    return case


def _summary_step(case: Case | int, action: SummaryAction, *, actor: Any, expected_version: int | None,
                  reason: str = "", before: Change | None = None, after: Change | None = None,
                  data: dict | None = None) -> Case:
    """Take a step of the summary table: `before` records its input before the guards read the case,
    `after` what follows once it is allowed (as steps.do_take_step does for the ordinary table)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        case = lock(case, expected_version)
        if case.procedure != Procedure.SUMMARY:
            raise Refusal("wrong_procedure", "该案件适用普通程序")
        role = actor_role(actor)
        check_scope(actor, case.bureau)
        spec = SUMMARY_TABLE[action]
        if case.case_state in spec.sources and role in spec.roles:
            check_actor(actor, case, spec)  # the post (执行岗 drafts the closing report) and place on the case
        if before is not None:
            before(case)
        facts = CaseFacts(today=today(), actor_id=actor.pk, actor_is_head=role == Role.HEAD, reason=reason,
                          summary_filing_due=case.due_on if action == SummaryAction.FILE_SUMMARY else None,
                          to_execute=case.to_execute, executed=case.executed,
                          court_enforcement_accepted=case.court_accepted_on is not None, **closing_facts(case))
        step = check_summary(case.case_state, action, role, facts)
        from_state = case.state
        if not step.stays:
            case.state = step.target
        if action == SummaryAction.FILE_SUMMARY:
            case.due_on, case.due_explanation = None, ""
        if after is not None:
            after(case)
        write_step(case, action=action, label=step.label, from_state=from_state, actor=actor, reason=reason,
                   data=data)
    return case


def do_file_summary(case: Case | int, *, actor: Any, expected_version: int | None, reason: str = "") -> Case:
    """备案: the head records the on-the-spot decision; late only with the reason."""
    return _summary_step(case, SummaryAction.FILE_SUMMARY, actor=actor, expected_version=expected_version,
                         reason=reason)


def summary_actions(case: Case, role: str, user: Any = None) -> list[tuple[str, str]]:
    """The summary table's actions a role (the user, at their post and on the case) may take now, guards aside."""
    from ..procedure import SUMMARY_STEPS  # noqa: PLC0415

    return [(str(s.action), s.label) for s in SUMMARY_STEPS
            if case.case_state in s.sources and role in s.roles and s.action != SummaryAction.DECIDE_ON_SPOT
            and _may_act(case, s, user)]


def _may_act(case: Case, step: Any, user: Any) -> bool:
    if user is None:
        return True
    try:
        check_actor(user, case, step)
    except Refusal:
        return False
    return True
