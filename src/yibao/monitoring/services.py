"""Record screening runs, review findings, turn them into leads.

Every state change goes through a do_… function that checks the actor's role, changes state and
writes the audit trail in one transaction. The engine (./engine) knows nothing of Django; this
module stores what it finds.
"""

import datetime as dt
import json
import logging
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from yibao.core.audit import record_event
from yibao.org.masking import mask_name
from yibao.org.models import Bureau
from yibao.org.permissions import (
    actor_bureau,  # noqa: F401  (the pre-screen API imports it from here)
    has_role,
    is_active_user,
    role_refusal_message,
    visible_bureau_ids,
)

from .constants import (
    ACTIVE_RUN_STATUSES,
    APPEAL_WINDOW_WORKDAYS,
    REASON_REQUIRED_MESSAGE,
    RUN_HEARTBEAT_SECONDS,
    RUN_ROLES,
    RUN_STALE_MINUTES,
    SCREENING_LAUNCHERS,
    TRANSITIONS,
    Engine,
    FindingStatus,
    RunStatus,
)
from .engine.backends import pid_alive
from .engine.config import load_config
from .engine.rules import BASIS_LAW, RULES
from .models import (
    Finding,
    FindingEvent,
    FindingSighting,
    Institution,
    InsuredPerson,
    ScreeningRun,
)
from .models.finding import identity_hash
from .prescreen.evaluator import institution_rank

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
ZERO = Decimal("0.00")


# ---------------------------------------------------------------- screening runs

def _table_source(path: Path, fmt: str) -> str:
    p = str(path).replace("'", "''")
    if fmt == "csv":
        return f"read_csv('{p}', header = true, all_varchar = true, nullstr = '')"
    if path.is_dir():
        return f"read_parquet('{p}/*.parquet')"
    return f"read_parquet('{p}')"


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


PERSON_NAME_COLUMNS = ("psn_name", "name")


def read_references(dataset_dir: Path, codes: Iterable[str], psn_nos: Iterable[str]) -> tuple[list[dict], list[dict]]:
    """Read the institutions and persons the findings name from the dataset's fixmedins and psn_info.

    The spec's psn_info has no name; the platform's extra column psn_name is read when present.
    Returns ([institution rows], [person rows]); a missing table gives an empty list.
    """
    import duckdb
    import pyarrow as pa

    from .engine.dataset import DatasetError, find_tables

    try:
        files = find_tables(Path(dataset_dir))
    except DatasetError:
        return [], []
    codes, psn_nos = sorted({c for c in codes if c}), sorted({p for p in psn_nos if p})
    institutions: list[dict] = []
    persons: list[dict] = []
    con = duckdb.connect(":memory:")
    try:
        if "fixmedins" in files and codes:
            tf = files["fixmedins"]
            con.register("wanted", pa.table({"code": codes}))
            src = _table_source(tf.path, tf.fmt)
            present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
            cols = ["fixmedins_name", "fixmedins_type", "hosp_lv", "admdvs"]
            select = ", ".join(f"CAST(t.{c} AS VARCHAR)" if c in present else "NULL" for c in cols)
            rows = con.execute(f"SELECT CAST(t.fixmedins_code AS VARCHAR), {select} FROM {src} t "
                               "JOIN wanted w ON CAST(t.fixmedins_code AS VARCHAR) = w.code").fetchall()
            for code, name, kind, hosp_lv, admdvs in rows:
                institutions.append({"code": code, "name": name or "", "type": kind or "", "hosp_lv": hosp_lv or "",
                                     "admdvs": admdvs or "", "rank": institution_rank(kind, hosp_lv)})
            con.unregister("wanted")
        if "psn_info" in files and psn_nos:
            tf = files["psn_info"]
            con.register("wanted", pa.table({"psn_no": psn_nos}))
            src = _table_source(tf.path, tf.fmt)
            present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
            name_col = next((c for c in PERSON_NAME_COLUMNS if c in present), None)
            cols = [name_col, "certno", "gend", "brdy", "death_date"]
            select = ", ".join(f"CAST(t.{c} AS VARCHAR)" if c and c in present else "NULL" for c in cols)
            rows = con.execute(f"SELECT CAST(t.psn_no AS VARCHAR), {select} FROM {src} t "
                               "JOIN wanted w ON CAST(t.psn_no AS VARCHAR) = w.psn_no").fetchall()
            for psn_no, name, certno, gend, brdy, death in rows:
                persons.append({"psn_no": psn_no, "name": name or "", "certno": certno or "", "gender": gend or "",
                                "birth_date": _date(brdy), "death_date": _date(death)})
    finally:
        con.close()
    return institutions, persons


def _upsert_institutions(bureau: Bureau, rows: list[dict]) -> int:
    fields = ("name", "type", "hosp_lv", "rank", "admdvs")
    existing = {i.code: i for i in Institution.objects.filter(bureau=bureau, code__in=[r["code"] for r in rows])}
    new, changed = [], []
    for r in rows:
        inst = existing.get(r["code"])
        if inst is None:
            new.append(Institution(bureau=bureau, code=r["code"], **{f: r[f] for f in fields}))
        elif any(getattr(inst, f) != r[f] for f in fields):
            for f in fields:
                setattr(inst, f, r[f])
            changed.append(inst)
    Institution.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        Institution.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
    return len(new) + len(changed)


