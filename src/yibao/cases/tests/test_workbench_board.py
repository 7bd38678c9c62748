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

from .reporting import finish
from .test_execution import enforcing  # noqa: F401 - a fixture the tests below take by name

pytestmark = pytest.mark.django_db


def titles(bench, section):
    return [(i.action, i.title) for i in bench.sections.get(section, [])]


@pytest.fixture
def filed(staff, file_input, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    return s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)


def to_review(case, staff):
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    return finish(case, actor=staff.officer1, facts="查明串换药品。")


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
                       "决定", "决定日期", "罚款（元）", "责令退回（元）", "没收违法所得（元）")
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


# --- kinds counted from what the case stores, stopped clocks, other apps' sources --------------------


def kinds(result):
    return [(r.kind, r.due) for r in result.rows]


def test_the_legal_review_runs_ten_working_days_from_the_day_the_case_went_to_review(staff, filed, clock):
    from yibao.cases.models import Case

    Case.objects.filter(pk=filed.pk).update(state="under_review", review_since=dt.date(2026, 3, 2))
    clock.set(dt.date(2026, 3, 10))
    [row] = board(None, today=clock.day, kinds=["review"], near=5).rows
    # 3 March is the 1st working day, 16 March the 10th (the bureau's default `legal_review`).
    assert row.due == dt.date(2026, 3, 16) and row.label == "法制审核期限" and not row.provisional
    assert "第五十八条" in row.basis and "2026年3月2日" in row.why
    assert board(None, today=dt.date(2026, 3, 2), kinds=["review"], near=5).rows == []


def test_a_hearing_day_set_before_the_notice_shows_the_notices_last_day_seven_working_days_before(staff, filed,
                                                                                                 clock):
    from yibao.cases.models import Case

    Case.objects.filter(pk=filed.pk).update(state="hearing", hearing_on=dt.date(2026, 3, 20))
    [row] = board(None, today=dt.date(2026, 3, 9), kinds=["hearing_notice"], near=5).rows
    assert row.due == dt.date(2026, 3, 11) and "第六十四条" in row.basis
    Case.objects.filter(pk=filed.pk).update(hearing_noticed_on=dt.date(2026, 3, 10))
    assert kinds(board(None, today=dt.date(2026, 3, 16), near=5)) == [("hearing", dt.date(2026, 3, 20))]


def test_the_reminder_and_the_court_application_follow_the_remedy_periods_after_service(staff, enforcing, clock):  # noqa: F811
    # Served Monday 2 March 2026: 行政诉讼 six months to 2 September, three months to apply: 2 December; the
    # 催告 at least ten days before: 22 November.
    near = board(None, today=dt.date(2026, 11, 20), kinds=["reminder", "court_enforcement"], near=5)
    assert kinds(near) == [("reminder", dt.date(2026, 11, 22))]
    assert "2026年9月2日" in near.rows[0].why and "第五十四条" in near.rows[0].basis
    late = board(None, today=dt.date(2026, 12, 3), kinds=["reminder", "court_enforcement"], near=5)
    assert kinds(late) == [("reminder", dt.date(2026, 11, 22)), ("court_enforcement", dt.date(2026, 12, 2))]
    assert all(r.overdue(dt.date(2026, 12, 3)) for r in late.rows)


def test_a_reminder_served_leaves_only_the_court_application(staff, enforcing, clock):  # noqa: F811
    from yibao.cases.services.execution import do_serve_reminder

    clock.set(dt.date(2026, 3, 20))
    do_serve_reminder(enforcing, actor=staff.officer1, expected_version=enforcing.version)
    assert [r.kind for r in board(None, today=dt.date(2026, 12, 3), near=5).rows] == ["payment", "court_enforcement"]


def test_the_next_instalment_of_an_approved_plan_is_on_the_board(staff, enforcing, clock):  # noqa: F811
    from yibao.cases.models import Case
    from yibao.cases.services.execution import do_arrange_payment
    from yibao.cases.services.payments import do_record_payment

    do_arrange_payment(enforcing, actor=staff.head, expected_version=enforcing.version, kind="instalments",
                       until=dt.date(2026, 5, 15), reason="经营困难", instalments=[(dt.date(2026, 4, 15), "12000"),
                                                                               (dt.date(2026, 5, 15), "12000")])
    [row] = board(None, today=dt.date(2026, 4, 13), kinds=["instalment", "payment"], near=5).rows
    assert (row.label, row.due) == ("分期缴款期限（第1期）", dt.date(2026, 4, 15))
    # Unpaid, the first instalment stays on the board past its date; paid, the second follows.
    assert kinds(board(None, today=dt.date(2026, 5, 11), kinds=["instalment", "payment"], near=5)) == [
        ("instalment", dt.date(2026, 4, 15)), ("payment", dt.date(2026, 5, 15))]
    clock.set(dt.date(2026, 5, 11))
    case = Case.objects.get(pk=enforcing.pk)
    do_record_payment(case, actor=staff.officer1, expected_version=case.version, amount="12000")
    assert kinds(board(None, today=dt.date(2026, 5, 11), kinds=["instalment", "payment"], near=5)) == [
        ("payment", dt.date(2026, 5, 15)), ("instalment", dt.date(2026, 5, 15))]


