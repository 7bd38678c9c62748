"""Testing and appraisal of sealed materials (行政强制法 第二十五条第三款): the period is recorded with what is
examined, by whom, and the written notice to the party; the seal's last day moves on by its days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yibao.cases.procedure import Refusal, ServiceCode
from yibao.cases.services.access import actor_role
from yibao.cases.services.facts import today
from yibao.org.constants import Role

from .models import ExclusionKind, Seal, SealExclusion
from .procedure import EXCLUSION_BASIS, SEAL_STEPS, SealCode, SealStep
from .services import _act, _check_seal_officer, _set_period


def do_record_seal_exclusion(seal: Seal | int, *, actor: Any, expected_version: int | None, kind: str, subject: str,
                             performed_by: str, starts_on: dt.date | None, ends_on: dt.date | None,
                             told_on: dt.date | None, notice_number: str = "") -> Seal:
    """Record a definite period of testing or appraisal told to the party in writing; the seal's end moves on."""
    subject, performed_by, notice_number = subject.strip(), performed_by.strip(), notice_number.strip()
    label = SEAL_STEPS[SealStep.EXCLUDE].label

    def change(s: Seal) -> dict:
        if actor_role(actor) == Role.OFFICER:
            _check_seal_officer(actor, s, label)
        if kind not in ExclusionKind.values:
            raise Refusal(ServiceCode.INVALID_INPUT, "请选择检测、检验、检疫或者技术鉴定", EXCLUSION_BASIS)
        if not subject or not performed_by:
            raise Refusal(ServiceCode.INVALID_INPUT, "请写明检测、鉴定的对象和机构", EXCLUSION_BASIS)
        if starts_on is None or ends_on is None or ends_on < starts_on:
            raise Refusal(ServiceCode.INVALID_INPUT, "检测、鉴定的期间应当明确：请填写开始日期和不早于它的结束日期",
                          EXCLUSION_BASIS)
        if told_on is None:
            raise Refusal(SealCode.EXCLUSION_NOT_TOLD, "检测、鉴定的期间应当书面告知当事人：请填写书面告知日期",
                          EXCLUSION_BASIS)
        if told_on > today():
            raise Refusal(ServiceCode.INVALID_INPUT, "书面告知日期不能晚于今天")
        if s.starts_on is None or s.ends_on is None or starts_on < s.starts_on or starts_on > s.ends_on:
            raise Refusal(SealCode.EXCLUSION_OUTSIDE,
                          f"检测、鉴定应当在封存期限内开始（{s.starts_on}至{s.ends_on}）", EXCLUSION_BASIS)
        row = SealExclusion.objects.create(seal=s, kind=kind, subject=subject, performed_by=performed_by,
                                           starts_on=starts_on, ends_on=ends_on, told_on=told_on,
                                           notice_number=notice_number, recorded_by=actor)
        _set_period(s, s.starts_on)
        return {"exclusion": row.pk, "kind": kind, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
                "days": row.days, "seal_ends_on": s.ends_on.isoformat()}

    return _act(seal, SealStep.EXCLUDE, actor=actor, expected_version=expected_version, change=change,
                note=f"{ExclusionKind(kind).label if kind in ExclusionKind.values else kind}：{subject}（{performed_by}）")