def _upsert_persons(rows: list[dict]) -> int:
    fields = ("name", "certno", "gender", "birth_date", "death_date")
    existing: dict[str, InsuredPerson] = {}
    psn_nos = [r["psn_no"] for r in rows]
    for start in range(0, len(psn_nos), BATCH_SIZE):
        for p in InsuredPerson.objects.filter(psn_no__in=psn_nos[start:start + BATCH_SIZE]):
            existing[p.psn_no] = p
    new, changed = [], []
    for r in rows:
        person = existing.get(r["psn_no"])
        if person is None:
            new.append(InsuredPerson(psn_no=r["psn_no"], **{f: r[f] for f in fields}))
            continue
        # A dataset without names (or with masked certnos) must not wipe what an earlier one gave.
        updates = {f: r[f] for f in fields if r[f] not in (None, "") and getattr(person, f) != r[f]}
        if updates:
            for f, v in updates.items():
                setattr(person, f, v)
            changed.append(person)
    InsuredPerson.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        InsuredPerson.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
    return len(new) + len(changed)


def _fail_run(run: ScreeningRun, exc: BaseException, actor: Any) -> None:
    from .engine.config import ConfigError
    from .engine.dataset import DatasetError

    if isinstance(exc, DatasetError):
        error = "数据集不符合规范，未筛查：\n" + str(exc)
    elif isinstance(exc, ConfigError):
        error = str(exc)
    else:
        error = f"筛查失败：{type(exc).__name__}: {exc}"
    with transaction.atomic():
        run.status = RunStatus.FAILED
        run.error = error
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        record_event("screening.fail", actor=actor, obj=run, summary=f"筛查 #{run.pk} 失败：{error[:200]}",
                     data={"run": run.pk, "error": error[:2000]})
    log.warning("screening run %s failed: %s", run.pk, error)


def read_config(config_path: Path | str | None) -> Any:
    """The engine's load_config, with a file of the wrong shape (a list, a number, `R01: true`) refused as
    ConfigError too: the engine lets TypeError and AttributeError through for those."""
    from .engine.config import ConfigError

    try:
        return load_config(Path(config_path) if config_path else None)
    except (TypeError, AttributeError) as e:
        raise ConfigError(f"{config_path}：配置文件格式不正确，应为 rules: {{R09: {{enabled: false}}}} 和 "
                          f"parameters: {{readmit_days: 10}} 形式的映射（{e}）") from None


def _check_run_request(bureau: Bureau, engine: str, config_path: Path | str | None, actor: Any) -> Any:
    """Check the actor and the engine and read the configuration; return it (ConfigError when unusable)."""
    if actor is not None and not has_role(actor, RUN_ROLES, bureau, staff=True):
        raise PermissionDenied(role_refusal_message("发起筛查", RUN_ROLES))
    if engine not in Engine.values:
        raise ValueError(f"不支持的引擎：{engine}（应为 duckdb 或 spark）")
    return read_config(config_path)


def _create_run(bureau: Bureau, dataset_dir: Path, *, engine: str, config_path: Path | str | None, config: Any,
                status: str, actor: Any) -> ScreeningRun:
    now = timezone.now()
    return ScreeningRun.objects.create(
        bureau=bureau, dataset_path=str(dataset_dir), engine=engine, config_path=str(config_path or ""),
        config=config.as_dict(), status=status, started_at=now, heartbeat_at=now,
        started_by=actor if is_active_user(actor) else None, progress_total=len(config.enabled),
    )


def _run_event_data(run: ScreeningRun) -> dict:
    return {"run": run.pk, "bureau": run.bureau_id, "dataset": run.dataset_path, "engine": run.engine,
            "config": run.config_path}


class _Heartbeat:
    """Write the run's heartbeat every RUN_HEARTBEAT_SECONDS from a thread while a rule is screened."""

    def __init__(self, run_id: int, seconds: float = RUN_HEARTBEAT_SECONDS):
        self.run_id, self.seconds = run_id, seconds
        self.stop_event = threading.Event()
        # Inside a transaction (a test's) other connections cannot see the run: nothing to beat for.
        self.thread = None if connection.in_atomic_block else threading.Thread(
            target=self._beat, name=f"screening-heartbeat-{run_id}", daemon=True)

    def _beat(self) -> None:
        try:
            while not self.stop_event.wait(self.seconds):
                try:
                    ScreeningRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                        heartbeat_at=timezone.now())
                except Exception:  # a missed beat is not worth killing the run for
                    log.warning("screening run %s: heartbeat failed", self.run_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> "_Heartbeat":
        if self.thread is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout=self.seconds + 5)


def _screen_run(run: ScreeningRun, *, actor: Any, out_dir: Path | None = None,
                progress: Callable[[str, int, int], None] | None = None, engine_options: dict | None = None,
                raise_on_error: bool = False) -> ScreeningRun:
    """Screen a run that is RUNNING and store its findings; a failure is recorded on the run."""
    from .engine.config import ScreeningConfig
    from .engine.runner import screen

    config = ScreeningConfig(**run.config) if run.config else read_config(run.config_path or None)
    dataset_dir = Path(run.dataset_path)

    def on_progress(rule_id: str, i: int, n: int) -> None:
        ScreeningRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            progress_rule=rule_id, progress_done=i - 1, progress_total=n, heartbeat_at=timezone.now())
        if progress:
            progress(rule_id, i, n)

    try:
        with _Heartbeat(run.pk):
            result = screen(dataset_dir, engine=run.engine, config=config, out_dir=out_dir, progress=on_progress,
                            engine_options=engine_options)
            institutions, persons = read_references(
                dataset_dir, (f["fixmedins_code"] for f in result.findings), (f["psn_no"] for f in result.findings))
        with transaction.atomic():
            # A run failed meanwhile (its worker taken for dead) stays failed: store nothing.
            status = ScreeningRun.objects.select_for_update().filter(pk=run.pk).values_list(
                "status", flat=True).first()
            if status != RunStatus.RUNNING:
                log.warning("screening run %s is %s, not running: its findings are not stored", run.pk, status)
            else:
                store_findings(run, result, institutions=institutions, persons=persons, actor=actor)
    except Exception as exc:
        _fail_run(run, exc, actor)
        if raise_on_error:
            raise
    run.refresh_from_db()
    return run


