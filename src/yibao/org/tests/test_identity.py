"""Identity (身份鉴别): password rules, history and expiry, lockout, session limits, the second factor."""

import datetime
import re
import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from yibao.conftest import totp_token
from yibao.core.models import AuditEvent
from yibao.org.auth.middleware import SESSION_SEEN, SESSION_STARTED
from yibao.org.constants import DEMO_PASSWORD, Role
from yibao.org.models import PasswordHistory, RecoveryCodeDevice, UserProfile

GOOD = "Jianguan-2026"
pytestmark = pytest.mark.django_db


def make_user(county, username="zhang", role=Role.OFFICER, password=GOOD):
    user = get_user_model().objects.create_user(username=username, password=password)
    UserProfile.objects.create(user=user, bureau=county, role=role)
    return user


# Passwords ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["12345678", "abcdefghijkl", "Abcdefghijkl", "Ab1-x"])
def test_a_short_or_simple_password_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_of_three_classes_and_ten_characters_is_accepted():
    validate_password("Zhifa-jiancha")  # upper, lower, symbol


def test_the_two_class_password_is_refused_with_a_chinese_message():
    with pytest.raises(ValidationError) as refused:
        validate_password("zhifa2026jc")
    assert "至少 3 类" in " ".join(refused.value.messages)


def test_the_demo_password_meets_the_rules():
    validate_password(DEMO_PASSWORD)


def test_one_of_the_last_five_passwords_is_refused_and_the_sixth_back_is_allowed(county):
    user = make_user(county, password="Mima-0000-a")
    for n in range(1, 6):
        user.set_password(f"Mima-0000-{'abcde'[n - 1]}{n}")
        user.save()
    with pytest.raises(ValidationError) as refused:
        validate_password("Mima-0000-c3", user)
    assert "最近 5 次" in " ".join(refused.value.messages)
    validate_password("Mima-0000-a", user)  # six passwords ago: forgotten
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_an_expired_password_sends_every_page_to_the_change_page(client, county):
    user = make_user(county)
    PasswordHistory.objects.filter(user=user).update(set_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(user)
    response = client.get("/org/")
    assert response.status_code == 302 and response["Location"].startswith("/account/password/")


def test_a_user_changes_their_own_password_and_it_is_recorded(client, county):
    user = make_user(county)
    PasswordHistory.objects.filter(user=user).update(set_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(user)
    response = client.post("/account/password/", {"old_password": GOOD, "new_password1": "Xin-mima-2027",
                                                   "new_password2": "Xin-mima-2027", "next": "/org/"})
    assert response.status_code == 302 and response["Location"] == "/org/"
    user.refresh_from_db()
    assert user.check_password("Xin-mima-2027")
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(user.pk)).exists()
    assert client.get("/org/").status_code == 200


def test_a_weak_new_password_is_refused_on_the_change_page_in_chinese(client, county):
    user = make_user(county)
    client.force_login(user)
    response = client.post("/account/password/", {"old_password": GOOD, "new_password1": "12345678",
                                                   "new_password2": "12345678"})
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(GOOD)


# Lockout -----------------------------------------------------------------------------------------------

def sign_in(client, username, password, path="/login/"):
    return client.post(path, {"username": username, "password": password})


def pass_time(minutes):
    """Move the recorded attempts back, as if that much time had passed."""
    delta = datetime.timedelta(minutes=minutes)
    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - delta)


def test_wrong_passwords_lock_the_account_until_the_lock_is_waited_out(client, county):
    make_user(county)
    for _ in range(4):
        assert sign_in(client, "zhang", "wrong-password").status_code == 200
    locked = sign_in(client, "zhang", "wrong-password")
    assert locked.status_code == 429 and "15 分钟后再试" in locked.content.decode()
    # The right password does not open a locked account.
    still = sign_in(client, "zhang", GOOD)
    assert still.status_code == 429 and "已被暂时锁定" in still.content.decode()
    pass_time(16)
    assert sign_in(client, "zhang", GOOD).status_code == 302


def test_a_second_lockout_within_a_day_lasts_twice_as_long(client, county):
    make_user(county)
    for _ in range(5):
        sign_in(client, "zhang", "wrong-password")
    pass_time(16)
    for _ in range(4):
        sign_in(client, "zhang", "wrong-password")
    locked = sign_in(client, "zhang", "wrong-password")
    assert locked.status_code == 429 and "30 分钟后再试" in locked.content.decode()
    pass_time(16)
    assert sign_in(client, "zhang", GOOD).status_code == 429


def test_failures_from_one_address_lock_it_whatever_the_usernames(client, county):
    make_user(county)
    for n in range(5):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, "zhang", GOOD).status_code == 429


def test_the_admin_login_locks_out_too(client, county):
    get_user_model().objects.create_superuser(username="root", password=GOOD)
    for _ in range(5):
        sign_in(client, "root", "wrong-password", "/admin/login/")
    assert sign_in(client, "root", GOOD, "/admin/login/").status_code == 429


