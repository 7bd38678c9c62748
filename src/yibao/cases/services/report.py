"""调查终结报告 (行政处罚法 第五十七条第一款): the officers draft the report in its parts when they end the
investigation; the guard REPORT reads which required parts the current report lacks; a redraft after 退回补充调查
supersedes the earlier report, which stays on file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from ..models import Case, InvestigationReport, ReportProposal
from ..procedure import Action, Refusal, ServiceCode
from .facts import today
from .steps import do_take_step


@dataclass
class ReportInput:
    """What the officers write in the report; `evidence` are the numbers of the case's evidence items."""

    facts: str = ""
    evidence: Sequence[int] = field(default_factory=list)
    proposal: str = ""
    source: str = ""
    process: str = ""
    nature: str = ""
    measures: str = ""
    fine: Decimal | int | str | None = None
    discretion: str = ""


def _invalid(message: str) -> Refusal:
    return Refusal(ServiceCode.INVALID_INPUT, message)


def _fine(value: Decimal | int | str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        fine = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _invalid(f"拟罚款应为金额（元），收到：{value}") from None
    if fine < 0:
        raise _invalid("拟罚款不能为负数")
    return fine


def _numbers(values: Sequence[int | str] | None) -> list[int]:
    try:
        return sorted({int(n) for n in values or []})
    except (TypeError, ValueError):
        raise _invalid("证据应以本案证据的序号列出") from None


def missing_parts(report: InvestigationReport | None) -> tuple[str, ...]:
    """The required parts the report lacks, by their Chinese names: the facts, a proposal, and evidence unless
    the facts are proposed as not established."""
    if report is None:
        return ("调查终结报告",)
    missing = []
    if not report.facts.strip():
        missing.append("违法事实")
    if report.proposal != ReportProposal.NOT_ESTABLISHED and not report.evidence.exists():
        missing.append("证据")
    if not report.proposal:
        missing.append("处理意见")
    return tuple(missing)


def current_report(case: Case) -> InvestigationReport | None:
    return case.reports.filter(superseded_at__isnull=True).first()


def case_basis(case: Case) -> list[str]:
    """The provisions and catalogue items the case cites, as the report quotes them."""
    return [*(str(p) for p in case.provisions or []), *(f"权责事项：{i}" for i in case.items.all())]


def render_report(report: InvestigationReport) -> str:
    """The report as one text: `Case.investigation_report`, read by the documents, the API and the case page."""
    evidence = "；".join(f"证据{e.number}：{e.title}" for e in report.evidence.order_by("number"))
    proposal = report.get_proposal_display() if report.proposal else ""
    if report.proposal == ReportProposal.PENALTY:
        proposal += "".join(f"，{x}" for x in (report.measures.strip(),) if x)
        proposal += f"，罚款 {report.fine} 元" if report.fine is not None else ""
    grade = report.grade or {}
    discretion = "；".join(x for x in (f"裁量档次：{grade['label']}（{grade.get('reason', '')}）"
                                       if grade.get("label") else "", report.discretion.strip()) if x)
    parts = (("一、案件来源与立案情况", report.source), ("二、调查经过", report.process),
             ("三、违法事实", report.facts), ("四、证据", evidence),
             ("五、违法行为的性质与依据", "；".join(x for x in ("；".join(report.basis), report.nature.strip()) if x)),
             ("六、处理意见", proposal), ("七、自由裁量理由", discretion))
    return "\n".join(f"{title}：{text.strip()}" for title, text in parts if (text or "").strip())


def draft_report(case: Case, data: ReportInput, *, actor: Any) -> InvestigationReport:
    """Write a new current report on the locked case, superseding the earlier one, and its text on the case.
    The parts are checked by the guard REPORT, which names what is missing."""
    if data.proposal and data.proposal not in ReportProposal.values:
        raise _invalid("请选择处理意见：给予行政处罚、不予行政处罚、违法事实不能成立、移送其他行政机关或移送司法机关")
    numbers = _numbers(data.evidence)
    items = list(case.evidence.filter(number__in=numbers, withdrawn_on__isnull=True))
    unknown = sorted(set(numbers) - {e.number for e in items})
    if unknown:
        raise _invalid(f"本案没有在案的证据{'、'.join(str(n) for n in unknown)}（已撤回的证据不能作为报告的依据）")
    earlier = current_report(case)
    if earlier is not None:  # superseded first: one current report per case
        earlier.superseded_at = timezone.now()
        earlier.save(update_fields=["superseded_at"])
    report = InvestigationReport.objects.create(
        case=case, source=data.source.strip(), process=data.process.strip(), facts=data.facts.strip(),
        basis=case_basis(case), nature=data.nature.strip(), proposal=data.proposal, measures=data.measures.strip(),
        fine=_fine(data.fine), discretion=data.discretion.strip(), grade=(case.assessment or {}).get("grade") or {},
        drafted_by=actor, drafted_on=today())
    report.evidence.set(items)
    if earlier is not None:
        earlier.superseded_by = report
        earlier.save(update_fields=["superseded_by"])
    case.investigation_report = render_report(report)
    return report


def do_finish_investigation(case: Case | int, *, actor: Any, expected_version: int | None,
                            report: ReportInput) -> Case:
    """调查终结: the report in its parts ends the investigation and sends the case to the legal review."""
    numbers = _numbers(report.evidence)
    data: dict[str, Any] = {"proposal": report.proposal, "evidence": numbers}

    def before(c: Case) -> None:
        data["report"] = draft_report(c, report, actor=actor).pk  # the timeline names the report it ended on
        # A case back from review is reviewed afresh on the new report.
        c.review_passed, c.review_opinion = False, ""

    return do_take_step(case, Action.FINISH_INVESTIGATION, actor=actor, expected_version=expected_version,
                        before=before, data=data)


def finish_investigation(case: Case | int, *, actor: Any, expected_version: int | None, **parts: Any) -> Case:
    """The action table's entry: the report's parts as the page or the API sent them."""
    return do_finish_investigation(case, actor=actor, expected_version=expected_version, report=ReportInput(**parts))
