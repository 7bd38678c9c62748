from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yibao.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from .auditlog import checks, receivers  # noqa: F401 - checks registers itself

        receivers.connect()
