"""The case services walked from a lead to the closed file, and each refusal with its code."""

import datetime as dt
from decimal import Decimal

import pytest

from yibao.cases import services as s
from yibao.cases.constants import LeadStatus
from yibao.cases.models import Case, CaseStep
from yibao.cases.procedure import CaseState, GuardCode, Refusal, ServiceCode
from yibao.cases.services.hearing import do_name_hearing_host, do_notify_hearing, do_schedule_hearing
from yibao.core.models import AuditEvent

from .closing import drafted
from .reporting import finish

pytestmark = pytest.mark.django_db


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    return caught.value


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def filed_case(staff, file_input) -> Case:
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    return s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)


def investigated(staff, file_input) -> Case:
    case = filed_case(staff, file_input)
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    return finish(case, actor=staff.officer2, facts="经调查，该诊所2025年串换药品38次，造成基金损失12000元。")


def test_a_lead_becomes_a_closed_case_through_every_step_of_the_ordinary_procedure(staff, file_input, lead, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    assert proposed.state == CaseState.PROPOSED and proposed.number is None
    assert fresh(proposed).lead.status == LeadStatus.ASSESSING

    case = s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    assert case.state == CaseState.FILED
    assert case.number == "栾医保立〔2026〕1号"
    assert case.filed_on == dt.date(2026, 3, 2)
    # 90 days after 2 March 2026 is 31 May, a Sunday: the period ends on Monday 1 June.
    assert case.due_on == dt.date(2026, 6, 1)
    assert case.fine_max is not None
    lead.refresh_from_db()
    assert lead.status == LeadStatus.FILED and case.number in lead.status_note

    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    case = finish(case, actor=staff.officer2)
    assert case.state == CaseState.UNDER_REVIEW
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    assert case.review_passed
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    assert case.state == CaseState.NOTIFIED
    # Five working days after Monday 2 March: Monday 9 March.
    assert case.statement_window_ends == dt.date(2026, 3, 9)

    code = refused(s.do_decide, case, actor=staff.head, expected_version=case.version,
                   decision_kind="penalty", fine="24000").code
    assert code == GuardCode.STATEMENT_WINDOW_OPEN

    clock.set(dt.date(2026, 3, 10))
    case = s.do_decide(fresh(case), actor=staff.head, expected_version=case.version, decision_kind="penalty",
                       fine="24000")
    assert case.state == CaseState.DECIDED and case.decided_fine == Decimal("24000.00")
    assert case.service_due == dt.date(2026, 3, 19)
    case = s.do_serve(case, actor=staff.officer2, expected_version=case.version, method="direct", signed_by="张三")
    assert case.payment_due == dt.date(2026, 3, 25)
    case = s.do_start_enforcement(case, actor=staff.officer1, expected_version=case.version)
    assert refused(drafted, case, staff.officer1).code == GuardCode.NOT_EXECUTED
    case = s.do_record_payment(fresh(case), actor=staff.officer1, expected_version=case.version)
    case = drafted(case, staff.officer1, execution="罚款已缴清")
    case = s.do_close(case, actor=staff.head, expected_version=case.version, reason="同意结案")
    assert case.state == CaseState.CLOSED and case.closed_on == dt.date(2026, 3, 10)

    steps = list(CaseStep.objects.filter(case=case).values_list("action", flat=True))
    assert steps == ["propose_filing", "approve_filing", "start_investigation", "add_evidence",
                     "finish_investigation", "complete_review", "approve_proposal", "notify", "decide", "serve",
                     "start_enforcement", "record_payment", "draft_closing_report", "close"]
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == len(steps)
    assert case.version == len(steps)  # every step but the evidence recorded made a version


def test_case_numbers_run_on_per_bureau_and_year_without_gaps(staff, file_input, lead, clock):
    first = filed_case(staff, file_input)
    lead.status = LeadStatus.RECEIVED
    lead.save()
    Case.objects.filter(pk=first.pk).update(lead=None)
    refused_filing = refused(s.do_file_case, file_input(act_end_on=dt.date(2020, 1, 1)), actor=staff.head)
    assert refused_filing.code == ServiceCode.LIMITATION_EXPIRED
    second = s.do_file_case(file_input(), actor=staff.head)
    assert (first.number, second.number) == ("栾医保立〔2026〕1号", "栾医保立〔2026〕2号")


def test_a_no_penalty_decision_needs_no_notice_and_closes_without_execution(staff, file_input, clock):
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="no_penalty",
                       reason="违法行为轻微并及时改正，没有造成危害后果")
    case = s.do_serve(case, actor=staff.officer1, expected_version=case.version, method="mail", tracking_number="EMS1001")
    assert case.payment_due is None
    code = refused(s.do_start_enforcement, case, actor=staff.officer1, expected_version=case.version).code
    assert code == GuardCode.NOTHING_TO_EXECUTE
    case = drafted(fresh(case), staff.officer1, "nothing_to_execute")
    case = s.do_close(case, actor=staff.head, expected_version=case.version)
    assert case.state == CaseState.CLOSED