def do_run_screening(
    bureau: Bureau,
    dataset_dir: Path | str,
    *,
    engine: str = "duckdb",
    config_path: Path | str | None = None,
    actor: Any,
    out_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    engine_options: dict | None = None,
    raise_on_error: bool = False,
) -> ScreeningRun:
    """Screen a dataset for a bureau now, in this process, and store the findings; return the run.

    The command line and the demo use this; the web queues runs (do_queue_screening). A
    configuration that cannot be read raises ConfigError before anything is recorded. A dataset
    or engine error is recorded on the run (status failed, error text) and re-raised only when
    raise_on_error is set. actor None is the system itself (the command line).
    """
    config = _check_run_request(bureau, engine, config_path, actor)
    dataset_dir = Path(dataset_dir)
    with transaction.atomic():
        run = _create_run(bureau, dataset_dir, engine=engine, config_path=config_path, config=config,
                          status=RunStatus.RUNNING, actor=actor)
        run.worker_pid, run.worker_host = os.getpid(), socket.gethostname()
        run.save(update_fields=["worker_pid", "worker_host"])
        record_event("screening.start", actor=actor, obj=run,
                     summary=f"发起筛查 #{run.pk}：{bureau.name}，数据集 {dataset_dir}，引擎 {engine}",
                     data=_run_event_data(run))
    return _screen_run(run, actor=actor, out_dir=out_dir, progress=progress, engine_options=engine_options,
                       raise_on_error=raise_on_error)


def screening_launcher() -> str:
    """The launcher settings.YIBAO_SCREENING_LAUNCHER names (process, thread or inline)."""
    name = getattr(settings, "YIBAO_SCREENING_LAUNCHER", "process") or "process"
    if name not in SCREENING_LAUNCHERS:
        raise ImproperlyConfigured(f"YIBAO_SCREENING_LAUNCHER must be one of {', '.join(SCREENING_LAUNCHERS)}, "
                                   f"not {name!r}")
    return name


def do_queue_screening(
    bureau: Bureau,
    dataset_dir: Path | str,
    *,
    engine: str = "duckdb",
    config_path: Path | str | None = None,
    actor: Any,
    launcher: str | None = None,
) -> ScreeningRun:
    """Queue a screening run and hand it to a worker once the queueing commits; return the run.

    The actor and the configuration are checked first (PermissionDenied, ConfigError), so a bad
    configuration is a form error and records nothing. The worker is chosen by launcher (default
    settings.YIBAO_SCREENING_LAUNCHER): "process" a detached `yibao monitor execute-run`, "thread"
    a daemon thread, "inline" this very call (the run is finished when it returns).
    """
    launcher = launcher or screening_launcher()
    if launcher not in SCREENING_LAUNCHERS:
        raise ValueError(f"unknown screening launcher {launcher!r}")
    config = _check_run_request(bureau, engine, config_path, actor)
    dataset_dir = Path(dataset_dir)
    with transaction.atomic():
        run = _create_run(bureau, dataset_dir, engine=engine, config_path=config_path, config=config,
                          status=RunStatus.QUEUED, actor=actor)
        record_event("screening.queue", actor=actor, obj=run,
                     summary=f"提交筛查 #{run.pk}：{bureau.name}，数据集 {dataset_dir}，引擎 {engine}",
                     data=_run_event_data(run) | {"launcher": launcher})
        if launcher != "inline":
            # The worker reads the run from the database: it must not start before the run is committed.
            transaction.on_commit(lambda: launch_run(run.pk, launcher))
    if launcher == "inline":
        # Same connection as the queueing: the run is visible whether or not an outer transaction committed.
        return execute_run(run.pk)
    return run


def launch_run(run_id: int, launcher: str) -> None:
    """Start a worker for a queued run; a worker that cannot start fails the run."""
    try:
        if launcher == "process":
            _launch_process(run_id)
        elif launcher == "thread":
            _launch_thread(run_id)
        else:
            execute_run(run_id)
    except Exception as exc:
        log.exception("screening run %s: the %s worker did not start", run_id, launcher)
        run = ScreeningRun.objects.get(pk=run_id)
        _fail_run(run, RuntimeError(f"筛查进程未能启动：{exc}"), run.started_by)


def screening_log_path(run_id: int) -> Path:
    """The log file of a run's worker process (var/log/screening/run-N.log)."""
    return Path(settings.VAR_DIR) / "log" / "screening" / f"run-{run_id}.log"


def _launch_process(run_id: int) -> None:
    import subprocess
    import sys

    log_path = screening_log_path(run_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "yibao.settings")}
    with open(log_path, "ab") as out:
        # A session of its own: the worker outlives a web worker that is restarted or killed.
        child = subprocess.Popen(
            [sys.executable, "-m", "yibao.cli", "monitor", "execute-run", str(run_id)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(settings.BASE_DIR),
            start_new_session=True, close_fds=True,
        )
    # Known before the child says so: a child that dies while starting up is then found out at once.
    ScreeningRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        worker_pid=child.pid, worker_host=socket.gethostname(), heartbeat_at=timezone.now())
    # Reap the child when it exits, or it would stay a zombie of this process.
    threading.Thread(target=child.wait, name=f"screening-reaper-{run_id}", daemon=True).start()
    log.info("screening run %s: worker process %s started, log %s", run_id, child.pid, log_path)


