from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LawConfig(AppConfig):
    name = "yibao.law"
    label = "law"
    verbose_name = "法规库"

    def ready(self) -> None:
        post_migrate.connect(load_texts_after_migrate, sender=self, dispatch_uid="law.load_texts_after_migrate")


def load_texts_after_migrate(sender, using: str, **kwargs) -> None:
    """Bring the official full texts into the library after `migrate`, so a new database has them.

    Runs after every migrate and does nothing when the texts are already loaded. The test suite turns
    it off (YIBAO_LOAD_LAW_TEXTS = False) so that each test starts from the library it builds itself.
    """
    from django.conf import settings
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    if using != DEFAULT_DB_ALIAS or not getattr(settings, "YIBAO_LOAD_LAW_TEXTS", True):
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return  # migrated to an older state: the current models do not fit the tables
    from yibao.law.services import do_load_law_texts

    do_load_law_texts(actor=None)
