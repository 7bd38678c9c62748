"""`manage.py check --deploy`: the audit key must come from the environment in production."""

from django.core.checks import Error, Tags, register

from .keys import production_problems


@register(Tags.security, deploy=True)
def audit_key_check(app_configs, **kwargs) -> list[Error]:
    return [Error(problem, id="yibao.audit.E001") for problem in production_problems()]
