"""Due dates in calendar days and working days (table: cases.yaml), the calendar's upkeep, and the CLI."""

import datetime as dt
import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from yibao.core.models import AuditEvent
from yibao.deadlines.calendar import HOLIDAY, MAKEUP_WORKDAY, CalendarMissing, DayEntry, package_calendar
from yibao.deadlines.cli import deadline_command
from yibao.deadlines.models import CalendarDay, CalendarYear
from yibao.deadlines.periods import (
    LAST_DAY_ON_REST_DAY_MOVES,
    PENALTY_LAW_CALENDAR_DAY_PERIODS,
    PENALTY_LAW_WORKDAY_PERIODS,
    START_DAY_NOT_COUNTED,
    PeriodError,
    compute_deadline,
    due_date,
    statutory_deadline,
)
from yibao.deadlines.services import (
    CalendarRefused,
    do_publish_year,
    load_calendar,
    seed_from_chinesecalendar,
)

D = dt.date.fromisoformat
CASES = yaml.safe_load(Path(__file__).with_name("cases.yaml").read_text(encoding="utf-8"))
PACKAGE_VERSION = package_calendar().version

# Test data, not the real 2027 arrangement: New Year's Day off Friday to Sunday, and one make-up Saturday.
ADMIN_2027 = [
    DayEntry(D("2027-01-01"), HOLIDAY, "元旦"),
    DayEntry(D("2027-01-02"), HOLIDAY, "元旦"),
    DayEntry(D("2027-01-03"), HOLIDAY, "元旦"),
    DayEntry(D("2027-01-09"), MAKEUP_WORKDAY, "元旦"),
]
NOTICE_2027 = "国办发明电〔2026〕99号（测试）"


def _ids(cases):
    return [c["case"] for c in cases]


def _check(case, calendar):
    if "refused" in case:
        with pytest.raises(CalendarMissing) as info:
            due_date(case["start"], case["days"], workdays=case["workdays"], calendar=calendar)
        assert info.value.year == case["refused"]
        assert str(info.value).startswith(f"{case['refused']}年的法定节假日安排尚未录入")
    else:
        assert due_date(case["start"], case["days"], workdays=case["workdays"], calendar=calendar) == case["due"]


@pytest.fixture(scope="module")
def package():
    return package_calendar()


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("calendar_admin", "admin@example.invalid", "pw")


@pytest.fixture
def published_2027(admin_user):
    return do_publish_year(2027, ADMIN_2027, notice=NOTICE_2027, actor=admin_user, published_on=D("2026-11-01"))


# --- the table -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["package"], ids=_ids(CASES["package"]))
def test_due_date_on_the_package_calendar(case, package):
    _check(case, package)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES["package"], ids=_ids(CASES["package"]))
def test_due_date_on_the_calendar_seeded_into_the_database(case):
    _check(case, load_calendar())


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES["admin_2027"], ids=_ids(CASES["admin_2027"]))
def test_due_date_with_a_year_an_administrator_published(case, published_2027):
    _check(case, load_calendar())


# --- the rules and their explanations ----------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -1])
def test_a_period_of_less_than_one_day_is_refused_in_chinese(package, days):
    with pytest.raises(PeriodError, match="期限天数应为正整数"):
        due_date(D("2025-03-03"), days, workdays=False, calendar=package)


def test_a_period_that_moves_says_why_and_cites_the_civil_procedure_law(package):
    deadline = compute_deadline(D("2025-01-15"), 15, workdays=False, calendar=package)
    assert (deadline.nominal_end, deadline.due, deadline.moved) == (D("2025-01-30"), D("2025-02-05"), True)
    assert deadline.citations == (START_DAY_NOT_COUNTED, LAST_DAY_ON_REST_DAY_MOVES)
    assert [c.label() for c in deadline.citations] == [
        "《中华人民共和国民事诉讼法》第八十五条第二款",
        "《中华人民共和国民事诉讼法》第八十五条第三款",
    ]
    assert "2025年1月30日（星期四，春节假期）" in deadline.explanation
    assert "顺延至其后的第一个工作日2025年2月5日（星期三，工作日）" in deadline.explanation
    assert deadline.calendar_version == package.version


