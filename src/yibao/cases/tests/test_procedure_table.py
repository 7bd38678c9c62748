"""The procedure table: every (state, action, role) cell, and each guard refusing with its code."""

import datetime as dt
from decimal import Decimal

import pytest

from yibao.cases.procedure import (
    FINAL_STATES,
    HEAD,
    LEGAL_REVIEWER,
    OFFICER,
    PENALTY_STEPS,
    STEPS,
    Action,
    CaseFacts,
    CaseState,
    GuardCode,
    OfficerFacts,
    Refusal,
    allowed_actions,
    check,
    step_for,
)

TODAY = dt.date(2026, 6, 1)
ROLES = (OFFICER, LEGAL_REVIEWER, HEAD)
CELLS = [(s, a, r) for s in CaseState for a in Action for r in ROLES]


@pytest.mark.parametrize(("state", "action", "role"), CELLS, ids=[f"{s}-{a}-{r}" for s, a, r in CELLS])
def test_each_cell_of_the_table_is_allowed_or_refused_with_a_reason(state, action, role):
    step = STEPS[action]
    if state in step.sources and role in step.roles:
        assert step_for(state, action, role) is step
        assert action in allowed_actions(state, role)
    else:
        with pytest.raises(Refusal) as refused:
            step_for(state, action, role)
        assert refused.value.code == ("wrong_state" if state not in step.sources else "wrong_role")
        assert refused.value.message
        assert action not in allowed_actions(state, role)


def test_no_action_leaves_a_final_state():
    assert {CaseState.CLOSED, CaseState.TERMINATED, CaseState.TRANSFERRED, CaseState.NOT_FILED,
            CaseState.REVOKED} == FINAL_STATES
    for state in FINAL_STATES:
        assert all(allowed_actions(state, role) == [] for role in ROLES)


def test_every_state_but_the_final_ones_has_a_way_forward():
    for state in set(CaseState) - FINAL_STATES:
        assert any(state in s.sources for s in PENALTY_STEPS), state


def test_the_review_is_the_legal_sections_and_every_other_post_the_fund_supervision_sections():
    for step in PENALTY_STEPS:
        if step.post == "审查岗":
            assert step.section == "法制审核"
        elif step.post is not None:
            assert step.section == "基金监管", step.action


def valid_officers() -> list[OfficerFacts]:
    return [OfficerFacts(1, dt.date(2027, 1, 1)), OfficerFacts(2, dt.date(2027, 1, 1))]


def ready_to_decide(**changes) -> CaseFacts:
    facts = CaseFacts(
        today=TODAY, officers=valid_officers(), actor_id=9, actor_is_head=True, investigation_report=True,
        review_required=True, review_passed=True, proposal_approved=True, notified_on=dt.date(2026, 5, 20),
        statement_window_ends=dt.date(2026, 5, 27), proposed_fine=Decimal("5000"),
        notified_fine=Decimal("5000"), case_due=dt.date(2026, 8, 1),
    )
    for k, v in changes.items():
        setattr(facts, k, v)
    return facts


def refused_code(state, action, role, facts) -> str:
    with pytest.raises(Refusal) as refused:
        check(state, action, role, facts)
    assert refused.value.basis is None or refused.value.basis.article
    return refused.value.code


def test_a_complete_case_may_be_decided():
    assert check(CaseState.NOTIFIED, Action.DECIDE, HEAD, ready_to_decide()).target == CaseState.DECIDED


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"actor_is_head": False}, GuardCode.NOT_DECIDED_BY_HEAD),
        ({"notified_on": None}, GuardCode.NOT_NOTIFIED),
        ({"statement_window_ends": dt.date(2026, 6, 3)}, GuardCode.STATEMENT_WINDOW_OPEN),
        ({"hearing_requested": True}, GuardCode.HEARING_PENDING),
        ({"review_passed": False}, GuardCode.REVIEW_NOT_PASSED),
        ({"deliberation_required": True}, GuardCode.DELIBERATION_REQUIRED),
        ({"proposed_fine": Decimal("5000.01")}, GuardCode.HEAVIER_THAN_NOTIFIED),
        ({"case_due": dt.date(2026, 5, 31)}, GuardCode.CASE_DEADLINE_PASSED),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_decision_is_refused_until_the_law_is_satisfied(changes, code):
    assert refused_code(CaseState.NOTIFIED, Action.DECIDE, HEAD, ready_to_decide(**changes)) == code


