"""Store a run's findings: new identities in status new, known ones keep their history; a sighting per run."""

import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from yibao.core.audit import record_event

from ..constants import (
    BATCH_SIZE,
    ZERO,
    FindingStatus,
    RunStatus,
)
from ..models import (
    Finding,
    FindingSighting,
    ScreeningRun,
)
from ..models.finding import identity_hash
from .reference import _upsert_institutions, _upsert_persons

log = logging.getLogger(__name__)


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
