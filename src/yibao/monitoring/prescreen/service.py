"""The pre-screen in the web process: one in-memory state per bureau, loaded once, kept current.

Settings (settings.py reads each from the environment variable of the same name):

YIBAO_PRESCREEN_KEYS            API keys: {"key": "bureau code"}; environment "key1=410324,key2=140100"
YIBAO_PRESCREEN_DATASET         dataset folder to load for every bureau, or {"bureau code": folder};
                                unset: the dataset of the bureau's latest successful screening run
YIBAO_PRESCREEN_HISTORY_DAYS    days of claims kept as history (default 180)
YIBAO_PRESCREEN_JOURNAL_DIR     where each bureau's journal of pre-screened settlements lives
                                (default var/prescreen; "off" keeps the history in memory only)
YIBAO_PRESCREEN_REFRESH_SECONDS how often to look for a newer screening run (default 300; 0 never)
YIBAO_PRESCREEN_JOURNAL_COMPACT_BYTES
                                a journal bigger than this when a worker loads the bureau is compacted
                                then, if a quarter of its entries left the history (default 64 MiB; 0 never)

The request path does no database query: keys are hashed once, the bureau's reference data and
history are in memory, and the settlement is appended to the history in memory and to the journal
(journal.py) that the other worker processes read. The database is read when a bureau is first
pre-screened in a process and, at most every YIBAO_PRESCREEN_REFRESH_SECONDS, to look for a newer
screening run (which is then loaded in the background and swapped in).
"""

import datetime as dt
import gc
import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver

from ..engine.config import ScreeningConfig
from ..engine.dataset import DatasetError
from ..engine.rules import DEFAULT_PARAMETERS, RULES
from .evaluator import Prescreener, PrescreenResult
from .history import DEFAULT_HISTORY_DAYS
from .journal import Compaction, Journal
from .loading import load_dataset
from .request import RequestError, parse_request, parse_ts

log = logging.getLogger(__name__)

# Compact at start only when at least this share of the journal left the history: every other
# worker reads the kept entries again after a compaction, which is not worth it for a few.
COMPACT_MIN_OLD_SHARE = 0.25


class PrescreenUnavailable(Exception):
    """The bureau cannot be pre-screened now (no dataset, or a refused one); the message is Chinese."""


# ---------------------------------------------------------------- settings

def _setting(name: str, default: Any = None) -> Any:
    value = getattr(settings, name, None)
    return default if value in (None, "") else value


def parse_keys(text: str) -> dict[str, str]:
    """'key1=410324,key2=140100' → {"key1": "410324", "key2": "140100"}."""
    keys = {}
    for part in text.split(","):
        key, sep, code = part.strip().rpartition("=")
        if part.strip() and (not sep or not key or not code):
            raise ValueError("YIBAO_PRESCREEN_KEYS: expected key=bureau code pairs separated by commas")
        if key:
            keys[key.strip()] = code.strip()
    return keys


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


_key_cache: dict[str, str] | None = None


def _hashed_keys() -> dict[str, str]:
    global _key_cache
    if _key_cache is None:
        keys = _setting("YIBAO_PRESCREEN_KEYS", {})
        if isinstance(keys, str):
            keys = parse_keys(keys)
        for key in keys:
            if len(key) < 16:
                log.warning("pre-screen API key for bureau %s is shorter than 16 characters", keys[key])
        _key_cache = {_digest(k): str(code) for k, code in keys.items()}
    return _key_cache


def bureau_for_key(key: str) -> str | None:
    """The bureau code an API key belongs to, or None (the key is compared by its SHA-256 digest)."""
    return _hashed_keys().get(_digest(key))


def configured_codes() -> list[str]:
    return sorted(set(_hashed_keys().values()))


def _dataset_setting(code: str) -> str | None:
    value = _setting("YIBAO_PRESCREEN_DATASET")
    if isinstance(value, dict):
        return value.get(code)
    return value


def _history_days() -> int:
    return int(_setting("YIBAO_PRESCREEN_HISTORY_DAYS", DEFAULT_HISTORY_DAYS))


def _refresh_seconds() -> float:
    return float(settings.YIBAO_PRESCREEN_REFRESH_SECONDS)


def _journal_compact_bytes() -> int:
    return int(settings.YIBAO_PRESCREEN_JOURNAL_COMPACT_BYTES)


def _journal_folder() -> Path | None:
    folder = settings.YIBAO_PRESCREEN_JOURNAL_DIR
    if str(folder).lower() in ("off", "none", "0"):
        return None
    return Path(folder)


def _journal_path(code: str) -> Path | None:
    folder = _journal_folder()
    if folder is None:
        return None
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in code)
    return folder / f"{safe}.jsonl"


def _config_of(data: dict | None) -> ScreeningConfig:
    """A run's stored configuration (ScreeningConfig.as_dict) back as a ScreeningConfig."""
    config = ScreeningConfig()
    if data:
        config.enabled = [r for r in data.get("enabled", config.enabled) if r in RULES]
        config.parameters = {**DEFAULT_PARAMETERS, **{k: v for k, v in (data.get("parameters") or {}).items()
                                                      if k in DEFAULT_PARAMETERS}}
    return config


