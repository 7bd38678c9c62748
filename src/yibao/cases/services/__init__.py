"""Case handling services: every state change is a do_…(…, *, actor) that checks, changes, and writes
the timeline step and the audit event in one transaction. Refusals are procedure.Refusal."""

from .access import visible_cases
from .actions import available_actions
from .closing import do_close, do_draft_closing_report, do_return_closing_report
from .facts import case_deadlines, case_facts, today
from .filing import FilingInput, PartyInput, do_approve_filing, do_file_case, do_reject_filing
from .handling import (
    do_approve_proposal,
    do_close_statements,
    do_complete_review,
    do_decide,
    do_finish_hearing,
    do_finish_investigation,
    do_notify,
    do_record_hearing,
    do_record_payment,
    do_request_hearing,
    do_serve,
    do_start_enforcement,
    do_start_investigation,
)
from .steps import do_take_step

__all__ = [
    "FilingInput", "PartyInput", "available_actions", "case_deadlines", "case_facts", "do_approve_filing", "do_approve_proposal",
    "do_close", "do_close_statements", "do_draft_closing_report", "do_return_closing_report", "do_complete_review", "do_decide", "do_file_case", "do_finish_hearing",
    "do_finish_investigation", "do_notify", "do_record_hearing", "do_record_payment", "do_reject_filing",
    "do_request_hearing", "do_serve", "do_start_enforcement", "do_start_investigation", "do_take_step", "today",
    "visible_cases",
]
