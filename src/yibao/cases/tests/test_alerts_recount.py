"""Deadlines follow the holiday table (deadlines.services.do_recount_deadlines with the cases' recounter): when
it changes, the stored due dates not yet passed follow it; those passed never move."""

import datetime as dt

import pytest

from yibao.cases import services as s
from yibao.cases.models import Case
from yibao.core.models import AuditEvent
from yibao.deadlines.calendar import HOLIDAY, read_package
from yibao.deadlines.models import Recount
from yibao.deadlines.services import do_publish_year, do_recount_deadlines

pytestmark = pytest.mark.django_db


def file(staff, file_input, clock, day, title):
    clock.set(day)
    proposed = s.do_file_case(file_input(title=title, lead=None, bureau=staff.head.profile.bureau), actor=staff.head)
    return Case.objects.get(pk=proposed.pk)


def test_a_due_date_in_an_unpublished_year_becomes_exact_when_that_year_is_loaded(staff, file_input, clock):
    case = file(staff, file_input, clock, dt.date(2026, 12, 1), "年末立案")
    # 90 days after 1 December 2026 is Monday 1 March 2027; 2027's holidays are not published: 待定.
    assert case.due_on == dt.date(2027, 3, 1) and case.due_provisional
    version = case.version
    # A test arrangement, not the State Council's: a holiday on the nominal last day moves it to the next workday.
    do_publish_year(2027, [(dt.date(2027, 3, 1), HOLIDAY, "测试假日")], notice="测试〔2026〕1号", actor=staff.head)
    case = Case.objects.get(pk=case.pk)
    assert case.due_on == dt.date(2027, 3, 2) and not case.due_provisional
    assert "2027年3月2日" in case.due_explanation and case.version == version + 1  # a page opened before is told
    recount = Recount.objects.get(subject_type="case", subject_id=case.pk, kind="case")
    assert (recount.due_before, recount.due_after, recount.provisional) == (dt.date(2027, 3, 1), dt.date(2027, 3, 2),
                                                                           False)
    assert recount.calendar_version.endswith("admin-1")
    event = AuditEvent.objects.get(action="deadline.recount")
    assert event.data["moved"] == 1 and event.data["confirmed"] == 1


def test_a_passed_due_date_never_moves_while_a_running_one_follows_a_corrected_year(staff, file_input, clock):
    passed = file(staff, file_input, clock, dt.date(2026, 1, 5), "一月立案")
    running = file(staff, file_input, clock, dt.date(2026, 3, 2), "三月立案")
    # 5 January + 90 days is Sunday 5 April, in the 清明节 holiday: Tuesday 7 April. 2 March + 90: Monday 1 June.
    assert (passed.due_on, running.due_on) == (dt.date(2026, 4, 7), dt.date(2026, 6, 1))
    clock.set(dt.date(2026, 4, 8))
    [year] = read_package([2026])
    corrected = [(e.date, e.kind, e.name) for e in year.entries()]
    corrected += [(dt.date(2026, 4, 7), HOLIDAY, "测试更正"), (dt.date(2026, 6, 1), HOLIDAY, "测试更正")]
    do_publish_year(2026, corrected, notice="测试〔2026〕2号", actor=staff.head, replace=True)
    assert Case.objects.get(pk=passed.pk).due_on == dt.date(2026, 4, 7)
    assert Case.objects.get(pk=running.pk).due_on == dt.date(2026, 6, 2)
    assert not Recount.objects.filter(subject_id=passed.pk).exists()


def test_a_recount_with_nothing_to_move_still_says_so_on_the_audit_trail(staff, file_input, clock):
    file(staff, file_input, clock, dt.date(2026, 3, 2), "三月立案")
    result = do_recount_deadlines(actor=staff.head, reason="核对")
    assert result["recounted"] == 1 and result["moved"] == 0 and not Recount.objects.exists()
    assert AuditEvent.objects.filter(action="deadline.recount").count() == 1


def test_the_command_line_recounts_and_says_how_many(staff, file_input, clock):
    from typer.testing import CliRunner

    from yibao.cli import app

    file(staff, file_input, clock, dt.date(2026, 3, 2), "三月立案")
    result = CliRunner().invoke(app, ["deadline-recount", "--json"])
    assert result.exit_code == 0, result.output
    assert '"recounted": 1' in result.output and '"moved": 0' in result.output
