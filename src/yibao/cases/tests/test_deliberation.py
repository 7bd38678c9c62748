"""Collective deliberation and what the bureau's amounts decide: its requirement, the hearing right and the
legal review; each refusal's code."""

import datetime as dt

import pytest

from yibao.cases import services as s
from yibao.cases.models import BureauParameter, Case
from yibao.cases.procedure import CaseState, GuardCode
from yibao.cases.services.deliberation import DeliberationCode, do_mark_complex, do_record_deliberation

from .reporting import finish
from .test_services import filed_case, fresh, investigated, refused

pytestmark = pytest.mark.django_db

FIVE = ["张局长", "李副局长", "王科长", "赵科长", "法制股刘某"]


def proposed(staff, file_input, fine: str) -> Case:
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    return s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine=fine)


def notified_and_heard(staff, case: Case, clock) -> Case:
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    return s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="当事人放弃陈述申辩")


def test_a_fine_of_the_bureaus_amount_needs_the_deliberation_before_the_decision(staff, file_input, clock):
    case = proposed(staff, file_input, "100000")  # an organisation: the default amount is 100,000 yuan
    assert case.hearing_right  # 较大数额: the hearing right follows from the amount
    case = notified_and_heard(staff, case, clock)
    e = refused(s.do_decide, case, actor=staff.head, expected_version=case.version, decision_kind="penalty",
                fine="100000")
    assert e.code == GuardCode.DELIBERATION_REQUIRED
    case = do_record_deliberation(fresh(case), actor=staff.head, expected_version=case.version, attendees=FIVE[1:],
                                  conclusion="同意罚款十万元")
    assert case.deliberations.get().attendees[0] == (staff.head.get_full_name() or "head")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty",
                       fine="100000")
    assert case.state == CaseState.DECIDED


def test_a_fine_below_the_amount_needs_no_deliberation_nor_hearing(staff, file_input, clock):
    case = proposed(staff, file_input, "24000")
    assert not case.hearing_right
    case = notified_and_heard(staff, case, clock)
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000")
    assert case.state == CaseState.DECIDED


def test_officers_mark_a_case_complex_with_a_reason_and_then_it_is_deliberated(staff, file_input, clock):
    case = filed_case(staff, file_input)
    assert refused(do_mark_complex, case, actor=staff.officer1, expected_version=case.version,
                   reason="").code == DeliberationCode.NO_REASON
    assert refused(do_mark_complex, case, actor=staff.head, expected_version=case.version,
                   reason="x").code == "wrong_role"
    case = do_mark_complex(case, actor=staff.officer1, expected_version=case.version, reason="涉及多家定点机构串通")
    assert case.deliberation_required and case.complex_reason == "涉及多家定点机构串通"


def test_a_deliberation_too_small_unconcluded_early_late_or_by_an_officer_is_refused(staff, file_input, county,
                                                                                     clock):
    case = filed_case(staff, lambda: file_input(lead=None, bureau=county, title="另一案"))
    assert refused(do_record_deliberation, case, actor=staff.head, expected_version=case.version, attendees=FIVE,
                   conclusion="同意").code == "wrong_state"
    case = proposed(staff, file_input, "100000")
    kw = {"actor": staff.head, "expected_version": case.version}
    assert refused(do_record_deliberation, case, attendees=FIVE[1:3], conclusion="同意",
                   **kw).code == DeliberationCode.TOO_FEW_ATTENDEES
    assert refused(do_record_deliberation, case, attendees=FIVE, conclusion=" ",
                   **kw).code == DeliberationCode.NO_CONCLUSION
    assert refused(do_record_deliberation, case, attendees=FIVE, conclusion="同意",
                   **{**kw, "actor": staff.officer1}).code == "wrong_role"
    clock.set(case.due_on + dt.timedelta(days=1))
    assert refused(do_record_deliberation, case, attendees=FIVE, conclusion="同意",
                   **kw).code == GuardCode.CASE_DEADLINE_PASSED


def test_a_bureau_reviewing_by_amount_skips_the_review_below_it(staff, file_input, county, clock):
    BureauParameter.objects.create(bureau=county, key="legal_review_mode", value="thresholds",
                                   valid_from=dt.date(2026, 1, 1), basis="测试：本局按数额审核")
    case = filed_case(staff, lambda: file_input(review_required=False))
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    case = finish(case, actor=staff.officer2)
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)  # no review: 24,000 < 100,000
    assert case.state == CaseState.NOTIFIED
    case = filed_case(staff, lambda: file_input(review_required=False, title="另一案", lead=None, bureau=county))
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    case = finish(case, actor=staff.officer2)
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="150000")
    assert refused(s.do_notify, case, actor=staff.officer1,
                   expected_version=case.version).code == GuardCode.REVIEW_NOT_PASSED
