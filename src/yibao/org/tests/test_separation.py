"""三权分立: the system, the security and the audit administrator each do their own duty and nothing of the
others', enforced by the server whatever a page shows."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from yibao.core.models import AuditEvent
from yibao.org import accounts
from yibao.org.constants import SYSTEM_USERNAME, Role
from yibao.org.models import Officer, UserProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_of(make_user, county):
    def make(username, role):
        user = make_user(username, role, county)
        accounts.sync_staff(user)
        user.refresh_from_db()
        return user

    return make


def test_the_system_administrator_manages_the_organisation_but_not_accounts_or_the_audit_trail(
        client, admin_of, make_user, county):
    admin = admin_of("sys", Role.ADMIN)
    other = make_user("officer1", Role.OFFICER, county)
    assert admin.is_staff and not admin.is_superuser
    client.force_login(admin)
    assert client.get("/admin/org/bureau/").status_code == 200
    assert client.get("/admin/django_q/schedule/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/org/userprofile/").status_code == 403
    assert client.post(f"/admin/auth/user/{other.pk}/password/",
                       {"password1": "Another-pass-2026", "password2": "Another-pass-2026"}).status_code == 403
    assert client.get("/audit/").status_code == 403
    with pytest.raises(PermissionDenied):
        accounts.do_set_role(other, role=Role.HEAD, bureau=county, actor=admin)


def test_the_security_administrator_manages_accounts_and_reaches_no_case_monitoring_or_audit_page(
        client, admin_of):
    security = admin_of("sec", Role.SECURITY_ADMIN)
    client.force_login(security)
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    for path in ("/admin/org/bureau/", "/admin/cases/case/", "/admin/monitoring/finding/",
                 "/admin/monitoring/insuredperson/"):
        assert client.get(path).status_code == 403, path
    for path in ("/cases/", "/monitoring/", "/audit/", "/org/", "/api/v1/cases"):
        assert client.get(path).status_code == 403, path
    assert client.get("/").url == "/admin/"


def test_a_security_administrator_cannot_change_their_own_account_role_or_password(client, admin_of, county):
    security = admin_of("sec", Role.SECURITY_ADMIN)
    client.force_login(security)
    assert client.post(f"/admin/auth/user/{security.pk}/password/",
                       {"password1": "Another-pass-2026", "password2": "Another-pass-2026"}).status_code == 403
    assert client.post(f"/admin/auth/user/{security.pk}/change/", {"username": "sec"}).status_code == 403
    assert client.post(f"/admin/org/userprofile/{security.profile.pk}/change/",
                       {"user": security.pk, "bureau": county.pk, "role": Role.HEAD}).status_code == 403
    for act in (lambda: accounts.do_set_role(security, role=Role.ADMIN, bureau=county, actor=security),
                lambda: accounts.do_reset_password(security, "Another-pass-2026", actor=security),
                lambda: accounts.do_set_active(security, True, actor=security)):
        with pytest.raises(PermissionDenied, match="不能修改自己的账号"):
            act()
    security.refresh_from_db()
    assert security.profile.role == Role.SECURITY_ADMIN and security.check_password("pw")


def _change_form(user, **fields):
    data = {"username": user.username, "first_name": "", "last_name": "", "email": "", "is_active": "on",
            "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "1", "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1", "profile-0-id": user.profile.pk, "profile-0-user": user.pk,
            "profile-0-role": user.profile.role, "profile-0-bureau": user.profile.bureau_id,
            "officer-TOTAL_FORMS": "0", "officer-INITIAL_FORMS": "0", "officer-MIN_NUM_FORMS": "0",
            "officer-MAX_NUM_FORMS": "0"}
    data.update(fields)
    return data


def test_a_security_administrator_gives_a_role_but_cannot_make_anyone_a_superuser(client, admin_of, make_user, county):
    security = admin_of("sec", Role.SECURITY_ADMIN)
    officer = make_user("officer1", Role.OFFICER, county)
    client.force_login(security)
    page = client.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()
    assert "is_superuser" not in page and "user_permissions" not in page and "groups" not in page
    response = client.post(f"/admin/auth/user/{officer.pk}/change/", _change_form(
        officer, is_superuser="on", is_staff="on", **{"profile-0-role": Role.ADMIN}))
    assert response.status_code == 302, response.content.decode()[:3000]
    officer.refresh_from_db()
    assert not officer.is_superuser
    assert officer.profile.role == Role.ADMIN and officer.is_staff  # the admin site by role, not by a tick
    changed = AuditEvent.objects.filter(action="admin.change", actor=security).order_by("-id").first()
    assert changed is not None and changed.data["model"] == "auth.user"


def test_a_security_administrator_cannot_touch_a_superuser(client, admin_of):
    security = admin_of("sec", Role.SECURITY_ADMIN)
    system = get_user_model().objects.create_superuser(SYSTEM_USERNAME, password=None)
    client.force_login(security)
    assert client.post(f"/admin/auth/user/{system.pk}/password/",
                       {"password1": "Another-pass-2026", "password2": "Another-pass-2026"}).status_code == 403
    with pytest.raises(PermissionDenied, match="超级用户"):
        accounts.do_set_active(system, False, actor=security)


def test_account_and_role_changes_are_audited(admin_of, make_user, county):
    security = admin_of("sec", Role.SECURITY_ADMIN)
    user = accounts.do_create_account("newhead", password="Another-pass-2026", role=Role.OFFICER, bureau=county,
                                      actor=security)
    accounts.do_set_role(user, role=Role.HEAD, bureau=county, actor=security)
    accounts.do_set_active(user, False, actor=security)
    accounts.do_reset_password(user, "Third-pass-2026!", actor=security)
    actions = list(AuditEvent.objects.filter(actor=security, object_id=str(user.pk)).order_by("id")
                   .values_list("action", flat=True))
    assert actions[:1] == ["user.create"]
    assert {"user.role_change", "user.disable", "user.password_reset"} <= set(actions)
    change = AuditEvent.objects.get(action="user.role_change")
    assert change.data["before"]["role"] == Role.OFFICER and change.data["role"] == Role.HEAD
    assert not get_user_model().objects.get(pk=user.pk).is_superuser


def test_the_security_administrator_sets_posts_resets_the_second_factor_and_unlocks(admin_of, make_user, county):
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    security = admin_of("sec", Role.SECURITY_ADMIN)
    user = make_user("officer1", Role.OFFICER, county)
    officer = Officer.objects.create(bureau=county, name="张三丰", user=user)
    post = county.departments.get(name="基金监管股").posts.get(name="立案岗")
    accounts.do_set_posts(user, [post], actor=security)
    assert list(officer.posts.all()) == [post]
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert accounts.do_reset_second_factor(user, actor=security) == 1
    assert not TOTPDevice.objects.filter(user=user).exists()
    AccessAttempt.objects.create(username="officer1", ip_address="10.0.0.1", failures_since_start=5,
                                 get_data="", post_data="", http_accept="", path_info="/login/", user_agent="")
    assert accounts.do_unlock("officer1", actor=security) == 1
    assert {"user.posts_change", "user.2fa_reset", "user.unlock"} <= set(
        AuditEvent.objects.filter(actor=security).values_list("action", flat=True))


def test_an_officer_or_head_cannot_manage_accounts(make_user, county):
    head = make_user("head", Role.HEAD, county)
    officer = make_user("officer1", Role.OFFICER, county)
    with pytest.raises(PermissionDenied, match="安全管理员"):
        accounts.do_set_role(officer, role=Role.HEAD, bureau=county, actor=head)


def test_groups_and_per_user_permissions_grant_nothing(make_user, county):
    auditor = make_user("audit", Role.AUDIT_ADMIN, county)
    auditor.user_permissions.add(Permission.objects.get(codename="change_user"))
    auditor = get_user_model().objects.get(pk=auditor.pk)
    assert not auditor.has_perm("auth.change_user")
    security = make_user("sec", Role.SECURITY_ADMIN, county)
    assert security.has_perm("auth.change_user") and not security.has_perm("org.change_bureau")


def test_the_role_table_gives_each_administrator_their_own_models_only():
    from yibao.org.constants import ADMIN_SITE_DUTIES

    assert set(ADMIN_SITE_DUTIES) == {Role.ADMIN, Role.SECURITY_ADMIN}
    assert not ADMIN_SITE_DUTIES[Role.ADMIN] & ADMIN_SITE_DUTIES[Role.SECURITY_ADMIN]
    assert not any(duty.startswith(("core.", "cases.", "monitoring.")) for duties in ADMIN_SITE_DUTIES.values()
                   for duty in duties)


def test_the_migration_takes_superuser_rights_from_the_system_administrator(make_user, county):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    admin = make_user("admin", Role.ADMIN, county, is_superuser=True, is_staff=True)
    officer = make_user("officer1", Role.OFFICER, county, is_staff=True)
    root = get_user_model().objects.create_superuser("root", password=None)
    migration = import_module("yibao.org.migrations.0005_roles_security_admin")
    migration.separate(apps, connection.schema_editor())
    admin.refresh_from_db(), officer.refresh_from_db(), root.refresh_from_db()
    assert (admin.is_superuser, admin.is_staff) == (False, True)
    assert not officer.is_staff
    assert root.is_superuser  # no profile: left for serve --production to name


def test_yibao_account_create_makes_the_first_security_administrator(county, monkeypatch):
    from typer.testing import CliRunner

    from yibao.cli import app

    monkeypatch.setattr("yibao.core.cli_support.django_setup", lambda: None)
    monkeypatch.setattr("yibao.org.cli.django_setup", lambda: None)
    result = CliRunner().invoke(app, ["account", "create", "sec1", "--role", "security_admin",
                                      "--bureau", county.name, "--password", "Another-pass-2026"])
    assert result.exit_code == 0, result.output
    user = get_user_model().objects.get(username="sec1")
    assert user.profile.role == Role.SECURITY_ADMIN and user.is_staff and not user.is_superuser
    weak = CliRunner().invoke(app, ["account", "create", "sec2", "--role", "security_admin",
                                    "--bureau", county.name, "--password", "12345678"])
    assert weak.exit_code == 1 and "密码不符合要求" in weak.output
    assert not UserProfile.objects.filter(user__username="sec2").exists()
