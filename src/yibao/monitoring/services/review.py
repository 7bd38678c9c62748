"""The two-library review of findings (疑点处理流程): every move is one row of constants.TRANSITIONS."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yibao.core.audit import record_event
from yibao.org.permissions import (
    has_role,
    is_active_user,
)

from ..constants import (
    APPEAL_WINDOW_WORKDAYS,
    BATCH_SIZE,
    REASON_REQUIRED_MESSAGE,
    TRANSITIONS,
    FindingStatus,
)
from ..models import (
    Finding,
    FindingEvent,
)


def finding_ids(findings: Iterable[Finding | int] | QuerySet | Finding) -> list[int]:
    if isinstance(findings, Finding):
        return [findings.pk]
    if isinstance(findings, QuerySet):
        return list(findings.values_list("pk", flat=True))
    return sorted({f.pk if isinstance(f, Finding) else int(f) for f in findings})


def appeal_deadline(start: dt.date) -> dt.date:
    """The last day of the institution's appeal window: APPEAL_WINDOW_WORKDAYS working days after start."""
    try:
        from yibao.deadlines.services import load_calendar

        return load_calendar().add_workdays(start, APPEAL_WINDOW_WORKDAYS)
    except Exception:  # no calendar for that year: count Monday to Friday
        day, left = start, APPEAL_WINDOW_WORKDAYS
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day


def status_label(status: str) -> str:
    return FindingStatus(status).label if status in FindingStatus.values else status


def do_transition(
    findings: Iterable[Finding | int] | QuerySet | Finding,
    name: str,
    *,
    actor: Any,
    reason: str = "",
    appeal_text: str = "",
    appeal_date: dt.date | None = None,
    data: dict | None = None,
) -> int:
    """Move findings through one transition of the review procedure, all or none; return how many moved."""
    t = TRANSITIONS[name]
    ids = finding_ids(findings)
    reason = (reason or "").strip()
    if not ids:
        raise ValidationError("请选择疑点。")
    if t.reason_required and not reason:
        raise ValidationError(REASON_REQUIRED_MESSAGE.format(label=t.label))
    if name == "record_appeal" and not (appeal_text or "").strip():
        raise ValidationError("登记申诉须填写机构的申诉内容。")
    if not is_active_user(actor):
        raise PermissionDenied("请先登录。")
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        rows = list(Finding.objects.select_for_update().filter(pk__in=ids).select_related("bureau"))
        if len(rows) != len(ids):
            raise ValidationError("部分疑点不存在。")
        for bureau in {f.bureau for f in rows}:
            if not has_role(actor, t.roles, bureau):
                raise PermissionDenied(f"您的角色不能进行“{t.label}”（{t.stage}）操作，或无权处理{bureau.name}的疑点。")
        wrong = [f for f in rows if f.status not in t.sources]
        if wrong:
            raise ValidationError(
                f"{len(wrong)} 条疑点当前状态不能进行“{t.label}”（如疑点 #{wrong[0].pk} 为“{status_label(wrong[0].status)}”，"
                f"须为“{'、'.join(status_label(s) for s in t.sources)}”）。")
        if name in ("second_confirm", "second_dismiss"):
            same = [f for f in rows if f.first_reviewer_id == actor.pk]
            if same:
                raise PermissionDenied(f"同一人不能对同一疑点既初审又复审：{len(same)} 条疑点由您初审（如疑点 #{same[0].pk}），"
                                       "请由其他人员复审。")
        if name == "close_appeal_window" and not reason:
            early = [f for f in rows if f.appeal_deadline and today <= f.appeal_deadline]
            if early:
                raise ValidationError(f"申诉期尚未届满（疑点 #{early[0].pk} 至 {early[0].appeal_deadline:%Y-%m-%d}），"
                                      "提前结束须填写理由，如：机构书面放弃申诉。")
        updates: dict[str, Any] = {"status": t.target, "status_changed_at": now}
        if name.startswith("first_"):
            updates |= {"first_reviewer": actor, "first_reviewed_at": now}
        if name.startswith("second_"):
            updates |= {"second_reviewer": actor, "second_reviewed_at": now}
        if name == "second_confirm":
            updates["appeal_deadline"] = appeal_deadline(today)
        if name == "record_appeal":
            updates |= {"appeal_text": appeal_text.strip(), "appeal_date": appeal_date or today}
        if name in ("uphold", "overturn"):
            updates |= {"verified_by": actor, "verified_at": now}
        if t.target == FindingStatus.DISMISSED:
            updates |= {"dismissed_reason": reason, "dismissed_by": actor, "dismissed_at": now}
        if name == "reopen":  # the review starts over; the events keep what happened before
            updates |= {"dismissed_reason": "", "dismissed_by": None, "dismissed_at": None, "first_reviewer": None,
                        "first_reviewed_at": None, "second_reviewer": None, "second_reviewed_at": None,
                        "appeal_deadline": None, "appeal_text": "", "appeal_date": None, "verified_by": None,
                        "verified_at": None}
        Finding.objects.filter(pk__in=ids).update(**updates)
        details = dict(data or {})
        if name == "record_appeal":
            details |= {"appeal_text": appeal_text.strip(), "appeal_date": (appeal_date or today).isoformat()}
        if name == "second_confirm":
            details["appeal_deadline"] = updates["appeal_deadline"].isoformat()
        FindingEvent.objects.bulk_create(
            (FindingEvent(finding_id=f.pk, transition=name, from_status=f.status, to_status=t.target, actor=actor,
                          reason=reason, data=details, created_at=now) for f in rows),
            batch_size=BATCH_SIZE,
        )
        first = rows[0]
        what = f"疑点 #{first.pk}（{first.rule_id} {first.rule_name}）" if len(rows) == 1 else f"{len(rows)} 条疑点"
        record_event(
            f"finding.{name}", actor=actor, obj=first if len(rows) == 1 else None,
            summary=f"{t.label}：{what}" + (f"；理由：{reason}" if reason else ""),
            data={"transition": name, "from": sorted({f.status for f in rows}), "to": t.target, "findings": ids,
                  "count": len(ids), "reason": reason, **details},
        )
    return len(rows)


