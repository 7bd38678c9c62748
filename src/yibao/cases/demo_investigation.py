"""The demo's investigation on a case under investigation: two records, evidence with a file, a 先行登记保存 whose
decision is overdue and a 协查 letter awaiting its reply (so the board has both kinds of deadline)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .models import Case
from .procedure import CaseState
from .services.evidence import EvidenceInput, do_add_evidence
from .services.investigation import (
    RecordInput,
    do_approve_preservation,
    do_propose_preservation,
    do_record_inquiry,
    do_record_inspection,
    do_register_preservation,
    do_send_assistance_request,
)

OnDay = Callable[[int], AbstractContextManager[dt.date]]


def add_demo_investigation(bureau: Any, *, officer: Any, head: Any, on: OnDay) -> None:
    """Record the demo investigation on the bureau's most recently filed case under investigation, each act on its
    own past day (`on(days_ago)` sets the services' today)."""
    case = Case.objects.filter(bureau=bureau, state=CaseState.INVESTIGATING).order_by("-filed_on", "-pk").first()
    if case is None:
        return
    officers = [co.officer_id for co in case.officers.filter(recused_on__isnull=True)]

    def at(day: dt.date, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    with on(78) as day:
        record = RecordInput(started_at=at(day, 9), ended_at=at(day, 10), place="诊所办公室", officer_ids=officers,
                             certificates_shown=True, person_name="王某", person_relation="法定代表人",
                             qa=[("是否知道诊所存在串换药品的情况？", "知道，是收费员按套餐收费。"),
                                 ("涉及多长时间？", "2025年全年。")], signature="signed", page_count=3)
        do_record_inquiry(case, record, actor=officer)
        record.qa, record.findings = [], "药房库存与进销存系统记录不符，已拍照固定。"
        record.started_at, record.ended_at, record.person_relation = at(day, 14), at(day, 15), "药房负责人"
        do_record_inspection(case, record, actor=officer)
        collected = EvidenceInput(kind="documentary", title="2025年门诊收费明细（复印件）", source="当事人提供",
                                  collected_by=officers[0], collected_on=day, place="诊所收费室", quantity=12,
                                  description="证明串换药品的收费记录")
        do_add_evidence(case, collected, [SimpleUploadedFile("收费明细.csv", "日期,项目,金额\n2025-03-01,套餐A,120\n"
                                                                           .encode(), "text/csv")], actor=officer)
        do_add_evidence(case, EvidenceInput(kind="physical", title="药品外包装盒", source="现场提取",
                                            collected_by=officers[0], collected_on=day, place="诊所药房", quantity=2),
                        [], actor=officer)
    with on(20):
        p = do_propose_preservation(case, actor=officer, items=[{"name": "处方笺", "quantity": "3本"}],
                                    reason="示例：处方笺可能被销毁", place="诊所药房")
        do_approve_preservation(p, actor=head, approve=True)
        do_register_preservation(p, actor=officer, notice_number="示例先保〔2026〕1号")
    with on(10):
        do_send_assistance_request(case, actor=officer, to_authority="洛阳市医疗保障局",
                                   matters="示例：请协查王某在贵局辖区的就医结算记录")
