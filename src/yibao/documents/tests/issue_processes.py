"""Run by test_engine_processes.py in a fresh interpreter against a file SQLite database: migrate, file a case,
then issue the same kind from PROCESSES processes released together; print the numbers as JSON."""

import datetime as dt
import json
import multiprocessing as mp
import os
import sys
from pathlib import Path

PROCESSES = 4


class _Patch:
    """monkeypatch's setattr, for install_kinds outside pytest."""

    def setattr(self, target, name, value):
        setattr(target, name, value)


def _issue(barrier, results, case_id: int, head_id: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from yibao.cases.models import Case
    from yibao.documents import services

    connection.close()  # a connection of its own, not the parent's
    case, head = Case.objects.get(pk=case_id), get_user_model().objects.get(pk=head_id)
    barrier.wait(timeout=60)
    try:
        results.put(services.do_issue_document(case, "test_decision", actor=head).number)
    except Exception as e:  # noqa: BLE001 - reported to the test
        results.put(f"error: {type(e).__name__}: {e}")


def main(work: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from yibao.cases import services as cs
    from yibao.documents import services
    from yibao.documents.tests.engine_support import install_kinds
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau, ensure_demo_users

    call_command("migrate", interactive=False, verbosity=0)
    templates = work / "templates"
    templates.mkdir(exist_ok=True)
    install_kinds(_Patch(), templates)
    services._queue_pdf = lambda document: None  # numbers only: no PDF
    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    users = {u.username: u for u in ensure_demo_users(county)}
    proposed = cs.do_file_case(cs.FilingInput(
        title="并发签发测试案", bureau=county, parties=[cs.PartyInput("institution", "栾川县康宁诊所")],
        officers=[users["officer1"].officer, users["officer2"].officer],
        act_end_on=dt.date.today() - dt.timedelta(days=60),
        provisions=["《医疗保障基金使用监督管理条例》第三十八条第（一）项"], amount=12000),
        actor=users["officer1"])
    case = cs.do_approve_filing(proposed, actor=users["head"], expected_version=proposed.version)
    connection.close()
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    workers = [ctx.Process(target=_issue, args=(barrier, results, case.pk, users["head"].pk))
               for _ in range(PROCESSES)]
    for w in workers:
        w.start()
    numbers = [results.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(60)
    print(json.dumps(numbers, ensure_ascii=False))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    main(Path(sys.argv[1]))
