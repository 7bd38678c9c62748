"""The hearing (听证, 行政处罚法 第六十四条): the head names the host, from the legal section and not an officer
of the case (第（四）项); the host (or the head) schedules its day, time and place, at least 7 working days after
the notice can still go out (第（二）项, `hearing_notice`), and may reschedule it with a reason before it is held;
an officer of the case then tells the party (date and method of the notice); the host alone records the hearing
and the opinion, once the day has come.

Neither 行政处罚法 nor 《医疗保障行政处罚程序暂行规定》 fixes a period within which the hearing must be held after
the party's request (第六十四条 fixes only the request's 5 days and the notice's 7), so no such deadline is
counted: the case deadline (with the hearing's days excluded where recorded) is what bounds it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from yibao.org.constants import Role
from yibao.org.permissions import has_role

from ..models import Case, ServiceMethod
from ..procedure import CaseState, Refusal, ServiceCode, penalty_law
from .access import actor_role
from .facts import count, today
from .steps import RecordStep, act_date, do_record

NAME_HOST = RecordStep("name_hearing_host", "指定听证主持人", frozenset({CaseState.HEARING}), frozenset({Role.HEAD}))
# The host organises the hearing it chairs; the head who named it may fix the day too (the host being absent).
SCHEDULE_HEARING = RecordStep("schedule_hearing", "安排听证时间地点", frozenset({CaseState.HEARING}),
                              frozenset({Role.HEAD, Role.LEGAL_REVIEWER}))
NOTIFY_HEARING = RecordStep("notify_hearing", "通知听证", frozenset({CaseState.HEARING}), frozenset({Role.OFFICER}),
                            on_case=True)
HEARING_STEPS: dict[str, RecordStep] = {r.action: r for r in (NAME_HOST, SCHEDULE_HEARING, NOTIFY_HEARING)}
HEARING_SHOWN = {"name_hearing_host": lambda case: case.hearing_host_id is None,
                 "schedule_hearing": lambda case: case.hearing_host_id is not None and not case.hearing_record,
                 "notify_hearing": lambda case: case.hearing_on is not None and case.hearing_noticed_on is None}
# How the party may be told of the hearing: any way of service but the announcement, which takes its own period.
NOTICE_METHODS = [(m.value, m.label) for m in ServiceMethod if m != ServiceMethod.ANNOUNCEMENT]


class HearingCode:
    HOST_NOT_LEGAL = "host_not_legal_section"
    HOST_IS_OFFICER = "host_is_case_officer"
    NO_HOST = "no_hearing_host"
    NOTICE_LATE = "hearing_notice_late"
    TOO_SOON = "hearing_too_soon"
    NOT_SCHEDULED = "hearing_not_scheduled"
    RESCHEDULE_REASON = "hearing_reschedule_reason_required"
    ALREADY_HELD = "hearing_already_held"
    NOT_NOTICED = "hearing_not_noticed"
    NOT_HELD_YET = "hearing_not_held_yet"
    NOT_HOST = "not_hearing_host"


def do_name_hearing_host(case: Case | int, host: Any, *, actor: Any, expected_version: int | None) -> Case:
    """The head names the host: a legal reviewer of the bureau (or above) who is not an officer of the case."""
    if isinstance(host, int):
        host = get_user_model().objects.filter(pk=host).first()

    def change(c: Case) -> None:
        if host is None or not has_role(host, {Role.LEGAL_REVIEWER}, c.bureau):
            raise Refusal(HearingCode.HOST_NOT_LEGAL, "听证主持人应是本局法制审核机构的人员", penalty_law(64, None, 4))
        if c.officers.filter(officer__user=host, recused_on__isnull=True).exists():
            raise Refusal(HearingCode.HOST_IS_OFFICER, "听证主持人不得是本案的调查人员", penalty_law(64, None, 4))
        c.hearing_host = host

    return do_record(case, NAME_HOST, actor=actor, expected_version=expected_version, change=change,
                     data={"host": host.pk if host is not None else None})


def _time(value: dt.time | str | None) -> dt.time | None:
    if value is None or isinstance(value, dt.time):
        return value
    value = value.strip()
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value.replace("：", ":"))
    except ValueError:
        raise Refusal(ServiceCode.INVALID_INPUT, f"“{value}”不是有效的时间，请按 时:分 填写，如 09:30") from None


def do_schedule_hearing(case: Case | int, *, actor: Any, expected_version: int | None, hearing_on: dt.date,
                        place: str, hearing_time: dt.time | str | None = None, reason: str = "") -> Case:
    """The host (or the head) fixes the day, time and place, so far ahead that the notice can still go out
    7 working days before (第六十四条第（二）项); a new day, before the hearing is held, needs a reason (the
    party's request, the host's absence) and a new notice."""
    place, reason = (place or "").strip(), (reason or "").strip()
    at = _time(hearing_time)

    def change(c: Case) -> None:
        if c.hearing_host_id is None:
            raise Refusal(HearingCode.NO_HOST, "须先由负责人指定听证主持人", penalty_law(64, None, 4))
        if actor_role(actor) == Role.LEGAL_REVIEWER and c.hearing_host_id != actor.pk:
            raise Refusal(HearingCode.NOT_HOST, "听证的时间、地点由本案的听证主持人或负责人安排", penalty_law(64, None, 4))
        if c.hearing_record.strip():
            raise Refusal(HearingCode.ALREADY_HELD, "听证已经举行并记录，不能再改期")
        if c.hearing_on is not None and not reason:
            raise Refusal(HearingCode.RESCHEDULE_REASON,
                          f"听证已定于 {c.hearing_on.isoformat()}，改期须写明理由（如当事人申请、主持人不能到场）")
        if not place:
            raise Refusal(ServiceCode.INVALID_INPUT, "请填写听证地点")
        latest = count("hearing_notice", hearing_on, bureau=c.bureau)
        if today() > latest.due:
            raise Refusal(HearingCode.TOO_SOON,
                          f"应当在举行听证的七日（工作日）前通知当事人：{hearing_on.isoformat()} 的听证最迟应于 "
                          f"{latest.due.isoformat()} 通知，今天已来不及，请另定日期", penalty_law(64, None, 2))
        # A new day is a new notice: the party told of the old one is told again, 7 working days ahead.
        c.hearing_on, c.hearing_time, c.hearing_place = hearing_on, at, place
        c.hearing_noticed_on, c.hearing_notice_method = None, ""

    return do_record(case, SCHEDULE_HEARING, actor=actor, expected_version=expected_version, change=change,
                     reason=reason, data={"hearing_on": hearing_on, "hearing_time": at.isoformat("minutes") if at else None,
                                          "place": place})


def do_notify_hearing(case: Case | int, *, actor: Any, expected_version: int | None,
                      method: str = ServiceMethod.DIRECT, noticed_on: dt.date | None = None) -> Case:
    """An officer of the case tells the party the scheduled time and place: at least the bureau's notice
    period before; the date and the method are recorded."""
    day = act_date(noticed_on)

    def change(c: Case) -> None:
        if c.hearing_host_id is None:
            raise Refusal(HearingCode.NO_HOST, "须先由负责人指定听证主持人", penalty_law(64, None, 4))
        if c.hearing_on is None:
            raise Refusal(HearingCode.NOT_SCHEDULED, "听证的时间、地点尚未安排，请先由听证主持人安排", penalty_law(64, None, 2))
        if method not in dict(NOTICE_METHODS):
            raise Refusal(ServiceCode.INVALID_INPUT, "请选择通知方式")
        latest = count("hearing_notice", c.hearing_on, bureau=c.bureau)
        if day > latest.due:
            raise Refusal(HearingCode.NOTICE_LATE,
                          f"应当在举行听证的七日（工作日）前通知当事人：{c.hearing_on.isoformat()} 的听证，最迟 "
                          f"{latest.due.isoformat()} 通知；请先改期", penalty_law(64, None, 2))
        c.hearing_noticed_on, c.hearing_notice_method = day, method

    return do_record(case, NOTIFY_HEARING, actor=actor, expected_version=expected_version, change=change,
                     data={"noticed_on": day, "method": method})


def check_host_may_record(case: Case, actor: Any) -> None:
    """The record is the named host's, after a notice in time, on or after the hearing day."""
    if case.hearing_host_id is None:
        raise Refusal(HearingCode.NO_HOST, "须先由负责人指定听证主持人", penalty_law(64, None, 4))
    if case.hearing_host_id != actor.pk:
        raise Refusal(HearingCode.NOT_HOST, "听证笔录和意见由本案的听证主持人记录", penalty_law(64, None, 8))
    if case.hearing_noticed_on is None or case.hearing_on is None:
        raise Refusal(HearingCode.NOT_NOTICED, "尚未通知当事人听证的时间、地点", penalty_law(64, None, 2))
    if today() < case.hearing_on:
        raise Refusal(HearingCode.NOT_HELD_YET, f"听证定于 {case.hearing_on.isoformat()} 举行，尚未举行")
