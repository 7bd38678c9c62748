"""Helpers the tests of every app share."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings


def seeds_dir() -> Path:
    return Path(settings.YIBAO_SEEDS)


def seed_path(prefix: str) -> Path:
    """Return the seed document whose name starts with prefix, e.g. '001_'."""
    found = sorted(seeds_dir().glob(f"{prefix}*.txt"))
    if not found:
        raise FileNotFoundError(f"seed {prefix}* not found in {seeds_dir()}")
    return found[0]


@contextmanager
def prepared_demo(django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Any]:
    """Prepare the demo once for a module-scoped fixture, in a var folder of its own; flush it afterwards."""
    from django.core.management import call_command

    from yibao.core.demo import prepare_demo

    saved = settings.VAR_DIR
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    try:
        with django_db_blocker.unblock():
            yield prepare_demo()
            call_command("flush", interactive=False, verbosity=0)
    finally:
        settings.VAR_DIR = saved
