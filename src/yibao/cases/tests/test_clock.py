"""The case deadline: extensions by the head, periods not counted, suspension, revocation; each refusal's code."""

import datetime as dt

import pytest
from django.urls import reverse

from yibao.cases.case_clock import ExcludedSpan, excluded_days
from yibao.cases.models import Case
from yibao.cases.procedure import CaseState, GuardCode
from yibao.cases.services.clock import (
    ClockCode,
    do_end_excluded_period,
    do_extend_deadline,
    do_record_excluded_period,
    do_resume,
    do_revoke_filing,
    do_suspend,
)

from .test_services import filed_case, fresh, refused

pytestmark = pytest.mark.django_db

FILED_DUE = dt.date(2026, 6, 1)  # 90 days after 2 March 2026 is Sunday 31 May, so Monday 1 June
NOMINAL = dt.date(2026, 5, 31)  # the days not counted move the nominal end, which then rolls past a rest day


@pytest.fixture
def case(staff, file_input, clock) -> Case:
    case = filed_case(staff, file_input)
    assert case.due_on == FILED_DUE
    return case


def test_days_shared_by_two_periods_count_once():
    spans = [ExcludedSpan("testing", dt.date(2026, 3, 1), dt.date(2026, 3, 10)),
             ExcludedSpan("appraisal", dt.date(2026, 3, 5), dt.date(2026, 3, 12))]
    assert excluded_days(spans, dt.date(2026, 4, 1)) == 12
    running = [ExcludedSpan("suspension", dt.date(2026, 3, 30), None)]
    assert excluded_days(running, dt.date(2026, 4, 1)) == 3
    assert excluded_days(running, dt.date(2026, 4, 1), closed_only=True) == 0


def test_the_head_extends_once_and_again_only_with_the_deliberation_record(staff, case, clock):
    case = do_extend_deadline(case, actor=staff.head, expected_version=case.version, reason="案情复杂，须补充调取病历")
    # 90 + 30 days from 2 March 2026: 30 June, a Tuesday.
    assert case.due_on == dt.date(2026, 6, 30)
    assert "经负责人批准延长" in case.due_explanation and "补充调取病历" in case.due_explanation
    e = refused(do_extend_deadline, case, actor=staff.head, expected_version=case.version, reason="仍需鉴定")
    assert e.code == ClockCode.NEEDS_DELIBERATION
    case = do_extend_deadline(case, actor=staff.head, expected_version=case.version, reason="仍需鉴定",
                              deliberation_record="2026年3月2日局长办公会：同意再延长")
    assert case.extensions.count() == 2 and case.due_on > dt.date(2026, 6, 30)


def test_an_extension_needs_the_head_and_a_reason(staff, case):
    assert refused(do_extend_deadline, case, actor=staff.officer1, expected_version=case.version,
                   reason="x").code == "wrong_role"
    assert refused(do_extend_deadline, case, actor=staff.head, expected_version=case.version,
                   reason=" ").code == ClockCode.NO_REASON


def test_an_extension_after_the_deadline_is_refused(staff, case, clock):
    clock.set(FILED_DUE + dt.timedelta(days=1))
    e = refused(do_extend_deadline, case, actor=staff.head, expected_version=case.version, reason="案情复杂")
    assert e.code == GuardCode.CASE_DEADLINE_PASSED


def test_an_appraisal_period_moves_the_deadline_and_says_why(staff, case, clock):
    clock.set(dt.date(2026, 3, 20))
    case = do_record_excluded_period(case, actor=staff.officer1, expected_version=case.version, kind="appraisal",
                                     start=dt.date(2026, 3, 5), end=dt.date(2026, 3, 14), reason="委托司法鉴定病历真实性")
    assert case.due_on == NOMINAL + dt.timedelta(days=10) == dt.date(2026, 6, 10)
    assert "鉴定 2026-03-05 至 2026-03-14（委托司法鉴定病历真实性）" in case.due_explanation


def test_a_running_period_stops_the_clock_until_it_ends(staff, case, clock):
    clock.set(dt.date(2026, 3, 10))
    case = do_record_excluded_period(case, actor=staff.officer1, expected_version=case.version, kind="testing",
                                     start=dt.date(2026, 3, 10), end=None, reason="药品检测")
    assert case.due_on == FILED_DUE
    clock.set(dt.date(2026, 3, 19))
    case = do_end_excluded_period(case, actor=staff.officer2, expected_version=case.version, end=dt.date(2026, 3, 19))
    assert case.due_on == NOMINAL + dt.timedelta(days=10)


