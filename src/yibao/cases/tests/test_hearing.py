"""The hearing: the host named by the head from the legal section, the notice 7 working days before, the record
by the host once the day has come; each refusal's code."""

import datetime as dt

import pytest

from yibao.cases import services as s
from yibao.cases.services.hearing import HearingCode, do_name_hearing_host, do_notify_hearing

from .test_services import fresh, notified, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def hearing(staff, file_input, clock):
    case = notified(staff, file_input, clock)
    return s.do_request_hearing(case, actor=staff.officer1, expected_version=case.version)


def test_the_host_is_named_by_the_head_from_the_legal_section_never_a_case_officer(staff, hearing):
    kw = {"expected_version": hearing.version}
    assert refused(do_name_hearing_host, hearing, staff.reviewer, actor=staff.officer1, **kw).code == "wrong_role"
    assert refused(do_name_hearing_host, hearing, staff.officer2, actor=staff.head,
                   **kw).code == HearingCode.HOST_NOT_LEGAL
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, **kw)
    assert case.hearing_host == staff.reviewer


def test_a_legal_reviewer_on_the_case_cannot_host(staff, hearing):
    from yibao.cases.models import CaseOfficer

    CaseOfficer.objects.create(case=hearing, officer=staff.reviewer.officer, assigned_on=dt.date(2026, 3, 2))
    e = refused(do_name_hearing_host, hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    assert e.code == HearingCode.HOST_IS_OFFICER


def test_the_notice_must_come_seven_working_days_before_the_hearing(staff, hearing):
    kw = {"actor": staff.officer1, "place": "听证室"}
    assert refused(do_notify_hearing, hearing, expected_version=hearing.version, hearing_on=dt.date(2026, 3, 12),
                   **kw).code == HearingCode.NO_HOST
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    # Monday 2 March: 7 working days before Wednesday 11 March is Monday 2 March; before Tuesday 10 March, too late.
    e = refused(do_notify_hearing, case, expected_version=case.version, hearing_on=dt.date(2026, 3, 10), **kw)
    assert e.code == HearingCode.NOTICE_LATE and "最迟" in e.message
    case = do_notify_hearing(case, expected_version=case.version, hearing_on=dt.date(2026, 3, 11), **kw)
    assert case.hearing_on == dt.date(2026, 3, 11) and case.hearing_noticed_on == dt.date(2026, 3, 2)


def test_only_the_named_host_records_and_only_on_or_after_the_day(staff, hearing, clock):
    record = {"record": "听证笔录", "host_opinion": "建议维持"}
    assert refused(s.do_record_hearing, hearing, actor=staff.reviewer, expected_version=hearing.version,
                   **record).code == HearingCode.NO_HOST
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    assert refused(s.do_record_hearing, case, actor=staff.reviewer, expected_version=case.version,
                   **record).code == HearingCode.NOT_NOTICED
    case = do_notify_hearing(case, actor=staff.officer1, expected_version=case.version,
                             hearing_on=dt.date(2026, 3, 12), place="听证室")
    assert refused(s.do_record_hearing, case, actor=staff.reviewer, expected_version=case.version,
                   **record).code == HearingCode.NOT_HELD_YET
    clock.set(dt.date(2026, 3, 12))
    case = s.do_record_hearing(fresh(case), actor=staff.reviewer, expected_version=case.version, **record)
    assert case.host_opinion == "建议维持"
