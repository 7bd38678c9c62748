"""Deadlines (期限) in calendar days and in working days. Pure: no Django.

The rules, from 《中华人民共和国民事诉讼法》第八十五条, which administrative enforcement follows for
counting periods (行政处罚法 第六十一条 itself sends service of a decision to the 民事诉讼法):

* 第二款: 期间开始的时和日，不计算在期间内 — the start day is not counted; a period of n days
  ends on the n-th day after the start.
* 第三款: 期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期 — a
  calendar-day period whose last day is a rest day (a weekend day or a statutory holiday; a make-up
  workday is a workday) ends on the next workday.

A period in working days counts only workdays after the start and so always ends on a workday.
Which periods are in working days is for the law to say: 《中华人民共和国行政处罚法》第八十五条
makes its 二日、三日、五日、七日 working days (table `PENALTY_LAW_WORKDAY_PERIODS`), and
《中华人民共和国行政强制法》第六十九条 does the same for its periods of up to ten days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from yibao.deadlines.calendar import ONE_DAY, WorkCalendar, cn_date
from yibao.law.citations import Citation

CIVIL_PROCEDURE_LAW = "中华人民共和国民事诉讼法"
PENALTY_LAW = "中华人民共和国行政处罚法"
COERCION_LAW = "中华人民共和国行政强制法"

START_DAY_NOT_COUNTED = Citation(
    CIVIL_PROCEDURE_LAW, "law", 85, 2, text="期间以时、日、月、年计算。期间开始的时和日，不计算在期间内。"
)
LAST_DAY_ON_REST_DAY_MOVES = Citation(
    CIVIL_PROCEDURE_LAW, "law", 85, 3,
    text="期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期。",
)
PENALTY_LAW_WORKING_DAYS = Citation(
    PENALTY_LAW, "law", 85, text="本法中“二日”“三日”“五日”“七日”的规定是指工作日，不含法定节假日。"
)
COERCION_LAW_WORKING_DAYS = Citation(
    COERCION_LAW, "law", 69, text="本法中十日以内期限的规定是指工作日，不含法定节假日。"
)
# 行政强制法 第六十九条: a period of this many days or fewer is in working days.
COERCION_LAW_WORKDAY_LIMIT = 10


@dataclass(frozen=True)
class StatutoryPeriod:
    """A period a law fixes: how many days, whether they are working days, and where it says so."""

    key: str
    days: int
    workdays: bool
    description: str
    citation: Citation
    counted_from: str
    backwards: bool = False  # "七日前": the act must come at least this many days before the event


# 《中华人民共和国行政处罚法》(2021): its 二日、三日、五日、七日 are working days (第八十五条).
PENALTY_LAW_WORKDAY_PERIODS: dict[str, StatutoryPeriod] = {
    p.key: p
    for p in (
        StatutoryPeriod(
            "withdraw_disclosure", 3, True, "公开的行政处罚决定被变更、撤销、确认违法或者确认无效的，撤回公开信息",
            Citation(PENALTY_LAW, "law", 48, 2), "变更、撤销、确认违法或者确认无效之日",
        ),
        StatutoryPeriod(
            "preservation_decision", 7, True, "先行登记保存后及时作出处理决定",
            Citation(PENALTY_LAW, "law", 56), "先行登记保存之日",
        ),
        StatutoryPeriod(
            "serve_decision", 7, True, "当事人不在场的，将行政处罚决定书送达当事人",
            Citation(PENALTY_LAW, "law", 61, 1), "宣告之日",
        ),
        StatutoryPeriod(
            "request_hearing", 5, True, "当事人要求听证的，在行政机关告知后提出",
            Citation(PENALTY_LAW, "law", 64, None, 1), "告知之日",
        ),
        StatutoryPeriod(
            "hearing_notice", 7, True, "举行听证前通知当事人及有关人员听证的时间、地点",
            Citation(PENALTY_LAW, "law", 64, None, 2), "举行听证之日", backwards=True,
        ),
        StatutoryPeriod(
            "hand_over_fines", 2, True, "执法人员当场收缴的罚款交至行政机关；行政机关将罚款缴付指定的银行",
            Citation(PENALTY_LAW, "law", 71), "收缴罚款之日（水上为抵岸之日）",
        ),
    )
}

# Periods of the same law counted in calendar days (longer than 七日, so 第八十五条 does not apply).
PENALTY_LAW_CALENDAR_DAY_PERIODS: dict[str, StatutoryPeriod] = {
    p.key: p
    for p in (
        StatutoryPeriod(
            "decide_case", 90, False, "自立案之日起作出行政处罚决定（法律、法规、规章另有规定的除外）",
            Citation(PENALTY_LAW, "law", 60), "立案之日",
        ),
        StatutoryPeriod(
            "pay_fine", 15, False, "当事人到指定的银行或者通过电子支付系统缴纳罚款",
            Citation(PENALTY_LAW, "law", 67, 3), "收到行政处罚决定书之日",
        ),
    )
}


class PeriodError(ValueError):
    """A period that cannot be counted (not a positive number of days); the message is Chinese."""


@dataclass(frozen=True)
class Deadline:
    """When a period ends, and why: the nominal last day, whether it moved, and the rules applied."""

    start: dt.date
    days: int
    workdays: bool
    due: dt.date
    nominal_end: dt.date
    moved: bool
    calendar_version: str
    citations: tuple[Citation, ...]
    explanation: str

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "workdays": self.workdays,
            "due": self.due.isoformat(),
            "nominal_end": self.nominal_end.isoformat(),
            "moved": self.moved,
            "calendar_version": self.calendar_version,
            "citations": [c.label() for c in self.citations],
            "explanation": self.explanation,
        }


def compute_deadline(start: dt.date, days: int, *, workdays: bool, calendar: WorkCalendar) -> Deadline:
    """Count a period of `days` calendar days or working days after `start`.

    Raises PeriodError for a count below one and CalendarMissing when a year it needs is not known.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise PeriodError(f"期限天数应为正整数，收到：{days}")
    if workdays:
        due = calendar.add_workdays(start, days)
        return Deadline(
            start, days, True, due, due, False, calendar.version,
            (START_DAY_NOT_COUNTED,),
            f"自{cn_date(start)}次日起算（当日不计入），第{days}个工作日为{calendar.describe(due)}，"
            "期间内的法定节假日和休息日不计入，调休上班日计入。",
        )
    nominal = start + dt.timedelta(days=days)
    due = calendar.add_days(start, days)
    moved = due != nominal
    text = f"自{cn_date(start)}次日起算（当日不计入），{days}日期间的最后一日为{calendar.describe(nominal)}"
    if moved:
        text += f"，是法定休假日，顺延至其后的第一个工作日{calendar.describe(due)}。"
        citations: tuple[Citation, ...] = (START_DAY_NOT_COUNTED, LAST_DAY_ON_REST_DAY_MOVES)
    else:
        text += "。"
        citations = (START_DAY_NOT_COUNTED,)
    return Deadline(start, days, False, due, nominal, moved, calendar.version, citations, text)


