"""The case deadline's clock (办案期限): the days the law does not count and the approved extensions.

Pure: no Django. 行政处罚法 第六十条 gives 90 days from the filing "法律、法规、规章另有规定的除外"; the periods of
testing, appraisal, hearing, announcement and expert review, and a suspension (中止), stop the clock
(《医疗保障行政处罚程序暂行规定》, not in the library: the kinds are 待核实 as the parameters say). Each whole day
of an excluded period (its first and last day included) moves the due date one calendar day; days shared
by two periods count once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

EXCLUDED_KINDS: dict[str, str] = {
    "testing": "检测", "appraisal": "鉴定", "hearing": "听证", "announcement": "公告", "expert_review": "专家评审",
    "suspension": "中止调查",
}


@dataclass(frozen=True)
class ExcludedSpan:
    kind: str
    start: dt.date
    end: dt.date | None  # None: still running
    reason: str = ""

    def days_until(self, today: dt.date) -> set[dt.date]:
        last = self.end if self.end is not None else today
        return {self.start + dt.timedelta(days=i) for i in range((last - self.start).days + 1)} if last >= self.start \
            else set()


def excluded_days(spans: Iterable[ExcludedSpan], today: dt.date, *, closed_only: bool = False) -> int:
    """The number of distinct days the spans cover (running spans up to today, unless closed_only)."""
    days: set[dt.date] = set()
    for span in spans:
        if closed_only and span.end is None:
            continue
        days |= span.days_until(today)
    return len(days)


def overlaps(span: ExcludedSpan, others: Iterable[ExcludedSpan], today: dt.date) -> ExcludedSpan | None:
    """The first other span sharing a day with this one, if any."""
    mine = span.days_until(span.end or today)
    return next((o for o in others if mine & o.days_until(o.end or today)), None)


def spans_text(spans: Iterable[ExcludedSpan]) -> str:
    """The 'why this date' lines for the excluded periods."""
    parts = []
    for s in spans:
        end = s.end.isoformat() if s.end else "尚未结束"
        parts.append(f"{EXCLUDED_KINDS.get(s.kind, s.kind)} {s.start.isoformat()} 至 {end}"
                     + (f"（{s.reason}）" if s.reason else ""))
    return "；".join(parts)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day where that month is shorter (31 August + 6 → 28/29 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(d, day.day))
        except ValueError:
            continue
    return dt.date(year, month, 28)
