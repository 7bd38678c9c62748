"""督办: every deadline near or past across the user's bureau and the bureaus below, with filters and an
xlsx export of what the filters select."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yibao.core.forms import Form
from yibao.org.models import Bureau
from yibao.org.permissions import get_profile, is_active_user, roles_text, visible_bureau_ids

from . import services as s
from .deadlines import LEAD_VERIFICATION_BASIS, PROVISIONAL_NOTE, Board, board, kind_labels, near_workdays
from .exporting import xlsx_bytes, xlsx_response
from .models.case import CASE_STATE_CHOICES
from .services.access import BUREAU_WIDE_ROLES

# Rows the page lists; the export has them all.
PAGE_ROWS = 100


class BoardForm(Form):
    bureau = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="期限", required=False)
    state = forms.ChoiceField(label="案件状态", required=False, choices=[("", "全部"), *CASE_STATE_CHOICES])

    def __init__(self, *args: Any, bureau_ids: list[int] | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        bureaus = Bureau.objects.order_by("code", "pk")
        if bureau_ids is not None:
            bureaus = bureaus.filter(pk__in=bureau_ids)
        self.fields["bureau"].choices = [("", "本单位及下级单位"), *bureaus.values_list("pk", "name")]
        # Read when the form is built: a source another app registers joins the filter.
        self.fields["kind"].choices = [("", "全部"), *kind_labels().items()]


def _check(request: HttpRequest) -> list[int] | None:
    """The bureaus whose deadlines the user supervises; refused for roles that see only their own cases."""
    profile = get_profile(request.user)
    allowed = is_active_user(request.user) and (
        request.user.is_superuser if profile is None else profile.role in BUREAU_WIDE_ROLES)
    if not allowed:
        raise PermissionDenied(f"督办仅对{roles_text(BUREAU_WIDE_ROLES)}开放；执法人员请在工作台查看本人待办。")
    return visible_bureau_ids(request.user)


def _board(request: HttpRequest, *, limit: int | None) -> tuple[BoardForm, Board | None]:
    ids = _check(request)
    form = BoardForm(request.GET or None, bureau_ids=ids)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    bureau = data.get("bureau")
    kind, state = data.get("kind") or "", data.get("state") or ""
    return form, board([bureau] if bureau else ids, today=s.today(), kinds=[kind] if kind else (), state=state,
                       limit=limit)


def supervision_board(request: HttpRequest) -> HttpResponse:
    form, result = _board(request, limit=PAGE_ROWS)
    today = s.today()
    rows = [{"d": d, "left": d.days_left(today), "late": -d.days_left(today), "overdue": d.overdue(today)}
            for d in result.rows] if result else []
    return render(request, "cases/board.html", {
        "form": form, "board": result, "rows": rows, "today": today, "near": near_workdays(),
        "lead_basis": LEAD_VERIFICATION_BASIS, "provisional_note": PROVISIONAL_NOTE,
    }, status=200 if result is not None else 400)


BOARD_COLUMNS = [("期限", 16), ("案号或线索", 26), ("案由或当事人", 40), ("办案单位", 22), ("状态", 10),
                 ("届满日", 12), ("待定", 6), ("剩余天数", 10), ("依据", 50), ("计时", 12), ("为什么是这一天", 80)]


def board_export(request: HttpRequest) -> HttpResponse:
    form, result = _board(request, limit=None)
    if result is None:
        return render(request, "cases/board.html", {"form": form, "board": None, "rows": []}, status=400)
    today = s.today()
    rows = ([d.label, d.subject, d.title, d.bureau, d.state, d.due, "待定" if d.provisional else "",
             d.days_left(today), d.basis, d.paused, d.why] for d in result.rows)
    return xlsx_response(xlsx_bytes("督办", BOARD_COLUMNS, rows), f"督办-{today.isoformat()}.xlsx")