def test_a_suspended_case_resumes_in_the_state_it_was_suspended_in(staff, file_input, clock):
    case = investigated(staff, file_input)
    assert refused(s.do_take_step, case, "suspend", actor=staff.head, expected_version=case.version).code \
        == GuardCode.NO_REASON
    case = s.do_take_step(fresh(case), "suspend", actor=staff.head, expected_version=case.version,
                          reason="等待司法鉴定结论")
    assert (case.state, case.state_before_suspension) == (CaseState.SUSPENDED, CaseState.UNDER_REVIEW)
    case = s.do_take_step(case, "resume", actor=staff.head, expected_version=case.version, reason="鉴定结论已出")
    assert (case.state, case.state_before_suspension) == (CaseState.UNDER_REVIEW, "")


def test_the_head_may_decline_a_proposed_filing_with_a_reason(staff, file_input, lead, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    case = s.do_reject_filing(proposed, actor=staff.head, expected_version=proposed.version,
                              reason="证据不足，不符合立案条件")
    assert case.state == CaseState.NOT_FILED and case.number is None


def test_the_wrong_role_may_not_take_a_step(staff, file_input, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    assert refused(s.do_approve_filing, proposed, actor=staff.officer2,
                   expected_version=proposed.version).code == "wrong_role"
    assert refused(s.do_file_case, file_input(), actor=staff.auditor).code == "wrong_role"


def test_an_officer_without_the_post_may_not_take_its_step(staff, file_input, clock):
    case = filed_case(staff, file_input)
    staff.officer1.officer.posts.remove(*staff.officer1.officer.posts.filter(name="调查岗"))
    assert refused(s.do_start_investigation, case, actor=staff.officer1,
                   expected_version=case.version).code == ServiceCode.WRONG_POST


def test_an_officer_not_on_the_case_may_not_act_on_it(staff, file_input, clock, make_user, county):
    from yibao.org.models import Officer, Post

    other = make_user("officer3", "officer", county)
    officer = Officer.objects.create(bureau=county, name="钱七", certificate_number="YB4103240099",
                                     certificate_expiry=dt.date(2027, 1, 1), user=other)
    officer.posts.set(Post.objects.filter(department__bureau=county, name="调查岗"))
    case = filed_case(staff, file_input)
    assert refused(s.do_start_investigation, case, actor=other,
                   expected_version=case.version).code == ServiceCode.NOT_CASE_OFFICER


def test_a_head_of_another_bureau_may_not_act_on_the_case(staff, file_input, clock):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau, ensure_demo_users

    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    other_head = {u.username: u for u in ensure_demo_users(other, username_prefix="song.")}["song.head"]
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    assert refused(s.do_approve_filing, proposed, actor=other_head,
                   expected_version=proposed.version).code == ServiceCode.OUT_OF_SCOPE


def test_steps_out_of_order_are_refused(staff, file_input, clock):
    case = filed_case(staff, file_input)
    assert refused(s.do_decide, case, actor=staff.head, expected_version=case.version,
                   decision_kind="penalty", fine=1000).code == "wrong_state"
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    assert refused(finish, case, actor=staff.officer1, facts="").code == GuardCode.NO_INVESTIGATION_REPORT
    case = finish(fresh(case), actor=staff.officer1, facts="调查终结")
    assert refused(s.do_notify, case, actor=staff.officer1,
                   expected_version=case.version).code == GuardCode.NO_APPROVED_PROPOSAL


def test_a_case_officer_may_not_review_the_case(staff, file_input, clock):
    from yibao.org.models import Post

    case = investigated(staff, file_input)
    staff.officer1.profile.role = "legal_reviewer"
    staff.officer1.profile.save()
    staff.officer1.officer.posts.add(Post.objects.get(department__bureau=case.bureau, name="审查岗"))
    assert refused(s.do_complete_review, case, actor=staff.officer1, expected_version=case.version,
                   opinion="agree").code == GuardCode.REVIEWER_IS_CASE_OFFICER


def test_a_decision_after_the_case_deadline_is_refused(staff, file_input, clock):
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    clock.set(dt.date(2026, 6, 2))
    assert refused(s.do_decide, case, actor=staff.head, expected_version=case.version,
                   decision_kind="no_penalty").code == GuardCode.CASE_DEADLINE_PASSED


def test_filing_needs_two_officers_with_valid_certificates(staff, file_input, clock):
    one = file_input(officers=[staff.officer1.officer])
    assert refused(s.do_file_case, one, actor=staff.head).code == GuardCode.TOO_FEW_OFFICERS
    staff.officer2.officer.certificate_expiry = dt.date(2026, 3, 1)
    staff.officer2.officer.save()
    assert refused(s.do_file_case, file_input(), actor=staff.head).code == GuardCode.CERTIFICATE_INVALID


def test_a_stale_version_is_refused_as_a_conflict_and_changes_nothing(staff, file_input, clock):
    case = filed_case(staff, file_input)
    seen = case.version
    s.do_start_investigation(case, actor=staff.officer1, expected_version=seen)
    conflict = refused(s.do_take_step, case, "suspend", actor=staff.head, expected_version=seen, reason="等待鉴定")
    assert conflict.code == ServiceCode.CONFLICT and "刷新" in conflict.message
    assert fresh(case).state == CaseState.INVESTIGATING


def test_a_review_asking_for_more_investigation_returns_the_case_to_the_officers(staff, file_input, clock):
    case = investigated(staff, file_input)
    assert refused(s.do_complete_review, case, actor=staff.reviewer, expected_version=case.version,
                   opinion="investigate_further").code == ServiceCode.INVALID_INPUT
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version,
                                opinion="investigate_further", text="补充调取进销存记录")
    assert case.state == CaseState.INVESTIGATING and not case.review_passed


def notified(staff, file_input, clock, *, fine="24000", hearing_right=True) -> Case:
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine=fine,
                                 hearing_right=hearing_right)
    return s.do_notify(case, actor=staff.officer1, expected_version=case.version)


