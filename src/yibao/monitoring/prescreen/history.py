"""The pre-screen's history: settlements, visits and lines of the last days, indexed by person.

A request is judged against it (evaluator.py); the service keeps it current and the journal
(journal.py) shares what each worker process adds.
"""

import datetime as dt
import heapq
import itertools
from collections.abc import Iterable

from .request import Line, Settlement, Visit

DEFAULT_HISTORY_DAYS = 180


class _Entry:
    __slots__ = ("settlement", "lines", "seq")

    def __init__(self, settlement: Settlement, lines: list[Line], seq: int):
        self.settlement = settlement
        self.lines = lines
        self.seq = seq


class HistoryStore:
    """Settlements, visits and lines of the last `history_days` days, indexed by person.

    Only valid settlements and their lines are indexed: no rule counts the others (spec 5.1).
    `history_days` None keeps everything. Not thread-safe: the caller serialises access.
    """

    def __init__(self, history_days: int | None = DEFAULT_HISTORY_DAYS):
        self.history_days = history_days
        self.visits: dict[str, Visit] = {}
        self._visit_refs: dict[str, int] = {}
        self._entries: dict[str, _Entry] = {}
        self._settlements: dict[str, dict[str, Settlement]] = {}  # setl_d.psn_no → setl_id → settlement
        self._lines: dict[str, dict[str, list[Line]]] = {}  # fee_list_d.psn_no → item → lines
        self._heap: list[tuple[dt.datetime, int, str]] = []
        self._seq = itertools.count()
        self.newest: dt.datetime | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, setl_id: str) -> bool:
        return setl_id in self._entries

    def settlements_of(self, psn_no: str) -> Iterable[Settlement]:
        return self._settlements.get(psn_no, {}).values()

    def lines_of(self, psn_no: str, item: str) -> list[Line]:
        by_item = self._lines.get(psn_no)
        return by_item.get(item, []) if by_item else []

    def entry(self, setl_id: str) -> tuple[Settlement, list[Line]] | None:
        e = self._entries.get(setl_id)
        return (e.settlement, e.lines) if e else None

    def setl_ids(self) -> list[str]:
        return list(self._entries)

    def put_visit(self, visit: Visit) -> None:
        """Record or replace a visit (one row per mdtrt_id, as mdtrt_d)."""
        self.visits[visit.mdtrt_id] = visit

    def add(self, settlement: Settlement, lines: list[Line], visit: Visit | None = None, *, prune: bool = True) -> None:
        """Add a settlement with its lines (and visit); a settlement already held is replaced."""
        # Remove first: removing the earlier version drops its visit when nothing else refers to it,
        # which would lose the visit just stored when a settlement is sent (or replayed) again.
        self.remove(settlement.setl_id)
        if visit is not None:
            self.visits[visit.mdtrt_id] = visit
        entry = _Entry(settlement, lines, next(self._seq))
        self._entries[settlement.setl_id] = entry
        self._visit_refs[settlement.mdtrt_id] = self._visit_refs.get(settlement.mdtrt_id, 0) + 1
        if settlement.valid:
            self._settlements.setdefault(settlement.psn_no, {})[settlement.setl_id] = settlement
            for line in lines:
                self._lines.setdefault(line.psn_no, {}).setdefault(line.med_list_codg, []).append(line)
        heapq.heappush(self._heap, (settlement.setl_time, entry.seq, settlement.setl_id))
        if self.newest is None or settlement.setl_time > self.newest:
            self.newest = settlement.setl_time
        if prune:
            self.prune()

    def remove(self, setl_id: str) -> None:
        entry = self._entries.pop(setl_id, None)
        if entry is None:
            return
        s = entry.settlement
        refs = self._visit_refs[s.mdtrt_id] - 1
        if refs:
            self._visit_refs[s.mdtrt_id] = refs
        else:
            del self._visit_refs[s.mdtrt_id]
            self.visits.pop(s.mdtrt_id, None)
        if s.valid:
            held = self._settlements.get(s.psn_no)
            if held is not None:
                held.pop(setl_id, None)
                if not held:
                    del self._settlements[s.psn_no]
            for line in entry.lines:
                by_item = self._lines.get(line.psn_no)
                if by_item is None:
                    continue
                same = by_item.get(line.med_list_codg)
                if same is not None:
                    same.remove(line)
                    if not same:
                        del by_item[line.med_list_codg]
                if not by_item:
                    del self._lines[line.psn_no]

    def prune(self) -> int:
        """Drop the settlements older than history_days before the newest one; return how many."""
        if self.history_days is None or self.newest is None:
            return 0
        cutoff = self.newest - dt.timedelta(days=self.history_days)
        dropped = 0
        while self._heap and self._heap[0][0] < cutoff:
            _, seq, setl_id = heapq.heappop(self._heap)
            entry = self._entries.get(setl_id)
            if entry is not None and entry.seq == seq:
                self.remove(setl_id)
                dropped += 1
        return dropped

