"""The 2025 and 2026 holiday calendars, as the State Council published them and the package carries them."""

import datetime as dt

import pytest

from yibao.deadlines.calendar import (
    HOLIDAY,
    MAKEUP_WORKDAY,
    CalendarDataError,
    CalendarMissing,
    DayEntry,
    WorkCalendar,
    YearCalendar,
    package_calendar,
)
from yibao.deadlines.services import load_calendar

D = dt.date.fromisoformat

# festival (the package's names; one row may carry two), first day off, last day off
HOLIDAYS = {
    2025: [
        ("元旦", "2025-01-01", "2025-01-01"),
        ("春节", "2025-01-28", "2025-02-04"),
        ("清明", "2025-04-04", "2025-04-06"),
        ("劳动节", "2025-05-01", "2025-05-05"),
        ("端午", "2025-05-31", "2025-06-02"),
        ("国庆节/中秋", "2025-10-01", "2025-10-08"),
    ],
    2026: [
        ("元旦", "2026-01-01", "2026-01-03"),
        ("春节", "2026-02-15", "2026-02-23"),
        ("清明", "2026-04-04", "2026-04-06"),
        ("劳动节", "2026-05-01", "2026-05-05"),
        ("端午", "2026-06-19", "2026-06-21"),
        ("中秋", "2026-09-25", "2026-09-27"),
        ("国庆节", "2026-10-01", "2026-10-07"),
    ],
}

# festival, the weekend day worked in exchange (调休上班)
MAKEUP_WORKDAYS = {
    2025: [
        ("春节", "2025-01-26"),
        ("春节", "2025-02-08"),
        ("劳动节", "2025-04-27"),
        ("国庆节", "2025-09-28"),
        ("国庆节", "2025-10-11"),
    ],
    2026: [
        ("元旦", "2026-01-04"),
        ("春节", "2026-02-14"),
        ("春节", "2026-02-28"),
        ("劳动节", "2026-05-09"),
        ("国庆节", "2026-09-20"),
        ("国庆节", "2026-10-10"),
    ],
}

# date, workday?, why
ORDINARY_DAYS = [
    ("2025-03-07", True, "a Friday"),
    ("2025-03-08", False, "a Saturday"),
    ("2025-03-09", False, "a Sunday"),
    ("2025-03-10", True, "a Monday"),
    ("2025-01-27", True, "the Monday before the 2025 Spring Festival"),
    ("2025-02-05", True, "the first day back after the 2025 Spring Festival"),
    ("2025-10-09", True, "the first day back after National Day 2025"),
    ("2026-02-24", True, "the first day back after the 2026 Spring Festival"),
    ("2026-10-08", True, "the first day back after National Day 2026"),
    ("2026-12-31", True, "the last day of 2026, a Thursday"),
]

HOLIDAY_ROWS = [(year, *row) for year, rows in HOLIDAYS.items() for row in rows]
MAKEUP_ROWS = [(year, *row) for year, rows in MAKEUP_WORKDAYS.items() for row in rows]


def _days(first: str, last: str) -> list[dt.date]:
    d, end, out = D(first), D(last), []
    while d <= end:
        out.append(d)
        d += dt.timedelta(days=1)
    return out


@pytest.fixture(scope="module")
def package():
    return package_calendar()


@pytest.mark.parametrize(("year", "festival", "first", "last"), HOLIDAY_ROWS,
                         ids=[f"{r[0]} {r[1]} {r[2]}..{r[3]}" for r in HOLIDAY_ROWS])
def test_every_day_of_the_festival_is_a_holiday_and_no_workday(package, year, festival, first, last):
    for d in _days(first, last):
        assert package.is_holiday(d), d
        assert not package.is_workday(d), d
        assert package.day_name(d) in festival.split("/"), d


