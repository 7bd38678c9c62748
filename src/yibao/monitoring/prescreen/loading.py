"""Read a dataset folder into the pre-screen's reference data and history (no Django).

The folder is checked and typed by the batch engine's own Loader (on DuckDB), so the pre-screen
sees exactly the values the batch engine screens: a dataset the engine refuses is refused here
with the same DatasetError.
"""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from ..engine.backends import DuckDBBackend
from ..engine.dataset import Dataset, Loader
from ..engine.ranks import institution_rank
from .history import DEFAULT_HISTORY_DAYS, HistoryStore
from .reference import OPEN_END, KbItem, ReferenceData
from .request import OPTIONAL_LINE_COLUMNS, Line, Person, PrescreenRequest, Settlement, Visit, request_json

log = logging.getLogger(__name__)


@dataclass
class LoadedDataset:
    root: Path
    reference: ReferenceData
    history: HistoryStore
    dataset: Dataset
    line_columns: frozenset[str]  # optional fee_list_d columns the dataset has
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def request_for(self, setl_id: str, *, with_person: bool = True) -> dict:
        """The pre-screen request (JSON data) of a settlement held in the history, as a caller would send it."""
        held = self.history.entry(setl_id)
        if held is None:
            raise KeyError(setl_id)
        settlement, lines = held
        persons = self.reference.persons
        person = persons.get(settlement.psn_no) if (with_person and persons is not None) else None
        request = PrescreenRequest(settlement, self.history.visits.get(settlement.mdtrt_id), lines, person,
                                   self.line_columns)
        return request_json(request)


def _columns(table: pa.Table) -> dict[str, list]:
    return {name: table.column(name).to_pylist() for name in table.column_names}


def _rows(backend: DuckDBBackend, sql: str) -> tuple[int, list[tuple]]:
    table = backend.query(sql)
    cols = _columns(table)
    return table.num_rows, list(zip(*cols.values(), strict=True)) if cols else []


def read_reference(backend: DuckDBBackend, dataset: Dataset) -> ReferenceData:
    """kb_item, kb_item_pair, fixmedins ranks, psn_info and insu_enrol, each None when absent."""
    kb = None
    if dataset.has("kb_item"):
        _, rows = _rows(backend, "SELECT med_list_codg, pric_uplmt_amt, lmt_gend, lmt_age_min, lmt_age_max, "
                                 "lmt_med_type, lmt_hosp_rank, max_cnt_per_day, per_day_of_stay FROM kb_item")
        kb = {r[0]: KbItem(*r) for r in rows}
    pairs = None
    if dataset.has("kb_item_pair"):
        _, rows = _rows(backend, 'SELECT main_codg, sub_codg, "window" FROM kb_item_pair')
        pairs = [tuple(r) for r in rows]
    ranks: dict[str, int] = {}
    if dataset.has("fixmedins"):
        _, rows = _rows(backend, "SELECT fixmedins_code, fixmedins_type, hosp_lv FROM fixmedins")
        ranks = {code: institution_rank(kind, lv) for code, kind, lv in rows}
    persons = None
    if dataset.has("psn_info"):
        _, rows = _rows(backend, "SELECT psn_no, certno, gend, brdy, death_date FROM psn_info")
        persons = {r[0]: Person(*r) for r in rows}
    enrolments = None
    if dataset.has("insu_enrol"):
        _, rows = _rows(backend, "SELECT psn_no, begndate, enddate FROM insu_enrol")
        enrolments = {}
        for psn_no, begin, end in rows:
            enrolments.setdefault(psn_no, []).append((begin, end or OPEN_END))
    return ReferenceData(kb_item=kb, kb_item_pair=pairs, ranks=ranks, persons=persons, enrolments=enrolments)


def read_history(backend: DuckDBBackend, dataset: Dataset, history: HistoryStore) -> dict[str, int]:
    """Add the claims of the last history_days days (before the newest settlement) to the history."""
    window = ""
    if history.history_days is not None:
        window = (f"WHERE setl_time >= (SELECT MAX(setl_time) FROM setl_d) - "
                  f"INTERVAL {int(history.history_days)} DAY")
    backend.create_view("prescreen_setl", f"SELECT * FROM setl_d {window}")
    n_visits, rows = _rows(backend, "SELECT mdtrt_id, psn_no, fixmedins_code, med_type, begntime, endtime, "
                                    "dscg_maindiag_code FROM mdtrt_d "
                                    "WHERE mdtrt_id IN (SELECT mdtrt_id FROM prescreen_setl)")
    for r in rows:
        history.put_visit(Visit(*r))
    has_vali = dataset.has("setl_d", "vali_flag")
    n_setl, rows = _rows(backend, "SELECT setl_id, mdtrt_id, psn_no, fixmedins_code, setl_time, medfee_sumamt, "
                                  "fund_pay_sumamt, vali_flag FROM prescreen_setl")
    settlements = {r[0]: Settlement(*r, has_vali) for r in rows}
    n_lines, rows = _rows(backend, "SELECT f.feedetl_sn, f.setl_id, f.psn_no, f.fixmedins_code, f.fee_ocur_time, "
                                   "f.med_list_codg, f.list_type, f.med_chrgitm_type, f.cnt, f.pric, "
                                   "f.det_item_fee_sumamt, f.inscp_amt, f.chrgitm_lv, f.prd_days, f.pric_uplmt_amt "
                                   "FROM fee_list_d f JOIN prescreen_setl s ON f.setl_id = s.setl_id")
    lines: dict[str, list[Line]] = {setl_id: [] for setl_id in settlements}
    for r in rows:
        lines[r[1]].append(Line(*r, settlements[r[1]].mdtrt_id))
    for setl_id, s in settlements.items():
        history.add(s, lines[setl_id], prune=False)
    history.prune()
    return {"visits": n_visits, "settlements": n_setl, "lines": n_lines}


def load_dataset(root: Path | str, *, history_days: int | None = DEFAULT_HISTORY_DAYS,
                 threads: int | None = None) -> LoadedDataset:
    """Check a dataset folder and read its reference data and recent claims (DatasetError if refused)."""
    started = time.monotonic()
    root = Path(root)
    backend = DuckDBBackend(threads=threads)
    try:
        dataset = Loader(backend, root).load()
        reference = read_reference(backend, dataset)
        history = HistoryStore(history_days)
        counts = read_history(backend, dataset, history)
    finally:
        backend.close()
    columns = frozenset(c for c in OPTIONAL_LINE_COLUMNS if dataset.has("fee_list_d", c))
    seconds = time.monotonic() - started
    log.info("pre-screen data of %s: %d settlements, %d lines in %.1fs", root, counts["settlements"],
             counts["lines"], seconds)
    return LoadedDataset(root, reference, history, dataset, columns, seconds, counts)


def settlement_order(history: HistoryStore) -> list[str]:
    """The history's settlement ids by settlement time, then id."""
    entries = [history.entry(i)[0] for i in history.setl_ids()]
    entries.sort(key=lambda s: (s.setl_time, s.setl_id))
    return [s.setl_id for s in entries]


