"""Pages that HTMX may ask for in part: the same view answers with the whole page or its fragment."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX request for part of a page (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def render_page(request: HttpRequest, page: str, fragment: str, context: dict) -> HttpResponse:
    """Render the fragment for an HTMX request, else the page; caches keep the two apart."""
    response = render(request, fragment if wants_fragment(request) else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
