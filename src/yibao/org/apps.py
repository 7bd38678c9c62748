from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "yibao.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        # Connect the password history's and the session start's signal receivers.
        from .auth import middleware, passwords  # noqa: F401
