"""The scheduled jobs (yibao.jobs.schedules runs them): each a plain function a worker calls."""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

from django.db import connections

from yibao.core.audit import check_chain, record_event

log = logging.getLogger(__name__)

# The cases app's entry point for deadline alerts (工作台, 督办), agreed with its authors.
ALERTS_MODULE = "yibao.cases.alerts"
ALERTS_FUNCTION = "refresh_alerts"


def check_audit_chain() -> dict[str, Any]:
    """Verify the audit chain from the last checkpoint on; a broken chain is an audit event and an error."""
    report = check_chain(resume=True)
    result = {"intact": report.intact, "checked": report.checked, "start_after": report.start_after,
              "through_id": report.through_id, "broken": report.broken[:100]}
    if not report.intact:
        first = report.broken[0]
        record_event("audit.chain_broken", data={"first_broken_id": first, "broken_count": len(report.broken),
                                                 "start_after": report.start_after},
                     summary=f"审计链核验发现异常：首个异常事件 {first}，共 {len(report.broken)} 条")
        log.error("审计链被破坏：首个异常事件 %s，共 %s 条异常", first, len(report.broken))
    else:
        # The head anchored outside the database each day (docs/security.md, 安全审计).
        from yibao.core.auditlog.anchors import write_anchor

        anchor = write_anchor()
        result["anchored_id"] = anchor.event_id if anchor else None
    return result


def compact_prescreen_journals() -> list[dict[str, Any]]:
    """Drop from every bureau's pre-screen journal the settlements older than the history window."""
    from yibao.monitoring.prescreen.service import compact_journal, journal_codes

    results = []
    for code in journal_codes():
        compaction = compact_journal(code)
        if compaction is not None:
            results.append({"bureau": code, **compaction.as_dict()})
    return results


def refresh_deadline_alerts() -> Any:
    """Recompute the deadlines near or past for the 工作台 and the supervision board."""
    try:
        module = importlib.import_module(ALERTS_MODULE)
    except ModuleNotFoundError as e:
        if e.name != ALERTS_MODULE:
            raise
        log.warning("期限提醒未运行：%s.%s() 尚不存在（案件模块未提供期限提醒）", ALERTS_MODULE, ALERTS_FUNCTION)
        return None
    return getattr(module, ALERTS_FUNCTION)()


def refresh_planner_statistics(using: str = "default") -> dict[str, Any]:
    """Refresh the query planner's statistics (ANALYZE) so the pages' queries keep their indexes.

    SQLite plans by sqlite_stat1 and nothing refreshes it by itself: after a migration added an index, the
    officer's case list at 100,000 cases went from 18 to 210 ms until ANALYZE ran. PostgreSQL's autovacuum
    analyzes too; running it nightly there costs seconds and changes nothing when autovacuum kept up.
    """
    connection = connections[using]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"database": connection.vendor, "seconds": round(time.perf_counter() - started, 3)}


def analyze_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After a migrate on SQLite, ANALYZE at once: new indexes otherwise have no statistics until the night."""
    if connections[using].vendor == "sqlite":
        refresh_planner_statistics(using)
