"""Jobs for the tests that start a real worker, and a command line to queue them from outside:
`python -m yibao.jobs.tests.sample_jobs FUNC FOLDER SECONDS` prints the task id."""

import os
import sys
import time
from pathlib import Path


def mark_and_sleep(folder: str, seconds: float) -> int:
    """Leave started-PID in `folder`, sleep, then leave done-PID: the test sees which process ran it."""
    pid = os.getpid()
    (Path(folder) / f"started-{pid}").write_text("")
    time.sleep(seconds)
    (Path(folder) / f"done-{pid}").write_text("")
    return pid


def mark_and_sleep_once(folder: str, seconds: float) -> int:
    return mark_and_sleep(folder, seconds)


# Not worth running twice: a dead worker fails it at once.
mark_and_sleep_once.job_attempts = 1


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    import django

    django.setup()
    from django_q.tasks import async_task

    func, folder, seconds = sys.argv[1:4]
    print(async_task(f"yibao.jobs.tests.sample_jobs.{func}", folder, float(seconds)))