def test_a_period_that_does_not_move_cites_only_the_start_day_rule(package):
    deadline = compute_deadline(D("2025-03-03"), 10, workdays=False, calendar=package)
    assert not deadline.moved
    assert deadline.citations == (START_DAY_NOT_COUNTED,)
    assert deadline.as_dict()["due"] == "2025-03-13"


def test_a_working_day_period_explains_that_holidays_are_not_counted(package):
    deadline = compute_deadline(D("2025-01-24"), 3, workdays=True, calendar=package)
    assert deadline.due == D("2025-02-05")
    assert "第3个工作日为2025年2月5日" in deadline.explanation
    assert "调休上班日计入" in deadline.explanation


def test_the_penalty_law_periods_in_working_days_are_its_two_three_five_and_seven_days():
    assert PENALTY_LAW_WORKDAY_PERIODS
    for period in PENALTY_LAW_WORKDAY_PERIODS.values():
        assert period.workdays and period.days in (2, 3, 5, 7)
        assert period.citation.law == "中华人民共和国行政处罚法"
    for period in PENALTY_LAW_CALENDAR_DAY_PERIODS.values():
        assert not period.workdays and period.days > 7


# key, start, expected due
STATUTORY_CASES = [
    ("serve_decision", "2025-09-26", "2025-10-13"),  # 7 working days across National Day
    ("request_hearing", "2025-04-25", "2025-05-06"),  # 5 working days across Labour Day
    ("hand_over_fines", "2025-01-24", "2025-01-27"),  # 2 working days: make-up Sunday, Monday
    ("hearing_notice", "2025-10-14", "2025-09-28"),  # 7 working days before the hearing, back across National Day
    ("pay_fine", "2025-01-15", "2025-02-05"),  # 15 calendar days ending in the Spring Festival
    ("decide_case", "2025-01-02", "2025-04-02"),  # 90 calendar days
]


@pytest.mark.parametrize(("key", "start", "due"), STATUTORY_CASES, ids=[c[0] for c in STATUTORY_CASES])
def test_a_statutory_period_is_counted_as_its_law_says(package, key, start, due):
    period = PENALTY_LAW_WORKDAY_PERIODS.get(key) or PENALTY_LAW_CALENDAR_DAY_PERIODS[key]
    assert statutory_deadline(period, D(start), calendar=package) == D(due)


# --- keeping the calendar ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_fresh_database_holds_every_year_the_package_covers(package):
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == package.years
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {"chinesecalendar"}


@pytest.mark.django_db
def test_seeding_again_changes_nothing_and_writes_no_event():
    events = AuditEvent.objects.count()
    result = seed_from_chinesecalendar()
    assert not result.changed
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_seeding_restores_a_package_year_whose_days_were_lost():
    CalendarDay.objects.filter(date=D("2025-10-08")).delete()
    assert load_calendar().is_workday(D("2025-10-08"))
    seeded_before = AuditEvent.objects.filter(action="calendar.seed").count()
    result = seed_from_chinesecalendar([2025])
    assert result.updated == [2025]
    assert not load_calendar().is_workday(D("2025-10-08"))
    assert AuditEvent.objects.filter(action="calendar.seed").count() == seeded_before + 1


@pytest.mark.django_db
def test_seeding_adds_only_years_the_package_covers():
    CalendarYear.objects.filter(year=2026).delete()
    result = seed_from_chinesecalendar([2026, 2035])
    assert result.added == [2026]
    assert result.not_covered == [2035]
    assert not CalendarYear.objects.filter(year=2035).exists()


@pytest.mark.django_db
def test_seeding_never_overwrites_a_year_an_administrator_entered(admin_user):
    do_publish_year(2026, [(D("2026-01-01"), HOLIDAY, "元旦")], notice="更正", actor=admin_user, replace=True)
    result = seed_from_chinesecalendar([2026])
    assert result.kept_admin == [2026]
    assert CalendarYear.objects.get(year=2026).days.count() == 1


