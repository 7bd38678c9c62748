"""办案参数: the bureau's procedural parameters, each with its value in force, its source and whether it is
the default; heads and administrators set the bureau's own value from a date."""

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date

from yibao.core.auditlog.refusals import record_refusal
from yibao.monitoring.views import forbidden
from yibao.org.permissions import get_profile, has_role, role_refusal_message

from .parameters import defaults
from .procedure import Refusal
from .services.facts import today
from .services.parameters import PARAMETER_ROLES, all_in_force, do_set_parameter


def case_parameters(request: HttpRequest) -> HttpResponse:
    profile = get_profile(request.user)
    if profile is None or not has_role(request.user, PARAMETER_ROLES):
        return forbidden(request, role_refusal_message("查看和设置本局办案参数", PARAMETER_ROLES))
    bureau = profile.bureau
    if request.method == "POST":
        valid_from = parse_date(request.POST.get("valid_from", "").strip() or "")
        try:
            if valid_from is None:
                raise Refusal("invalid_input", "请按 年-月-日 填写施行日期，如 2026-07-01")
            do_set_parameter(bureau, request.POST.get("key", ""), request.POST.get("value", ""),
                             valid_from=valid_from, basis=request.POST.get("basis", ""),
                             reason=request.POST.get("reason", ""), actor=request.user)
        except Refusal as refused:
            record_refusal(request, refused)
            messages.error(request, refused.message)
        else:
            messages.success(request, "已设置本局办案参数")
        return redirect("cases:case_parameters")
    on = parse_date(request.GET.get("on", "")) or today()
    rows = all_in_force(bureau, on)
    settable = [p for p in defaults().values() if not p.fixed_by_law]
    return render(request, "cases/parameters.html", {
        "bureau": bureau, "on": on, "rows": rows, "settable": settable,
        "tomorrow": today() + dt.timedelta(days=1),
    })