@pytest.mark.parametrize(("year", "festival", "day"), MAKEUP_ROWS, ids=[f"{r[0]} {r[1]} {r[2]}" for r in MAKEUP_ROWS])
def test_the_make_up_weekend_day_is_a_workday(package, year, festival, day):
    d = D(day)
    assert d.weekday() >= 5
    assert package.is_makeup_workday(d)
    assert package.is_workday(d)
    assert package.day_name(d) == festival


@pytest.mark.parametrize(("day", "workday", "why"), ORDINARY_DAYS, ids=[f"{r[0]} {r[2]}" for r in ORDINARY_DAYS])
def test_an_ordinary_day_follows_the_week(package, day, workday, why):
    assert package.is_workday(D(day)) is workday
    assert not package.is_holiday(D(day))


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_package_has_exactly_the_published_holidays_and_make_up_days(package, year):
    expected_holidays = {d for _, first, last in HOLIDAYS[year] for d in _days(first, last)}
    expected_makeup = {D(day) for _, day in MAKEUP_WORKDAYS[year]}
    assert set(package.year(year).holidays) == expected_holidays
    assert set(package.year(year).makeup_workdays) == expected_makeup


@pytest.mark.parametrize(("year", "holidays", "makeup", "workdays"), [(2025, 28, 5, 248), (2026, 33, 6, 248)])
def test_the_year_has_its_count_of_holidays_make_up_days_and_workdays(package, year, holidays, makeup, workdays):
    assert len(package.year(year).holidays) == holidays
    assert len(package.year(year).makeup_workdays) == makeup
    assert package.workdays_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)) == workdays


def test_a_day_is_described_in_chinese_with_its_weekday_and_festival(package):
    assert package.describe(D("2025-01-28")) == "2025年1月28日（星期二，春节假期）"
    assert package.describe(D("2025-01-26")) == "2025年1月26日（星期日，春节调休上班日）"
    assert package.describe(D("2025-03-08")) == "2025年3月8日（星期六，休息日）"
    assert package.describe(D("2025-03-10")) == "2025年3月10日（星期一，工作日）"


def test_a_year_without_an_arrangement_is_refused_with_a_chinese_message(package):
    with pytest.raises(CalendarMissing) as info:
        package.is_workday(D("2035-05-01"))
    assert info.value.year == 2035
    assert str(info.value) == (
        "2035年的法定节假日安排尚未录入，无法计算工作日期限；请管理员依据国务院办公厅通知录入后再试"
    )


def test_the_package_calendar_version_names_the_package_and_its_version(package):
    import chinese_calendar

    assert package.version == f"chinesecalendar-{chinese_calendar.__version__}"
    assert 2025 in package.years and 2026 in package.years


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([DayEntry(D("2026-01-01"), HOLIDAY, "元旦")], "2026年1月1日不属于2027年"),
        ([DayEntry(D("2027-01-04"), MAKEUP_WORKDAY, "元旦")], "2027年1月4日是星期一，本就是工作日"),
        ([DayEntry(D("2027-01-01"), HOLIDAY), DayEntry(D("2027-01-01"), HOLIDAY)], "2027年1月1日重复录入"),
    ],
    ids=["a date of another year", "a make-up workday on a Monday", "the same date twice"],
)
def test_a_contradictory_arrangement_is_refused(entries, message):
    with pytest.raises(CalendarDataError, match=message):
        YearCalendar.from_entries(2027, entries)


def test_an_unknown_day_kind_is_refused():
    with pytest.raises(CalendarDataError, match="日期类型不正确"):
        DayEntry(D("2027-01-01"), "festival")


def test_an_empty_calendar_knows_no_year():
    empty = WorkCalendar([], version="empty")
    with pytest.raises(CalendarMissing):
        empty.is_workday(D("2025-03-10"))


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2025, 2026])
def test_a_fresh_database_holds_the_same_days_as_the_package(package, year):
    stored = load_calendar()
    assert stored.year(year).holidays == package.year(year).holidays
    assert stored.year(year).makeup_workdays == package.year(year).makeup_workdays
    assert stored.version == package.version
