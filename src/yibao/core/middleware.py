"""Every page needs a logged-in user, except login itself and static files."""

from django.conf import settings
from django.shortcuts import redirect

# The pre-screen API authenticates itself: an X-Api-Key header or a session (prescreen/api.py).
OPEN_PREFIXES = ("/login/", "/static/", "/admin/login/", "/healthz", "/api/v1/prescreen", "/favicon.ico")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"error": "未登录", "detail": "authentication required"}, status=401)
            return redirect(f"{settings.LOGIN_URL and '/login/'}?next={request.path}")
        return self.get_response(request)
