"""Every page needs a logged-in user, except login itself and static files. Under /api/ every answer is
JSON: a caller without a session or token gets the API's 401, and Django's own error pages (an unknown
path, a wrong method, a server error) are replaced by the one error shape (yibao/api/errors.py).

Not Django's own LoginRequiredMiddleware (5.1+): it redirects every unauthenticated request to the login
page, where an API caller needs the JSON 401, and it marks public views by decorator, where the public
paths here are whole prefixes (static files, the pre-screen's key-authenticated endpoint)."""

from django.conf import settings
from django.shortcuts import redirect

# The pre-screen authenticates itself: an X-Api-Key header or a session (prescreen/api.py). The API's
# document and its browsable docs are public, and so is the documents' verification (page and endpoint).
OPEN_PREFIXES = ("/login/", "/static/", "/admin/login/", "/healthz", "/api/v1/prescreen", "/favicon.ico",
                 "/api/v1/openapi.json", "/api/v1/docs", "/verify/", "/api/v1/verify")
API_PREFIX = "/api/"


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith(API_PREFIX)
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            if not is_api:
                return redirect(f"{settings.LOGIN_URL and '/login/'}?next={request.path}")
            # A token is checked by the API itself, which answers 401 when it is wrong or revoked.
            if "HTTP_AUTHORIZATION" not in request.META:
                from yibao.api.responses import json_error

                return json_error(401)
        response = self.get_response(request)
        if is_api and response.status_code >= 400 and not _is_json(response):
            from yibao.api.responses import json_error

            allow = {"Allow": response["Allow"]} if response.has_header("Allow") else {}
            return json_error(response.status_code, **allow)
        return response