@dataclass
class Source:
    """Where a bureau's pre-screen data comes from."""

    dataset: Path
    config: ScreeningConfig
    run_id: int | None = None  # the screening run it came from, if any


def find_source(code: str) -> Source:
    """The configured dataset, else the bureau's latest successful screening run (one query)."""
    folder = _dataset_setting(code)
    if folder:
        config_path = _setting("YIBAO_PRESCREEN_CONFIG")
        if config_path:
            from ..engine.config import load_config

            return Source(Path(folder), load_config(Path(config_path)))
        return Source(Path(folder), ScreeningConfig())
    from ..constants import RunStatus
    from ..models import ScreeningRun

    run = (ScreeningRun.objects.filter(bureau__code=code, status=RunStatus.SUCCEEDED)
           .order_by("-finished_at", "-id").only("pk", "dataset_path", "config").first())
    if not connection.in_atomic_block:
        connection.close()  # requests do not use the database: do not keep a connection open for them
    if run is None:
        raise PrescreenUnavailable(f"单位 {code} 未配置预审数据集，也没有成功的筛查批次")
    return Source(Path(run.dataset_path), _config_of(run.config), run.pk)


# ---------------------------------------------------------------- per-bureau state

@dataclass
class BureauState:
    code: str
    source: Source
    prescreener: Prescreener
    journal: Journal | None
    lock: threading.Lock = field(default_factory=threading.Lock)
    checked_at: float = field(default_factory=time.monotonic)
    reloading: bool = False

    def catch_up(self) -> int:
        """Add what the other workers appended to the journal; return how many settlements."""
        if self.journal is None:
            return 0
        return _replay(self.code, self.journal.read_new(), self.prescreener)

    def handle(self, data: dict, *, record: bool = True, body: bytes | None = None) -> PrescreenResult:
        """Judge a decoded request; add it to the history unless record is False. RequestError if bad.

        body: the request's JSON text as received, written to the journal as it is (cheaper than
        encoding the data again); without it the data is encoded.
        """
        request = parse_request(data)
        with self.lock:
            self.catch_up()
            result = self.prescreener.evaluate(request)
            if record:
                self.prescreener.record(request)
                if self.journal is not None:
                    self.journal.append(body if body is not None else data)
        return result


def _replay(code: str, entries: Iterable[dict], prescreener: Prescreener, days: Counter | None = None) -> int:
    """Add journal entries (requests accepted before) to the history; return how many.

    days: counts the entries by settlement day, to tell how many a compaction would drop.
    """
    n = 0
    for data in entries:
        try:
            request = parse_request(data)
            prescreener.record(request)
            n += 1
            if days is not None:
                days[request.settlement.setl_time.date()] += 1
        except (RequestError, ValueError, TypeError, KeyError, ArithmeticError) as e:
            log.warning("pre-screen journal of %s: entry skipped: %s", code, e)
    return n


def build_state(code: str, source: Source) -> BureauState:
    """Load the dataset and replay the journal (slow: seconds for a large dataset)."""
    try:
        loaded = load_dataset(source.dataset, history_days=_history_days())
    except DatasetError as e:
        log.warning("pre-screen dataset %s of bureau %s refused: %s", source.dataset, code, e)
        raise PrescreenUnavailable(f"单位 {code} 的预审数据集无法使用：{e}") from None
    journal_path = _journal_path(code)
    journal = Journal(journal_path) if journal_path is not None else None
    state = BureauState(code, source, Prescreener(loaded.reference, loaded.history, source.config), journal)
    if journal is not None:
        days: Counter = Counter()
        replayed = _replay(code, journal.read_new(include_own=True), state.prescreener, days)
        log.info("pre-screen %s: %d journal entries replayed", code, replayed)
        _maybe_compact(state, days, replayed)
    return state


# ---------------------------------------------------------------- journal compaction

def _setl_time(data: dict) -> dt.datetime | None:
    try:
        return parse_ts(data["settlement"]["setl_time"], "settlement.setl_time")
    except (KeyError, TypeError, ValueError):
        return None


def journal_newest(journal: Journal) -> dt.datetime | None:
    """The newest settlement time in a journal (None if it holds none)."""
    newest = None
    for data in journal.entries():
        t = _setl_time(data)
        if t is not None and (newest is None or t > newest):
            newest = t
    return newest


def history_keep(newest: dt.datetime, history_days: int) -> Callable[[dict], bool]:
    """Whether a journal entry is still in the history: the cut HistoryStore.prune makes, from newest.

    An entry without a readable settlement time is kept: a person should look at it, not a rule.
    """
    cutoff = newest - dt.timedelta(days=history_days)

    def keep(data: dict) -> bool:
        t = _setl_time(data)
        return t is None or t >= cutoff

    return keep


