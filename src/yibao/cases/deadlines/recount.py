"""When the holiday table changes: the stored due dates counted again (deadlines.services.RECOUNTERS)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from ..models import Case, Lead, PaymentArrangement
from ..procedure import CaseState
from .leads import OPEN_LEAD_STATUSES
from .registry import CASE_KIND, LEAD_KIND
from .stored import PAUSABLE

# The stored due dates and the day each is counted from, by the state in which it still runs.
RECOUNTED: tuple[tuple[str, str, str, frozenset[CaseState]], ...] = (
    ("statement_window_ends", "notified_on", "statement_window", frozenset({CaseState.NOTIFIED})),
    ("hearing_request_due", "notified_on", "request_hearing", frozenset({CaseState.NOTIFIED})),
    ("service_due", "decided_on", "serve_decision", frozenset({CaseState.DECIDED})),
    ("payment_due", "served_on", "pay_fine", frozenset({CaseState.SERVED, CaseState.ENFORCING})),
)


def recount_stored_due_dates(today: dt.date) -> list[Any]:
    """The deadlines app's recounter (deadlines.services.RECOUNTERS): every date a case or lead stores that is
    due today or later and still runs, counted again from its stored start as the services count it (the case
    deadline with its extensions and the periods not counted; a payment date an approved deferral set is the
    head's, not a period's, and stays). A date already passed never moves. Each case is locked and saved with a
    new version, so a page opened before the recount is told the case changed."""
    from django.db import transaction  # noqa: PLC0415

    from yibao.deadlines.services import RecountChange  # noqa: PLC0415

    from ..services.clock import recompute_due  # noqa: PLC0415 - the services import this module's callers
    from ..services.facts import count  # noqa: PLC0415
    from ..services.lead_verification import verification_deadline  # noqa: PLC0415

    running = Q(due_on__gte=today, filed_on__isnull=False, state__in=[s.value for s in PAUSABLE])
    for column, start, _key, states in RECOUNTED:
        running |= Q(**{f"{column}__gte": today, f"{start}__isnull": False}, state__in=[s.value for s in states])
    changes: list[Any] = []
    for pk in Case.objects.filter(running).values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("bureau").get(pk=pk)
            found: list[Any] = []
            if case.due_on and case.due_on >= today and case.filed_on and case.state in PAUSABLE:
                before, was = case.due_on, case.due_provisional
                recompute_due(case)
                found.append(RecountChange("case", pk, CASE_KIND, case.filed_on, before, case.due_on, was,
                                           case.due_provisional))
            for column, start, key, states in RECOUNTED:
                due, begun = getattr(case, column), getattr(case, start)
                if due is None or due < today or begun is None or case.state not in states:
                    continue
                if column == "payment_due" and PaymentArrangement.objects.filter(case=case).exists():
                    continue
                counted = count(key, begun, bureau=case.bureau)
                setattr(case, column, counted.due)
                # Only the case deadline stores whether it was provisional; the board reads the others' from
                # the calendar, so a date of theirs that did not move has nothing to confirm.
                found.append(RecountChange("case", pk, key, begun, due, counted.due, counted.provisional,
                                           counted.provisional))
            if any(c.moved or c.was_provisional != c.provisional for c in found):
                case.version += 1
                case.save()
            changes += found
    for lead in Lead.objects.filter(status__in=OPEN_LEAD_STATUSES, verification_due__gte=today).select_related(
            "bureau"):
        counted = verification_deadline(lead)
        changes.append(RecountChange("lead", lead.pk, LEAD_KIND, lead.received_date, lead.verification_due,
                                     counted.due, counted.provisional, counted.provisional))
        if counted.due != lead.verification_due:
            Lead.objects.filter(pk=lead.pk).update(verification_due=counted.due,
                                                   verification_due_explanation=counted.explanation)
    return changes
