"""Refuse an UPDATE of an issued document at the database, on SQLite and PostgreSQL."""

from django.db import migrations

from yibao.documents.migrations import _document_guard


def install(apps, schema_editor):
    _document_guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    _document_guard.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