def test_overlapping_wrong_and_unreasoned_periods_are_refused(staff, case, clock):
    clock.set(dt.date(2026, 3, 20))
    case = do_record_excluded_period(case, actor=staff.officer1, expected_version=case.version, kind="testing",
                                     start=dt.date(2026, 3, 5), end=dt.date(2026, 3, 9), reason="检测")
    kw = {"actor": staff.officer1, "expected_version": case.version, "kind": "appraisal"}
    assert refused(do_record_excluded_period, case, start=dt.date(2026, 3, 8), end=dt.date(2026, 3, 12),
                   reason="鉴定", **kw).code == ClockCode.OVERLAPPING
    assert refused(do_record_excluded_period, case, start=dt.date(2026, 3, 12), end=dt.date(2026, 3, 11),
                   reason="鉴定", **kw).code == "invalid_input"
    assert refused(do_record_excluded_period, case, start=dt.date(2026, 3, 12), end=None,
                   reason="", **kw).code == ClockCode.NO_REASON
    assert refused(do_record_excluded_period, case, start=dt.date(2026, 3, 12), end=None, reason="鉴定",
                   **{**kw, "actor": staff.head}).code == "wrong_role"
    assert refused(do_end_excluded_period, case, actor=staff.officer1, expected_version=case.version,
                   end=dt.date(2026, 3, 20)).code == ClockCode.NO_OPEN_PERIOD


def test_a_suspension_stops_the_clock_and_the_guard_reads_the_running_deadline(staff, case, clock):
    clock.set(dt.date(2026, 5, 20))
    case = do_suspend(case, actor=staff.head, expected_version=case.version, reason="当事人下落不明")
    assert case.state == CaseState.SUSPENDED
    clock.set(dt.date(2026, 6, 10))  # after the filed due date, but the clock stopped on 20 May
    case = do_resume(case, actor=staff.head, expected_version=case.version, reason="当事人已到案")
    assert case.state == CaseState.FILED
    # 20 May to 9 June: 21 days not counted; 31 May + 21 is Sunday 21 June, so Monday 22 June.
    assert case.due_on == dt.date(2026, 6, 22)
    assert "中止调查 2026-05-20 至 2026-06-09" in case.due_explanation


def test_the_head_revokes_a_filing_with_the_reason(staff, case):
    assert refused(do_revoke_filing, case, actor=staff.head, expected_version=case.version,
                   reason="").code == GuardCode.NO_REASON
    assert refused(do_revoke_filing, case, actor=staff.officer1, expected_version=case.version,
                   reason="x").code == "wrong_role"
    case = do_revoke_filing(case, actor=staff.head, expected_version=case.version, reason="不属于本局管辖")
    assert fresh(case).state == CaseState.REVOKED
    assert case.steps.last().reason == "不属于本局管辖"


def test_the_case_page_offers_the_extension_and_shows_why_this_date(client, staff, case):
    case = do_extend_deadline(case, actor=staff.head, expected_version=case.version, reason="案情复杂")
    client.force_login(staff.head)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-action="extend_deadline"' in html and 'data-action="revoke_filing"' in html
    assert "经负责人批准延长" in html


def test_the_extension_on_the_api(staff, case):
    from .test_api import Caller

    head = Caller(staff.head)
    answer = head.post(f"/cases/{case.pk}/extend_deadline", {"expected_version": case.version, "reason": "案情复杂"})
    assert answer.status_code == 200 and answer.json()["due_on"] == "2026-06-30"
    again = head.post(f"/cases/{case.pk}/extend_deadline", {"expected_version": answer.json()["version"],
                                                            "reason": "仍需鉴定"})
    assert again.status_code in (403, 422) and again.json()["code"] == ClockCode.NEEDS_DELIBERATION


def test_a_suspension_taken_as_a_plain_step_stops_the_clock_too(staff, case, clock):
    from yibao.cases import services as s

    case = s.do_take_step(case, "suspend", actor=staff.head, expected_version=case.version, reason="等待鉴定")
    assert case.excluded_periods.get().kind == "suspension"
    clock.set(dt.date(2026, 3, 12))
    case = s.do_take_step(case, "resume", actor=staff.head, expected_version=case.version, reason="鉴定完成")
    assert case.due_on == dt.date(2026, 6, 10)  # 2 to 11 March not counted: 31 May + 10
