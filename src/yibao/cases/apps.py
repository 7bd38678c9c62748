from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yibao.cases"
    label = "cases"
    verbose_name = "执法办案"
