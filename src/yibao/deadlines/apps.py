from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DeadlinesConfig(AppConfig):
    name = "yibao.deadlines"
    label = "deadlines"
    verbose_name = "期限与工作日"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (clears the cached calendar when the data changes)

        post_migrate.connect(seed_empty_calendar, sender=self, dispatch_uid="deadlines.seed_empty_calendar")


def seed_empty_calendar(sender, using: str, **kwargs) -> None:
    """Seed the holiday calendar when the database holds none.

    Migration 0002 seeds a new database; this also covers a database emptied by `flush` (which
    sends post_migrate), as the test runner does after each transactional test, so that the
    deadlines never silently lose the published holidays.
    """
    from django.db import DEFAULT_DB_ALIAS

    from .models import CalendarYear

    if using != DEFAULT_DB_ALIAS or CalendarYear.objects.exists():
        return
    from .services import seed_from_chinesecalendar

    seed_from_chinesecalendar(recount=False)  # an empty calendar has counted no stored date
