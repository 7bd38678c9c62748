"""Case numbers under concurrent filings: one bureau, several heads' requests at once, distinct numbers
without gaps. PostgreSQL only, like the audit chain's thread test: SQLite's in-memory test database
serialises whole-database writes, so it cannot show a race."""

import re
import threading

import pytest
from django.db import connection, connections

from yibao.cases.models import Case

THREADS = 8
FILINGS_PER_THREAD = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_in_one_bureau_get_distinct_gap_free_case_numbers(staff, file_input, county):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database locks whole tables between threads; runs on PostgreSQL")
    from yibao.cases import services as s

    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def file_cases() -> None:
        try:
            start.wait()
            for _ in range(FILINGS_PER_THREAD):
                s.do_file_case(file_input(lead=None, bureau=county), actor=staff.head)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file_cases) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    numbers = list(Case.objects.filter(bureau=county).values_list("number", flat=True))
    sequences = sorted(int(re.fullmatch(r"栾医保立〔2026〕(\d+)号", n).group(1)) for n in numbers)
    assert sequences == list(range(1, THREADS * FILINGS_PER_THREAD + 1))
