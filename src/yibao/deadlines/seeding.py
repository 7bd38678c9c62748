"""Write one year's arrangement through the given model classes.

Shared by the services and the data migration, which must pass its historical models; so this module
imports no model itself.
"""

from typing import Any

from yibao.deadlines.calendar import YearCalendar


def store_year(calendar_year_model: Any, calendar_day_model: Any, year: YearCalendar, **fields: Any) -> Any:
    """Create or overwrite the row of `year.year` and replace its days; return the row."""
    row = calendar_year_model.objects.filter(year=year.year).first()
    if row is None:
        row = calendar_year_model.objects.create(year=year.year, source=year.source, **fields)
    else:
        row.source = year.source
        row.revision = row.revision + 1
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        calendar_day_model.objects.filter(calendar_year=row).delete()
    calendar_day_model.objects.bulk_create(
        [calendar_day_model(calendar_year=row, date=e.date, kind=e.kind, name=e.name) for e in year.entries()]
    )
    return row


def stored_entries(calendar_day_model: Any, row: Any) -> set[tuple]:
    """The days of a stored year as comparable tuples (date, kind, name)."""
    return set(calendar_day_model.objects.filter(calendar_year=row).values_list("date", "kind", "name"))