def test_a_party_that_waived_its_statements_may_be_decided_before_the_window_ends():
    facts = ready_to_decide(statement_window_ends=dt.date(2026, 6, 3), statements_closed=True)
    assert check(CaseState.NOTIFIED, Action.DECIDE, HEAD, facts)


def test_a_heavier_decision_after_a_new_notice_on_new_facts_is_allowed():
    facts = ready_to_decide(proposed_fine=Decimal("8000"), renotified_with_new_facts=True)
    assert check(CaseState.NOTIFIED, Action.DECIDE, HEAD, facts)


def test_a_no_penalty_decision_needs_no_notice():
    facts = ready_to_decide(notified_on=None, statement_window_ends=None, decision_kind="no_penalty")
    assert check(CaseState.UNDER_REVIEW, Action.DECIDE, HEAD, facts)


def test_an_investigation_needs_two_officers_with_valid_certificates():
    one = CaseFacts(today=TODAY, officers=valid_officers()[:1])
    assert refused_code(CaseState.FILED, Action.START_INVESTIGATION, OFFICER, one) == GuardCode.TOO_FEW_OFFICERS
    recused = CaseFacts(today=TODAY, officers=[*valid_officers()[:1], OfficerFacts(2, TODAY, recused=True)])
    assert refused_code(CaseState.FILED, Action.START_INVESTIGATION, OFFICER, recused) == GuardCode.TOO_FEW_OFFICERS
    expired = CaseFacts(today=TODAY, officers=[OfficerFacts(1, dt.date(2027, 1, 1)),
                                               OfficerFacts(2, TODAY - dt.timedelta(days=1))])
    code = refused_code(CaseState.FILED, Action.START_INVESTIGATION, OFFICER, expired)
    assert code == GuardCode.CERTIFICATE_INVALID
    on_the_last_day = CaseFacts(today=TODAY, officers=[OfficerFacts(1, TODAY), OfficerFacts(2, TODAY)])
    assert check(CaseState.FILED, Action.START_INVESTIGATION, OFFICER, on_the_last_day)


def test_a_case_officer_may_not_review_the_case():
    facts = CaseFacts(today=TODAY, officers=valid_officers(), actor_id=1)
    code = refused_code(CaseState.UNDER_REVIEW, Action.COMPLETE_REVIEW, LEGAL_REVIEWER, facts)
    assert code == GuardCode.REVIEWER_IS_CASE_OFFICER
    facts.actor_id = 3
    assert check(CaseState.UNDER_REVIEW, Action.COMPLETE_REVIEW, LEGAL_REVIEWER, facts)


def test_a_hearing_request_after_its_period_is_refused():
    facts = CaseFacts(today=TODAY, hearing_right=True, hearing_request_due=TODAY)
    assert check(CaseState.NOTIFIED, Action.REQUEST_HEARING, OFFICER, facts).target == CaseState.HEARING
    facts.today = TODAY + dt.timedelta(days=1)
    assert refused_code(CaseState.NOTIFIED, Action.REQUEST_HEARING, OFFICER, facts) == GuardCode.HEARING_REQUEST_LATE
    no_right = CaseFacts(today=TODAY, hearing_right=False, hearing_request_due=TODAY)
    assert refused_code(CaseState.NOTIFIED, Action.REQUEST_HEARING, OFFICER, no_right) == GuardCode.NO_HEARING_RIGHT


def test_late_service_needs_a_reason():
    facts = CaseFacts(today=TODAY, service_due=TODAY - dt.timedelta(days=1))
    assert refused_code(CaseState.DECIDED, Action.SERVE, OFFICER, facts) == GuardCode.LATE_WITHOUT_REASON
    facts.reason = "当事人下落不明，改为公告送达"
    assert check(CaseState.DECIDED, Action.SERVE, OFFICER, facts)


def closing(ground: str = "executed", report: str = "drafted", **changes) -> CaseFacts:
    facts = CaseFacts(today=TODAY, executed=True, closing_report=report, closing_ground=ground)
    for k, v in changes.items():
        setattr(facts, k, v)
    return facts