def test_the_lock_counts_the_address_the_trusted_proxy_was_handed(client, county, settings):
    settings.YIBAO_TRUSTED_PROXIES = 1
    make_user(county)
    for n in range(5):
        client.post("/login/", {"username": f"guess{n}", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    # Another client behind the same proxy is not locked out.
    other = client.post("/login/", {"username": "zhang", "password": GOOD}, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert other.status_code == 302


# Sessions ----------------------------------------------------------------------------------------------

def age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_a_session_idle_longer_than_thirty_minutes_is_signed_out(client, county):
    client.force_login(make_user(county))
    assert client.get("/org/").status_code == 200
    age_session(client, **{SESSION_SEEN: 31 * 60})
    response = client.get("/org/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/org/")["Location"].startswith("/login/")


def test_a_busy_session_still_ends_twelve_hours_after_signing_in(client, county):
    client.force_login(make_user(county))
    client.get("/org/")
    age_session(client, **{SESSION_STARTED: 12 * 3600 + 60, SESSION_SEEN: 10})
    assert client.get("/org/")["Location"].startswith("/login/")


def test_session_cookies_are_http_only_and_the_cookie_lives_twelve_hours(client, county, settings):
    make_user(county)
    response = sign_in(client, "zhang", GOOD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 12 * 3600


# Second factor -----------------------------------------------------------------------------------------

@pytest.fixture
def two_factor(settings):
    settings.YIBAO_REQUIRE_2FA = True


def test_a_head_cannot_reach_a_page_without_the_second_factor(client, county, two_factor):
    head = make_user(county, "head1", Role.HEAD)
    assert sign_in(client, "head1", GOOD).status_code == 302
    response = client.get("/org/")
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/verify/")
    # Without a device yet, the verify step sends the head to set one up.
    assert client.get(response["Location"])["Location"].startswith("/account/2fa/setup/")
    device = TOTPDevice.objects.create(user=head, name="phone", confirmed=True)
    assert client.get("/org/")["Location"].startswith("/account/2fa/verify/")
    wrong = client.post("/account/2fa/verify/", {"token": "000000"})
    assert "动态口令不正确" in wrong.content.decode()
    assert client.get("/org/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes a guesser wait after each wrong token; this test waited
    client.post("/account/2fa/verify/", {"token": totp_token(device), "next": "/org/"})
    assert client.get("/org/").status_code == 200


def test_an_officer_signs_in_with_the_password_alone(client, county, two_factor):
    make_user(county)
    sign_in(client, "zhang", GOOD)
    assert client.get("/org/").status_code == 200


def test_a_superuser_needs_the_second_factor_on_the_admin_site(client, county, two_factor):
    get_user_model().objects.create_superuser(username="root", password=GOOD)
    sign_in(client, "root", GOOD, "/admin/login/")
    assert client.get("/admin/")["Location"].startswith("/account/2fa/verify/")


def test_setting_up_totp_confirms_the_device_and_shows_recovery_codes_once(client, county, two_factor):
    head = make_user(county, "head1", Role.HEAD)
    sign_in(client, "head1", GOOD)
    page = client.get("/account/2fa/setup/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    shown = client.post("/account/2fa/setup/", {"token": totp_token(device), "next": "/org/"})
    assert "恢复码" in shown.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    codes = re.findall(r"\b[a-z2-7]{5}-[a-z2-7]{5}\b", shown.content.decode())
    assert len(set(codes)) == 10 and RecoveryCodeDevice.objects.get(user=head).codes.count() == 10
    assert AuditEvent.objects.filter(action="user.2fa_device_add", object_id=str(head.pk)).exists()
    assert client.get("/org/").status_code == 200


def test_a_recovery_code_stands_in_for_the_phone_once(client, county, two_factor):
    from yibao.org.auth.twofactor import new_recovery_codes

    head = make_user(county, "head1", Role.HEAD)
    TOTPDevice.objects.create(user=head, name="phone", confirmed=True)
    code = new_recovery_codes(head)[0]
    sign_in(client, "head1", GOOD)
    client.post("/account/2fa/verify/", {"token": code})
    assert client.get("/org/").status_code == 200
    client.post("/logout/")
    sign_in(client, "head1", GOOD)
    again = client.post("/account/2fa/verify/", {"token": code})
    assert "动态口令不正确" in again.content.decode()


def test_a_head_may_not_switch_the_second_factor_off(client, county, two_factor):
    head = make_user(county, "head1", Role.HEAD)
    device = TOTPDevice.objects.create(user=head, name="phone", confirmed=True)
    sign_in(client, "head1", GOOD)
    client.post("/account/2fa/verify/", {"token": totp_token(device)})
    client.post("/account/", {"action": "remove"})
    assert TOTPDevice.objects.filter(user=head).exists()
    assert not AuditEvent.objects.filter(action="user.2fa_device_remove").exists()


def test_an_officer_may_switch_off_the_second_factor_they_chose_and_it_is_recorded(client, county, two_factor):
    user = make_user(county)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(client, "zhang", GOOD)
    # Having chosen a device, the officer is asked for it too.
    assert client.get("/org/")["Location"].startswith("/account/2fa/verify/")
    client.post("/account/2fa/verify/", {"token": totp_token(device)})
    client.post("/account/", {"action": "remove"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="user.2fa_device_remove", object_id=str(user.pk)).exists()


# Transport and content security policy -----------------------------------------------------------------

def test_every_page_carries_a_content_security_policy_that_runs_only_the_site_s_own_scripts(client, county):
    client.force_login(make_user(county))
    policy = client.get("/org/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_no_template_holds_an_inline_script_or_event_handler_the_policy_would_block():
    import re
    from pathlib import Path

    import yibao

    templates = Path(yibao.__file__).parent / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']|hx-on[:-]", re.IGNORECASE)
    offenders = [f"{path.relative_to(templates)}: {match.group(0)}"
                 for path in templates.rglob("*.html") for match in inline.finditer(path.read_text())]
    assert offenders == []


def test_the_password_alone_cannot_get_new_recovery_codes_or_switch_the_second_factor_off(client, county,
                                                                                         two_factor):
    user = make_user(county)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in(client, "zhang", GOOD)
    for action in ("recovery_codes", "remove"):
        response = client.post("/account/", {"action": action})
        assert response.status_code == 302 and response["Location"].startswith("/account/2fa/verify/")
    assert TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCodeDevice.objects.filter(user=user).exists()
    assert client.get("/account/password/")["Location"].startswith("/account/2fa/verify/")
