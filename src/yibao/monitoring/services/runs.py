"""Screening runs: checked, recorded, queued as a background job (yibao.jobs), executed by a worker, failed
when that worker dies. Storing the findings is storing.py's."""

import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from yibao.core.audit import record_event
from yibao.org.models import Bureau
from yibao.org.permissions import (
    has_role,
    is_active_user,
    role_refusal_message,
)

from ..constants import (
    ACTIVE_RUN_STATUSES,
    RUN_ROLES,
    Engine,
    RunStatus,
)
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
    from ..engine.config import NOT_A_MAPPING, ConfigError

    try:
        return load_config(Path(config_path) if config_path else None)
    except (TypeError, AttributeError):
        raise ConfigError(f"{config_path}：{NOT_A_MAPPING}") from None


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
        result = screen(dataset_dir, engine=run.engine, config=config, out_dir=out_dir, progress=on_progress,
                        engine_options=engine_options)
        institutions, persons = read_references(
            dataset_dir, (f["fixmedins_code"] for f in result.findings), (f["psn_no"] for f in result.findings))
        with transaction.atomic():
            # A run failed meanwhile (its job taken for dead by the watchdog) stays failed: store nothing.
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


def do_queue_screening(
    bureau: Bureau,
    dataset_dir: Path | str,
    *,
    engine: str = "duckdb",
    config_path: Path | str | None = None,
    actor: Any,
) -> ScreeningRun:
    """Queue a screening run as a background job for `yibao worker`; return the run.

    The actor and the configuration are checked first (PermissionDenied, ConfigError), so a bad
    configuration is a form error and records nothing. The job is a row of the same database written
    in the same transaction as the run: both commit, or neither. In django-q2's sync mode (tests) the
    job runs inside this call and the run returned is finished.
    """
    config = _check_run_request(bureau, engine, config_path, actor)
    dataset_dir = Path(dataset_dir)
    with transaction.atomic():
        run = _create_run(bureau, dataset_dir, engine=engine, config_path=config_path, config=config,
                          status=RunStatus.QUEUED, actor=actor)
        record_event("screening.queue", actor=actor, obj=run,
                     summary=f"提交筛查 #{run.pk}：{bureau.name}，数据集 {dataset_dir}，引擎 {engine}",
                     data=_run_event_data(run))
        async_task(SCREENING_JOB, run.pk, task_name=f"筛查 #{run.pk}", group="screening")
    run.refresh_from_db()
    return run


SCREENING_JOB = "yibao.monitoring.services.runs.screening_job"


def screening_job(run_id: int) -> dict:
    """The background job of a queued run: screen it; a job stopped by its time limit fails the run."""
    try:
        run = execute_run(run_id)
    except BaseException as exc:
        # django-q2 stops a job past its time limit with a SystemExit that _screen_run does not catch.
        if not isinstance(exc, Exception):
            fail_interrupted_run(run_id, reason=f"后台任务被中止（{type(exc).__name__}）")
        raise
    return {"run": run.pk, "status": run.status, "findings": run.finding_count}


def fail_interrupted_run(run_id: int, *, reason: str) -> ScreeningRun | None:
    """Mark failed a queued or running run whose job was stopped or whose worker died; the system is the actor."""
    with transaction.atomic():
        run = ScreeningRun.objects.select_for_update().filter(pk=run_id, status__in=ACTIVE_RUN_STATUSES).first()
        if run is None:
            return None
        run.status = RunStatus.FAILED
        run.error = f"筛查进程已中断：{reason}。本批次未入库任何疑点，请重新发起筛查。"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        record_event("screening.interrupt", obj=run, summary=f"筛查 #{run.pk} 已中断，标记为失败：{reason}",
                     data={"run": run.pk, "reason": reason, "pid": run.worker_pid, "host": run.worker_host})
    log.warning("screening run %s marked failed: %s", run_id, reason)
    return run


def _screening_worker_died(args: tuple, kwargs: dict, *, reason: str, retried: bool) -> None:
    fail_interrupted_run(args[0], reason=reason)


# A screening run is not run twice: findings half-stored would be counted again. yibao.jobs.watchdog
# fails it instead and tells the run.
screening_job.job_attempts = 1
screening_job.on_worker_died = _screening_worker_died


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
