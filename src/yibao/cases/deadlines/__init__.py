"""The deadlines cases and leads run against now, for the 工作台 and the supervision board (督办).

Each kind of deadline is a registered source (`register`): its kind, label, basis and a function giving the
rows near or past for the bureaus asked. A source outside this module joins with one line, e.g.
`register("seal", "封存期限", "《中华人民共和国行政强制法》第二十五条", "yibao.coercion.deadlines:seal_deadlines")`
where `seal_deadlines(bureau_ids)` returns `OpenDeadline` rows; the board keeps those near or past.

Where the case services store a due date when its period starts (filing, notice, decision, service), the
board reads that column, so it shows what the case page shows. The others are counted here from the dates
the case stores, with the bureau's parameters and the working-day calendar: the legal review (from the day
the case went to review), the hearing and its notice, instalments, the 催告 and the application to the court
(行政强制法 第五十三、五十四条). A date in a year whose holidays are not published yet is provisional (待定),
never guessed. A case whose clock is stopped (中止, or a period not counted such as an appraisal) is never
overdue on its case deadline: it shows as 中止 or 暂停 with the days it had left when the clock stopped.

The package splits it by concern: `registry` (the row, the working days, the sources), `stored` (the dates a
case stores), `computed` (the dates counted here), `leads`, `assembly` (the board) and `recount` (when the
holiday table changes). Import from the package: `from yibao.cases.deadlines import board`.
"""

from __future__ import annotations

from .assembly import (
    Board,
    board,
)
from .computed import (
    COURT_BASIS,
    HEARING_NOTICE,
    REMINDER_BASIS,
    REVIEW_BASIS,
    REVIEW_LABEL,
    court_window,
    enforcement_deadlines,
    hearing_deadlines,
    instalment_deadlines,
    review_deadlines,
)
from .leads import (
    LEAD_FIELDS,
    LEAD_VERIFICATION_BASIS,
    LEAD_VERIFICATION_WORKDAYS,
    OPEN_LEAD_STATUSES,
    lead_deadline,
    lead_deadlines,
    open_leads,
)
from .recount import (
    RECOUNTED,
    recount_stored_due_dates,
)
from .registry import (
    BOARD_NEAR_WORKDAYS,
    CASE_KIND,
    LEAD_KIND,
    PROVISIONAL_NOTE,
    SOURCES,
    WHY_ANCHOR,
    BoardQuery,
    Days,
    DeadlineSource,
    OpenDeadline,
    Picked,
    kind_labels,
    latest,
    near_workdays,
    register,
)
from .stored import (
    CASE_COLUMNS,
    CASE_DEADLINES,
    CASE_FIELDS,
    PAUSABLE,
    PAUSE_FIELDS,
    STATE_URGENCY,
    CaseDeadlineSpec,
    case_deadline,
    open_pauses,
    running_deadlines,
    urgency_order,
    with_pauses,
)

__all__ = [
    "BOARD_NEAR_WORKDAYS",
    "Board",
    "BoardQuery",
    "CASE_COLUMNS",
    "CASE_DEADLINES",
    "CASE_FIELDS",
    "CASE_KIND",
    "COURT_BASIS",
    "CaseDeadlineSpec",
    "Days",
    "DeadlineSource",
    "HEARING_NOTICE",
    "LEAD_FIELDS",
    "LEAD_KIND",
    "LEAD_VERIFICATION_BASIS",
    "LEAD_VERIFICATION_WORKDAYS",
    "OPEN_LEAD_STATUSES",
    "OpenDeadline",
    "PAUSABLE",
    "PAUSE_FIELDS",
    "PROVISIONAL_NOTE",
    "Picked",
    "RECOUNTED",
    "REMINDER_BASIS",
    "REVIEW_BASIS",
    "REVIEW_LABEL",
    "SOURCES",
    "STATE_URGENCY",
    "WHY_ANCHOR",
    "board",
    "case_deadline",
    "court_window",
    "enforcement_deadlines",
    "hearing_deadlines",
    "instalment_deadlines",
    "kind_labels",
    "latest",
    "lead_deadline",
    "lead_deadlines",
    "near_workdays",
    "open_leads",
    "open_pauses",
    "recount_stored_due_dates",
    "register",
    "review_deadlines",
    "running_deadlines",
    "urgency_order",
    "with_pauses",
]
