"""The Chinese working-day calendar: weekends, statutory holidays (法定节假日) and make-up workdays (调休上班日).

Pure: no Django. A `WorkCalendar` knows, for each year it holds, the State Council's arrangement of
that year. A day is a workday when it is a make-up workday, or a Monday to Friday that is not a
holiday. Any question about a day of a year the calendar does not hold raises `CalendarMissing`:
the arrangement of a year is published by the State Council each November and is never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"
DAY_KINDS = (HOLIDAY, MAKEUP_WORKDAY)
DAY_KIND_LABELS = {HOLIDAY: "法定节假日", MAKEUP_WORKDAY: "调休上班日"}

WEEKDAY_LABELS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

SOURCE_PACKAGE = "chinesecalendar"
SOURCE_ADMIN = "admin"

# Years a calculation may reach: a guard against a typo such as 20255, not a legal limit.
MIN_YEAR, MAX_YEAR = 1949, 2199

ONE_DAY = dt.timedelta(days=1)


class CalendarMissing(LookupError):
    """A computation needs a year whose arrangement has not been published or entered."""

    def __init__(self, year: int, *, calendar_days: bool = False):
        self.year = year
        # A period of calendar days needs the calendar only to move an end falling on a holiday.
        what = "无法确定期限届满日是否为法定休假日（逢法定休假日顺延）" if calendar_days else "无法计算工作日期限"
        super().__init__(f"{year}年的法定节假日安排尚未录入，{what}；请管理员依据国务院办公厅通知录入后再试")


class CalendarDataError(ValueError):
    """An arrangement that contradicts itself (a date in the wrong year, a weekday as make-up workday)."""


def cn_date(d: dt.date) -> str:
    """2025年1月1日"""
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class DayEntry:
    """One day of a published arrangement: a holiday or a make-up workday, with the festival's name."""

    date: dt.date
    kind: str
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in DAY_KINDS:
            raise CalendarDataError(f"日期类型不正确：{self.kind}（应为 {HOLIDAY} 或 {MAKEUP_WORKDAY}）")


@dataclass(frozen=True)
class YearCalendar:
    """The arrangement of one year: holidays and make-up workdays, each with its festival's name."""

    year: int
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    makeup_workdays: Mapping[dt.date, str] = field(default_factory=dict)
    source: str = SOURCE_PACKAGE
    notice: str = ""

    @classmethod
    def from_entries(cls, year: int, entries: Iterable[DayEntry], *, source: str = SOURCE_PACKAGE,
                     notice: str = "") -> YearCalendar:
        """Build and check a year: every date in the year, no date twice, make-up workdays on weekends."""
        holidays: dict[dt.date, str] = {}
        makeup: dict[dt.date, str] = {}
        for entry in entries:
            if entry.date.year != year:
                raise CalendarDataError(f"{cn_date(entry.date)}不属于{year}年，不能录入{year}年的安排")
            if entry.date in holidays or entry.date in makeup:
                raise CalendarDataError(f"{cn_date(entry.date)}重复录入")
            if entry.kind == MAKEUP_WORKDAY:
                if entry.date.weekday() < 5:
                    raise CalendarDataError(
                        f"{cn_date(entry.date)}是{WEEKDAY_LABELS[entry.date.weekday()]}，本就是工作日，"
                        "不能录入为调休上班日"
                    )
                makeup[entry.date] = entry.name
            else:
                holidays[entry.date] = entry.name
        return cls(year, dict(sorted(holidays.items())), dict(sorted(makeup.items())), source, notice)

    def entries(self) -> list[DayEntry]:
        days = [DayEntry(d, HOLIDAY, n) for d, n in self.holidays.items()]
        days += [DayEntry(d, MAKEUP_WORKDAY, n) for d, n in self.makeup_workdays.items()]
        return sorted(days, key=lambda e: e.date)


