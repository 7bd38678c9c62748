from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "yibao.monitoring"
    label = "monitoring"
    verbose_name = "智能监控"