def do_confirm_first_review(findings: Any, *, actor: Any, reason: str = "") -> int:
    """初审确认: new → second_review."""
    return do_transition(findings, "first_confirm", actor=actor, reason=reason)


def do_dismiss_first_review(findings: Any, *, actor: Any, reason: str) -> int:
    """初审排除: new → dismissed (the whitelist); a reason is required."""
    return do_transition(findings, "first_dismiss", actor=actor, reason=reason)


def do_confirm_second_review(findings: Any, *, actor: Any, reason: str = "") -> int:
    """复审确认: second_review → appeal_window; not by the first reviewer."""
    return do_transition(findings, "second_confirm", actor=actor, reason=reason)


def do_dismiss_second_review(findings: Any, *, actor: Any, reason: str) -> int:
    """复审排除: second_review → dismissed; not by the first reviewer; a reason is required."""
    return do_transition(findings, "second_dismiss", actor=actor, reason=reason)


def do_record_appeal(findings: Any, *, actor: Any, text: str, appeal_date: dt.date | None = None,
                     reason: str = "") -> int:
    """登记申诉: the institution appealed (its text and date); appeal_window → appeal."""
    return do_transition(findings, "record_appeal", actor=actor, reason=reason, appeal_text=text,
                         appeal_date=appeal_date)


def do_close_appeal_window(findings: Any, *, actor: Any, reason: str = "") -> int:
    """申诉期结束, no appeal: appeal_window → confirmed; before the deadline only with a reason."""
    return do_transition(findings, "close_appeal_window", actor=actor, reason=reason)


def do_uphold_finding(findings: Any, *, actor: Any, reason: str = "") -> int:
    """核实维持: the appeal fails; appeal → confirmed (head or legal reviewer)."""
    return do_transition(findings, "uphold", actor=actor, reason=reason)


def do_overturn_finding(findings: Any, *, actor: Any, reason: str) -> int:
    """申诉成立: appeal → dismissed (head or legal reviewer); a reason is required."""
    return do_transition(findings, "overturn", actor=actor, reason=reason)


def do_reopen_finding(findings: Any, *, actor: Any, reason: str) -> int:
    """恢复疑点: take a dismissal back (head only); the review starts over."""
    return do_transition(findings, "reopen", actor=actor, reason=reason)
