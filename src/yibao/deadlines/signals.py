"""Forget the cached calendar whenever a year or a day is saved or deleted in this process."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from yibao.deadlines.models import CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarYear)
@receiver([post_save, post_delete], sender=CalendarDay)
def calendar_changed(sender, **kwargs) -> None:
    from yibao.deadlines.services import clear_calendar_cache

    clear_calendar_cache()
