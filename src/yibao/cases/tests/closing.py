"""The closing report for tests that walk a case to 结案: drafted by 执行岗 before the head closes."""

from __future__ import annotations

from typing import Any

from yibao.cases import services as s
from yibao.cases.models import Case


def drafted(case: Case, actor: Any, ground: str = "executed", summary: str = "立案调查、审核、决定、送达均已完成。",
            execution: str = "") -> Case:
    """Draft the closing report as `actor` (an officer of the case at 执行岗) on the version seen."""
    return s.do_draft_closing_report(case, actor=actor, expected_version=case.version, ground=ground,
                                     handling_summary=summary, execution_summary=execution)


def closed(case: Case, *, drafter: Any, head: Any, ground: str = "executed", reason: str = "") -> Case:
    """Draft the report, then close the case as the head."""
    case = drafted(case, drafter, ground)
    return s.do_close(case, actor=head, expected_version=case.version, reason=reason)
