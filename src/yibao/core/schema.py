"""Make a command line work on a fresh checkout: the SQLite database brings its own tables up to date.

A developer's or the demo's database is a SQLite file under var/ that nobody migrates by hand, so a
command that reads it applies whatever migrations are missing first. Any other database (PostgreSQL in
production) is migrated deliberately, by `yibao migrate` or `yibao serve --production`, never as a
side effect of some other command.
"""

from __future__ import annotations

import logging

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

log = logging.getLogger(__name__)


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations not yet applied to the database, as app.name."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def ensure_sqlite_schema(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Apply the missing migrations when the database is SQLite; return what was applied."""
    if connections[alias].vendor != "sqlite":
        return []
    pending = pending_migrations(alias)
    if pending:
        log.info("SQLite database not up to date: applying %d migrations", len(pending))
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    return pending
