"""Screening runs: checked, recorded, launched (process, thread or inline), executed by a worker, failed when
their worker is gone. Storing the findings is storing.py's."""

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from yibao.core.audit import record_event
from yibao.org.models import Bureau
from yibao.org.permissions import (
    has_role,
    is_active_user,
    role_refusal_message,
    visible_bureau_ids,
)

from ..constants import (
    ACTIVE_RUN_STATUSES,
    RUN_HEARTBEAT_SECONDS,
    RUN_ROLES,
    RUN_STALE_MINUTES,
    SCREENING_LAUNCHERS,
    Engine,
    RunStatus,
)
from ..engine.backends import pid_alive
from ..engine.config import load_config
from ..engine.lookup import read_references
from ..models import (
    ScreeningRun,
)
from .storing import store_findings

log = logging.getLogger(__name__)


def _fail_run(run: ScreeningRun, exc: BaseException, actor: Any) -> None:
    from ..engine.config import ConfigError
    from ..engine.dataset import DatasetError

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
    from ..engine.config import ConfigError

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
    from ..engine.config import ScreeningConfig
    from ..engine.runner import screen

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
