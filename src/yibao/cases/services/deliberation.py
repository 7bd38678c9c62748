"""集体讨论 (行政处罚法 第五十七条第二款): required above the bureau's amounts (thresholds.py) or when the officers
mark the case complex with a reason; recorded by the head who chaired it, with at least the bureau's
`deliberation_min_attendance` present, its conclusion, before the deadline. The decision's DELIBERATION guard
reads it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from yibao.org.constants import Role

from ..models import Case, Deliberation
from ..procedure import OPEN_BEFORE_DECISION, CaseState, GuardCode, Refusal, ServiceCode, penalty_law
from .facts import running_due, today
from .parameters import value
from .steps import RecordStep, do_record
from .thresholds import deliberation_required

BASIS = penalty_law(57, 2)
MARK_COMPLEX = RecordStep("mark_complex", "提请集体讨论（情节复杂）", OPEN_BEFORE_DECISION, frozenset({Role.OFFICER}),
                          on_case=True)
# After the investigation report and before the decision: what is discussed is the proposed outcome.
RECORD_DELIBERATION = RecordStep("record_deliberation", "记录集体讨论",
                                 frozenset({CaseState.UNDER_REVIEW, CaseState.NOTIFIED}), frozenset({Role.HEAD}))
DELIBERATION_STEPS: dict[str, RecordStep] = {r.action: r for r in (MARK_COMPLEX, RECORD_DELIBERATION)}


def _fine(case: Case) -> Any:
    return case.decided_fine if case.decided_fine is not None else case.proposed_fine


DELIBERATION_SHOWN = {
    "mark_complex": lambda case: not case.deliberation_required,
    "record_deliberation": lambda case: deliberation_required(case, _fine(case)) and not case.deliberation_done,
}


class DeliberationCode:
    TOO_FEW_ATTENDEES = "too_few_attendees"
    NO_CONCLUSION = "no_conclusion"
    NO_REASON = "no_reason"


def do_mark_complex(case: Case | int, *, actor: Any, expected_version: int | None, reason: str) -> Case:
    """An officer of the case marks it complex: its decision then needs the collective deliberation."""
    reason = (reason or "").strip()

    def change(c: Case) -> None:
        if not reason:
            raise Refusal(DeliberationCode.NO_REASON, "提请集体讨论须写明情节复杂的理由", BASIS)
        c.deliberation_required, c.complex_reason = True, reason

    return do_record(case, MARK_COMPLEX, actor=actor, expected_version=expected_version, change=change,
                     reason=reason)


def do_record_deliberation(case: Case | int, *, actor: Any, expected_version: int | None, attendees: Sequence[str],
                           conclusion: str, held_on: dt.date | None = None) -> Case:
    """The head who chaired the deliberation records who attended (the head counted) and the conclusion."""
    conclusion = (conclusion or "").strip()
    names = list(dict.fromkeys(n.strip() for n in attendees if n and n.strip()))
    day = held_on or today()

    def change(c: Case) -> None:
        chair = actor.get_full_name() or actor.get_username()
        present = names if chair in names else [chair, *names]
        minimum = int(value(c.bureau, "deliberation_min_attendance", day))
        if len(present) < minimum:
            raise Refusal(DeliberationCode.TOO_FEW_ATTENDEES,
                          f"集体讨论参加人员不得少于{minimum}人（含主持的负责人），本次为{len(present)}人", BASIS)
        if not conclusion:
            raise Refusal(DeliberationCode.NO_CONCLUSION, "请记录集体讨论的结论", BASIS)
        if day > today() or (c.filed_on is not None and day < c.filed_on):
            raise Refusal(ServiceCode.INVALID_INPUT, "讨论日期应在立案之后、今天或以前")
        due = running_due(c, today())
        if due is not None and day > due:
            raise Refusal(GuardCode.CASE_DEADLINE_PASSED,
                          f"办案期限已于 {due.isoformat()} 届满，须先经负责人批准延长", penalty_law(60))
        Deliberation.objects.create(case=c, held_on=day, chaired_by=actor, attendees=present, conclusion=conclusion)
        c.deliberation_done = True

    return do_record(case, RECORD_DELIBERATION, actor=actor, expected_version=expected_version, change=change,
                     reason=conclusion, data={"held_on": day, "attendees": names})
