"""The board: every registered source asked for the deadlines near or past, nearest first. The sources of
this app register here, in the order the board has always asked them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..procedure import CaseState
from ..services.investigation import (
    ASSISTANCE_BASIS,
    ASSISTANCE_KIND,
    INVESTIGATION_KIND_LABELS,
    PRESERVATION_BASIS,
    PRESERVATION_KIND,
)
from .computed import (
    COURT_BASIS,
    HEARING_NOTICE,
    REMINDER_BASIS,
    REVIEW_BASIS,
    REVIEW_LABEL,
    _hearing_kind,
    _investigation_source,
    enforcement_deadlines,
    instalment_deadlines,
    review_deadlines,
)
from .leads import LEAD_VERIFICATION_BASIS, lead_deadlines
from .registry import CASE_KIND, LEAD_KIND, SOURCES, BoardQuery, Days, OpenDeadline, near_workdays, register
from .stored import CASE_DEADLINES, PAUSABLE, _stored_source

register(LEAD_KIND, "线索核查期限", LEAD_VERIFICATION_BASIS, lead_deadlines, native=True)
for _spec in CASE_DEADLINES:
    register(_spec.kind, _spec.label, _spec.basis, _stored_source(_spec),
             states=PAUSABLE if _spec.kind == CASE_KIND else _spec.states, native=True)
register("review", REVIEW_LABEL, REVIEW_BASIS, review_deadlines, states={CaseState.UNDER_REVIEW}, native=True)
register("hearing_notice", "听证通知期限", HEARING_NOTICE.citation.label(), _hearing_kind("hearing_notice"),
         states={CaseState.HEARING}, native=True)
register("hearing", "举行听证", HEARING_NOTICE.citation.label(), _hearing_kind("hearing"), states={CaseState.HEARING},
         native=True)
register("instalment", "分期缴款期限", "《中华人民共和国行政处罚法》第六十六条第二款", instalment_deadlines,
         states={CaseState.SERVED, CaseState.ENFORCING}, native=True)
register("reminder", "催告期限", REMINDER_BASIS, lambda ids, q: enforcement_deadlines(ids, q, kind="reminder"),
         states={CaseState.SERVED, CaseState.ENFORCING}, native=True)
register("court_enforcement", "申请法院强制执行期限", COURT_BASIS,
         lambda ids, q: enforcement_deadlines(ids, q, kind="court_enforcement"),
         states={CaseState.SERVED, CaseState.ENFORCING}, native=True)
for _kind in (PRESERVATION_KIND, ASSISTANCE_KIND):
    register(_kind, INVESTIGATION_KIND_LABELS[_kind],
             PRESERVATION_BASIS.label() if _kind == PRESERVATION_KIND else ASSISTANCE_BASIS, _investigation_source(_kind),
             states=frozenset(CaseState) - {CaseState.PROPOSED}, native=True)
# The seals (封存) register theirs when the coercion app is ready (coercion.deadlines.register_sources).



@dataclass
class Board:
    rows: list[OpenDeadline]
    total: int
    horizon: dt.date
    truncated: bool


def board(bureau_ids: list[int] | None, *, today: dt.date, kinds: Iterable[str] = (), state: str = "",
          near: int | None = None, limit: int | None = 500) -> Board:
    """Every deadline past or within `near` working days of today, of the bureaus given (None: all),
    nearest first; `kinds` and `state` narrow it (a case state leaves the leads out)."""
    days = Days()
    horizon, _ = days.add(today, near_workdays() if near is None else near)
    wanted = set(kinds) or set(SOURCES)
    q = BoardQuery(today, horizon, days, state, limit)
    rows: list[OpenDeadline] = []
    total = 0
    for source in SOURCES.values():
        if source.kind not in wanted or (state and (source.states is None or CaseState(state) not in source.states)):
            continue
        picked = source.pick(bureau_ids, q)
        rows += picked.rows
        total += picked.total
    rows.sort(key=lambda d: (d.due, d.subject))
    truncated = limit is not None and len(rows) > limit
    return Board(rows[:limit] if limit is not None else rows, total, horizon, truncated or total > len(rows))
