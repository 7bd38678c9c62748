from django.apps import AppConfig


class CoercionConfig(AppConfig):
    name = "yibao.coercion"
    verbose_name = "行政强制措施"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the lifting of seals to the end of a case
        from .deadlines import register_sources

        register_sources()
