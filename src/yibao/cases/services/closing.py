"""结案: 执行岗 drafts the closing report once the decision is executed, the court has accepted the application
for enforcement, or there is nothing to execute; the head approves it by closing the case, or returns it with
the reason, and 执行岗 drafts it again. The same three steps in the ordinary and the summary procedure.

The report is one row per case (models.ClosingReport); every draft and every return is a timeline step and an
audit event with the texts of that draft, which keep the history.
"""

from __future__ import annotations

from typing import Any

from ..models import Case, ClosingGround, ClosingReport, ClosingReportStatus, Procedure
from ..procedure import Action, Refusal, ServiceCode, SummaryAction
from .facts import today
from .steps import Change, do_take_step
from .summary import _summary_step


def _take(case: Case | int, action: Action, *, actor: Any, expected_version: int | None, reason: str = "",
          before: Change | None = None, after: Change | None = None, data: dict | None = None) -> Case:
    """The step in the case's own table: the ordinary procedure's or the summary one's."""
    procedure = case.procedure if isinstance(case, Case) else Case.objects.values_list(
        "procedure", flat=True).get(pk=case)
    if procedure == Procedure.SUMMARY:
        return _summary_step(case, SummaryAction(action.value), actor=actor, expected_version=expected_version,
                             reason=reason, before=before, after=after, data=data)
    return do_take_step(case, action, actor=actor, expected_version=expected_version, reason=reason,
                        before=before, after=after, data=data)


def do_draft_closing_report(case: Case | int, *, actor: Any, expected_version: int | None, ground: str,
                            handling_summary: str, execution_summary: str = "") -> Case:
    """Draft (or draft again) the closing report: the ground must agree with the case, checked by the table."""
    if ground not in ClosingGround.values:
        raise Refusal(ServiceCode.INVALID_INPUT, "请选择结案情形：执行完毕、法院已受理强制执行申请或无须执行")
    handling_summary, execution_summary = (handling_summary or "").strip(), (execution_summary or "").strip()
    if not handling_summary:
        raise Refusal(ServiceCode.INVALID_INPUT, "请填写案件办理情况")
    day = today()
    # What this draft says, kept in the timeline step and the audit event (the row holds the latest draft).
    data: dict[str, Any] = {"ground": ground, "handling_summary": handling_summary,
                            "execution_summary": execution_summary}

    def before(c: Case) -> None:
        # Saved before the guards read it, in the step's transaction: a refusal rolls the draft back.
        report = ClosingReport.objects.filter(case=c).first()
        if report is None:
            report = ClosingReport(case=c, drafted_by=actor, drafted_on=day)
        else:
            report.drafts += 1
        data["draft"] = report.drafts
        report.ground, report.handling_summary, report.execution_summary = ground, handling_summary, execution_summary
        report.status, report.drafted_by, report.drafted_on = ClosingReportStatus.DRAFTED, actor, day
        report.save()

    return _take(case, Action.DRAFT_CLOSING_REPORT, actor=actor, expected_version=expected_version, before=before,
                 data=data)


def do_return_closing_report(case: Case | int, *, actor: Any, expected_version: int | None, reason: str) -> Case:
    """The head returns the drafted report with the reason; 执行岗 drafts it again."""
    data: dict[str, Any] = {}

    def after(c: Case) -> None:
        report = ClosingReport.objects.get(case=c)
        data["draft"] = report.drafts
        report.status, report.returned_by, report.returned_on = ClosingReportStatus.RETURNED, actor, today()
        report.return_reason = (reason or "").strip()
        report.save()

    return _take(case, Action.RETURN_CLOSING_REPORT, actor=actor, expected_version=expected_version, reason=reason,
                 after=after, data=data)


def do_close(case: Case | int, *, actor: Any, expected_version: int | None, reason: str = "") -> Case:
    """结案: the head approves the drafted closing report (with an opinion, if any) and the case is closed."""
    data: dict[str, Any] = {}

    def after(c: Case) -> None:
        day = today()
        report = ClosingReport.objects.get(case=c)
        data.update(ground=report.ground, draft=report.drafts)
        report.status, report.approved_by, report.approved_on = ClosingReportStatus.APPROVED, actor, day
        report.approval_opinion = (reason or "").strip()
        report.save()
        c.closed_on = day

    return _take(case, Action.CLOSE, actor=actor, expected_version=expected_version, reason=reason, after=after,
                 data=data)
