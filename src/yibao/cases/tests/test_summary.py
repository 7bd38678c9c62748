"""The summary procedure: its own table's cells, the limits by party type, two officers, the filing with the
bureau within its period, payment and closing; each refusal's code."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.procedure import (
    HEAD,
    LEGAL_REVIEWER,
    OFFICER,
    SUMMARY_STEPS,
    CaseFacts,
    CaseState,
    GuardCode,
    OfficerFacts,
    Refusal,
    SummaryAction,
    check_summary,
)
from yibao.cases.services.filing import PartyInput
from yibao.cases.services.summary import SummaryInput, do_decide_on_spot, do_file_summary

from .closing import closed, drafted
from .test_services import refused

TODAY = dt.date(2026, 3, 2)
CELLS = [(st, a, r) for st in CaseState for a in SummaryAction for r in (OFFICER, LEGAL_REVIEWER, HEAD)]


def facts(**changes) -> CaseFacts:
    f = CaseFacts(today=TODAY, officers=[OfficerFacts(1, dt.date(2027, 1, 1)), OfficerFacts(2, dt.date(2027, 1, 1))],
                  proposed_fine=Decimal("200"), summary_fine_limit=Decimal("200"), summary_filing_due=TODAY,
                  executed=True, closing_report="drafted", closing_ground="executed")
    for k, v in changes.items():
        setattr(f, k, v)
    return f


@pytest.mark.parametrize(("state", "action", "role"), CELLS, ids=[f"{s}-{a}-{r}" for s, a, r in CELLS])
def test_each_cell_of_the_summary_table_is_allowed_or_refused_with_a_reason(state, action, role):
    step = next(st for st in SUMMARY_STEPS if st.action == action)
    if state in step.sources and role in step.roles:
        assert check_summary(state, action, role, facts(reason="退回理由")) is step  # returning needs one
    else:
        with pytest.raises(Refusal) as caught:
            check_summary(state, action, role, facts())
        assert caught.value.code == ("wrong_state" if state not in step.sources else "wrong_role")


@pytest.mark.parametrize(("changes", "code"), [
    ({"proposed_fine": Decimal("200.01")}, GuardCode.SUMMARY_LIMIT_EXCEEDED),
    ({"officers": [OfficerFacts(1, dt.date(2027, 1, 1))]}, GuardCode.TOO_FEW_OFFICERS),
    ({"officers": [OfficerFacts(1, dt.date(2027, 1, 1)), OfficerFacts(2, dt.date(2026, 3, 1))]},
     GuardCode.CERTIFICATE_INVALID),
])
def test_an_on_the_spot_decision_is_refused_beyond_the_limit_or_without_two_valid_officers(changes, code):
    with pytest.raises(Refusal) as caught:
        check_summary(CaseState.PROPOSED, SummaryAction.DECIDE_ON_SPOT, OFFICER, facts(**changes))
    assert caught.value.code == code


def test_a_warning_needs_no_limit():
    assert check_summary(CaseState.PROPOSED, SummaryAction.DECIDE_ON_SPOT, OFFICER, facts(proposed_fine=None))


def test_filing_after_the_period_needs_the_reason():
    late = facts(today=TODAY + dt.timedelta(days=1))
    with pytest.raises(Refusal) as caught:
        check_summary(CaseState.SERVED, SummaryAction.FILE_SUMMARY, HEAD, late)
    assert caught.value.code == GuardCode.SUMMARY_FILING_LATE
    late.reason = "备案人员出差"
    assert check_summary(CaseState.SERVED, SummaryAction.FILE_SUMMARY, HEAD, late)


def spot(staff, **changes) -> SummaryInput:
    data = SummaryInput(decision_number="栾医保当罚〔2026〕1号", party=PartyInput("insured_person", "张某"),
                        officers=[staff.officer1.officer, staff.officer2.officer],
                        facts_summary="出借医保凭证供他人就医", fine="200")
    for k, v in changes.items():
        setattr(data, k, v)
    return data


@pytest.mark.django_db
def test_an_on_the_spot_fine_is_filed_paid_and_closed(staff, clock):
    case = do_decide_on_spot(spot(staff), actor=staff.officer1)
    assert case.procedure == "summary" and case.state == CaseState.SERVED and case.decided_fine == Decimal("200")
    assert case.due_on == dt.date(2026, 3, 5)  # 3 working days after Monday 2 March
    assert [a for a, _ in s.available_actions(case, staff.head)] == ["file_summary"]
    e = refused(s.do_start_investigation, case, actor=staff.officer1, expected_version=case.version)
    assert e.code == "wrong_procedure"
    case = do_file_summary(case, actor=staff.head, expected_version=case.version)
    assert case.state == CaseState.ENFORCING and case.due_on is None
    assert refused(drafted, case, staff.officer1).code == GuardCode.NOT_EXECUTED
    case = s.do_record_payment(case, actor=staff.officer1, expected_version=case.version)
    case = drafted(case, staff.officer1)
    case = s.do_close(case, actor=staff.head, expected_version=case.version)
    assert case.state == CaseState.CLOSED


@pytest.mark.django_db
def test_an_on_the_spot_decision_is_refused_for_the_wrong_actor_number_or_date(staff, clock):
    assert refused(do_decide_on_spot, spot(staff, fine="201"),
                   actor=staff.officer1).code == GuardCode.SUMMARY_LIMIT_EXCEEDED
    # an organisation's limit is 3,000 yuan
    assert do_decide_on_spot(spot(staff, fine="3000", party=PartyInput("institution", "某诊所")),
                             actor=staff.officer1).decided_fine == Decimal("3000")
    assert refused(do_decide_on_spot, spot(staff, officers=[staff.officer1.officer], decision_number="2"),
                   actor=staff.officer1).code == GuardCode.TOO_FEW_OFFICERS
    assert refused(do_decide_on_spot, spot(staff, decision_number="3"), actor=staff.head).code == "wrong_role"
    case = do_decide_on_spot(spot(staff, decision_number="4", fine=None), actor=staff.officer2)
    clock.set(dt.date(2026, 3, 6))
    assert refused(do_file_summary, case, actor=staff.head,
                   expected_version=case.version).code == GuardCode.SUMMARY_FILING_LATE
    assert refused(do_file_summary, case, actor=staff.officer1, expected_version=case.version).code == "wrong_role"
    case = do_file_summary(case, actor=staff.head, expected_version=case.version, reason="备案人员出差")
    case = closed(case, drafter=staff.officer2, head=staff.head, ground="nothing_to_execute")  # a warning
    assert case.state == CaseState.CLOSED


@pytest.mark.django_db
def test_the_summary_page_and_the_api_record_an_on_the_spot_decision(client, staff, clock):
    from .test_api import Caller

    client.force_login(staff.officer1)
    assert "登记当场处罚决定" in client.get(reverse("cases:case_summary")).content.decode()
    answer = client.post(reverse("cases:case_summary"), {
        "decision_number": "页面1号", "party_type": "insured_person", "party_name": "李某",
        "facts_summary": "冒名就医", "fine": "100",
        "officers": [staff.officer1.officer.pk, staff.officer2.officer.pk]})
    assert answer.status_code == 302
    api = Caller(staff.officer2).post("/cases/summary", {
        "decision_number": "接口1号", "party": {"party_type": "insured_person", "name": "王某"},
        "officer_ids": [staff.officer1.officer.pk, staff.officer2.officer.pk], "facts_summary": "冒名就医",
        "fine": "500"})
    assert api.status_code == 422 and api.json()["code"] == GuardCode.SUMMARY_LIMIT_EXCEEDED