def test_a_hearing_is_recorded_by_the_legal_section_and_the_case_is_reviewed_again_before_the_decision(
        staff, file_input, clock):
    case = notified(staff, file_input, clock)
    assert case.hearing_request_due == dt.date(2026, 3, 9)
    case = s.do_request_hearing(case, actor=staff.officer1, expected_version=case.version)
    assert case.state == CaseState.HEARING
    code = refused(s.do_finish_hearing, case, actor=staff.reviewer, expected_version=case.version).code
    assert code == GuardCode.NO_HEARING_RECORD
    case = do_name_hearing_host(fresh(case), staff.reviewer, actor=staff.head, expected_version=case.version)
    case = do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               hearing_on=dt.date(2026, 3, 12), place="听证室")
    case = do_notify_hearing(case, actor=staff.officer1, expected_version=case.version)
    clock.set(dt.date(2026, 3, 12))
    case = s.do_record_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               record="听证笔录：当事人对事实无异议，请求从轻。", host_opinion="建议维持拟处罚意见")
    case = s.do_finish_hearing(case, actor=staff.reviewer, expected_version=case.version)
    assert case.state == CaseState.UNDER_REVIEW and not case.review_passed
    clock.set(dt.date(2026, 3, 20))
    code = refused(s.do_decide, case, actor=staff.head, expected_version=case.version, decision_kind="penalty",
                   fine="24000").code
    assert code == GuardCode.REVIEW_NOT_PASSED
    case = s.do_complete_review(fresh(case), actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="20000")
    assert case.state == CaseState.DECIDED


def test_a_hearing_requested_after_five_working_days_is_refused(staff, file_input, clock):
    case = notified(staff, file_input, clock)
    clock.set(dt.date(2026, 3, 10))
    code = refused(s.do_request_hearing, case, actor=staff.officer1, expected_version=case.version).code
    assert code == GuardCode.HEARING_REQUEST_LATE


def test_a_decision_heavier_than_the_notice_is_refused(staff, file_input, clock):
    case = notified(staff, file_input, clock, hearing_right=False)
    clock.set(dt.date(2026, 3, 10))
    code = refused(s.do_decide, case, actor=staff.head, expected_version=case.version, decision_kind="penalty",
                   fine="24000.01").code
    assert code == GuardCode.HEAVIER_THAN_NOTIFIED


def test_a_party_that_waived_its_statements_may_be_decided_at_once(staff, file_input, clock):
    case = notified(staff, file_input, clock, hearing_right=False)
    case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version,
                                 text="当事人书面表示放弃陈述、申辩")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000")
    assert case.state == CaseState.DECIDED


def test_a_number_taken_by_a_filing_that_fails_is_given_again(county):
    from django.db import transaction

    from yibao.cases.services.filing import next_case_number

    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_case_number(county, 2026) == "栾医保立〔2026〕1号"
        raise RuntimeError("the filing fails after taking its number")
    assert next_case_number(county, 2026) == "栾医保立〔2026〕1号"
    assert next_case_number(county, 2026) == "栾医保立〔2026〕2号"
    assert next_case_number(county, 2027) == "栾医保立〔2027〕1号"
