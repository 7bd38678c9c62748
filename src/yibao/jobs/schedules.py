"""The project's schedules, kept in django-q2's Schedule table and created once (after every migrate)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django_q.models import Schedule


@dataclass(frozen=True)
class Daily:
    """A job run once a day at a local time (Asia/Shanghai), named as the admin lists it."""

    name: str
    func: str
    at: dt.time


# Night hours, when no officer works: the chain check before compaction, alerts ready before the day.
SCHEDULES = (
    Daily("审计链核验", "yibao.jobs.tasks.check_audit_chain", dt.time(2, 30)),
    Daily("预审历史压缩", "yibao.jobs.tasks.compact_prescreen_journals", dt.time(3, 30)),
    Daily("期限提醒", "yibao.jobs.tasks.refresh_deadline_alerts", dt.time(6, 0)),
    Daily("数据库统计信息", "yibao.jobs.tasks.refresh_planner_statistics", dt.time(4, 30)),
)


def next_at(at: dt.time, now: dt.datetime) -> dt.datetime:
    """The first moment after `now` when the local clock reads `at`."""
    local = timezone.localtime(now)
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + dt.timedelta(days=1)


def ensure_schedules(now: dt.datetime | None = None, *, using: str = "default") -> list[str]:
    """Create the missing schedules and put back a changed function; return the names created.

    An existing schedule keeps its next run, so running this again (every migrate) moves nothing.
    """
    now = now or timezone.now()
    created = []
    for spec in SCHEDULES:
        schedule, made = Schedule.objects.using(using).get_or_create(name=spec.name, defaults={
            "func": spec.func, "schedule_type": Schedule.DAILY, "repeats": -1, "next_run": next_at(spec.at, now)})
        if made:
            created.append(spec.name)
        elif schedule.func != spec.func or schedule.schedule_type != Schedule.DAILY:
            Schedule.objects.using(using).filter(pk=schedule.pk).update(func=spec.func, schedule_type=Schedule.DAILY)
    return created


def ensure_schedules_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    ensure_schedules(using=using)