class WorkCalendar:
    """Workdays of the years whose arrangement is known; `version` names the data it was built from."""

    def __init__(self, years: Iterable[YearCalendar], *, version: str):
        self._years: dict[int, YearCalendar] = {}
        for y in years:
            if y.year in self._years:
                raise CalendarDataError(f"{y.year}年的安排重复")
            self._years[y.year] = y
        self.version = version

    def __repr__(self) -> str:
        span = f"{min(self._years)}–{max(self._years)}" if self._years else "empty"
        return f"<WorkCalendar {self.version} {span}>"

    @property
    def years(self) -> list[int]:
        return sorted(self._years)

    def has_year(self, year: int) -> bool:
        return year in self._years

    def year(self, year: int) -> YearCalendar:
        """Return the arrangement of a year, or raise CalendarMissing."""
        try:
            return self._years[year]
        except KeyError:
            raise CalendarMissing(year) from None

    def require(self, *years: int) -> None:
        """Raise CalendarMissing for the first of these years the calendar does not hold."""
        for y in sorted(set(years)):
            self.year(y)

    def is_holiday(self, d: dt.date) -> bool:
        """A statutory holiday of the State Council's arrangement (not an ordinary weekend)."""
        return d in self.year(d.year).holidays

    def is_makeup_workday(self, d: dt.date) -> bool:
        """A weekend day worked in exchange for a holiday (调休上班)."""
        return d in self.year(d.year).makeup_workdays

    def is_workday(self, d: dt.date) -> bool:
        y = self.year(d.year)
        if d in y.makeup_workdays:
            return True
        return d.weekday() < 5 and d not in y.holidays

    def day_name(self, d: dt.date) -> str:
        """The festival a holiday or make-up workday belongs to, e.g. 春节; empty for an ordinary day."""
        y = self.year(d.year)
        return y.holidays.get(d) or y.makeup_workdays.get(d) or ""

    def describe(self, d: dt.date) -> str:
        """A Chinese description of the day: 2025年1月28日（星期二，春节假期）."""
        weekday = WEEKDAY_LABELS[d.weekday()]
        if self.is_holiday(d):
            what = f"{self.day_name(d)}假期" if self.day_name(d) else "法定节假日"
        elif self.is_makeup_workday(d):
            what = f"{self.day_name(d)}调休上班日" if self.day_name(d) else "调休上班日"
        elif d.weekday() >= 5:
            what = "休息日"
        else:
            what = "工作日"
        return f"{cn_date(d)}（{weekday}，{what}）"

    def next_workday(self, d: dt.date) -> dt.date:
        """d itself when it is a workday, otherwise the first workday after it."""
        while not self.is_workday(d):
            d = _step(d, 1)
        return d

    def add_days(self, start: dt.date, n: int) -> dt.date:
        """The end of a period of n calendar days after start, moved to the next workday if it is none.

        The start day is not counted; the n-th day after it is the nominal end. Only the end (and the
        days it moves across) consult the calendar, so only those years must be known.
        """
        _check_count(n)
        try:
            return self.next_workday(_step(start, n))
        except CalendarMissing as e:
            raise CalendarMissing(e.year, calendar_days=True) from None

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th workday after start (start not counted); n < 0 counts back to the n-th workday before."""
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError("n must be an int")
        d = start
        sign = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            d = _step(d, sign)
            if self.is_workday(d):
                remaining -= 1
        return d

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """How many workdays lie after start up to and including end."""
        count, d = 0, start
        while d < end:
            d = _step(d, 1)
            count += self.is_workday(d)
        return count


def _check_count(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("n must be an int")
    if n < 0:
        raise ValueError("n must not be negative")


def _step(d: dt.date, days: int) -> dt.date:
    try:
        moved = d + dt.timedelta(days=days)
    except OverflowError:
        raise CalendarMissing(dt.MAXYEAR if days > 0 else dt.MINYEAR) from None
    if not MIN_YEAR <= moved.year <= MAX_YEAR:
        raise CalendarMissing(moved.year)
    return moved


# --- the chinesecalendar package -------------------------------------------------------------------


def package_version() -> str:
    import chinese_calendar

    return chinese_calendar.__version__


def package_years() -> list[int]:
    """The years whose arrangement the installed chinesecalendar package knows."""
    from chinese_calendar import holidays

    return sorted({d.year for d in holidays})


def read_package(years: Iterable[int] | None = None) -> list[YearCalendar]:
    """Read the arrangements of the given years (default: every year) from the chinesecalendar package.

    Years the package does not cover are skipped, never filled in. Names are the package's Chinese
    festival names (春节, 国庆节 …).
    """
    from chinese_calendar import Holiday, holidays, workdays

    names = {h.value: h.chinese for h in Holiday}
    covered = set(package_years())
    wanted = covered if years is None else covered & set(years)
    entries: dict[int, list[DayEntry]] = {y: [] for y in wanted}
    for d, value in holidays.items():
        if d.year in wanted:
            entries[d.year].append(DayEntry(d, HOLIDAY, names.get(value, value)))
    for d, value in workdays.items():
        if d.year in wanted:
            entries[d.year].append(DayEntry(d, MAKEUP_WORKDAY, names.get(value, value)))
    return [YearCalendar.from_entries(y, entries[y], source=SOURCE_PACKAGE) for y in sorted(wanted)]


def package_calendar(years: Iterable[int] | None = None) -> WorkCalendar:
    """A calendar straight from the package, without the database (the CLI and pure tests use it)."""
    return WorkCalendar(read_package(years), version=f"{SOURCE_PACKAGE}-{package_version()}")
