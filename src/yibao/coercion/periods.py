"""The days a seal's period does not count (行政强制法 第二十五条第三款: 查封、扣押的期间不包括检测、检验、检疫或者
技术鉴定的期间), and the sentence that says which. Pure: no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from yibao.cases.case_clock import ExcludedSpan
from yibao.cases.case_clock import excluded_days as union_days

from .procedure import EXCLUSION_BASIS


@dataclass(frozen=True)
class Excluded:
    """One recorded period: its kind's label, the days it runs (both included), who examines, when told."""

    label: str
    starts_on: dt.date
    ends_on: dt.date
    performed_by: str = ""
    told_on: dt.date | None = None


def excluded_days(periods: Iterable[Excluded]) -> int:
    """The days of the union of the periods, so that two overlapping examinations do not count a day twice (as the
    case clock counts its own excluded periods)."""
    spans = (ExcludedSpan(p.label, p.starts_on, p.ends_on) for p in periods)
    return union_days(spans, dt.date.min, closed_only=True)  # every period here has its end


def excluded_text(periods: list[Excluded]) -> str:
    """Why the end moved: each period with its dates, examiner and notice, and the days not counted."""
    if not periods:
        return ""
    parts = [f"{p.label} {p.starts_on.isoformat()}至{p.ends_on.isoformat()}（{(p.ends_on - p.starts_on).days + 1}日"
             f"{'，' + p.performed_by if p.performed_by else ''}"
             f"{'，' + p.told_on.isoformat() + '书面告知当事人' if p.told_on else ''}）" for p in periods]
    return (f"不计入检测、检验、检疫或者技术鉴定期间共{excluded_days(periods)}日（{EXCLUSION_BASIS.label()}）："
            + "；".join(parts) + "，届满日相应顺延。")
