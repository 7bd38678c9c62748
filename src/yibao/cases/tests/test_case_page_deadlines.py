"""The case page's deadlines table lists every open deadline the board counts for the case (法制审核, 听证,
催告, 申请法院强制执行, 协查回复…), each with the same date and the same "why this date" as the board."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.case_deadlines import open_deadlines
from yibao.cases.deadlines import board

from .test_execution import enforcing  # noqa: F401 - a fixture the tests below take by name

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(staff, file_input, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    return s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)


def deadline_rows(client, user, case) -> dict[str, str]:
    """{kind: the row's text} of the page's deadlines table, for the rows the sources gave."""
    client.force_login(user)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    table = html[html.index('id="case-deadlines"'):]
    table = table[:table.index("</table>")]
    return {m[0]: re.sub(r"<[^>]+>", " ", m[1]) for m in re.findall(r'<tr data-kind="(\w+)">(.*?)</tr>', table, re.S)}


def test_the_legal_review_shows_on_the_case_page_with_the_boards_date_and_why(staff, filed, clock, client):
    from yibao.cases.models import Case

    Case.objects.filter(pk=filed.pk).update(state="under_review", review_since=dt.date(2026, 3, 2))
    clock.set(dt.date(2026, 3, 4))  # far from due: the board leaves it out, the case page does not
    assert board(None, today=clock.day, kinds=["review"], near=1).rows == []
    [row] = open_deadlines(Case.objects.get(pk=filed.pk), today=clock.day)
    assert (row.kind, row.due) == ("review", dt.date(2026, 3, 16))
    [on_board] = board(None, today=dt.date(2026, 3, 16), kinds=["review"], near=0).rows
    assert row.why == on_board.why and "2026年3月2日" in row.why
    rows = deadline_rows(client, staff.head, filed)
    assert list(rows) == ["review"]
    assert "法制审核期限" in rows["review"] and "2026-03-16" in rows["review"] and "2026年3月2日" in rows["review"]


def test_the_reminder_and_the_court_application_of_an_unpaid_fine_are_on_the_case_page(staff, enforcing, clock,  # noqa: F811
                                                                                          client):
    rows = deadline_rows(client, staff.head, enforcing)
    # Served 2 March 2026: the remedy periods end 2 September, the court is asked by 2 December, the 催告 at
    # least ten days before (as the board counts them, test_workbench_board).
    assert "2026-11-22" in rows["reminder"] and "第五十四条" in rows["reminder"]
    assert "2026-12-02" in rows["court_enforcement"] and "2026年9月2日" in rows["court_enforcement"]


def test_a_served_reminder_leaves_the_case_page_as_it_leaves_the_board(staff, enforcing, clock, client):  # noqa: F811
    from yibao.cases.services.execution import do_serve_reminder

    clock.set(dt.date(2026, 3, 20))
    case = do_serve_reminder(enforcing, actor=staff.officer1, expected_version=enforcing.version)
    assert [r.kind for r in open_deadlines(case, today=clock.day)] == ["court_enforcement"]


def test_the_stored_deadlines_come_from_the_sources_only_when_asked(staff, filed, clock):
    assert open_deadlines(filed, today=clock.day) == []
    [row] = open_deadlines(filed, today=clock.day, include_stored=True)
    assert (row.kind, row.due, row.why) == ("case", filed.due_on, filed.due_explanation)


def test_another_cases_deadlines_stay_off_the_page(staff, filed, file_input, clock):
    from yibao.cases.services.investigation import do_send_assistance_request

    other = s.do_file_case(file_input(title="另一案", lead=None, bureau=staff.head.profile.bureau), actor=staff.head)
    other = s.do_start_investigation(other, actor=staff.officer1, expected_version=other.version)
    letter = do_send_assistance_request(other, actor=staff.officer1, to_authority="洛阳市医疗保障局",
                                        matters="核实参保人住院记录")
    case = s.do_start_investigation(filed, actor=staff.officer1, expected_version=filed.version)
    assert open_deadlines(case, today=clock.day) == []
    [row] = open_deadlines(other, today=clock.day)
    assert (row.kind, row.due, row.why) == ("assistance_reply", letter.reply_due, letter.due_explanation)


def test_a_running_seal_of_the_case_is_listed_and_another_cases_seal_is_not(staff, filed, file_input, county, clock,
                                                                             client):
    from yibao.coercion.tests.test_seal_services import active_seal

    def seal_input(**changes):
        return dict(party_name="栾川县康宁诊所", items=["2025年门诊处方 3 册"], place="栾川县康宁诊所药房",
                    reason="处方可能被涂改", days=30, officers=[staff.officer1.officer, staff.officer2.officer],
                    **changes)

    seal = active_seal(staff, county, seal_input, filed)
    other = s.do_file_case(file_input(title="另一案", lead=None, bureau=county), actor=staff.head)
    active_seal(staff, county, seal_input, other)
    [row] = open_deadlines(filed, today=clock.day)
    assert (row.kind, row.due, row.href) == ("seal", seal.ends_on, seal.get_absolute_url())
    assert seal.number in deadline_rows(client, staff.head, filed)["seal"]
