"""Account pages: change one's own password, set up and give the second factor, recovery codes."""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import PasswordChangeForm, TokenForm
from .middleware import PASSWORD_CHECKED, SECOND_FACTOR_DUE
from .services import (
    do_change_password,
    do_confirm_totp_device,
    do_new_recovery_codes,
    do_remove_second_factor,
)
from .twofactor import has_device, second_factor_required

SETUP_DEVICE_NAME = "动态口令（待确认）"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return "/"
    return target


@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_change_password(request.user, form.cleaned_data["new_password1"], actor=request.user, request=request)
        request.session[PASSWORD_CHECKED] = True
        messages.success(request, "密码已修改。")
        return redirect(_next(request))
    return render(request, "org/auth/password_change.html", {"form": form, "next": _next(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a token of any confirmed device, or a recovery code."""
    if not has_device(request.user):
        return redirect(f"{reverse('org_auth:setup')}?next={quote(_next(request))}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", "动态口令不正确或已过期，请输入手机验证器上当前显示的 6 位数字，或一个未用过的恢复码。")
    return render(request, "org/auth/verify.html", {"form": form, "next": _next(request)})


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up a TOTP device: show its QR code, confirm it by its first token, then show recovery codes."""
    user = request.user
    if has_device(user) and not user.is_verified():
        # Replacing a device needs the old one first: a stolen password alone must not swap it.
        return redirect(f"{reverse('org_auth:verify')}?next={quote(request.path)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=SETUP_DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = do_confirm_totp_device(device, actor=user)
            otp_login(request, device)
            request.session[SECOND_FACTOR_DUE] = True
            return render(request, "org/auth/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", "动态口令不正确，请确认手机时间准确后输入验证器当前显示的 6 位数字。")
    return render(request, "org/auth/setup.html", {
        "form": form, "qr": _qr_svg(device), "secret": _base32(device), "next": _next(request),
        "required": second_factor_required(user),
    })


def _base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode()


@never_cache
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """One's own security settings: the second factor, new recovery codes, turning it off where allowed."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "recovery_codes" and has_device(user):
            codes = do_new_recovery_codes(user, actor=user)
            return render(request, "org/auth/recovery_codes.html", {"codes": codes, "next": "/account/"})
        if action == "remove":
            if second_factor_required(user):
                messages.error(request, "您的角色必须使用动态口令登录，不能停用；如需更换手机，请先重新设置。")
            else:
                do_remove_second_factor(user, actor=user)
                request.session[SECOND_FACTOR_DUE] = False
                messages.success(request, "已停用动态口令。")
        return redirect("org_auth:security")
    return render(request, "org/auth/security.html", {
        "has_device": has_device(user), "required": second_factor_required(user),
    })
