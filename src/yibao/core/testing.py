"""Helpers the tests of every app share."""

from pathlib import Path

from django.conf import settings


def seeds_dir() -> Path:
    return Path(settings.YIBAO_SEEDS)


def seed_path(prefix: str) -> Path:
    """Return the seed document whose name starts with prefix, e.g. '001_'."""
    found = sorted(seeds_dir().glob(f"{prefix}*.txt"))
    if not found:
        raise FileNotFoundError(f"seed {prefix}* not found in {seeds_dir()}")
    return found[0]
