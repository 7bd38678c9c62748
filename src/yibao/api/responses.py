"""Error answers made outside Django Ninja: the login middleware's 401 and Django's own 404, 405 and
500 under /api/, in the one shape of errors.py."""

import json

from django.http import HttpResponse

from .errors import status_error


def json_error(status: int, body: dict | None = None, **headers: str) -> HttpResponse:
    response = HttpResponse(json.dumps(body or status_error(status), ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    for k, v in headers.items():
        response[k] = v
    return response
