"""Database triggers that refuse an UPDATE of an issued document (documents_document, status 'issued').

The model and its queryset already refuse; the triggers also stop raw SQL and other clients. Rows being
issued (status 'issuing') may still become 'issued' once their files are stored. DELETE is refused by the
model only: Django's test flush on SQLite is a row DELETE, and a case's documents are PROTECTed anyway.
Not a migration (the leading underscore keeps Django's loader away): migration 0002 installs them. On
SQLite a later migration that alters documents_document rebuilds the table and must call install() again.
"""

TABLE = "documents_document"
MESSAGE = "issued documents cannot be changed"

INSTALL = {
    "sqlite": [
        f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_issued_no_update BEFORE UPDATE ON {TABLE}
        WHEN OLD.status = 'issued' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ],
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse_change() RETURNS trigger AS $$
        BEGIN
            IF OLD.status = 'issued' THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {TABLE}_issued_no_update ON {TABLE}",
        f"""CREATE TRIGGER {TABLE}_issued_no_update BEFORE UPDATE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change()""",
    ],
}
REMOVE = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {TABLE}_issued_no_update"],
    "postgresql": [f"DROP TRIGGER IF EXISTS {TABLE}_issued_no_update ON {TABLE}",
                   f"DROP FUNCTION IF EXISTS {TABLE}_refuse_change()"],
}


def _run(connection, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def install(connection) -> None:
    _run(connection, INSTALL)


def remove(connection) -> None:
    _run(connection, REMOVE)
