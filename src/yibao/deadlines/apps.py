from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "yibao.deadlines"
    label = "deadlines"
    verbose_name = "期限与工作日"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (clears the cached calendar when the data changes)
