from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "yibao.catalog"
    label = "catalog"
    verbose_name = "权责清单"
