"""What every command module of `yibao` shares: starting Django, printing JSON, failing with a message."""

import json
import os
from typing import Any, NoReturn

import typer


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    import django

    django.setup()
    # Every caller reads the database: on a fresh checkout the SQLite file has no tables yet.
    from yibao.core.schema import ensure_sqlite_schema

    ensure_sqlite_schema()


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
