"""A complete 调查终结报告 for tests that walk past the investigation: one evidence item and the report's parts."""

from __future__ import annotations

from typing import Any

from yibao.cases.models import Case
from yibao.cases.services.evidence import EvidenceInput, do_add_evidence
from yibao.cases.services.facts import today
from yibao.cases.services.report import ReportInput, do_finish_investigation


def add_physical_evidence(case: Case, actor: Any, title: str = "串换药品的包装盒") -> int:
    """Record a physical item (no file needed) collected by the acting officer; return its number."""
    data = EvidenceInput(kind="physical", title=title, source="当事人", collected_by=actor.officer.pk,
                         collected_on=today(), place="当事人经营场所", quantity=1)
    return do_add_evidence(case, data, [], actor=actor).number


def report_input(case: Case, actor: Any, facts: str = "经调查，该诊所串换药品38次，造成基金损失12000元。",
                 **changes: Any) -> ReportInput:
    """A report relying on a new physical evidence item, proposing a penalty unless told otherwise."""
    data = ReportInput(facts=facts, evidence=[add_physical_evidence(case, actor)], proposal="penalty",
                       source="智能监控线索，经负责人批准立案", process="调取收费明细，询问法定代表人")
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def finish(case: Case, *, actor: Any, expected_version: int | None = None, facts: str | None = None,
           **changes: Any) -> Case:
    """调查终结 with a complete report (the acting officer records the evidence it relies on)."""
    if facts is not None:
        changes["facts"] = facts
    return do_finish_investigation(case, actor=actor, report=report_input(case, actor, **changes),
                                   expected_version=case.version if expected_version is None else expected_version)
