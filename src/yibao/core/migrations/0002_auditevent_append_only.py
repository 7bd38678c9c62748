"""Refuse UPDATE and DELETE on core_auditevent at the database, on SQLite and PostgreSQL."""

from django.db import migrations

from yibao.core.migrations import _audit_guard


def install(apps, schema_editor):
    _audit_guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    _audit_guard.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
