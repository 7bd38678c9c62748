"""Case pages benchmark: the case list, a case page, the 工作台 and the supervision board (督办) with
100,000 cases and 2 million timeline and audit events.

    uv run python bench/case_bench.py                          # SQLite in a temporary folder
    YIBAO_DATABASE_URL=$(bash scripts/start-postgres.sh) uv run python bench/case_bench.py
    uv run python bench/case_bench.py --cases 100000 --steps 1000000 --events 1000000 --requests 40

1. Fills a fresh database (a temporary SQLite file, or a database `yibao_case_bench` created beside the
   one YIBAO_DATABASE_URL names and dropped at the end): a city bureau with --counties counties, each
   with the demo staff; --cases cases spread over the counties and every state, with the dates each
   state has (some deadlines past, some near, some far, some in a year without published holidays);
   a party and two officers each; --steps timeline steps and --events chained audit events, bulk-inserted.
2. Times --requests GETs of each page through Django's test client, signed in as a county officer, the
   county's legal reviewer and head, and the city's head (who sees every case): p50/p95/p99/max in ms.
   Target (issue 8): p95 at most 150 ms for each page.
"""

import argparse
import datetime as dt
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from audit_bench import fill as fill_audit  # noqa: E402
from audit_bench import percentiles  # noqa: E402

SCRATCH = "yibao_case_bench"


def bench_database(tmp: Path, keep: str = "") -> tuple[str, object]:
    """Point Django at a scratch database; return its URL and a function that removes it."""
    url = os.environ.get("YIBAO_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{Path(keep).resolve() if keep else tmp / 'bench.sqlite3'}", lambda: None
    import psycopg

    admin = psycopg.connect(url, autocommit=True)
    if keep:
        # A kept database is filled once and timed again (and EXPLAINed) later; never dropped here.
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", keep):
            raise SystemExit(f"--keep on PostgreSQL names a database (lower-case identifier), not {keep!r}")
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [keep]).fetchone():
            admin.execute(f"CREATE DATABASE {keep}")
        admin.close()
        return urlunsplit(urlsplit(url)._replace(path=f"/{keep}")), lambda: None
    admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
    admin.execute(f"CREATE DATABASE {SCRATCH}")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.close()

    return urlunsplit(urlsplit(url)._replace(path=f"/{SCRATCH}")), drop


# Share of the cases in each state: most are closed, as in a bureau's register after a few years.
STATE_WEIGHTS = {
    "proposed": 2, "not_filed": 2, "filed": 3, "investigating": 10, "under_review": 4, "notified": 3, "hearing": 1,
    "decided": 2, "served": 2, "enforcing": 3, "closed": 60, "suspended": 2, "terminated": 3, "transferred": 3,
}


def staff(counties: int):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau, ensure_demo_users

    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, code="410300", actor=None)
    ensure_demo_users(city, username_prefix="city.")
    out = []
    for k in range(counties):
        county = do_create_bureau(f"测试{k}县医疗保障局", level=BureauLevel.COUNTY, code=f"4103{k + 10:02d}",
                                  parent=city, actor=None)
        users = {u.username.split(".")[-1]: u for u in ensure_demo_users(county, username_prefix=f"c{k}.")}
        out.append((county, users))
    return city, out


