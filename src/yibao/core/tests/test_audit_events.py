"""What the audit trail records at the edges: sign-in and -out, failures, refusals, API calls, exports and
the admin's changes, each with the source address and the outcome."""

import pytest
from django.contrib.auth import get_user_model

from yibao.core.auditlog import receivers
from yibao.core.auditlog.context import client_ip
from yibao.core.models import AuditEvent
from yibao.org.constants import Role

pytestmark = pytest.mark.django_db
PASSWORD = "pw"


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def test_a_sign_in_is_recorded_with_the_address_and_success(client, make_user, county):
    user = make_user("officer1", Role.OFFICER, county)
    client.post("/login/", {"username": "officer1", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    event = _last("auth.login")
    assert (event.actor_id, event.source_ip, event.outcome) == (user.pk, "10.1.2.3", "success")


def test_a_failed_sign_in_records_the_username_tried_and_never_the_password(client, make_user, county):
    make_user("officer1", Role.OFFICER, county)
    client.post("/login/", {"username": "officer1", "password": "guess-Secret-123"}, REMOTE_ADDR="10.9.9.9")
    event = _last("auth.login_failed")
    assert (event.outcome, event.source_ip, event.data) == ("failed", "10.9.9.9", {"username": "officer1"})
    assert "guess-Secret-123" not in event.payload()


def test_a_sign_out_is_recorded(client, make_user, county):
    user = make_user("officer1", Role.OFFICER, county)
    client.force_login(user)
    client.post("/logout/")
    assert _last("auth.logout").actor_id == user.pk


def test_a_lockout_is_recorded_as_refused():
    receivers.locked_out(None, request=None, username="head", ip_address="10.0.0.7")
    event = _last("auth.locked_out")
    assert (event.outcome, event.source_ip, event.data) == ("refused", "10.0.0.7", {"username": "head"})


def test_the_lockout_receiver_is_connected_to_axes_when_axes_is_installed():
    from django.apps import apps

    if not apps.is_installed("axes"):
        pytest.skip("django-axes is not installed")
    from axes import signals
    signals.user_locked_out.send(sender=None, request=None, username="head", ip_address="10.0.0.8")
    assert _last("auth.locked_out").source_ip == "10.0.0.8"


def test_the_client_address_behind_a_trusted_proxy_is_the_one_the_proxy_was_handed():
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.5"}
    assert client_ip(meta, trusted_proxies=0) == "10.0.0.1"
    assert client_ip(meta, trusted_proxies=1) == "203.0.113.5"
    assert client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not an address"}, trusted_proxies=1) is None


def test_an_event_written_in_a_request_carries_the_address_without_the_service_passing_it(
        client, make_user, county, settings):
    settings.YIBAO_TRUSTED_PROXIES = 1
    user = make_user("officer1", Role.OFFICER, county)
    client.force_login(user)
    client.get("/api/v1/leads", HTTP_X_FORWARDED_FOR="198.51.100.4", REMOTE_ADDR="10.0.0.1")
    assert _last("api.call").source_ip == "198.51.100.4"


def test_every_api_call_is_recorded_with_user_method_path_and_status(client, make_user, county):
    user = make_user("officer1", Role.OFFICER, county)
    client.force_login(user)
    response = client.get("/api/v1/leads")
    event = _last("api.call")
    assert (event.actor_id, event.outcome) == (user.pk, "success")
    assert event.data == {"method": "GET", "path": "/api/v1/leads", "status": response.status_code}


def test_an_api_call_without_credentials_is_recorded_as_refused(client):
    response = client.get("/api/v1/leads")
    assert response.status_code == 401
    event = _last("api.call")
    assert (event.actor_id, event.outcome, event.data["status"]) == (None, "refused", 401)


def test_an_api_call_for_an_object_out_of_scope_is_recorded_as_refused(client, make_user, county):
    client.force_login(make_user("officer1", Role.OFFICER, county))
    response = client.get("/api/v1/cases/999999")
    assert response.status_code == 404
    assert (_last("api.call").outcome, _last("api.call").data["status"]) == ("refused", 404)


def test_a_page_refused_with_403_is_recorded(client, make_user, county):
    user = make_user("officer1", Role.OFFICER, county)
    client.force_login(user)
    response = client.get("/cases/parameters/")
    assert response.status_code == 403
    event = _last("access.denied")
    assert (event.actor_id, event.outcome, event.data["path"]) == (user.pk, "refused", "/cases/parameters/")


def test_a_refusal_a_page_shows_is_recorded_with_its_code(client, make_user, county):
    head = make_user("head", Role.HEAD, county)
    client.force_login(head)
    client.post("/cases/parameters/", {"key": "x", "value": "1", "valid_from": "不是日期"})
    event = _last("refused")
    assert (event.actor_id, event.outcome, event.data["code"]) == (head.pk, "refused", "invalid_input")


def test_a_catalogue_export_is_recorded(client, make_user, county):
    user = make_user("officer1", Role.OFFICER, county)
    client.force_login(user)
    response = client.get("/catalog/export/?format=json")
    assert response.status_code == 200
    event = _last("catalog.export")
    assert (event.actor_id, event.data["format"]) == (user.pk, "json")


def test_an_admin_change_to_a_user_and_its_password_are_recorded(admin_client, make_user, county):
    user = make_user("officer1", Role.OFFICER, county)
    response = admin_client.post(f"/admin/auth/user/{user.pk}/password/",
                                 {"password1": "Another-pass-2026", "password2": "Another-pass-2026"})
    assert response.status_code == 302, response.content.decode()[:2000]
    admin = get_user_model().objects.get(username="admin")
    changed = _last("auth.password_changed")
    assert (changed.object_id, changed.actor_id) == (str(user.pk), admin.pk)
    change = _last("admin.change")
    assert change.data["model"] == "auth.user" and change.data["object_id"] == str(user.pk)
    assert change.actor_id == admin.pk


def test_the_admins_officer_page_records_the_full_view_of_name_id_number_and_phone(admin_client, county):
    from yibao.org.models import Officer

    officer = Officer.objects.create(bureau=county, name="张三丰", id_number="410324199001011234",
                                     phone="13800000000")
    response = admin_client.get(f"/admin/org/officer/{officer.pk}/change/")
    assert response.status_code == 200 and "410324199001011234" in response.content.decode()
    event = _last("pii.view")
    assert (event.object_id, event.data["via"]) == (str(officer.pk), "admin")
    assert event.data["fields"] == ["name", "id_number", "phone"]
