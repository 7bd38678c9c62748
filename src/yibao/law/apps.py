from django.apps import AppConfig


class LawConfig(AppConfig):
    name = "yibao.law"
    label = "law"
    verbose_name = "法规库"
