"""API 令牌: the signed-in user creates and revokes their own personal tokens. A new token is shown
once, on the answer to the form that created it; the database keeps only its digest."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import ApiToken
from .tokens import TokenError, do_create_api_token, do_revoke_api_token


def token_list(request: HttpRequest) -> HttpResponse:
    created, error = None, None
    if request.method == "POST":
        try:
            _, created = do_create_api_token(request.user, request.POST.get("name", ""), actor=request.user)
        except TokenError as e:
            error = str(e)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"tokens": tokens, "created": created, "error": error},
                  status=400 if error else 200)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        do_revoke_api_token(token, actor=request.user)
    except TokenError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"已撤销令牌“{token.name}”。")
    return redirect("api:tokens")
