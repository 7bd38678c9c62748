"""Compaction of the pre-screen journal: what it keeps and drops, the other processes (readers part-way
through the old file, writers racing with the rename, forked workers) staying correct, the automatic
compaction when a worker loads a bureau, and `yibao monitor prescreen-compact`."""

import datetime as dt
import json
import logging
import os
import threading

import pytest
from typer.testing import CliRunner

from yibao.cli import app as cli_app
from yibao.monitoring.prescreen import service
from yibao.monitoring.prescreen.journal import Journal

from .test_runs import write_dataset

CODE = "410324"
NEWEST = dt.datetime(2024, 7, 1, 10, 0)


def request(setl_id: str, when: dt.datetime | str, *, psn_no: str = "P0001", amount: str = "100.00",
            mdtrt_id: str | None = None, end: str | None = None) -> dict:
    """A pre-screen request of a settlement at H001 with one line, settled at `when`."""
    ts = when if isinstance(when, str) else when.strftime("%Y-%m-%d %H:%M:%S")
    mdtrt = mdtrt_id or f"M{setl_id}"
    return {
        "settlement": {"setl_id": setl_id, "mdtrt_id": mdtrt, "psn_no": psn_no, "fixmedins_code": "H001",
                       "setl_time": ts, "medfee_sumamt": amount, "fund_pay_sumamt": "80.00", "vali_flag": "1"},
        "visit": {"mdtrt_id": mdtrt, "psn_no": psn_no, "fixmedins_code": "H001", "med_type": "11",
                  "begntime": ts, "endtime": end},
        "lines": [{"feedetl_sn": f"L{setl_id}", "setl_id": setl_id, "psn_no": psn_no, "fixmedins_code": "H001",
                   "fee_ocur_time": ts, "med_list_codg": "X002", "list_type": "201", "cnt": "1", "pric": amount,
                   "det_item_fee_sumamt": amount, "inscp_amt": amount, "chrgitm_lv": "01"}],
    }


def ids(entries) -> list[str]:
    return [e["settlement"]["setl_id"] for e in entries]


def keep_last_30_days(data: dict) -> bool:
    return service.history_keep(NEWEST, 30)(data)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "journal" / f"{CODE}.jsonl"


@pytest.fixture
def journal_settings(settings, tmp_path, monkeypatch):
    for name in ("YIBAO_PRESCREEN_KEYS", "YIBAO_PRESCREEN_DATASET", "YIBAO_PRESCREEN_JOURNAL_DIR",
                 "YIBAO_PRESCREEN_HISTORY_DAYS", "YIBAO_PRESCREEN_JOURNAL_COMPACT_BYTES"):
        monkeypatch.delenv(name, raising=False)
    settings.YIBAO_PRESCREEN_KEYS = {"test-key-0123456789abcdef": CODE}
    settings.YIBAO_PRESCREEN_JOURNAL_DIR = str(tmp_path / "journal")
    settings.YIBAO_PRESCREEN_DATASET = str(write_dataset(tmp_path / "claims"))
    settings.YIBAO_PRESCREEN_HISTORY_DAYS = 30
    settings.YIBAO_PRESCREEN_JOURNAL_COMPACT_BYTES = 0
    service.reset()
    yield settings
    service.reset()


# ---------------------------------------------------------------- what is kept


def test_compaction_keeps_the_settlements_in_the_window_and_drops_older_ones(path):
    journal = Journal(path)
    for setl_id, days_before in (("OLD1", 45), ("IN1", 10), ("OLD2", 31), ("EDGE", 30), ("NEW", 0)):
        journal.append(request(setl_id, NEWEST - dt.timedelta(days=days_before)))
    size = path.stat().st_size

    result = Journal(path).compact(keep_last_30_days)

    assert (result.kept, result.dropped, result.replaced) == (3, 2, True)
    assert result.size_before == size and result.size_after == path.stat().st_size < size
    assert ids(Journal(path).read_new(include_own=True)) == ["IN1", "EDGE", "NEW"]


def test_compaction_keeps_the_history_cut_of_the_newest_settlement_in_the_journal(journal_settings, path):
    journal = Journal(path)
    for setl_id, when in (("A", "2024-05-01 10:00:00"), ("B", "2024-06-15 10:00:00"), ("C", "2024-06-20 10:00:00")):
        journal.append(request(setl_id, when))

    result = service.compact_journal(CODE)

    # 30 days before the newest settlement (2024-06-20) is 2024-05-21: A goes, B stays.
    assert (result.kept, result.dropped) == (2, 1)
    assert ids(Journal(path).read_new(include_own=True)) == ["B", "C"]


