"""期限提醒（督办预警）: how the deadlines near or past reach the people who answer for them.

What a civil servant sees, and why:

- **Their own 工作台** (and the home page) opens with a line "您的待办中 N 项期限已逾期、M 项将在 K 个工作日内届满",
  counted live from what waits at their post (the 工作台's items), so it is right the moment a step is taken.
- **Heads, legal reviewers and administrators**, who supervise (督办) their bureau and the bureaus below, get a
  second line with the bureau-wide counts and a link to the board. It reads the open alerts of the daily
  check rather than counting every deadline of every bureau on each page view (the 工作台 stays fast); the
  days are compared with today, so an alert found near yesterday counts as overdue once its day has passed.
- **The daily check** (`refresh_alerts`, run at 06:00 by jobs.tasks.refresh_deadline_alerts) reads the board
  of every bureau: it opens an `Alert` (deadlines app) for each deadline newly near or past, keeps the open ones
  up to date (a recount or an extension moves their date), and closes those no longer near or past (done, or
  the case moved on). A deadline found past for the first time is written once on the audit trail
  (`deadline.overdue`), the record an inspector reads later; running the check again the same day writes
  nothing new. A case whose clock is stopped (中止, or a period not counted) is never overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse

from yibao.core.audit import record_event
from yibao.deadlines.models import Alert
from yibao.org.permissions import get_profile, is_active_user, visible_bureau_ids

from .deadlines import LEAD_KIND, Days, OpenDeadline, board, near_workdays
from .services.access import BUREAU_WIDE_ROLES
from .services.facts import today as services_today


def subject_type(d: OpenDeadline) -> str:
    """What runs the deadline: a lead, a case, or (for another app's source) the source's kind."""
    if d.kind == LEAD_KIND:
        return "lead"
    return d.kind if d.href else "case"


@dataclass
class CheckResult:
    open: int = 0
    overdue: int = 0
    raised: int = 0
    newly_overdue: int = 0
    resolved: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _fields(d: OpenDeadline, today: dt.date) -> dict[str, Any]:
    return {"label": d.label[:60], "subject": d.subject[:100], "title": d.title[:300], "bureau_id": d.bureau_id,
            "due": d.due, "provisional": d.provisional, "paused": d.paused[:30], "basis": d.basis[:300],
            "url": d.url[:200], "checked_on": today}


UPDATED = ("label", "subject", "title", "bureau_id", "due", "provisional", "paused", "basis", "url", "checked_on",
           "overdue_on")


def refresh_alerts(today: dt.date | None = None) -> dict[str, int]:
    """The daily check: open, update and close the alerts of every bureau; one audit event per deadline newly
    past. Idempotent for a day."""
    today = today or services_today()
    found = board(None, today=today, limit=None).rows
    result = CheckResult()
    with transaction.atomic():
        existing = {(a.kind, a.subject_type, a.subject_id): a
                    for a in Alert.objects.select_for_update().filter(resolved_on__isnull=True)}
        seen: set[tuple[str, str, int]] = set()
        new: list[Alert] = []
        changed: list[Alert] = []
        newly_overdue: list[tuple[Alert, OpenDeadline]] = []
        for d in found:
            key = (d.kind, subject_type(d), d.pk)
            if key in seen:
                continue
            seen.add(key)
            alert = existing.get(key)
            if alert is None:
                alert = Alert(kind=d.kind, subject_type=key[1], subject_id=d.pk, raised_on=today, **_fields(d, today))
                new.append(alert)
            else:
                if alert.due != d.due and not d.overdue(today):
                    alert.overdue_on = None  # a new date is a new deadline: its passing is recorded again
                for name, value in _fields(d, today).items():
                    setattr(alert, name, value)
                changed.append(alert)
            if d.overdue(today):
                result.overdue += 1
                if alert.overdue_on is None:
                    alert.overdue_on = today
                    newly_overdue.append((alert, d))
        Alert.objects.bulk_create(new)
        Alert.objects.bulk_update(changed, UPDATED, batch_size=500)
        gone = [a.pk for k, a in existing.items() if k not in seen]
        for start in range(0, len(gone), 500):
            Alert.objects.filter(pk__in=gone[start:start + 500]).update(resolved_on=today)
        for alert, d in newly_overdue:
            record_event("deadline.overdue", obj=alert,
                         summary=f"{d.subject}（{d.bureau}）{d.label}已于{d.due.isoformat()}届满，尚未办结",
                         data={"kind": d.kind, "subject_type": alert.subject_type, "subject_id": d.pk,
                               "due": d.due.isoformat(), "provisional": d.provisional, "basis": d.basis,
                               "bureau": d.bureau_id, "checked_on": today.isoformat()})
    result.open, result.raised, result.newly_overdue, result.resolved = len(seen), len(new), len(newly_overdue), len(gone)
    return result.as_dict()


@dataclass(frozen=True)
class AlertLine:
    """One line of the 工作台's banner."""

    scope: str  # 您的待办 / 本单位及下级单位
    overdue: int
    near: int
    near_days: int
    link: str = ""
    checked_on: dt.date | None = None

    @property
    def text(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"{self.overdue} 项期限已逾期")
        if self.near:
            parts.append(f"{self.near} 项将在 {self.near_days} 个工作日内届满")
        return f"{self.scope}中" + "、".join(parts) if parts else ""


def own_line(deadlines: list[OpenDeadline | None], today: dt.date, days: Days | None = None) -> AlertLine | None:
    """The person's own line, from the deadlines of what waits for them (the 工作台's items)."""
    horizon, _ = (days or Days()).add(today, near_workdays())
    running = [d for d in deadlines if d is not None]
    overdue = sum(d.overdue(today) for d in running)
    near = sum(not d.overdue(today) and not d.paused and d.due <= horizon for d in running)
    return AlertLine("您的待办", overdue, near, near_workdays()) if overdue or near else None


def bureau_line(user: Any, today: dt.date) -> AlertLine | None:
    """For those who supervise: the open alerts of their bureaus, as of the last daily check."""
    profile = get_profile(user)
    if not is_active_user(user) or (profile.role not in BUREAU_WIDE_ROLES if profile else not user.is_superuser):
        return None
    alerts = Alert.objects.filter(resolved_on__isnull=True)
    ids = visible_bureau_ids(user)
    if ids is not None:
        alerts = alerts.filter(bureau_id__in=ids)
    counts = alerts.filter(paused="").aggregate(overdue=Count("pk", filter=Q(due__lt=today)),
                                                near=Count("pk", filter=Q(due__gte=today)), last=Max("checked_on"))
    if not counts["overdue"] and not counts["near"]:
        return None
    return AlertLine("本单位及下级单位", counts["overdue"], counts["near"], near_workdays(),
                     reverse("cases:supervision_board"), counts["last"])


def banner(user: Any, deadlines: list[OpenDeadline | None], today: dt.date, days: Days | None = None) -> list[AlertLine]:
    return [line for line in (own_line(deadlines, today, days), bureau_line(user, today)) if line is not None]
