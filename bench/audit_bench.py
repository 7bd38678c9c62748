"""Audit chain benchmark: the cost of one append and of a resumed check, with millions of events.

    uv run python bench/audit_bench.py                         # SQLite in a temporary folder
    YIBAO_DATABASE_URL=$(bash scripts/start-postgres.sh) uv run python bench/audit_bench.py
    uv run python bench/audit_bench.py --events 2000000 --appends 2000

1. Fills a fresh database (a temporary SQLite file, or a database `yibao_bench` created beside the
   one YIBAO_DATABASE_URL names and dropped at the end) with --events chained events, written in
   bulk with their real hashes.
2. Times --appends calls of `record_event`, each in a transaction of its own as a service makes
   one: the append itself (inside the transaction) and with the commit (which on PostgreSQL waits
   for the WAL flush to disk, a cost of the service's transaction whatever it writes).
   p50/p95/p99/max in milliseconds. Target (issue 8): p95 at most 5 ms with 2 million events.
   Each append is an HMAC-SHA256 under the audit key (issue 11), with its address and outcome.
3. Records a checkpoint with a full check, appends --appends more events, and times the resumed
   check that reads only those.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

    return (f"p50 {at(0.5):6.2f}  p95 {at(0.95):6.2f}  p99 {at(0.99):6.2f}  max {ordered[-1]:7.2f}  "
            f"mean {statistics.fmean(ordered):6.2f} ms")


def bench_database(tmp: Path) -> tuple[str, object]:
    """Point Django at a scratch database; return its URL and a function that removes it."""
    url = os.environ.get("YIBAO_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    import psycopg

    parts = urlsplit(url)
    admin = psycopg.connect(url, autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS yibao_bench")
    admin.execute("CREATE DATABASE yibao_bench")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        admin.execute("DROP DATABASE IF EXISTS yibao_bench")
        admin.close()

    return urlunsplit(parts._replace(path="/yibao_bench")), drop


def fill(n: int, batch: int = 20_000) -> None:
    from django.utils import timezone

    from yibao.core.auditlog.keys import audit_key
    from yibao.core.models import AuditChainHead, AuditEvent

    # migrate sealed the chain: every event after the seal is an HMAC under the audit key.
    key = audit_key()

    # Migrate may have written events already (the law texts it loads): chain on from them.
    newest = AuditEvent.objects.order_by("-id").first()
    prev = newest.hash if newest else ""
    made = 0
    now = timezone.now()
    started = time.perf_counter()
    while made < n:
        rows = []
        for i in range(made, min(n, made + batch)):
            e = AuditEvent(action="bench.fill", object_type="bench.thing", object_id=str(i),
                           summary=f"事件 {i}", data={"i": i}, prev_hash=prev, created_at=now)
            e.hash = e.compute_hash(key)
            prev = e.hash
            rows.append(e)
        AuditEvent.objects.bulk_create(rows)
        made += len(rows)
        if made % 500_000 == 0 or made == n:
            print(f"  filled {made:,} events ({time.perf_counter() - started:.0f} s)", flush=True)
    last = AuditEvent.objects.order_by("-id").first()
    AuditChainHead.objects.update_or_create(pk=AuditChainHead.HEAD_ID, defaults={
        "last_id": last.id, "last_hash": last.hash, "length": AuditEvent.objects.count()})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=2_000_000)
    ap.add_argument("--appends", type=int, default=2_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="yibao-audit-bench-") as tmp:
        url, drop = bench_database(Path(tmp))
        os.environ["YIBAO_DATABASE_URL"] = url
        # The anchor file beside the scratch database, not in var/ beside the real one.
        os.environ["YIBAO_AUDIT_ANCHOR_FILE"] = str(Path(tmp) / "anchors.log")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from yibao.core.audit import check_chain, record_event

        try:
            call_command("migrate", verbosity=0)
            print(f"database: {connection.vendor}; filling {args.events:,} events")
            fill(args.events)
            times, inside = [], []
            for i in range(args.appends):
                t = time.perf_counter()
                with transaction.atomic():
                    t_in = time.perf_counter()
                    record_event("bench.append", summary=f"追加 {i}", data={"i": i})
                    inside.append((time.perf_counter() - t_in) * 1000)
                times.append((time.perf_counter() - t) * 1000)
            print(f"append inside a service's transaction ({args.appends:,} calls, {args.events:,} events before): "
                  f"{percentiles(inside)}")
            print(f"append with its own commit: {percentiles(times)}")
            t = time.perf_counter()
            full = check_chain(resume=False)
            print(f"full check: {full.checked:,} events in {time.perf_counter() - t:.1f} s, "
                  f"intact={full.intact}" + (f", first broken {full.broken[0]}" if full.broken else ""))
            for i in range(args.appends):
                record_event("bench.append", summary=f"再追加 {i}")
            t = time.perf_counter()
            resumed = check_chain()
            print(f"resumed check: {resumed.checked:,} events in {(time.perf_counter() - t) * 1000:.0f} ms, "
                  f"intact={resumed.intact}")
            from yibao.core.auditlog import anchors

            t = time.perf_counter()
            anchors.write_anchor()
            print(f"anchor written (with fsync) in {(time.perf_counter() - t) * 1000:.1f} ms")
        finally:
            drop()


if __name__ == "__main__":
    main()