def fill_cases(n: int, counties: list, steps_total: int, today: dt.date, seed: int = 8) -> list[int]:
    from django.contrib.auth import get_user_model

    from yibao.cases.models import Case, CaseOfficer, CaseStep, Party
    from yibao.org.models import Officer

    rng = random.Random(seed)
    states, weights = zip(*STATE_WEIGHTS.items(), strict=True)
    per_case_steps = max(1, steps_total // n)
    started = time.perf_counter()
    made = 0
    batch = 5_000
    officers = {c.pk: list(Officer.objects.filter(bureau=c, user__username__contains="officer")) for c, _ in counties}
    user_model = get_user_model()
    actor = user_model.objects.filter(username__endswith="head").first()
    while made < n:
        rows = []
        for i in range(made, min(n, made + batch)):
            county, _ = counties[i % len(counties)]
            state = rng.choices(states, weights)[0]
            filed = today - dt.timedelta(days=rng.randint(0, 400))
            c = Case(bureau=county, state=state, title=f"测试案件{i}", proposed_on=filed, act_end_on=filed
                     - dt.timedelta(days=30), discovered_on=filed, version=1)
            if state not in ("proposed", "not_filed"):
                c.number = f"测{i % len(counties)}医保立〔{filed.year}〕{i}号"
                c.filed_on, c.due_on = filed, filed + dt.timedelta(days=90)
                c.due_provisional = c.due_on.year > 2026
            if state == "under_review":
                c.review_since = min(today, filed + dt.timedelta(days=rng.randint(20, 80)))
            if state in ("notified", "hearing", "decided", "served", "enforcing", "closed"):
                c.notified_on = min(today, filed + dt.timedelta(days=rng.randint(20, 80)))
                c.statement_window_ends = c.notified_on + dt.timedelta(days=7)
                c.hearing_right = rng.random() < 0.3
                c.hearing_request_due = c.statement_window_ends if c.hearing_right else None
                c.review_passed = c.proposal_approved = True
                c.decision_kind, c.proposed_fine = "penalty", 20000
            if state in ("decided", "served", "enforcing", "closed"):
                c.decided_on = min(today, c.notified_on + dt.timedelta(days=10))
                c.service_due, c.decided_fine = c.decided_on + dt.timedelta(days=9), 20000
            if state in ("served", "enforcing", "closed"):
                c.served_on = min(today, c.decided_on + dt.timedelta(days=3))
                c.service_method, c.payment_due = "direct", c.served_on + dt.timedelta(days=15)
            if state == "closed":
                c.executed, c.paid_on, c.closed_on = True, c.served_on, c.served_on
            rows.append(c)
        Case.objects.bulk_create(rows)
        # SQLite and PostgreSQL both return the new ids from bulk_create.
        Party.objects.bulk_create([Party(case=c, party_type="institution", name=f"测试医疗机构{c.title[4:]}")
                                   for c in rows])
        links, steps = [], []
        for c in rows:
            pair = rng.sample(officers[c.bureau_id], 2)
            links += [CaseOfficer(case=c, officer=o, is_lead=k == 0, assigned_on=c.proposed_on)
                      for k, o in enumerate(pair)]
            steps += [CaseStep(case=c, action="bench", label=f"环节{k}", to_state=c.state, actor=actor,
                               reason="") for k in range(per_case_steps)]
        CaseOfficer.objects.bulk_create(links)
        CaseStep.objects.bulk_create(steps, batch_size=10_000)
        made += len(rows)
        if made % 20_000 == 0 or made == n:
            print(f"  filled {made:,} cases, {made * per_case_steps:,} steps ({time.perf_counter() - started:.0f} s)",
                  flush=True)
    return list(Case.objects.order_by("?").values_list("pk", flat=True)[:500])


def timed(client, url: str, requests: int) -> list[float]:
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--steps", type=int, default=1_000_000, help="timeline steps (CaseStep)")
    ap.add_argument("--events", type=int, default=1_000_000, help="chained audit events")
    ap.add_argument("--counties", type=int, default=10)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--keep", default="", help="keep the filled database (SQLite: this file; PostgreSQL: the "
                                               "database of this name) and, when it already holds cases, time "
                                               "the pages without filling it again")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="yibao-case-bench-") as tmp:
        url, drop = bench_database(Path(tmp), args.keep)
        os.environ["YIBAO_DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
        # The pages are timed, not the sign-in: heads would otherwise be sent to set up their second factor.
        os.environ["YIBAO_REQUIRE_2FA"] = "0"
        import django

        django.setup()
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from yibao.cases.models import Case

        settings.ALLOWED_HOSTS = ["*"]
        try:
            call_command("migrate", verbosity=0)
            # Resolve the pages first: a broken URL configuration fails now, not after the fill.
            pages = [("case list", reverse("cases:case_list")), ("workbench", reverse("cases:workbench")),
                     ("board", reverse("cases:supervision_board"))]
            today = dt.date.today()
            if Case.objects.exists():
                print(f"database: {connection.vendor}; kept, {Case.objects.count():,} cases")
                from yibao.org.models import Bureau

                counties = [(b, {u.username.split(".")[-1]: u for u in get_user_model().objects.filter(
                    username__startswith=f"c{k}.")}) for k, b in enumerate(
                    Bureau.objects.filter(name__startswith="测试").order_by("code"))]
            else:
                print(f"database: {connection.vendor}; {args.cases:,} cases, {args.steps:,} steps, "
                      f"{args.events:,} audit events")
                city, counties = staff(args.counties)
                t = time.perf_counter()
                fill_cases(args.cases, counties, args.steps, today)
                fill_audit(args.events)
                print(f"filled in {time.perf_counter() - t:.0f} s")
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # both databases plan by their statistics
            county, users = counties[0]
            city_head = get_user_model().objects.get(username="city.head")
            officer_case = Case.objects.filter(bureau=county, officers__officer__user=users["officer1"]).order_by(
                "-pk").values_list("pk", flat=True)[0]
            people = [("county officer", users["officer1"]), ("county reviewer", users["reviewer"]),
                      ("county head", users["head"]), ("city head", city_head)]
            for who, user in people:
                client = Client()
                client.force_login(user)
                for name, page in [*pages, ("case page", reverse("cases:case_detail", args=[officer_case]))]:
                    if name == "board" and who == "county officer":
                        continue  # the board is for heads and reviewers
                    times = timed(client, page, args.requests)
                    print(f"{who:16s} {name:10s} {percentiles(times)}", flush=True)
        finally:
            drop()


if __name__ == "__main__":
    main()