def test_unreadable_lines_and_entries_without_a_settlement_time_are_kept_and_logged(path, caplog):
    journal = Journal(path)
    journal.append(request("OLD", NEWEST - dt.timedelta(days=90)))
    with open(path, "ab") as f:
        f.write(b"w1\t{\"settlement\": {\"setl_id\": \"BROKEN\"\n")
        f.write(b"no tab at all\n")
    journal.append({"settlement": {"setl_id": "NOTIME", "setl_time": "yesterday"}})
    journal.append(request("NEW", NEWEST))
    with open(path, "ab") as f:
        f.write(b"w2\t{\"settlement\": {\"setl_id\": \"CUT")  # a writer that died mid-line

    with caplog.at_level(logging.WARNING, logger="yibao.monitoring.prescreen.journal"):
        result = Journal(path).compact(keep_last_30_days)

    assert (result.kept, result.dropped) == (5, 1)
    lines = path.read_bytes().split(b"\n")
    assert lines[:2] == [b"w1\t{\"settlement\": {\"setl_id\": \"BROKEN\"", b"no tab at all"]
    assert lines[-2:] == [b"w2\t{\"settlement\": {\"setl_id\": \"CUT", b""]  # ended, so the next append is whole
    assert ids(Journal(path).read_new(include_own=True)) == ["NOTIME", "NEW"]
    assert sum("kept by compaction: not readable JSON" in m for m in caplog.messages) == 3


def test_a_journal_with_nothing_out_of_the_window_is_not_rewritten(path):
    journal = Journal(path)
    journal.append(request("NEW", NEWEST))
    inode = path.stat().st_ino

    result = Journal(path).compact(keep_last_30_days)

    assert (result.kept, result.dropped, result.replaced) == (1, 0, False)
    assert path.stat().st_ino == inode
    assert not [p for p in path.parent.iterdir() if p.name != path.name]  # no temporary file left behind


# ---------------------------------------------------------------- the other processes


def test_an_append_after_another_process_compacted_goes_to_the_new_file(path):
    writer, compactor = Journal(path), Journal(path)  # two descriptors: two processes, as far as flock goes
    writer.append(request("OLD", NEWEST - dt.timedelta(days=60)))
    writer.append(request("IN", NEWEST))
    assert ids(compactor.read_new()) == ["OLD", "IN"]

    compactor.compact(keep_last_30_days)
    writer.append(request("AFTER", NEWEST))

    assert ids(Journal(path).read_new(include_own=True)) == ["IN", "AFTER"]
    assert ids(compactor.read_new()) == ["AFTER"]  # the compactor goes on from where it was in the new file


def test_an_append_that_waited_for_the_lock_during_compaction_is_written_to_the_new_file(path):
    writer, compactor, other = Journal(path), Journal(path), Journal(path)
    writer.append(request("OLD", NEWEST - dt.timedelta(days=60)))
    writer.append(request("IN", NEWEST))
    racing: list[threading.Thread] = []

    def keep(data: dict) -> bool:
        setl_id = data["settlement"]["setl_id"]
        if setl_id == "OLD":  # the copy before the lock: another worker appends meanwhile
            other.append(request("MEANWHILE", NEWEST))
        elif setl_id == "MEANWHILE":  # the lines appended meanwhile are copied under the lock
            thread = threading.Thread(target=writer.append, args=(request("RACE", NEWEST),))
            thread.start()
            thread.join(0.3)
            assert thread.is_alive(), "the append did not wait for the compaction's lock"
            racing.append(thread)
        return keep_last_30_days(data)

    result = compactor.compact(keep)
    racing[0].join(5)

    assert (result.kept, result.dropped) == (2, 1)
    assert ids(Journal(path).read_new(include_own=True)) == ["IN", "MEANWHILE", "RACE"]


def test_a_reader_part_way_through_the_old_file_reads_the_rest_then_the_new_file_from_its_start(path):
    reader, other = Journal(path), Journal(path)
    other.append(request("OLD", NEWEST - dt.timedelta(days=60)))
    reader.append(request("MINE", NEWEST - dt.timedelta(days=1)))
    assert ids(reader.read_new()) == ["OLD"]
    other.append(request("UNREAD", NEWEST))  # in the old file, after where the reader stopped

    Journal(path).compact(keep_last_30_days)
    other.append(request("AFTER", NEWEST))

    # The rest of the old file, then the new one with the reader's own line: replayed in the
    # journal's order, the reader ends with the history a freshly started worker would have.
    assert ids(reader.read_new()) == ["UNREAD", "MINE", "UNREAD", "AFTER"]
    assert ids(reader.read_new()) == []
    reader.append(request("NEXT", NEWEST))
    # other had never read: the old file without its own lines, then the new one whole.
    assert ids(other.read_new()) == ["MINE", "MINE", "UNREAD", "AFTER", "NEXT"]