def test_a_case_whose_clock_is_stopped_is_not_overdue_and_keeps_the_days_it_had_left(staff, filed, clock, client):
    from yibao.cases.services.clock import do_record_excluded_period

    assert filed.due_on == dt.date(2026, 6, 1)
    clock.set(dt.date(2026, 5, 28))
    do_record_excluded_period(filed, actor=staff.officer1, expected_version=filed.version, kind="appraisal",
                              start=dt.date(2026, 5, 28), end=None, reason="委托司法鉴定")
    clock.set(dt.date(2026, 6, 10))  # past the stored due date, the appraisal still running
    [row] = board(None, today=clock.day, kinds=["case"], near=5).rows
    assert row.paused == "暂停（鉴定）" and not row.overdue(clock.day)
    assert row.days_left(clock.day) == 5 and row.due == dt.date(2026, 6, 15)
    [item] = work_for(staff.officer1).sections["at_post"]
    assert not item.overdue and item.days_left == 5
    client.force_login(staff.head)
    html = client.get(reverse("cases:supervision_board")).content.decode()
    assert 'class="paused"' in html and 'class="overdue error"' not in html


def test_a_suspended_case_shows_as_suspended_not_overdue(staff, filed, clock):
    from yibao.cases.services.clock import do_suspend

    clock.set(dt.date(2026, 5, 29))
    do_suspend(filed, actor=staff.head, expected_version=filed.version, reason="当事人下落不明")
    clock.set(dt.date(2026, 7, 1))
    [row] = board(None, today=clock.day, kinds=["case"], near=5).rows
    assert row.paused == "中止" and row.days_left(clock.day) == 4 and not row.overdue(clock.day)
    assert row.state_code == "suspended"


def test_every_board_row_says_why_and_links_to_the_case_pages_explanation(staff, filed, clock, client):
    clock.set(filed.due_on)
    [row] = board(None, today=clock.day, kinds=["case"], near=5).rows
    assert row.why == filed.due_explanation and "日历版本" in row.why
    assert row.why_url == filed.get_absolute_url() + "#case-deadlines"
    client.force_login(staff.head)
    html = client.get(reverse("cases:supervision_board")).content.decode()
    assert f'href="{row.why_url}"' in html


def test_a_source_of_another_app_joins_the_board_with_one_registration(staff, clock, client, monkeypatch):
    from yibao.cases import deadlines

    county = staff.head.profile.bureau

    def seal_deadlines(bureau_ids):
        row = dict(provisional=False, basis="《中华人民共和国行政强制法》第二十五条", title="封存药品", bureau=county.name,
                   state="封存中", bureau_id=county.pk, href="/seals/1/")
        return [deadlines.OpenDeadline("seal", "封存期限", clock.day + dt.timedelta(days=1), subject="FC-1", pk=1, **row),
                deadlines.OpenDeadline("seal", "封存期限", clock.day + dt.timedelta(days=40), subject="FC-2", pk=2,
                                       **row)]

    monkeypatch.setitem(deadlines.SOURCES, "seal", deadlines.DeadlineSource("seal", "封存期限", "第二十五条",
                                                                             seal_deadlines))
    result = board([county.pk], today=clock.day, kinds=["seal"], near=5)
    assert [r.subject for r in result.rows] == ["FC-1"] and result.total == 1
    assert board([county.pk], today=clock.day, kinds=["seal"], state="filed", near=5).rows == []
    client.force_login(staff.head)
    html = client.get(reverse("cases:supervision_board"), {"kind": "seal"}).content.decode()
    assert "FC-1" in html and 'href="/seals/1/"' in html


def test_an_assistance_letters_reply_awaited_is_on_the_board_with_its_case(staff, filed, clock):
    from yibao.cases.services.investigation import do_send_assistance_request

    case = s.do_start_investigation(filed, actor=staff.officer1, expected_version=filed.version)
    letter = do_send_assistance_request(case, actor=staff.officer1, to_authority="洛阳市医疗保障局",
                                        matters="核实参保人住院记录")
    clock.set(letter.reply_due)
    [row] = board(None, today=clock.day, kinds=["assistance_reply"], near=5).rows
    assert (row.due, row.subject, row.state_code) == (letter.reply_due, filed.number, "investigating")
    assert row.label == "协查回复期限" and row.why == letter.due_explanation


def test_the_review_period_starts_on_the_day_the_case_goes_to_review_not_on_later_steps_in_review(staff, filed,
                                                                                                  clock):
    clock.set(dt.date(2026, 3, 2))
    case = to_review(filed, staff)
    assert case.review_since == dt.date(2026, 3, 2)
    clock.set(dt.date(2026, 3, 5))
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version,
                                opinion="investigate_further", text="证据不足，补充调查。")
    assert case.state == "investigating" and case.review_since == dt.date(2026, 3, 2)
    clock.set(dt.date(2026, 3, 9))
    case = finish(case, actor=staff.officer1, facts="补充查明。")
    # Back in review: the period runs again from the day it came back.
    assert case.review_since == dt.date(2026, 3, 9)
    [row] = board(None, today=dt.date(2026, 3, 23), kinds=["review"], near=0).rows  # 10 working days after 9 March
    assert "2026年3月9日" in row.why
