"""Every open deadline of one case, for its page: the board's registered sources (cases.deadlines), asked
about that case alone (its bureau, state and id) with no horizon to speak of; rows of the case's other records
(its seals) are kept by their pages.

The board and the case page thus show one date with one "why this date" for each deadline: a period is
counted only where its source counts it, never again here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from yibao.cases.deadlines import CASE_DEADLINES, LEAD_KIND, SOURCES, BoardQuery, Days, OpenDeadline
from yibao.cases.procedure import CaseState

# The deadlines the case stores as columns (办案期限, 陈述申辩, 要求听证, 送达, 缴款): the case page lists them
# from the case itself, with their history, so it asks the sources only for the others unless told.
STORED_KINDS = frozenset(spec.kind for spec in CASE_DEADLINES)
# Far enough that every running period falls before it (the longest a source counts, the application to the
# court after the remedy periods, runs months, not years); the sources bound their reads by it.
_HORIZON = dt.timedelta(days=3660)


def _record_urls(case: Any) -> set[str]:
    """The pages of the case's own records that a source links its rows to (the seals: 封存)."""
    seals = getattr(case, "seals", None)
    return {seal.get_absolute_url() for seal in seals.all()} if seals is not None else set()


def _of_case(row: OpenDeadline, case: Any, urls: set[str]) -> bool:
    if row.href:
        return row.href in urls
    return row.kind != LEAD_KIND and row.pk == case.pk


def open_deadlines(case: Any, *, today: dt.date, include_stored: bool = False) -> list[OpenDeadline]:
    """The case's running deadlines, past or to come, nearest first, each as the board shows it (label, due
    date, provisional, basis and why); with `include_stored`, the stored ones too."""
    state = CaseState(case.state)
    q = BoardQuery(today, today + _HORIZON, Days(), state.value, case_id=case.pk)
    urls = _record_urls(case)
    rows: list[OpenDeadline] = []
    for source in SOURCES.values():
        if source.kind == LEAD_KIND or (source.kind in STORED_KINDS and not include_stored):
            continue
        if source.states is not None and state not in source.states:
            continue
        if source.states is None and not urls:
            continue  # a source of other records (seals): the case has none
        # Another record's rows carry no case state, so their source is asked without one.
        asked = q if source.states is not None else replace(q, state="")
        rows += [r for r in source.pick([case.bureau_id], asked).rows if _of_case(r, case, urls)]
    return sorted(rows, key=lambda d: (d.due, d.label))