def test_a_worker_forked_after_the_file_was_replaced_reads_the_rest_then_the_new_file(path):
    parent = Journal(path)
    other = Journal(path)
    other.append(request("OLD", NEWEST - dt.timedelta(days=60)))
    assert ids(parent.read_new()) == ["OLD"]
    other.append(request("UNREAD", NEWEST))
    Journal(path).compact(keep_last_30_days)

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: report what it reads, never return into pytest
        try:
            os.write(write_end, json.dumps(ids(parent.read_new())).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as f:
        assert json.loads(f.read()) == ["UNREAD", "UNREAD"]


def test_a_worker_reading_after_compaction_ends_with_the_history_it_had(journal_settings):
    worker_a = service.build_state(CODE, service.find_source(CODE))
    worker_b = service.build_state(CODE, service.find_source(CODE))
    worker_a.handle(request("OLD", "2024-04-01 10:00:00", psn_no="P0002"))
    worker_a.handle(request("KEPT", "2024-06-25 10:00:00", psn_no="P0002"))
    worker_a.handle(request("RESENT", "2024-06-26 10:00:00", amount="100.00"))
    worker_b.handle(request("RESENT", "2024-06-26 10:00:00", amount="250.00"))  # b's own, later version
    worker_b.handle(request("VISIT1", "2024-06-27 09:00:00", psn_no="P0003", mdtrt_id="MV"))
    worker_a.handle(request("VISIT2", "2024-06-28 09:00:00", psn_no="P0003", mdtrt_id="MV",
                            end="2024-06-30 09:00:00"))
    worker_b.catch_up()
    before = history_of(worker_b)
    assert before["settlements"]["RESENT"][1] == "250.00" and "OLD" not in before["settlements"]

    result = service.compact_journal(CODE)
    assert (result.kept, result.dropped) == (5, 1)
    assert worker_b.catch_up() == 5  # the kept entries again, its own included

    assert history_of(worker_b) == before
    service.reset()
    assert history_of(service.build_state(CODE, service.find_source(CODE))) == before


def history_of(state: service.BureauState) -> dict:
    history = state.prescreener.history
    settlements = {}
    for setl_id in history.setl_ids():
        settlement, lines = history.entry(setl_id)
        settlements[setl_id] = (settlement.setl_time, str(settlement.medfee_sumamt),
                                [(line.feedetl_sn, str(line.det_item_fee_sumamt)) for line in lines])
    visits = {m: (v.begntime, v.endtime) for m, v in history.visits.items()}
    return {"settlements": settlements, "visits": visits}


# ---------------------------------------------------------------- when a worker loads a bureau


def test_a_big_journal_mostly_out_of_the_window_is_compacted_when_a_worker_loads_the_bureau(journal_settings, path):
    journal = Journal(path)
    for i in range(30):
        journal.append(request(f"OLD{i}", "2024-04-01 10:00:00"))
    journal.append(request("NEW", "2024-06-30 10:00:00"))
    journal_settings.YIBAO_PRESCREEN_JOURNAL_COMPACT_BYTES = path.stat().st_size

    state = service.build_state(CODE, service.find_source(CODE))

    assert ids(Journal(path).read_new(include_own=True)) == ["NEW"]
    assert "NEW" in state.prescreener.history
    Journal(path).append(request("LATER", "2024-06-30 11:00:00"))
    assert state.catch_up() == 1  # the loading worker goes on from where it was in the new file


@pytest.mark.parametrize("threshold, old", [(0, 30), (10**9, 30), (1, 3)],
                         ids=["automatic compaction off", "smaller than the threshold",
                              "less than a quarter out of the window"])
def test_a_journal_is_left_alone_when_a_worker_loads_the_bureau(journal_settings, path, threshold, old):
    journal = Journal(path)
    for i in range(old):
        journal.append(request(f"OLD{i}", "2024-04-01 10:00:00"))
    for i in range(10):
        journal.append(request(f"NEW{i}", "2024-06-30 10:00:00"))
    journal_settings.YIBAO_PRESCREEN_JOURNAL_COMPACT_BYTES = threshold
    size = path.stat().st_size

    service.build_state(CODE, service.find_source(CODE))

    assert path.stat().st_size == size


# ---------------------------------------------------------------- the command


# db: every command first brings a SQLite database up to date (core.schema), so it reads the database.
def test_the_compact_command_prints_the_kept_and_dropped_counts_of_a_bureau(journal_settings, path, db):
    journal = Journal(path)
    journal.append(request("OLD", "2024-04-01 10:00:00"))
    journal.append(request("NEW", "2024-06-30 10:00:00"))

    result = CliRunner().invoke(cli_app, ["monitor", "prescreen-compact", "--bureau", CODE])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{CODE}：保留 1 条，删除 1 条，已改写（")
    assert ids(Journal(path).read_new(include_own=True)) == ["NEW"]


def test_the_compact_command_compacts_every_bureau_with_a_journal_as_json(journal_settings, path, db):
    Journal(path).append(request("OLD", "2024-04-01 10:00:00"))
    Journal(path).append(request("NEW", "2024-06-30 10:00:00"))
    Journal(path.with_name("140100.jsonl")).append(request("ONLY", "2024-04-01 10:00:00"))

    result = CliRunner().invoke(cli_app, ["monitor", "prescreen-compact", "--json"])

    assert result.exit_code == 0, result.output
    got = {r["bureau"]: (r["kept"], r["dropped"], r["replaced"]) for r in json.loads(result.stdout)}
    assert got == {"140100": (1, 0, False), CODE: (1, 1, True)}


def test_the_compact_command_refuses_a_bureau_without_a_journal(journal_settings, db):
    result = CliRunner().invoke(cli_app, ["monitor", "prescreen-compact", "--bureau", "999999"])

    assert result.exit_code == 1
    assert "单位 999999 没有预审日志" in result.output
