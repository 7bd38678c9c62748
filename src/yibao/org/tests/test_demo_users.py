import datetime

import pytest
from django.contrib.auth import authenticate, get_user_model

from yibao.core.models import AuditEvent
from yibao.org.constants import DEMO_PASSWORD
from yibao.org.models import Officer, UserProfile
from yibao.org.services import demo_id_number, ensure_demo_users

USERNAMES = ["officer1", "officer2", "reviewer", "head", "auditor", "analyst", "admin", "security_admin",
             "audit_admin"]


@pytest.mark.django_db
def test_demo_users_one_per_role_with_the_demo_password(county):
    users = ensure_demo_users(county)
    assert [u.username for u in users] == USERNAMES
    roles = dict(UserProfile.objects.values_list("user__username", "role"))
    assert roles == {
        "officer1": "officer",
        "officer2": "officer",
        "reviewer": "legal_reviewer",
        "head": "head",
        "auditor": "auditor",
        "analyst": "analyst",
        "admin": "admin",
        "security_admin": "security_admin",
        "audit_admin": "audit_admin",
    }
    assert authenticate(username="officer1", password=DEMO_PASSWORD) is not None
    # 三权分立: no superuser; the system and the security administrator reach the admin site by role.
    assert not any(u.is_superuser for u in users)
    assert {u.username for u in users if u.is_staff} == {"admin", "security_admin"}


@pytest.mark.django_db
def test_demo_officers_hold_a_certificate_for_a_year_and_posts_by_role(county):
    ensure_demo_users(county)
    officers = {o.user.username: o for o in Officer.objects.select_related("user")}
    assert sorted(officers) == ["head", "officer1", "officer2", "reviewer"]
    for officer in officers.values():
        assert officer.certificate_number
        assert officer.has_valid_certificate(datetime.date.today() + datetime.timedelta(days=360))
        assert len(officer.id_number) == 18
    assert {p.stage for p in officers["officer1"].posts.all()} >= {"file", "investigate", "serve", "enforce"}
    assert [p.name for p in officers["reviewer"].posts.all()] == ["审查岗", "执行岗"]
    assert officers["reviewer"].department.name == "法制审核股"
    assert {p.stage for p in officers["head"].posts.all()} == {"decide", "approve"}
    assert officers["head"].department.name == "基金监管股"  # not a head without a section
    assert len({o.phone for o in officers.values()}) == 4


@pytest.mark.django_db
def test_another_bureau_gets_its_own_staff_under_prefixed_names_and_no_second_admin(county):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau

    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, code="410300", actor=None)
    ensure_demo_users(county)
    staff = ensure_demo_users(city, username_prefix="luoyang.", full_names={"head": "钱文博", "reviewer": "孔令仪"})
    assert [u.username for u in staff] == [f"luoyang.{n}" for n in USERNAMES if n not in ("admin", "security_admin", "audit_admin")]
    assert authenticate(username="luoyang.head", password=DEMO_PASSWORD) is not None
    officers = {o.user.username: o for o in Officer.objects.filter(bureau=city).select_related("user", "department")}
    assert sorted(officers) == ["luoyang.head", "luoyang.officer1", "luoyang.officer2", "luoyang.reviewer"]
    assert officers["luoyang.head"].name == "钱文博" and officers["luoyang.head"].department.name == "基金监管科"
    assert officers["luoyang.reviewer"].department.name == "法制审核科"
    for officer in officers.values():
        assert officer.has_valid_certificate() and officer.certificate_number.startswith("YB410300")
    assert set(UserProfile.objects.filter(bureau=city).values_list("role", flat=True)) == {
        "officer", "legal_reviewer", "head", "auditor", "analyst"}
    numbers = list(Officer.objects.values_list("certificate_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 8


@pytest.mark.django_db
def test_demo_users_are_idempotent(county):
    first = ensure_demo_users(county)
    events = AuditEvent.objects.count()
    second = ensure_demo_users(county)
    assert [u.pk for u in first] == [u.pk for u in second]
    assert UserProfile.objects.count() == len(USERNAMES)
    assert Officer.objects.count() == 4
    assert AuditEvent.objects.count() == events


def test_demo_id_numbers_have_a_valid_check_digit():
    # The worked example of GB 11643.
    assert demo_id_number("110105", datetime.date(1949, 12, 31), 2) == "11010519491231002X"
    assert demo_id_number("110101", datetime.date(1990, 3, 7), 123)[-1] in "0123456789X"


@pytest.mark.django_db
def test_the_demo_audit_administrator_signs_in_and_lands_on_the_audit_log(county, client):
    ensure_demo_users(county)
    response = client.post("/login/", {"username": "audit_admin", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/audit/"
    assert response.status_code == 200 and "审计" in response.content.decode()
    # 三权分立: the audit administrator is no superuser and reaches no business page.
    user = get_user_model().objects.get(username="audit_admin")
    assert not (user.is_staff or user.is_superuser)
    assert client.get("/cases/").status_code == 403


@pytest.mark.django_db
def test_the_demo_security_administrator_lands_on_the_accounts_and_reaches_no_business_page(county, client):
    ensure_demo_users(county)
    response = client.post("/login/", {"username": "security_admin", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/cases/").status_code == 403
    assert client.get("/audit/").status_code == 403