def _launch_thread(run_id: int) -> None:
    def work() -> None:
        try:
            execute_run(run_id)
        except Exception:
            log.exception("screening run %s: the worker thread failed", run_id)
        finally:
            connection.close()  # the thread's own connection

    threading.Thread(target=work, name=f"screening-run-{run_id}", daemon=True).start()


def execute_run(
    run_id: int,
    *,
    out_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    engine_options: dict | None = None,
) -> ScreeningRun:
    """The worker: move a queued run to running, record this process and host, screen it; return the run.

    The actor's permission was checked when the run was queued; the audit events name the user who
    queued it. Raises ValueError when the run is not queued (another worker took it, or it failed).
    """
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side (started_by) of the outer join.
        run = ScreeningRun.objects.select_for_update(of=("self",)).select_related("bureau", "started_by").get(
            pk=run_id)
        if run.status != RunStatus.QUEUED:
            raise ValueError(f"筛查 #{run_id} 当前为“{run.get_status_display()}”，不是排队中，未执行")
        now = timezone.now()
        run.status = RunStatus.RUNNING
        run.started_at = now
        run.heartbeat_at = now
        run.worker_pid = os.getpid()
        run.worker_host = socket.gethostname()
        run.save(update_fields=["status", "started_at", "heartbeat_at", "worker_pid", "worker_host"])
        record_event("screening.start", actor=run.started_by, obj=run,
                     summary=f"开始筛查 #{run.pk}：{run.bureau.name}，数据集 {run.dataset_path}，引擎 {run.engine}"
                             f"（{run.worker_host} 进程 {run.worker_pid}）",
                     data=_run_event_data(run) | {"pid": run.worker_pid, "host": run.worker_host})
    return _screen_run(run, actor=run.started_by, out_dir=out_dir, progress=progress, engine_options=engine_options)


def _worker_gone(run: ScreeningRun, now: dt.datetime) -> str | None:
    """Why the run's worker is taken for dead, or None while it may still be at work."""
    if run.worker_pid and run.worker_host == socket.gethostname() and not pid_alive(run.worker_pid):
        return f"筛查进程（{run.worker_host}，进程号 {run.worker_pid}）已不存在"
    last = run.heartbeat_at or run.started_at
    if now - last > dt.timedelta(minutes=RUN_STALE_MINUTES):
        return f"超过 {RUN_STALE_MINUTES} 分钟没有进度（最近一次为 {timezone.localtime(last):%Y-%m-%d %H:%M:%S}）"
    return None


