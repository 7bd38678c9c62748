"""A calendar-day period reaching a year without an arrangement is refused in words of calendar days."""

import datetime as dt

import pytest

from yibao.deadlines.calendar import CalendarMissing, package_calendar


def test_a_calendar_day_period_in_an_unpublished_year_does_not_speak_of_working_days():
    calendar = package_calendar()
    with pytest.raises(CalendarMissing) as info:
        calendar.add_days(dt.date(2035, 4, 20), 10)
    assert info.value.year == 2035
    assert "工作日" not in str(info.value)
    assert str(info.value).startswith("2035年的法定节假日安排尚未录入，无法确定期限届满日是否为法定休假日")


def test_a_working_day_period_in_an_unpublished_year_still_speaks_of_working_days():
    with pytest.raises(CalendarMissing, match="无法计算工作日期限"):
        package_calendar().add_workdays(dt.date(2035, 4, 20), 5)