def due_date(start: dt.date, days: int, *, workdays: bool, calendar: WorkCalendar) -> dt.date:
    """The last day of the period: see `compute_deadline`."""
    return compute_deadline(start, days, workdays=workdays, calendar=calendar).due


def compute_statutory_deadline(period: StatutoryPeriod, start: dt.date, *, calendar: WorkCalendar) -> Deadline:
    """A statutory period counted from `start`, citing the article that fixes it (and makes it working days).

    For a 七日前 period (`backwards`), `start` is the event and the due date the latest day before it.
    """
    basis: tuple[Citation, ...] = (period.citation,)
    if period.workdays and period.citation.law == PENALTY_LAW:
        basis += (PENALTY_LAW_WORKING_DAYS,)
    unit = "个工作日" if period.workdays else "日"
    if not period.backwards:
        counted = compute_deadline(start, period.days, workdays=period.workdays, calendar=calendar)
        return replace(counted, citations=basis + counted.citations,
                       explanation=f"{period.description}：自{period.counted_from}起{period.days}{unit}。"
                                   + counted.explanation)
    if period.workdays:
        due = calendar.add_workdays(start, -period.days)
        counting = f"往前数第{period.days}个工作日为{calendar.describe(due)}，期间内的法定节假日和休息日不计入"
    else:
        due = start - dt.timedelta(days=period.days)
        counting = f"往前数{period.days}日为{calendar.describe(due)}"
    return Deadline(
        start, period.days, period.workdays, due, due, False, calendar.version, basis + (START_DAY_NOT_COUNTED,),
        f"{period.description}：应在{period.counted_from}前{period.days}{unit}。{cn_date(start)}当日不计入，"
        f"{counting}；最迟应在该日完成。",
    )


