"""Record screening runs, review findings, and what pages need of them; one module per concern.

Every state change goes through a do_… function that checks the actor's role, changes state and
writes the audit trail in one transaction. The engine (../engine) knows nothing of Django; these
modules store what it finds. Leads are case handling's (yibao.cases.services.leads).

* runs.py: checking, recording, launching and executing screening runs;
* storing.py: a run's findings into the database; reference.py: the institutions and persons they name;
* review.py: the two-library review of findings;
* fines.py: suspected loss and fine ranges;
* people.py: insured persons shown masked or in full (audited).
"""

from yibao.org.permissions import actor_bureau, visible_bureau_ids

from ..engine.lookup import read_claims, read_references
from .fines import LossBreakdown, assess_fine, basis_citation, deduped_loss, rule_basis
from .people import people_display, record_pii_view
from .review import (
    appeal_deadline,
    do_close_appeal_window,
    do_confirm_first_review,
    do_confirm_second_review,
    do_dismiss_first_review,
    do_dismiss_second_review,
    do_overturn_finding,
    do_record_appeal,
    do_reopen_finding,
    do_transition,
    do_uphold_finding,
)
from .runs import (
    do_queue_screening,
    do_run_screening,
    do_screen_for_bureau,
    execute_run,
    fail_interrupted_run,
    read_config,
    screening_job,
)
from .storing import insert_many, store_findings

__all__ = [
    "LossBreakdown", "actor_bureau", "appeal_deadline", "assess_fine", "basis_citation", "deduped_loss",
    "do_close_appeal_window", "do_confirm_first_review", "do_confirm_second_review", "do_dismiss_first_review",
    "do_dismiss_second_review", "do_overturn_finding", "do_queue_screening",
    "do_record_appeal", "do_reopen_finding", "do_run_screening", "do_screen_for_bureau", "do_transition",
    "do_uphold_finding", "execute_run", "fail_interrupted_run", "insert_many", "people_display", "read_claims", "read_config",
    "read_references", "record_pii_view", "rule_basis", "screening_job", "store_findings",
    "visible_bureau_ids",
]
