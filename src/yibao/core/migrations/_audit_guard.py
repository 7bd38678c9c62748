"""Database triggers that refuse UPDATE and DELETE on the audit trail (core_auditevent).

The model already refuses changes; the triggers also stop raw SQL and other clients.
Not a migration (the leading underscore keeps Django's loader away): migration 0002
installs the triggers with install(). Code that must empty the whole database on
purpose can wrap it in lifted(); tests can use flush_lifts_guard() so the flush after
each transactional (live_server) test works on SQLite, where Django's flush is a DELETE.
PostgreSQL's TRUNCATE, which Django's flush uses there, is not a row DELETE and passes.

On SQLite, a later migration that alters core_auditevent rebuilds the table and so
drops the triggers: such a migration must call install() again.
"""

from contextlib import contextmanager

TABLE = "core_auditevent"

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END""",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]

POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit events cannot be changed (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change()""",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse_change()",
]

INSTALL = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRESQL_INSTALL}
REMOVE = {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRESQL_REMOVE}


def _run(connection, statements: dict[str, list[str]]) -> None:
    # Other vendors get no triggers; the model-level refusal still applies.
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def install(connection) -> None:
    """Create the triggers on this connection's database."""
    _run(connection, INSTALL)


def remove(connection) -> None:
    """Drop the triggers from this connection's database."""
    _run(connection, REMOVE)


@contextmanager
def lifted(connection):
    """Drop the triggers for the duration of the block, then put them back."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)


@contextmanager
def flush_lifts_guard():
    """Within the block, Django's flush (e.g. after a transactional test) lifts the triggers."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with lifted(self.connection):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    try:
        yield
    finally:
        BaseDatabaseOperations.execute_sql_flush = original
