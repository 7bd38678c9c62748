"""Which actions a user may take on a case now: the table's cells for their role, narrowed to their post
and their place on the case. Guards are left to the step itself, which refuses with the article."""

from __future__ import annotations

from typing import Any

from ..models import Case
from ..procedure import STEPS, Action, Refusal, allowed_actions
from .access import actor_role, check_actor, check_scope
from .clock import CLOCK_SHOWN, CLOCK_STEPS
from .deliberation import DELIBERATION_SHOWN, DELIBERATION_STEPS
from .execution import EXECUTION_SHOWN, EXECUTION_STEPS
from .handling import RECORD_STEPS
from .hearing import HEARING_SHOWN, HEARING_STEPS
from .officers import OFFICER_SHOWN, OFFICER_STEPS
from .service import SERVICE_SHOWN, SERVICE_STEPS
from .steps import check_record_step
from .transfer import TRANSFER_SHOWN, TRANSFER_STEPS

# Records beside the procedure's chain, in this order after the chain's own actions.
SIDE_STEPS = {**OFFICER_STEPS, **CLOCK_STEPS, **DELIBERATION_STEPS, **HEARING_STEPS, **TRANSFER_STEPS,
              **EXECUTION_STEPS, **SERVICE_STEPS}
SIDE_SHOWN = {**OFFICER_SHOWN, **CLOCK_SHOWN, **DELIBERATION_SHOWN, **HEARING_SHOWN, **TRANSFER_SHOWN,
              **EXECUTION_SHOWN, **SERVICE_SHOWN}

# The review form carries the opinion 补充调查, which takes this step: no button of its own.
FOLDED_INTO_REVIEW = frozenset({Action.RETURN_FOR_INVESTIGATION})

# Where each recording step shows among the table's actions: after the step named.
RECORD_AFTER = {"approve_proposal": Action.COMPLETE_REVIEW, "close_statements": Action.NOTIFY,
                "record_hearing": Action.REQUEST_HEARING, "record_payment": Action.START_ENFORCEMENT}


def available_actions(case: Case, user: Any) -> list[tuple[str, str]]:
    """(action, label) pairs the user may take on the case now, in procedure order."""
    try:
        role = actor_role(user)
        check_scope(user, case.bureau)
    except Refusal:
        return []
    if case.procedure == "summary":
        return _summary_actions(case, user, role)
    out: list[tuple[str, str]] = []
    for action in allowed_actions(case.case_state, role):
        if action in FOLDED_INTO_REVIEW:
            continue
        try:
            check_actor(user, case, STEPS[action])
        except Refusal:
            continue
        out.append((action.value, STEPS[action].label))
    for key, spec in RECORD_STEPS.items():
        try:
            check_record_step(case, spec, user)
        except Refusal:
            continue
        anchor = RECORD_AFTER[key]
        at = next((i + 1 for i, (a, _) in enumerate(out) if a == anchor), 0)
        out.insert(at, (key, spec.label))
    # The acts beside the chain (officers, deadlines…) come after its steps.
    for key, spec in SIDE_STEPS.items():
        if key in SIDE_SHOWN and not SIDE_SHOWN[key](case):
            continue
        try:
            check_record_step(case, spec, user)
        except Refusal:
            continue
        out.append((key, spec.label))
    return out


def _summary_actions(case: Case, user: Any, role: str) -> list[tuple[str, str]]:
    from .summary import summary_actions  # noqa: PLC0415 - summary imports filing, which imports handling

    out = summary_actions(case, role, user)
    try:
        check_record_step(case, RECORD_STEPS["record_payment"], user)
    except Refusal:
        return out
    return [(RECORD_STEPS["record_payment"].action, RECORD_STEPS["record_payment"].label), *out]