@pytest.mark.django_db
def test_publishing_a_year_stores_its_days_and_writes_an_audit_event(published_2027, admin_user):
    row = CalendarYear.objects.get(year=2027)
    assert (row.source, row.notice, row.published_on, row.created_by) == (
        "admin", NOTICE_2027, D("2026-11-01"), admin_user)
    assert list(row.days.values_list("date", "kind")) == [(e.date, e.kind) for e in ADMIN_2027]
    event = AuditEvent.objects.get(action="calendar.publish")
    assert event.actor == admin_user
    assert event.data["holidays"] == ["2027-01-01", "2027-01-02", "2027-01-03"]
    assert event.data["makeup_workdays"] == ["2027-01-09"]


@pytest.mark.django_db
def test_publishing_an_existing_year_is_refused_unless_it_replaces(published_2027, admin_user):
    with pytest.raises(CalendarRefused, match="2027年的节假日安排已存在"):
        do_publish_year(2027, ADMIN_2027, notice=NOTICE_2027, actor=admin_user)
    row = do_publish_year(2027, ADMIN_2027[:3], notice=NOTICE_2027, actor=admin_user, replace=True)
    assert row.revision == 2 and row.days.count() == 3
    assert AuditEvent.objects.filter(action="calendar.replace").count() == 1


