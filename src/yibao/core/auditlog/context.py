"""The request an event is written in: its source address, so services need not pass it.

AuditContextMiddleware sets it for every request; record_event reads it. Outside a request (the
command line, the worker) there is none and events carry no address.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None
    method: str
    path: str
    request: Any = None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("yibao_audit_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def client_ip(meta: dict[str, Any], trusted_proxies: int | None = None) -> str | None:
    """The client's address: the socket's peer, or with N trusted proxies in front the address the
    outermost trusted proxy was handed (the Nth entry from the right of X-Forwarded-For). Entries left of
    it were written by the client and are not believed."""
    proxies = settings.YIBAO_TRUSTED_PROXIES if trusted_proxies is None else trusted_proxies
    if proxies > 0:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies])
    return _valid(meta.get("REMOTE_ADDR"))


def _valid(address: str | None) -> str | None:
    import ipaddress

    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def set_for(request) -> contextvars.Token:
    return _current.set(RequestContext(client_ip(request.META), request.method, request.path, request))


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