def test_a_case_is_closed_only_when_executed_or_with_nothing_to_execute():
    unpaid = closing(executed=False)
    assert refused_code(CaseState.ENFORCING, Action.CLOSE, HEAD, unpaid) == GuardCode.NOT_EXECUTED
    assert check(CaseState.ENFORCING, Action.CLOSE, HEAD, closing())
    court = closing("court_accepted", executed=False, court_enforcement_accepted=True)
    assert check(CaseState.ENFORCING, Action.CLOSE, HEAD, court)
    assert check(CaseState.SERVED, Action.CLOSE, HEAD, closing("nothing_to_execute", to_execute=False))
    code = refused_code(CaseState.SERVED, Action.START_ENFORCEMENT, OFFICER, CaseFacts(today=TODAY, to_execute=False))
    assert code == GuardCode.NOTHING_TO_EXECUTE


@pytest.mark.parametrize("report", ["", "returned", "approved"])
def test_closing_without_a_drafted_report_awaiting_approval_is_refused(report):
    code = refused_code(CaseState.ENFORCING, Action.CLOSE, HEAD, closing(report=report))
    assert code == GuardCode.NO_CLOSING_REPORT
    assert refused_code(CaseState.ENFORCING, Action.RETURN_CLOSING_REPORT, HEAD,
                        closing(report=report, reason="执行情况写得不清")) == GuardCode.NO_CLOSING_REPORT


@pytest.mark.parametrize(
    ("ground", "changes"),
    [
        ("executed", {"executed": False, "court_enforcement_accepted": True}),
        ("court_accepted", {}),
        ("nothing_to_execute", {}),
        ("executed", {"executed": False, "to_execute": False}),
        ("", {}),
    ],
)
def test_a_closing_ground_that_does_not_agree_with_the_case_is_refused(ground, changes):
    facts = closing(ground, report="", **changes)
    code = refused_code(CaseState.ENFORCING, Action.DRAFT_CLOSING_REPORT, OFFICER, facts)
    assert code == GuardCode.CLOSING_GROUND_MISMATCH


def test_the_closing_report_is_drafted_by_the_fund_sections_execution_post_and_leaves_the_state():
    step = check(CaseState.SERVED, Action.DRAFT_CLOSING_REPORT, OFFICER,
                 closing("nothing_to_execute", report="returned", to_execute=False))
    assert (step.post, step.section, step.stays) == ("执行岗", "基金监管", True)
    assert refused_code(CaseState.ENFORCING, Action.RETURN_CLOSING_REPORT, HEAD, closing()) == GuardCode.NO_REASON
    assert check(CaseState.ENFORCING, Action.RETURN_CLOSING_REPORT, HEAD, closing(reason="请补充缴款凭证")).stays


@pytest.mark.parametrize("action", [Action.SUSPEND, Action.RESUME, Action.TERMINATE, Action.TRANSFER])
def test_suspension_termination_and_transfer_need_a_reason(action):
    state = STEPS[action].sources and sorted(STEPS[action].sources)[0]
    assert refused_code(state, action, HEAD, CaseFacts(today=TODAY)) == GuardCode.NO_REASON
    assert check(state, action, HEAD, CaseFacts(today=TODAY, reason="需要等待鉴定结论"))


def test_a_refusal_carries_its_code_message_and_article():
    with pytest.raises(Refusal) as refused:
        check(CaseState.FILED, Action.START_INVESTIGATION, OFFICER, CaseFacts(today=TODAY))
    assert refused.value.as_dict() == {
        "code": "too_few_officers", "message": "办案执法人员不得少于2人（回避的不计）",
        "basis": "《中华人民共和国行政处罚法》第四十二条第一款",
    }


def test_the_tables_roles_posts_and_sections_are_the_org_apps():
    from yibao.cases import procedure
    from yibao.org.constants import FUND_SUPERVISION, LEGAL_REVIEW, POST_STAGES, Role

    assert {procedure.OFFICER, procedure.LEGAL_REVIEWER, procedure.HEAD} <= set(Role.values)
    assert (procedure.FUND_SUPERVISION, procedure.LEGAL_REVIEW) == (FUND_SUPERVISION, LEGAL_REVIEW)
    assert {s.post for s in PENALTY_STEPS if s.post} <= set(POST_STAGES)
