"""The hearing: the host named by the head from the legal section, the notice 7 working days before, the record
by the host once the day has come; each refusal's code."""

import datetime as dt

import pytest

from yibao.cases import services as s
from yibao.cases.services.hearing import (
    HearingCode,
    do_name_hearing_host,
    do_notify_hearing,
    do_schedule_hearing,
)
from yibao.core.models import AuditEvent

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


def test_scheduling_a_day_too_near_to_give_the_seven_working_days_notice_is_refused_with_its_article(staff, hearing):
    kw = {"actor": staff.reviewer, "place": "听证室"}
    assert refused(do_schedule_hearing, hearing, expected_version=hearing.version, hearing_on=dt.date(2026, 3, 12),
                   **kw).code == HearingCode.NO_HOST
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    # Monday 2 March: 7 working days before Wednesday 11 March is Monday 2 March; before Tuesday 10 March, too late.
    e = refused(do_schedule_hearing, case, expected_version=case.version, hearing_on=dt.date(2026, 3, 10), **kw)
    assert e.code == HearingCode.TOO_SOON and "最迟应于 2026-02-28" in e.message and e.basis
    assert "第六十四条" in e.basis.label()
    case = do_schedule_hearing(case, expected_version=case.version, hearing_on=dt.date(2026, 3, 11),
                               hearing_time="09:30", **kw)
    assert case.hearing_on == dt.date(2026, 3, 11) and case.hearing_time == dt.time(9, 30)
    assert case.hearing_noticed_on is None


def test_only_the_named_host_or_the_head_schedules_the_hearing(staff, hearing, make_user, county):
    other_reviewer = make_user("reviewer9", "legal_reviewer", county)
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    kw = {"hearing_on": dt.date(2026, 3, 20), "place": "听证室"}
    assert refused(do_schedule_hearing, case, actor=staff.officer1, expected_version=case.version,
                   **kw).code == "wrong_role"
    assert refused(do_schedule_hearing, case, actor=other_reviewer, expected_version=case.version,
                   **kw).code == HearingCode.NOT_HOST
    case = do_schedule_hearing(case, actor=staff.head, expected_version=case.version, **kw)
    assert case.hearing_place == "听证室"


def test_the_party_cannot_be_notified_before_the_hearing_is_scheduled(staff, hearing):
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    e = refused(do_notify_hearing, case, actor=staff.officer1, expected_version=case.version)
    assert e.code == HearingCode.NOT_SCHEDULED
    case = do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               hearing_on=dt.date(2026, 3, 11), place="听证室")
    assert refused(do_notify_hearing, case, actor=staff.officer1, expected_version=case.version,
                   method="announcement").code == "invalid_input"
    case = do_notify_hearing(case, actor=staff.officer1, expected_version=case.version, method="mail")
    assert case.hearing_noticed_on == dt.date(2026, 3, 2) and case.hearing_notice_method == "mail"


def test_the_notice_given_after_its_last_day_is_refused(staff, hearing, clock):
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    case = do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               hearing_on=dt.date(2026, 3, 11), place="听证室")
    clock.set(dt.date(2026, 3, 3))
    e = refused(do_notify_hearing, fresh(case), actor=staff.officer1, expected_version=case.version)
    assert e.code == HearingCode.NOTICE_LATE and "最迟 2026-03-02" in e.message


def test_rescheduling_needs_a_reason_rechecks_the_notice_period_and_asks_for_a_new_notice(staff, hearing):
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    case = do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               hearing_on=dt.date(2026, 3, 12), place="听证室")
    case = do_notify_hearing(case, actor=staff.officer1, expected_version=case.version)
    kw = {"actor": staff.reviewer, "place": "二楼会议室"}
    assert refused(do_schedule_hearing, case, expected_version=case.version, hearing_on=dt.date(2026, 3, 20),
                   **kw).code == HearingCode.RESCHEDULE_REASON
    assert refused(do_schedule_hearing, case, expected_version=case.version, hearing_on=dt.date(2026, 3, 6),
                   reason="当事人申请提前", **kw).code == HearingCode.TOO_SOON
    case = do_schedule_hearing(case, expected_version=case.version, hearing_on=dt.date(2026, 3, 20),
                               reason="当事人因病申请延期", **kw)
    assert case.hearing_on == dt.date(2026, 3, 20) and case.hearing_noticed_on is None
    step = case.steps.order_by("-pk").first()
    assert step.action == "schedule_hearing" and step.reason == "当事人因病申请延期"
    event = AuditEvent.objects.filter(action="case.schedule_hearing").order_by("-pk").first()
    assert event.data["reason"] == "当事人因病申请延期" and event.data["hearing_on"] == "2026-03-20"


def test_a_hearing_once_recorded_cannot_be_rescheduled(staff, hearing, clock):
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    case = do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               hearing_on=dt.date(2026, 3, 12), place="听证室")
    case = do_notify_hearing(case, actor=staff.officer1, expected_version=case.version)
    clock.set(dt.date(2026, 3, 12))
    case = s.do_record_hearing(fresh(case), actor=staff.reviewer, expected_version=case.version,
                               record="听证笔录", host_opinion="建议维持")
    assert refused(do_schedule_hearing, case, actor=staff.reviewer, expected_version=case.version,
                   hearing_on=dt.date(2026, 3, 30), place="听证室", reason="改期").code == HearingCode.ALREADY_HELD


def test_only_the_named_host_records_and_only_on_or_after_the_day(staff, hearing, clock):
    record = {"record": "听证笔录", "host_opinion": "建议维持"}
    assert refused(s.do_record_hearing, hearing, actor=staff.reviewer, expected_version=hearing.version,
                   **record).code == HearingCode.NO_HOST
    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    assert refused(s.do_record_hearing, case, actor=staff.reviewer, expected_version=case.version,
                   **record).code == HearingCode.NOT_NOTICED
    case = do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               hearing_on=dt.date(2026, 3, 12), place="听证室")
    case = do_notify_hearing(case, actor=staff.officer1, expected_version=case.version)
    assert refused(s.do_record_hearing, case, actor=staff.reviewer, expected_version=case.version,
                   **record).code == HearingCode.NOT_HELD_YET
    clock.set(dt.date(2026, 3, 12))
    case = s.do_record_hearing(fresh(case), actor=staff.reviewer, expected_version=case.version, **record)
    assert case.host_opinion == "建议维持"


def test_the_board_shows_the_notices_last_day_once_scheduled_and_the_hearing_day_once_notified(staff, hearing):
    from yibao.cases.deadlines import board

    def rows(day):
        return [(r.kind, r.due) for r in board(None, today=day, kinds=["hearing_notice", "hearing"], near=5).rows]

    case = do_name_hearing_host(hearing, staff.reviewer, actor=staff.head, expected_version=hearing.version)
    assert rows(dt.date(2026, 3, 2)) == []
    case = do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               hearing_on=dt.date(2026, 3, 20), hearing_time="09:30", place="听证室")
    [row] = board(None, today=dt.date(2026, 3, 9), kinds=["hearing_notice", "hearing"], near=5).rows
    # 7 working days before Friday 20 March: Wednesday 11 March.
    assert (row.kind, row.due) == ("hearing_notice", dt.date(2026, 3, 11))
    assert "听证定于2026年3月20日，尚未通知当事人" in row.why and "第7个工作日为2026年3月11日" in row.why
    assert "第六十四条" in row.basis
    case = do_notify_hearing(case, actor=staff.officer1, expected_version=case.version)
    assert rows(dt.date(2026, 3, 16)) == [("hearing", dt.date(2026, 3, 20))]
