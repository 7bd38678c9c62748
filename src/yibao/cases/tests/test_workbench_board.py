"""The 工作台 per role, the supervision board (督办) with its order, provisional dates and export, and the
case register (台账) exported from the list."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.deadlines import LEAD_VERIFICATION_WORKDAYS, Days, board
from yibao.cases.views_workbench import work_for

pytestmark = pytest.mark.django_db


def titles(bench, section):
    return [(i.action, i.title) for i in bench.sections.get(section, [])]


@pytest.fixture
def filed(staff, file_input, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    return s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)


def to_review(case, staff):
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    return s.do_finish_investigation(case, actor=staff.officer1, expected_version=case.version, report="查明串换药品。")


def test_an_officer_of_the_filing_post_sees_the_lead_to_verify_with_its_fifteen_working_days(staff, lead, clock):
    bench = work_for(staff.officer1)
    [item] = bench.sections["leads"]
    assert item.subject == lead.number
    # 2026-02-20 (Friday) + 15 working days, the Monday 2026-02-23 being the 1st: 2026-03-13.
    assert item.deadline.due == dt.date(2026, 3, 13) and not item.deadline.provisional
    assert item.days_left == (dt.date(2026, 3, 13) - clock.day).days


def test_a_proposed_filing_waits_for_the_head_and_leaves_the_officers_list_of_leads(staff, file_input, clock):
    s.do_file_case(file_input(), actor=staff.officer1)
    assert work_for(staff.officer1).sections["leads"] == []
    assert titles(work_for(staff.head), "approvals") == [("批准立案", "栾川县康宁诊所串换药品案")]
    [item] = work_for(staff.head).sections["approvals"]
    assert item.deadline.label == "线索核查期限" and item.deadline.due == dt.date(2026, 3, 13)
    assert work_for(staff.reviewer).sections["reviews"] == []


def test_the_officers_on_a_filed_case_are_asked_to_start_the_investigation_by_the_case_deadline(staff, filed, clock):
    for officer in (staff.officer1, staff.officer2):
        [item] = work_for(officer).sections["at_post"]
        assert item.action == "开始调查" and item.deadline.label == "办案期限"
        assert item.deadline.due == filed.due_on
    assert work_for(staff.head).sections["approvals"] == []


def test_the_reviewer_is_asked_to_review_and_then_the_head_to_approve_the_proposal(staff, filed, clock):
    case = to_review(filed, staff)
    assert titles(work_for(staff.reviewer), "reviews") == [("法制审核", case.title)]
    assert work_for(staff.officer1).sections["at_post"] == []  # nothing at an officer's post under review
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    assert work_for(staff.reviewer).sections["reviews"] == []
    assert titles(work_for(staff.head), "approvals") == [("批准拟处理意见", case.title)]
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="20000")
    assert [i.action for i in work_for(staff.officer1).sections["at_post"]] == ["事先告知"]


def test_a_reviewer_who_is_an_officer_of_the_case_is_not_asked_to_review_it(staff, file_input, clock):
    case = s.do_file_case(file_input(officers=[staff.officer1.officer, staff.reviewer.officer]), actor=staff.head)
    to_review(case, staff)
    assert work_for(staff.reviewer).sections["reviews"] == []


def test_after_the_notice_the_head_decides_only_once_the_statement_window_has_passed(staff, filed, clock):
    case = to_review(filed, staff)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="20000")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    [item] = work_for(staff.officer1).sections["at_post"]
    assert item.action == "记录陈述申辩" and item.deadline.label == "陈述申辩期限"
    assert work_for(staff.head).sections["approvals"] == []
    clock.set(case.statement_window_ends + dt.timedelta(days=1))
    assert titles(work_for(staff.head), "approvals") == [("作出决定", case.title)]


def test_the_nearest_deadline_comes_first_and_a_passed_one_is_overdue(staff, file_input, clock, client):
    clock.set(dt.date(2026, 1, 5))
    early = s.do_file_case(file_input(title="早立案", lead=None, bureau=staff.head.profile.bureau), actor=staff.head)
    clock.set(dt.date(2026, 3, 2))
    late = s.do_file_case(file_input(title="晚立案", lead=None, bureau=staff.head.profile.bureau), actor=staff.head)
    clock.set(early.due_on + dt.timedelta(days=3))
    items = work_for(staff.officer1).sections["at_post"]
    assert [i.title for i in items] == ["早立案", "晚立案"]
    assert items[0].overdue and items[0].late_days == 3 and not items[1].overdue
    client.force_login(staff.officer1)
    html = client.get(reverse("cases:workbench")).content.decode()
    assert 'class="overdue error"' in html and "已逾期 3 天" in html
    assert late.title in client.get(reverse("home")).content.decode()


def test_roles_without_casework_have_no_workbench(staff, clock):
    assert work_for(staff.auditor) is None


def test_the_board_lists_past_and_near_deadlines_nearest_first_and_leaves_far_ones_out(staff, file_input, lead,
                                                                                      clock):
    county = staff.head.profile.bureau
    clock.set(dt.date(2026, 1, 5))
    first = s.do_file_case(file_input(title="一月立案", lead=None, bureau=county), actor=staff.head)
    clock.set(dt.date(2026, 1, 20))
    second = s.do_file_case(file_input(title="一月下旬立案", lead=None, bureau=county), actor=staff.head)
    clock.set(dt.date(2026, 3, 2))
    s.do_file_case(file_input(title="三月立案", lead=None, bureau=county), actor=staff.head)
    clock.set(dt.date(2026, 4, 14))
    result = board([county.pk], today=clock.day, near=5)
    assert [(r.kind, r.title) for r in result.rows] == [
        ("lead", "栾川县康宁诊所"), ("case", "一月立案"), ("case", "一月下旬立案")]
    assert [r.due for r in result.rows[1:]] == [first.due_on, second.due_on]
    assert result.rows[1].days_left(clock.day) < 0 <= result.rows[2].days_left(clock.day)
    assert result.total == 3
    # Filters: the kind, and a case state (which leaves leads out).
    assert [r.title for r in board([county.pk], today=clock.day, kinds=["lead"], near=5).rows] == ["栾川县康宁诊所"]
    assert [r.title for r in board([county.pk], today=clock.day, state="filed", near=5).rows] == ["一月立案",
                                                                                                 "一月下旬立案"]
    assert board([county.pk], today=clock.day, state="closed", near=5).rows == []


def test_a_deadline_in_a_year_without_published_holidays_is_provisional_on_the_board(staff, file_input, clock,
                                                                                     client):
    county = staff.head.profile.bureau
    assert not Days().published(dt.date(2027, 1, 1))
    clock.set(dt.date(2026, 12, 1))
    case = s.do_file_case(file_input(title="年末立案", lead=None, bureau=county), actor=staff.head)
    assert case.due_on.year == 2027
    clock.set(case.due_on - dt.timedelta(days=2))
    [row] = board([county.pk], today=clock.day, kinds=["case"], near=5).rows
    assert row.provisional and row.due == case.due_on
    client.force_login(staff.head)
    html = client.get(reverse("cases:supervision_board")).content.decode()
    assert "年末立案" in html and 'class="tag provisional">待定' in html


def test_the_board_is_for_heads_and_reviewers_and_exports_what_it_shows(staff, filed, clock, client):
    client.force_login(staff.officer1)
    assert client.get(reverse("cases:supervision_board")).status_code == 403
    clock.set(filed.due_on)
    client.force_login(staff.reviewer)
    response = client.get(reverse("cases:supervision_board_export"), {"kind": "case"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("期限", "案号或线索", "案由或当事人")
    assert rows[1][0] == "办案期限" and rows[1][1] == filed.number and rows[1][7] == 0
    assert rows[1][5].date() == filed.due_on
    assert client.get(reverse("cases:supervision_board"), {"kind": "nonsense"}).status_code == 400


def test_the_register_exports_the_lists_filters_read_back_with_openpyxl(staff, filed, file_input, clock, client):
    s.do_file_case(file_input(title="另一申请", lead=None, bureau=staff.head.profile.bureau), actor=staff.officer1)
    client.force_login(staff.head)
    response = client.get(reverse("cases:case_register"), {"state": "filed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("案号", "案由", "当事人", "权责事项", "办案单位", "状态", "办案人员", "立案日期", "办案期限",
                       "决定", "决定日期", "罚款（元）")
    assert len(rows) == 2
    number, title, party, _items, bureau, state, officers, filed_on, due, *_ = rows[1]
    assert (number, title, party, bureau, state) == (filed.number, filed.title, "栾川县康宁诊所", "栾川县医疗保障局",
                                                     "已立案")
    assert officers == "张建国、李卫东"
    assert filed_on.date() == filed.filed_on and due.date() == filed.due_on
    everything = client.get(reverse("cases:case_register"))
    assert len(list(openpyxl.load_workbook(io.BytesIO(everything.content)).active.iter_rows())) == 3


def test_lead_verification_is_fifteen_working_days_as_the_bureaus_default():
    assert LEAD_VERIFICATION_WORKDAYS == 15
