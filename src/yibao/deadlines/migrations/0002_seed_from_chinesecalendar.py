"""Seed the working-day calendar from the chinesecalendar package, so a fresh database has it.

Only the years the package covers; a later package with more years is taken in by
`yibao.deadlines.services.seed_from_chinesecalendar()`, and an administrator enters any other year.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from yibao.deadlines.calendar import package_version, read_package
    from yibao.deadlines.seeding import store_year

    CalendarYear = apps.get_model("deadlines", "CalendarYear")
    CalendarDay = apps.get_model("deadlines", "CalendarDay")
    version = package_version()
    for year in read_package():
        if not CalendarYear.objects.filter(year=year.year).exists():
            store_year(CalendarYear, CalendarDay, year, source_version=version)


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("deadlines", "CalendarYear")
    CalendarYear.objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