def do_fail_stale_runs(runs: Iterable[ScreeningRun] | QuerySet, *, actor: Any) -> list[ScreeningRun]:
    """Fail the queued or running runs among these whose worker is gone; return the runs failed.

    Called when runs are viewed or listed. The actor must see the run's bureau (actor None is the
    system); each failure writes screening.interrupt.
    """
    ids = [r.pk for r in runs if r.status in ACTIVE_RUN_STATUSES]
    if not ids:
        return []
    visible = visible_bureau_ids(actor) if actor is not None else None
    now = timezone.now()
    failed: list[ScreeningRun] = []
    for run_id in ids:
        with transaction.atomic():
            run = ScreeningRun.objects.select_for_update().filter(pk=run_id, status__in=ACTIVE_RUN_STATUSES).first()
            if run is None or (visible is not None and run.bureau_id not in visible):
                continue
            reason = _worker_gone(run, now)
            if reason is None:
                continue
            run.status = RunStatus.FAILED
            run.error = f"筛查进程已中断：{reason}。本批次未入库任何疑点，请重新发起筛查。"
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
            record_event("screening.interrupt", actor=actor if is_active_user(actor) else None, obj=run,
                         summary=f"筛查 #{run.pk} 已中断，标记为失败：{reason}",
                         data={"run": run.pk, "reason": reason, "pid": run.worker_pid, "host": run.worker_host,
                               "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None})
        log.warning("screening run %s marked failed: %s", run_id, reason)
        failed.append(run)
    return failed


FINDING_ROW_FIELDS = ("identity_hash", "rule_id", "rule_name", "severity", "fixmedins_code", "psn_no", "setl_id",
                      "feedetl_sn", "med_list_codg", "day", "month", "amount", "basis")


def insert_many(model: type, template: Any, varying: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert many rows fast: COPY on PostgreSQL, executemany on SQLite; return how many.

    The ORM's bulk_create prepares every value of every field and, on SQLite, sends batches of
    999 parameters; a run's findings are many rows that differ in a few text columns. The other
    columns take the template instance's values, prepared once. Varying text and integer values go
    to the driver as they are; other varying values (decimals) are prepared per row.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    by_attname = {f.attname: f for f in fields}
    order = [*varying, *(f.attname for f in fields if f.attname not in varying)]
    constant = tuple(by_attname[a].get_db_prep_save(getattr(template, a), connection) for a in order[len(varying):])
    raw = (models.CharField, models.TextField, models.IntegerField, models.ForeignKey)
    preps = [None if isinstance(by_attname[a], raw) else by_attname[a] for a in varying]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(by_attname[a].column) for a in order)
    prepared = (tuple(v if p is None else p.get_db_prep_save(v, connection) for v, p in zip(row, preps, strict=True))
                + constant for row in rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement; row-by-row INSERTs would pay a round trip each.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in prepared:
                    copy.write_row(values)
                    count += 1
            return count
        # SQLite runs executemany in-process, which is fast.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(order))})"
        batch: list[tuple] = []
        for values in prepared:
            batch.append(values)
            if len(batch) >= BATCH_SIZE:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def store_findings(run: ScreeningRun, result: Any, *, institutions: list[dict] = (), persons: list[dict] = (),
                   actor: Any = None) -> dict:
    """Upsert a run's findings in one transaction: new identities are created in status new, known ones
    keep their status and history; every finding gets a sighting of this run. Returns counts."""
    bureau = run.bureau
    started = time.monotonic()
    now = timezone.now()
    with transaction.atomic():
        _upsert_institutions(bureau, list(institutions))
        _upsert_persons(list(persons))
        # One query for every identity the bureau already has.
        existing = {h: (pk, amount, status) for h, pk, amount, status in
                    Finding.objects.filter(bureau=bureau).values_list("identity_hash", "id", "amount", "status")}
        new: list[tuple[str, dict]] = []
        rows: list[tuple[str, dict]] = []
        seen_hashes: set[str] = set()
        changed_amount: list[Finding] = []
        status_counts: dict[str, int] = defaultdict(int)
        for row in result.findings:
            h = identity_hash(row)
            if h in seen_hashes:  # the engine's key is unique; guard anyway
                log.warning("run %s: duplicate finding %s %s", run.pk, row["rule_id"], h)
                continue
            seen_hashes.add(h)
            rows.append((h, row))
            known = existing.get(h)
            if known is None:
                new.append((h, row))
                status_counts[FindingStatus.NEW] += 1
            else:
                pk, amount, status = known
                status_counts[status] += 1
                if amount != row["amount"]:
                    changed_amount.append(Finding(pk=pk, amount=row["amount"]))
        template = Finding(bureau=bureau, status=FindingStatus.NEW, first_seen_run=run, last_seen_run=run,
                           times_seen=1, status_changed_at=now)
        insert_many(Finding, template, FINDING_ROW_FIELDS,
                    ((h, *(row[c] for c in FINDING_ROW_FIELDS[1:])) for h, row in new))
        ids = dict(Finding.objects.filter(bureau=bureau, first_seen_run=run).values_list("identity_hash", "id"))
        ids.update({h: v[0] for h, v in existing.items()})
        insert_many(FindingSighting, FindingSighting(run=run, amount=ZERO), ("finding_id", "amount", "evidence"),
                    ((ids[h], row["amount"], row["evidence"] or "") for h, row in rows))
        seen_again = len(rows) - len(new)
        if seen_again:
            Finding.objects.filter(bureau=bureau, sightings__run=run).exclude(first_seen_run=run).update(
                last_seen_run=run, times_seen=F("times_seen") + 1)
        if changed_amount:
            Finding.objects.bulk_update(changed_amount, ["amount"], batch_size=500)
        store_seconds = round(time.monotonic() - started, 3)
        total = sum((row["amount"] for _, row in rows), ZERO)
        summary = {
            **result.summary(),
            "new": len(new),
            "seen_again": seen_again,
            "amount_changed": len(changed_amount),
            "by_status": dict(status_counts),
            "dismissed_seen_again": status_counts.get(FindingStatus.DISMISSED, 0),
            "store_seconds": store_seconds,
            "institutions": len(institutions),
            "persons": len(persons),
        }
        run.summary = json.loads(json.dumps(summary, default=str))
        run.status = RunStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.finding_count = len(rows)
        run.new_count = len(new)
        run.total_amount = total
        run.progress_done = run.progress_total
        run.progress_rule = ""
        run.save()
        record_event(
            "screening.finish", actor=actor, obj=run,
            summary=f"筛查 #{run.pk} 完成：疑点 {len(rows)} 条（新 {len(new)} 条），金额 {total} 元",
            data={"run": run.pk, "findings": len(rows), "new": len(new), "seen_again": seen_again,
                  "by_rule": summary.get("by_rule", {}), "skipped": summary.get("skipped", {})},
        )
    log.info("run %s stored %d findings (%d new) in %.2fs", run.pk, len(rows), len(new), store_seconds)
    return summary


def do_screen_for_bureau(
    bureau_code: str,
    dataset_dir: Path | str,
    *,
    engine: str = "duckdb",
    config_path: Path | str | None = None,
    out_dir: Path | None = None,
    actor: Any = None,
    progress: Callable[[str, int, int], None] | None = None,
    engine_options: dict | None = None,
) -> dict:
    """The command line's `monitor screen --bureau CODE`: record the run; return its summary.

    Raises DatasetError (as the engine does) when the dataset is refused, after recording the
    failed run; ValueError when no bureau has the code.
    """
    bureau = Bureau.objects.filter(Q(code=bureau_code) | Q(name=bureau_code)).first()
    if bureau is None:
        raise ValueError(f"未找到行政区划代码为 {bureau_code} 的单位")
    run = do_run_screening(bureau, dataset_dir, engine=engine, config_path=config_path, actor=actor,
                           out_dir=out_dir, progress=progress, engine_options=engine_options, raise_on_error=True)
    return {**run.summary, "run": run.pk, "bureau": bureau.name, "status": run.status}


# ---------------------------------------------------------------- the review procedure

def _ids(findings: Iterable[Finding | int] | QuerySet | Finding) -> list[int]:
    if isinstance(findings, Finding):
        return [findings.pk]
    if isinstance(findings, QuerySet):
        return list(findings.values_list("pk", flat=True))
    return sorted({f.pk if isinstance(f, Finding) else int(f) for f in findings})


def appeal_deadline(start: dt.date) -> dt.date:
    """The last day of the institution's appeal window: APPEAL_WINDOW_WORKDAYS working days after start."""
    try:
        from yibao.deadlines.services import load_calendar

        return load_calendar().add_workdays(start, APPEAL_WINDOW_WORKDAYS)
    except Exception:  # no calendar for that year: count Monday to Friday
        day, left = start, APPEAL_WINDOW_WORKDAYS
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day


def _status_label(status: str) -> str:
    return FindingStatus(status).label if status in FindingStatus.values else status


def do_transition(
    findings: Iterable[Finding | int] | QuerySet | Finding,
    name: str,
    *,
    actor: Any,
    reason: str = "",
    appeal_text: str = "",
    appeal_date: dt.date | None = None,
    data: dict | None = None,
) -> int:
    """Move findings through one transition of the review procedure, all or none; return how many moved."""
    t = TRANSITIONS[name]
    ids = _ids(findings)
    reason = (reason or "").strip()
    if not ids:
        raise ValidationError("请选择疑点。")
    if t.reason_required and not reason:
        raise ValidationError(REASON_REQUIRED_MESSAGE.format(label=t.label))
    if name == "record_appeal" and not (appeal_text or "").strip():
        raise ValidationError("登记申诉须填写机构的申诉内容。")
    if not is_active_user(actor):
        raise PermissionDenied("请先登录。")
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        rows = list(Finding.objects.select_for_update().filter(pk__in=ids).select_related("bureau"))
        if len(rows) != len(ids):
            raise ValidationError("部分疑点不存在。")
        for bureau in {f.bureau for f in rows}:
            if not has_role(actor, t.roles, bureau):
                raise PermissionDenied(f"您的角色不能进行“{t.label}”（{t.stage}）操作，或无权处理{bureau.name}的疑点。")
        wrong = [f for f in rows if f.status not in t.sources]
        if wrong:
            raise ValidationError(
                f"{len(wrong)} 条疑点当前状态不能进行“{t.label}”（如疑点 #{wrong[0].pk} 为“{_status_label(wrong[0].status)}”，"
                f"须为“{'、'.join(_status_label(s) for s in t.sources)}”）。")
        if name in ("second_confirm", "second_dismiss"):
            same = [f for f in rows if f.first_reviewer_id == actor.pk]
            if same:
                raise PermissionDenied(f"同一人不能对同一疑点既初审又复审：{len(same)} 条疑点由您初审（如疑点 #{same[0].pk}），"
                                       "请由其他人员复审。")
        if name == "close_appeal_window" and not reason:
            early = [f for f in rows if f.appeal_deadline and today <= f.appeal_deadline]
            if early:
                raise ValidationError(f"申诉期尚未届满（疑点 #{early[0].pk} 至 {early[0].appeal_deadline:%Y-%m-%d}），"
                                      "提前结束须填写理由，如：机构书面放弃申诉。")
        updates: dict[str, Any] = {"status": t.target, "status_changed_at": now}
        if name.startswith("first_"):
            updates |= {"first_reviewer": actor, "first_reviewed_at": now}
        if name.startswith("second_"):
            updates |= {"second_reviewer": actor, "second_reviewed_at": now}
        if name == "second_confirm":
            updates["appeal_deadline"] = appeal_deadline(today)
        if name == "record_appeal":
            updates |= {"appeal_text": appeal_text.strip(), "appeal_date": appeal_date or today}
        if name in ("uphold", "overturn"):
            updates |= {"verified_by": actor, "verified_at": now}
        if t.target == FindingStatus.DISMISSED:
            updates |= {"dismissed_reason": reason, "dismissed_by": actor, "dismissed_at": now}
        if name == "reopen":  # the review starts over; the events keep what happened before
            updates |= {"dismissed_reason": "", "dismissed_by": None, "dismissed_at": None, "first_reviewer": None,
                        "first_reviewed_at": None, "second_reviewer": None, "second_reviewed_at": None,
                        "appeal_deadline": None, "appeal_text": "", "appeal_date": None, "verified_by": None,
                        "verified_at": None}
        Finding.objects.filter(pk__in=ids).update(**updates)
        details = dict(data or {})
        if name == "record_appeal":
            details |= {"appeal_text": appeal_text.strip(), "appeal_date": (appeal_date or today).isoformat()}
        if name == "second_confirm":
            details["appeal_deadline"] = updates["appeal_deadline"].isoformat()
        FindingEvent.objects.bulk_create(
            (FindingEvent(finding_id=f.pk, transition=name, from_status=f.status, to_status=t.target, actor=actor,
                          reason=reason, data=details, created_at=now) for f in rows),
            batch_size=BATCH_SIZE,
        )
        first = rows[0]
        what = f"疑点 #{first.pk}（{first.rule_id} {first.rule_name}）" if len(rows) == 1 else f"{len(rows)} 条疑点"
        record_event(
            f"finding.{name}", actor=actor, obj=first if len(rows) == 1 else None,
            summary=f"{t.label}：{what}" + (f"；理由：{reason}" if reason else ""),
            data={"transition": name, "from": sorted({f.status for f in rows}), "to": t.target, "findings": ids,
                  "count": len(ids), "reason": reason, **details},
        )
    return len(rows)


def do_confirm_first_review(findings: Any, *, actor: Any, reason: str = "") -> int:
    """初审确认: new → second_review."""
    return do_transition(findings, "first_confirm", actor=actor, reason=reason)


def do_dismiss_first_review(findings: Any, *, actor: Any, reason: str) -> int:
    """初审排除: new → dismissed (the whitelist); a reason is required."""
    return do_transition(findings, "first_dismiss", actor=actor, reason=reason)


def do_confirm_second_review(findings: Any, *, actor: Any, reason: str = "") -> int:
    """复审确认: second_review → appeal_window; not by the first reviewer."""
    return do_transition(findings, "second_confirm", actor=actor, reason=reason)


def do_dismiss_second_review(findings: Any, *, actor: Any, reason: str) -> int:
    """复审排除: second_review → dismissed; not by the first reviewer; a reason is required."""
    return do_transition(findings, "second_dismiss", actor=actor, reason=reason)


def do_record_appeal(findings: Any, *, actor: Any, text: str, appeal_date: dt.date | None = None,
                     reason: str = "") -> int:
    """登记申诉: the institution appealed (its text and date); appeal_window → appeal."""
    return do_transition(findings, "record_appeal", actor=actor, reason=reason, appeal_text=text,
                         appeal_date=appeal_date)


def do_close_appeal_window(findings: Any, *, actor: Any, reason: str = "") -> int:
    """申诉期结束, no appeal: appeal_window → confirmed; before the deadline only with a reason."""
    return do_transition(findings, "close_appeal_window", actor=actor, reason=reason)


def do_uphold_finding(findings: Any, *, actor: Any, reason: str = "") -> int:
    """核实维持: the appeal fails; appeal → confirmed (head or legal reviewer)."""
    return do_transition(findings, "uphold", actor=actor, reason=reason)


def do_overturn_finding(findings: Any, *, actor: Any, reason: str) -> int:
    """申诉成立: appeal → dismissed (head or legal reviewer); a reason is required."""
    return do_transition(findings, "overturn", actor=actor, reason=reason)


def do_reopen_finding(findings: Any, *, actor: Any, reason: str) -> int:
    """恢复疑点: take a dismissal back (head only); the review starts over."""
    return do_transition(findings, "reopen", actor=actor, reason=reason)


# ---------------------------------------------------------------- suspected loss

@dataclass
class LossBreakdown:
    total: Decimal
    gross: Decimal  # the plain sum of the findings' amounts
    settlements: int
    lines: int


def deduped_loss(findings: Iterable[Any]) -> LossBreakdown:
    """The suspected loss of a set of findings, each fee line and settlement counted once.

    * A fee line (feedetl_sn) flagged by several rules counts once, at the largest amount any rule
      gives it (each rule's amount is a loss on that same line).
    * Line-level findings and settlement × item findings (R08) of one settlement add up per item:
      an item counts the larger of its R08 amount and its lines' amounts.
    * A settlement-level finding (R09–R12, R16: the settlement's whole fund payment) covers the
      line-level findings of the same settlement: the settlement counts the larger of its
      settlement-level amount and the sum of its lines and items, never both.
    * Findings of neither kind (R07 person × item × day, R15 institution × item, R17 institution ×
      month) count their own amount.
    """
    findings = list(findings)
    lines: dict[str, tuple[Decimal, str | None, str | None]] = {}
    items: dict[tuple[str, str | None], Decimal] = {}
    whole: dict[str, Decimal] = {}
    other: dict[str, Decimal] = {}
    for f in findings:
        amount = Decimal(f.amount)
        if f.feedetl_sn:
            prev = lines.get(f.feedetl_sn)
            lines[f.feedetl_sn] = (max(prev[0], amount) if prev else amount, f.setl_id, f.med_list_codg)
        elif f.setl_id and f.med_list_codg:
            key = (f.setl_id, f.med_list_codg)
            items[key] = max(items.get(key, amount), amount)
        elif f.setl_id:
            whole[f.setl_id] = max(whole.get(f.setl_id, amount), amount)
        else:
            other[f.identity_hash] = max(other.get(f.identity_hash, amount), amount)
    line_items: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    for sn, (amount, setl_id, item) in lines.items():
        if setl_id:
            line_items[(setl_id, item)] += amount
        else:
            other[f"line:{sn}"] = amount
    parts: dict[str, Decimal] = defaultdict(Decimal)
    for key in set(items) | set(line_items):
        parts[key[0]] += max(items.get(key, ZERO), line_items.get(key, ZERO))
    total = sum(other.values(), ZERO)
    settlements = set(whole) | set(parts)
    for s in settlements:
        total += max(whole.get(s, ZERO), parts.get(s, ZERO))
    gross = sum((Decimal(f.amount) for f in findings), ZERO)
    return LossBreakdown(total.quantize(Decimal("0.01")), gross.quantize(Decimal("0.01")), len(settlements),
                         len(lines))


# ---------------------------------------------------------------- fine ranges

def basis_citation(basis: str) -> str:
    """The calculator's citation for a rule's basis: 《条例》第三十八条第（一）项, the trailing note
    such as （挂床住院） left out."""
    import re

    m = re.match(r"(第\S+?条(?:第\S+?款)?(?:第（\S+?）项)?)", basis)
    return f"《{BASIS_LAW}》{m.group(1) if m else basis}"


def rule_basis(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return rule.basis if rule else ""


def assess_fine(party_type: str, provisions: list[str], loss: Decimal, bureau: Bureau) -> dict:
    """The calculator's fine range for the provisions, with the loss as amount; a refusal gives the reason."""
    from yibao.law.calculator import AssessmentError, Facts, assess

    facts = Facts(party=party_type, provisions=list(provisions), amount=loss,
                  circumstances={"loss_caused"} if loss > 0 else set(), benchmark=bureau.benchmark_name())
    try:
        assessment = assess(facts)
    except AssessmentError as e:
        return {"fine_min": None, "fine_max": None, "note": f"无法计算罚款幅度：{e}", "assessment": {}}
    data = json.loads(json.dumps(assessment.as_dict(), ensure_ascii=False, default=str))
    if assessment.fine is None:
        note = "适用的罚则在已认定的事实下没有罚款" + ("（未造成基金损失）" if loss <= 0 else "") + "。"
        return {"fine_min": None, "fine_max": None, "note": note + "".join(assessment.notes), "assessment": data}
    lo, hi = assessment.fine
    return {"fine_min": lo.quantize(Decimal("0.01")), "fine_max": hi.quantize(Decimal("0.01")),
            "note": "".join(assessment.notes), "assessment": data}


# ---------------------------------------------------------------- personal data

def record_pii_view(actor: Any, psn_nos: Iterable[str], *, where: str, obj: Any = None) -> None:
    """Audit that a user was shown the full names and ID numbers of these persons."""
    shown = sorted({p for p in psn_nos if p})
    if not shown:
        return
    with transaction.atomic():
        record_event("pii.view", actor=actor, obj=obj,
                     summary=f"{actor.get_username()} 查看 {len(shown)} 名参保人员的完整个人信息（{where}）",
                     data={"viewer": actor.get_username(), "where": where, "psn_nos": shown[:1000],
                           "count": len(shown), "fields": ["name", "certno"]})


def people_display(psn_nos: Iterable[str], *, user: Any, where: str, bureau: Bureau | None = None,
                   obj: Any = None) -> dict[str, dict]:
    """psn_no → name, certno, gender and birth date for a page or an export, masked unless the user may
    see personal data; showing them unmasked is audited (pii.view)."""
    from yibao.org.masking import mask_id_number
    from yibao.org.permissions import can_view_personal_data

    wanted = sorted({p for p in psn_nos if p})
    full = can_view_personal_data(user, bureau)
    out: dict[str, dict] = {}
    for start in range(0, len(wanted), BATCH_SIZE):
        for p in InsuredPerson.objects.filter(psn_no__in=wanted[start:start + BATCH_SIZE]):
            out[p.psn_no] = {
                "name": p.name if full else mask_name(p.name), "certno": p.certno if full else mask_id_number(p.certno),
                "gender": p.gender_label, "birth_date": p.birth_date, "death_date": p.death_date, "masked": not full,
            }
    if full:
        record_pii_view(user, [p for p, d in out.items() if d["name"] or d["certno"]], where=where, obj=obj)
    return out


CLAIM_LINE_LIMIT = 200


def read_claims(dataset_dir: Path | str, *, setl_ids: Iterable[str] = (), feedetl_sns: Iterable[str] = (),
                lines_of_settlements: bool = True) -> dict:
    """Read the settlements and fee lines a finding names from its dataset, for the drill-down page.

    Returns {"settlements": [...], "lines": [...], "error": str|None}; the settlements' lines are
    included when lines_of_settlements is set (at most CLAIM_LINE_LIMIT lines).
    """
    import duckdb
    import pyarrow as pa

    from .engine.dataset import DatasetError, find_tables

    setl_ids, feedetl_sns = sorted({s for s in setl_ids if s}), sorted({s for s in feedetl_sns if s})
    result: dict = {"settlements": [], "lines": [], "error": None, "truncated": False}
    if not setl_ids and not feedetl_sns:
        return result
    try:
        files = find_tables(Path(dataset_dir))
    except DatasetError as e:
        result["error"] = f"数据集已无法读取：{e}"
        return result
    con = duckdb.connect(":memory:")
    try:
        con.register("want_setl", pa.table({"id": setl_ids or [""]}))
        con.register("want_line", pa.table({"id": feedetl_sns or [""]}))
        setl = _table_source(files["setl_d"].path, files["setl_d"].fmt)
        mdtrt = _table_source(files["mdtrt_d"].path, files["mdtrt_d"].fmt)
        fee = _table_source(files["fee_list_d"].path, files["fee_list_d"].fmt)
        rel = con.sql(f"SELECT s.*, m.med_type, m.begntime, m.endtime FROM {setl} s "
                      f"LEFT JOIN {mdtrt} m ON CAST(s.mdtrt_id AS VARCHAR) = CAST(m.mdtrt_id AS VARCHAR) "
                      "WHERE CAST(s.setl_id AS VARCHAR) IN (SELECT id FROM want_setl) ORDER BY s.setl_time, s.setl_id")
        result["settlements"] = _records(rel)
        where = "CAST(feedetl_sn AS VARCHAR) IN (SELECT id FROM want_line)"
        if lines_of_settlements and setl_ids:
            where += " OR CAST(setl_id AS VARCHAR) IN (SELECT id FROM want_setl)"
        rel = con.sql(f"SELECT * FROM {fee} WHERE {where} ORDER BY fee_ocur_time, feedetl_sn "
                      f"LIMIT {CLAIM_LINE_LIMIT + 1}")
        lines = _records(rel)
        result["truncated"] = len(lines) > CLAIM_LINE_LIMIT
        result["lines"] = lines[:CLAIM_LINE_LIMIT]
    except duckdb.Error as e:
        result["error"] = f"读取数据集出错：{e}"
    finally:
        con.close()
    return result


def _records(rel: Any) -> list[dict]:
    columns = rel.columns
    return [{c: ("" if v is None else str(v)) for c, v in zip(columns, row, strict=True)} for row in rel.fetchall()]
