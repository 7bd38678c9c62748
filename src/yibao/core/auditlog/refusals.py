"""A refused step on a page, recorded where the page catches it (the API's are recorded by its
exception handler and the API-call event; PermissionDenied by the middleware's 403)."""

from typing import Any

from django.http import HttpRequest

from yibao.core.models.audit import Outcome


def record_refusal(request: HttpRequest, refusal: Any, obj: Any = None) -> None:
    """Record a Refusal (code, message) the page shows the user, after the service's transaction rolled back."""
    from yibao.core.audit import record_event

    record_event("refused", actor=request.user, obj=obj, summary=f"拒绝：{refusal.message}"[:500],
                 data={"code": str(refusal.code), "method": request.method, "path": request.path},
                 outcome=Outcome.REFUSED)