def journal_codes() -> list[str]:
    """The bureaus that have a journal (named by their journal file)."""
    folder = _journal_folder()
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.jsonl") if p.is_file())


def compact_journal(code: str, *, journal: Journal | None = None, newest: dt.datetime | None = None,
                    min_drop_bytes: int = 1) -> Compaction | None:
    """Drop from a bureau's journal the settlements that left the history window; None if it has none.

    The window ends at `newest` (the history's newest settlement, as HistoryStore.prune cuts) or,
    without it, at the newest settlement in the journal, which is never later: then the journal
    keeps at least what any worker's history holds.
    """
    if journal is None:
        path = _journal_path(code)
        if path is None or not path.is_file():
            return None
        journal = Journal(path)
        own = True
    else:
        own = False
    try:
        if newest is None:
            newest = journal_newest(journal)
        if newest is None:
            # Nothing with a settlement time: nothing can be out of the window.
            return journal.compact(lambda data: True)
        return journal.compact(history_keep(newest, _history_days()), min_drop_bytes=min_drop_bytes)
    finally:
        if own:
            journal.close()


def _maybe_compact(state: BureauState, days: Counter, replayed: int) -> None:
    """Compact the journal just replayed if it is big and a quarter of its entries left the history.

    Safe while other workers use it (journal.py); they read the kept entries again, so a journal
    that is big with entries still in the window is left alone rather than rewritten at every start.
    """
    journal, threshold = state.journal, _journal_compact_bytes()
    newest = state.prescreener.history.newest
    if journal is None or threshold <= 0 or newest is None or replayed == 0:
        return
    try:
        size = journal.path.stat().st_size
    except FileNotFoundError:
        return
    if size < threshold:
        return
    cutoff = (newest - dt.timedelta(days=_history_days())).date()
    old = sum(n for day, n in days.items() if day < cutoff)
    if old < replayed * COMPACT_MIN_OLD_SHARE:
        log.info("pre-screen %s: journal of %d bytes not compacted: %d of %d entries left the history",
                 state.code, size, old, replayed)
        return
    try:
        compact_journal(state.code, journal=journal, newest=newest)
    except OSError:
        log.exception("pre-screen %s: journal compaction failed", state.code)


_states: dict[str, BureauState] = {}
_states_lock = threading.Lock()


def _reload_in_background(state: BureauState, source: Source) -> None:
    def work() -> None:
        try:
            new = build_state(state.code, source)
            with _states_lock:
                _states[state.code] = new
            log.info("pre-screen %s: reloaded from run %s", state.code, source.run_id)
        except Exception:
            log.exception("pre-screen %s: reload failed", state.code)
        finally:
            state.reloading = False

    state.reloading = True
    threading.Thread(target=work, name=f"prescreen-reload-{state.code}", daemon=True).start()


def _maybe_refresh(state: BureauState) -> None:
    """At most every YIBAO_PRESCREEN_REFRESH_SECONDS: is there a newer successful run to load?"""
    every = _refresh_seconds()
    if state.source.run_id is None or every <= 0 or state.reloading:
        return
    now = time.monotonic()
    if now - state.checked_at < every:
        return
    state.checked_at = now
    try:
        source = find_source(state.code)
    except PrescreenUnavailable:
        return
    if source.run_id != state.source.run_id:
        _reload_in_background(state, source)


def get_state(code: str) -> BureauState:
    state = _states.get(code)
    if state is None:
        with _states_lock:
            state = _states.get(code)
            if state is None:
                state = build_state(code, find_source(code))
                _states[code] = state
    else:
        _maybe_refresh(state)
    return state


def prescreen(code: str, data: dict, *, record: bool = True, body: bytes | None = None) -> PrescreenResult:
    """Judge one decoded request for a bureau. RequestError (400) or PrescreenUnavailable (503)."""
    return get_state(code).handle(data, record=record, body=body)


def preload(codes: list[str] | None = None) -> dict[str, str]:
    """Load the bureaus' states now (those with API keys by default), e.g. in a server's master
    process before it forks its workers; return each code's outcome."""
    from django.db import connections

    outcome = {}
    for code in codes if codes is not None else configured_codes():
        try:
            state = get_state(code)
            outcome[code] = f"{len(state.prescreener.history)} settlements"
        except PrescreenUnavailable as e:
            outcome[code] = str(e)
    connections.close_all()  # never share a database connection with forked workers
    # The loaded history is long-lived: keep the collector from scanning it again and again (a
    # full collection would pause a request for tens of milliseconds) and from writing to its
    # pages, which the forked workers share.
    gc.collect()
    gc.freeze()
    return outcome


def reset() -> None:
    """Forget every state and the key cache (tests; settings changes)."""
    global _key_cache
    with _states_lock:
        for state in _states.values():
            if state.journal is not None:
                state.journal.close()
        _states.clear()
    _key_cache = None


@receiver(setting_changed)
def _on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting.startswith("YIBAO_PRESCREEN"):
        reset()
