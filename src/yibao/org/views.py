"""Views: they only read, or call services."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from . import services
from .constants import BureauLevel, CertificateStatus
from .models import Bureau, Officer, Post
from .permissions import can_view_personal_data

LEVEL_ORDER = {level: i for i, level in enumerate(BureauLevel.values)}


def bureau_tree(bureaus: list[Bureau]) -> list[tuple[Bureau, int]]:
    """Order bureaus as a tree, each with its depth; parents first, then their children."""
    children: dict[int | None, list[Bureau]] = {}
    for bureau in bureaus:
        children.setdefault(bureau.parent_id, []).append(bureau)
    for group in children.values():
        group.sort(key=lambda b: (LEVEL_ORDER.get(b.level, 9), b.code or "", b.name))

    rows: list[tuple[Bureau, int]] = []
    seen: set[int] = set()

    def walk(bureau: Bureau, depth: int) -> None:
        if bureau.pk in seen:
            return
        seen.add(bureau.pk)
        rows.append((bureau, depth))
        for child in children.get(bureau.pk, []):
            walk(child, depth + 1)

    known = {b.pk for b in bureaus}
    roots = [b for b in bureaus if b.parent_id is None or b.parent_id not in known]
    roots.sort(key=lambda b: (LEVEL_ORDER.get(b.level, 9), b.code or "", b.name))
    for root in roots:
        walk(root, 0)
    for bureau in bureaus:  # whatever a cycle kept out of reach
        walk(bureau, 0)
    return rows


def bureau_list(request: HttpRequest) -> HttpResponse:
    """Show every bureau as a tree with its level."""
    bureaus = list(
        Bureau.objects.annotate(
            department_count=Count("departments", distinct=True),
            officer_count=Count("officers", filter=Q(officers__active=True), distinct=True),
        )
    )
    return render(request, "org/bureau_list.html", {"rows": bureau_tree(bureaus)})


def bureau_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a bureau's sections with their posts, and its officers with masked personal data."""
    bureau = get_object_or_404(Bureau.objects.select_related("parent"), pk=pk)
    departments = bureau.departments.prefetch_related(Prefetch("posts", queryset=Post.objects.order_by("id")))
    today = timezone.localdate()
    officers = (
        bureau.officers.select_related("department")
        .prefetch_related("posts")
        .order_by("-active", F("department_id").asc(nulls_last=True), "id")
    )
    officer_rows = [(officer, officer.certificate_status(today)) for officer in officers]
    context = {
        "bureau": bureau,
        "ancestors": list(reversed(bureau.ancestors())),
        "children": bureau.children.order_by("code", "name"),
        "departments": departments,
        "officer_rows": officer_rows,
        "Status": CertificateStatus,
    }
    return render(request, "org/bureau_detail.html", context)


def _officer_context(request: HttpRequest, officer: Officer, revealed: dict | None = None) -> dict:
    return {
        "officer": officer,
        "status": officer.certificate_status(),
        "Status": CertificateStatus,
        "posts": officer.posts.select_related("department").order_by("department_id", "id"),
        "can_reveal": can_view_personal_data(request.user, officer.bureau),
        "revealed": revealed,
    }


def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an officer with masked personal data and a button to reveal it."""
    officer = get_object_or_404(Officer.objects.select_related("bureau", "department", "user"), pk=pk)
    return render(request, "org/officer_detail.html", _officer_context(request, officer))


@require_POST
def officer_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal an officer's full personal data to an allowed user, and audit it."""
    officer = get_object_or_404(Officer.objects.select_related("bureau", "department", "user"), pk=pk)
    try:
        revealed = services.do_reveal_personal_data(officer, actor=request.user)
    except PermissionDenied as exc:
        context = {**_officer_context(request, officer), "message": str(exc)}
        template = "org/_officer_pii.html" if request.htmx else "org/forbidden.html"
        return render(request, template, context, status=403)
    context = _officer_context(request, officer, revealed)
    template = "org/_officer_pii.html" if request.htmx else "org/officer_detail.html"
    response = render(request, template, context)
    # Full personal data must not linger in shared or browser caches.
    patch_cache_control(response, no_store=True, private=True)
    return response
