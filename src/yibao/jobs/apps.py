from django.apps import AppConfig
from django.db.models.signals import post_migrate


class JobsConfig(AppConfig):
    name = "yibao.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from . import attempts, schedules, tasks

        attempts.connect()
        # After every migrate (and a test database's flush) the schedules are there, created once.
        post_migrate.connect(schedules.ensure_schedules_after_migrate, sender=self)
        post_migrate.connect(tasks.analyze_after_migrate, sender=self)