# what is entered, notice, the Chinese message
BAD_ARRANGEMENTS = [
    ("no notice number", ADMIN_2027, "", "请填写国务院办公厅通知的文号"),
    ("a date of another year", [(D("2026-12-31"), HOLIDAY, "元旦")], NOTICE_2027, "不属于2027年"),
    ("a make-up workday on a weekday", [(D("2027-01-05"), MAKEUP_WORKDAY, "元旦")], NOTICE_2027, "本就是工作日"),
    ("the same date twice", [(D("2027-01-01"), HOLIDAY), (D("2027-01-01"), HOLIDAY)], NOTICE_2027, "重复录入"),
    ("no holiday at all", [(D("2027-01-09"), MAKEUP_WORKDAY, "元旦")], NOTICE_2027, "没有任何法定节假日"),
    ("a malformed date", [("2027-13-01", HOLIDAY, "元旦")], NOTICE_2027, "日期格式不正确"),
    ("an unknown kind of day", [(D("2027-01-01"), "festival", "元旦")], NOTICE_2027, "日期类型不正确"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("entered", "notice", "message"), [r[1:] for r in BAD_ARRANGEMENTS],
                         ids=[r[0] for r in BAD_ARRANGEMENTS])
def test_publishing_a_bad_arrangement_is_refused_in_chinese(admin_user, entered, notice, message):
    with pytest.raises(CalendarRefused, match=message):
        do_publish_year(2027, entered, notice=notice, actor=admin_user)
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_the_calendar_version_counts_administrator_revisions(admin_user):
    assert load_calendar().version == PACKAGE_VERSION
    do_publish_year(2027, ADMIN_2027, notice=NOTICE_2027, actor=admin_user)
    assert load_calendar().version == f"{PACKAGE_VERSION}+admin-1"
    do_publish_year(2027, ADMIN_2027, notice=NOTICE_2027, actor=admin_user, replace=True)
    assert load_calendar().version == f"{PACKAGE_VERSION}+admin-2"


@pytest.mark.django_db
def test_the_loaded_calendar_is_reused_until_the_data_changes(admin_user):
    first = load_calendar()
    assert load_calendar() is first
    do_publish_year(2027, ADMIN_2027, notice=NOTICE_2027, actor=admin_user)
    second = load_calendar()
    assert second is not first and second.has_year(2027)
    CalendarDay.objects.filter(date=D("2027-01-09")).delete()
    assert not load_calendar().is_workday(D("2027-01-09"))


# --- the admin ---------------------------------------------------------------------------------------


def _admin_form(year, notice, days):
    data = {
        "year": str(year), "notice": notice, "published_on": "",
        "days-TOTAL_FORMS": str(len(days)), "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
    }
    for i, (date, kind, name) in enumerate(days):
        data.update({f"days-{i}-date": date, f"days-{i}-kind": kind, f"days-{i}-name": name})
    return data


@pytest.mark.django_db
def test_an_administrator_enters_a_year_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    days = [("2027-01-01", HOLIDAY, "元旦"), ("2027-01-09", MAKEUP_WORKDAY, "元旦")]
    response = client.post("/admin/deadlines/calendaryear/add/", _admin_form(2027, NOTICE_2027, days))
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CalendarYear.objects.get(year=2027)
    assert (row.source, row.created_by, row.days.count()) == ("admin", admin_user, 2)
    assert AuditEvent.objects.filter(action="calendar.publish", object_id=str(row.pk)).exists()
    assert load_calendar().is_workday(D("2027-01-09"))


@pytest.mark.django_db
def test_the_admin_refuses_a_make_up_workday_on_a_weekday(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/deadlines/calendaryear/add/",
                           _admin_form(2027, NOTICE_2027, [("2027-01-05", MAKEUP_WORKDAY, "元旦")]))
    assert response.status_code == 200
    assert "本就是工作日" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_the_admin_lists_the_years_in_chinese(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/deadlines/calendaryear/").content.decode()
    assert "节假日安排（年度）" in page and "2026" in page


@pytest.mark.django_db
def test_an_administrator_correcting_a_seeded_year_makes_it_theirs(client, admin_user):
    client.force_login(admin_user)
    row = CalendarYear.objects.get(year=2026)
    data = {
        "year": "2026", "notice": "国办发明电〔2025〕7号", "published_on": "",
        "days-TOTAL_FORMS": "0", "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/deadlines/calendaryear/{row.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert (row.source, row.revision, row.notice) == ("admin", 2, "国办发明电〔2025〕7号")
    assert AuditEvent.objects.filter(action="calendar.edit", object_id=str(row.pk)).exists()
    assert load_calendar().version.endswith("+admin-2")


# --- the CLI -----------------------------------------------------------------------------------------


def _cli():
    app = typer.Typer()
    app.command("deadline")(deadline_command)

    @app.callback()
    def main() -> None:
        """Test harness: a group, as in yibao/cli.py."""

    return app


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "due"),
    [
        (["--from", "2025-01-15", "--days", "15"], "2025-02-05"),
        (["--from", "2025-01-24", "--days", "3", "--workdays"], "2025-02-05"),
    ],
    ids=["calendar days", "working days"],
)
def test_the_deadline_command_prints_the_due_date_and_calendar_version_as_json(args, due):
    result = CliRunner().invoke(_cli(), ["deadline", *args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"due": due, "calendar_version": PACKAGE_VERSION}


@pytest.mark.django_db
def test_the_deadline_command_prints_a_chinese_line_without_json():
    result = CliRunner().invoke(_cli(), ["deadline", "--from", "2025-01-15", "--days", "15"])
    assert result.exit_code == 0
    assert result.stdout.startswith("期限届满日：2025-02-05。")


@pytest.mark.django_db
def test_the_deadline_command_refuses_a_year_without_calendar_on_stderr():
    result = CliRunner().invoke(_cli(), ["deadline", "--from", "2035-03-01", "--days", "10", "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "2035年的法定节假日安排尚未录入" in result.stderr


@pytest.mark.parametrize(("args", "message"), [(["--from", "2025/01/15", "--days", "3"], "日期格式不正确"),
                                               (["--from", "2025-01-15", "--days", "0"], "期限天数应为正整数")],
                         ids=["a malformed date", "zero days"])
def test_the_deadline_command_refuses_bad_input_in_chinese(args, message):
    result = CliRunner().invoke(_cli(), ["deadline", *args])
    assert result.exit_code == 1
    assert message in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_published_holidays_back():
    from django.core.management import call_command
    from django.db import connection

    from yibao.core.migrations._audit_guard import lifted

    with lifted(connection):
        call_command("flush", interactive=False, verbosity=0)
    assert not load_calendar().is_workday(D("2025-10-08"))
