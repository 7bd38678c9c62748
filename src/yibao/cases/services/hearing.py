"""The hearing (听证, 行政处罚法 第六十四条): the head names the host, from the legal section and not an officer
of the case (第（四）项); the party is told the time and place at least 7 working days before (第（二）项,
`hearing_notice`); the host alone records the hearing and the opinion, once the day has come."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from yibao.org.constants import Role
from yibao.org.permissions import has_role

from ..models import Case
from ..procedure import CaseState, Refusal, ServiceCode, penalty_law
from .facts import count, today
from .steps import RecordStep, act_date, do_record

NAME_HOST = RecordStep("name_hearing_host", "指定听证主持人", frozenset({CaseState.HEARING}), frozenset({Role.HEAD}))
NOTIFY_HEARING = RecordStep("notify_hearing", "通知听证", frozenset({CaseState.HEARING}), frozenset({Role.OFFICER}),
                            on_case=True)
HEARING_STEPS: dict[str, RecordStep] = {r.action: r for r in (NAME_HOST, NOTIFY_HEARING)}
HEARING_SHOWN = {"name_hearing_host": lambda case: case.hearing_host_id is None,
                 "notify_hearing": lambda case: case.hearing_host_id is not None and case.hearing_noticed_on is None}


class HearingCode:
    HOST_NOT_LEGAL = "host_not_legal_section"
    HOST_IS_OFFICER = "host_is_case_officer"
    NO_HOST = "no_hearing_host"
    NOTICE_LATE = "hearing_notice_late"
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


def do_notify_hearing(case: Case | int, *, actor: Any, expected_version: int | None, hearing_on: dt.date,
                      place: str, noticed_on: dt.date | None = None) -> Case:
    """An officer of the case tells the party the time and place: at least the bureau's notice period before."""
    place = (place or "").strip()
    day = act_date(noticed_on)

    def change(c: Case) -> None:
        if c.hearing_host_id is None:
            raise Refusal(HearingCode.NO_HOST, "须先由负责人指定听证主持人", penalty_law(64, None, 4))
        if not place:
            raise Refusal(ServiceCode.INVALID_INPUT, "请填写听证地点")
        latest = count("hearing_notice", hearing_on, bureau=c.bureau)
        if day > latest.due:
            raise Refusal(HearingCode.NOTICE_LATE,
                          f"应当在举行听证的七日（工作日）前通知当事人：{hearing_on.isoformat()} 的听证，最迟 "
                          f"{latest.due.isoformat()} 通知", penalty_law(64, None, 2))
        c.hearing_on, c.hearing_place, c.hearing_noticed_on = hearing_on, place, day

    return do_record(case, NOTIFY_HEARING, actor=actor, expected_version=expected_version, change=change,
                     data={"hearing_on": hearing_on, "place": place, "noticed_on": day})


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