def statutory_deadline(period: StatutoryPeriod, start: dt.date, *, calendar: WorkCalendar) -> dt.date:
    """The due date of a statutory period counted from `start`; for a 七日前 period, the latest day before it."""
    return compute_statutory_deadline(period, start, calendar=calendar).due


# 行政处罚法 第六十一条 sends service to the 民事诉讼法, whose 公告送达 is served when its period ends.
CIVIL_PROCEDURE_PERIODS: dict[str, StatutoryPeriod] = {
    p.key: p
    for p in (
        StatutoryPeriod(
            "announce_service", 30, False, "受送达人下落不明或者用其他方式无法送达的，公告送达，经过三十日即视为送达",
            Citation(CIVIL_PROCEDURE_LAW, "law", 95, 1,
                     text="受送达人下落不明，或者用本节规定的其他方式无法送达的，公告送达。自发出公告之日起，"
                          "经过三十日，即视为送达。"),
            "发出公告之日",
        ),
    )
}

STATUTORY_PERIODS: dict[str, StatutoryPeriod] = {**PENALTY_LAW_WORKDAY_PERIODS, **PENALTY_LAW_CALENDAR_DAY_PERIODS,
                                                 **CIVIL_PROCEDURE_PERIODS}


@dataclass(frozen=True)
class DayRun:
    """Consecutive days of one kind a period did not count, e.g. the National Day holiday."""

    first: dt.date
    last: dt.date
    label: str  # 国庆节假期, 法定节假日, 休息日

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __str__(self) -> str:
        if self.first == self.last:
            return f"{cn_date(self.first)}（{self.label}）"
        last = f"{self.last.month}月{self.last.day}日" if self.last.year == self.first.year else cn_date(self.last)
        return f"{cn_date(self.first)}至{last}（{self.label}，{self.days}天）"


def _rest_label(calendar: WorkCalendar, d: dt.date) -> str:
    if calendar.is_holiday(d):
        name = calendar.day_name(d)
        return f"{name}假期" if name else "法定节假日"
    return "休息日"


def _between(deadline: Deadline) -> tuple[dt.date, dt.date] | None:
    """The days whose being rest days shaped the due date, first and last (None: none did)."""
    if deadline.workdays:
        if deadline.due > deadline.start:
            return deadline.start + ONE_DAY, deadline.due
        return deadline.due + ONE_DAY, deadline.start - ONE_DAY
    if deadline.moved:
        return deadline.nominal_end, deadline.due - ONE_DAY
    return None


def uncounted_days(deadline: Deadline, calendar: WorkCalendar) -> list[DayRun]:
    """The holidays and weekends a working-day period skipped, or a calendar-day period's end moved across."""
    span = _between(deadline)
    runs: list[DayRun] = []
    if span is None:
        return runs
    d, last = span
    while d <= last:
        if not calendar.is_workday(d):
            label = _rest_label(calendar, d)
            if runs and runs[-1].label == label and runs[-1].last == d - ONE_DAY:
                runs[-1] = DayRun(runs[-1].first, d, label)
            else:
                runs.append(DayRun(d, d, label))
        d += ONE_DAY
    return runs


def counted_makeup_workdays(deadline: Deadline, calendar: WorkCalendar) -> list[dt.date]:
    """The weekend days worked in exchange for a holiday that a working-day period counted."""
    span = _between(deadline) if deadline.workdays else None
    if span is None:
        return []
    first, last = span
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return [d for d in days if calendar.is_makeup_workday(d)]
