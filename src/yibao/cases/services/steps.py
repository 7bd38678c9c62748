"""Taking a step of the procedure: one locked case, the table's checks, the new state, the timeline and
the audit trail, all in one transaction. Specific steps add the data they carry (the report, the opinion,
the notice, the decision…) before the guards look at the case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from yibao.core.audit import record_event

from ..models import Case, CaseStep
from ..procedure import STATE_LABELS, STEPS, Action, CaseState, Refusal, ServiceCode, check, step_for
from .access import actor_role, check_actor, check_case_officer, check_post, check_scope, role_refusal
from .facts import case_facts, today

Change = Callable[[Case], None]


def lock(case: Case | int, expected_version: int | None) -> Case:
    """The case's row, locked for the transaction; a stale version is a conflict (two people at once)."""
    pk = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update().select_related("bureau").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise Refusal(ServiceCode.CONFLICT,
                      f"案件已被他人更新（您看到的是第{expected_version}版，现为第{locked.version}版），"
                      "请刷新页面查看最新情况后再办理")
    return locked


def write_step(case: Case, *, action: str, label: str, from_state: str, actor: Any, reason: str = "",
               data: dict | None = None) -> CaseStep:
    """Save the case with a new version, append its timeline step and its audit event."""
    if case.state == CaseState.UNDER_REVIEW and from_state != CaseState.UNDER_REVIEW:
        case.review_since = today()
    case.version += 1
    case.save()
    step = CaseStep.objects.create(case=case, action=action, label=label, from_state=from_state,
                                   to_state=case.state, actor=actor, at=timezone.now(), reason=reason,
                                   data=data or {})
    moved = f"（{STATE_LABELS[CaseState(from_state)]} → {STATE_LABELS[case.case_state]}）" \
        if from_state and from_state != case.state else ""
    record_event(f"case.{action}", actor=actor, obj=case, summary=f"{case}：{label}{moved}",
                 data={"from": from_state, "to": case.state, "reason": reason, "version": case.version,
                       **(data or {})})
    return step


def _json(data: dict | None) -> dict:
    def plain(v: Any) -> Any:
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if v is None or isinstance(v, (bool, int, str)):
            return v
        return str(v)
    return {k: plain(v) for k, v in (data or {}).items()}


def do_take_step(
    case: Case | int,
    action: Action | str,
    *,
    actor: Any,
    expected_version: int | None,
    reason: str = "",
    data: dict | None = None,
    before: Change | None = None,
    after: Change | None = None,
) -> Case:
    """Take one step of the procedure table on the case, or raise Refusal (code, Chinese message, basis).

    `before` records the step's input on the locked case before the guards read it (so a report makes
    the report guard pass); `after` sets what follows from the step once it is allowed (dates, deadlines).
    Resumption returns the case to the state it was suspended in.
    """
    action = Action(action)
    reason = (reason or "").strip()
    with transaction.atomic():
        case = lock(case, expected_version)
        if case.procedure != "ordinary":  # the summary path has its own table (services/summary.py)
            raise Refusal("wrong_procedure", f"该案件适用简易程序，不能{STEPS[action].label}")
        role = actor_role(actor)
        check_scope(actor, case.bureau)
        step = step_for(case.case_state, action, role)
        check_actor(actor, case, step)
        if before is not None:
            before(case)
        check(case.case_state, action, role, case_facts(case, actor=actor, role=role, reason=reason))
        from_state = case.state
        if action == Action.SUSPEND:
            case.state_before_suspension = from_state
        if step.stays:
            pass
        elif step.target is None:
            case.state, case.state_before_suspension = case.state_before_suspension, ""
        else:
            case.state = step.target
        if after is not None:
            after(case)
        if action in (Action.SUSPEND, Action.RESUME):
            from .clock import stop_or_restart_clock  # noqa: PLC0415 - clock builds on these steps

            stop_or_restart_clock(case, action, actor=actor, reason=reason)
        write_step(case, action=action, label=step.label, from_state=from_state, actor=actor, reason=reason,
                   data=_json(data))
    return case


@dataclass(frozen=True)
class RecordStep:
    """A step that records data on the case without moving it: where, by whom, at which post."""

    action: str
    label: str
    states: frozenset[CaseState]
    roles: frozenset[str]
    post: tuple[str, str] | None = None  # (post, section)
    on_case: bool = False  # only an officer of the case


def check_record_step(case: Case, spec: RecordStep, actor: Any) -> None:
    role = actor_role(actor)
    check_scope(actor, case.bureau)
    if case.case_state not in spec.states:
        raise Refusal("wrong_state", f"案件处于“{STATE_LABELS[case.case_state]}”状态，不能{spec.label}")
    if role not in spec.roles:
        raise role_refusal(spec.label, set(spec.roles))
    if spec.post is not None:
        check_post(actor, case.bureau, spec.post[0], spec.post[1], spec.label)
    if spec.on_case:
        check_case_officer(actor, case, spec.label)


def do_record(
    case: Case | int,
    spec: RecordStep,
    *,
    actor: Any,
    expected_version: int | None,
    change: Change,
    reason: str = "",
    data: dict | None = None,
) -> Case:
    """Record data on the case without moving it (the head's approval of a proposal, the hearing record,
    a payment): the same checks of state, role, post, scope and version as a step, and the same trail."""
    with transaction.atomic():
        case = lock(case, expected_version)
        check_record_step(case, spec, actor)
        change(case)
        write_step(case, action=spec.action, label=spec.label, from_state=case.state, actor=actor,
                   reason=reason.strip(), data=_json(data))
    return case


def act_date(on: dt.date | None) -> dt.date:
    """The date an act took place: today unless given; never in the future."""
    day = on or today()
    if day > today():
        raise Refusal(ServiceCode.INVALID_INPUT, "日期不能晚于今天")
    return day
