"""The demo's seals (called by core/demo.py): one running seal of an open case a few days from its end, and one
lifted. A second run finds them and adds none."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from yibao.cases.models import Case
from yibao.cases.procedure import OPEN_BEFORE_DECISION

from . import services as cs
from .models import LiftReason, Seal
from .procedure import SEAL_MAX_DAYS

# The running seal was decided this many days ago: its 30 days end within the board's week.
NEAR_EXPIRY_DAYS_AGO = SEAL_MAX_DAYS - 3


def demo_seals(bureau) -> str:
    if Seal.objects.filter(bureau=bureau).exists():
        return f"  封存：已有示例封存 {Seal.objects.filter(bureau=bureau).count()} 件"
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["officer1", "officer2", "reviewer", "head"])}
    officer1, head, reviewer = users["officer1"], users["head"], users["reviewer"]
    officers = [officer1.officer, users["officer2"].officer]
    case = (Case.objects.filter(bureau=bureau, state__in=[s.value for s in OPEN_BEFORE_DECISION],
                                officers__officer__user=officer1, officers__recused_on__isnull=True)
            .order_by("filed_on", "pk").first())
    real_today = timezone.localdate()
    day = real_today - dt.timedelta(days=NEAR_EXPIRY_DAYS_AGO)
    if case is not None and case.filed_on is not None and case.filed_on > day:
        day = case.filed_on
    with mock.patch.object(timezone, "localdate", lambda *a, **k: day):
        running = cs.do_propose_seal(
            bureau, actor=officer1, case=case, party_name=case.parties.first().name if case else "栾川县康宁诊所",
            items=["2025年门诊处方 3 册", "药品出入库记录 1 册", "收费票据存根 2 本"], place="当事人药房档案柜",
            reason="示例：处方与出入库记录可能被涂改、销毁", days=SEAL_MAX_DAYS, officers=officers)
        running = cs.do_approve_seal(running, actor=head, expected_version=running.version, approved=True,
                                     opinion="同意封存")
        running = cs.do_execute_seal(running, actor=reviewer, expected_version=running.version,
                                     site_record="示例：执法人员二人到场，出示执法证，贴封条，当事人签名")
        cs.do_notify_seal_party(running, actor=officer1, expected_version=running.version, statement="当事人无异议")
        lifted = cs.do_propose_seal(
            bureau, actor=officer1, party_name="栾川县合峪镇仁和药店", items=["进销存电子数据备份光盘 1 张"],
            place="当事人经营场所", reason="示例：进销存数据可能被删除", days=15, officers=officers)
        lifted = cs.do_approve_seal(lifted, actor=head, expected_version=lifted.version, approved=True)
        lifted = cs.do_execute_seal(lifted, actor=reviewer, expected_version=lifted.version,
                                    site_record="示例：光盘装袋贴封条")
    lifted_day = min(real_today, day + dt.timedelta(days=10))
    with mock.patch.object(timezone, "localdate", lambda *a, **k: lifted_day):
        cs.do_lift_seal(lifted, actor=head, expected_version=lifted.version, reason=LiftReason.UNRELATED,
                        note="示例：核查后数据与违法行为无关")
    return f"  封存：示例封存 2 件（{running.number} 封存中，{running.ends_on} 届满；{lifted.number} 已解除）"
