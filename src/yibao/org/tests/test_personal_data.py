import pytest
from django.template import Context, Template
from django.urls import reverse

from yibao.core.models import AuditEvent
from yibao.org.constants import BureauLevel, Role
from yibao.org.permissions import can_view_personal_data
from yibao.org.services import do_create_bureau


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.OFFICER, False),
        (Role.AUDITOR, False),
        (Role.ANALYST, False),
        (Role.HEAD, True),
        (Role.LEGAL_REVIEWER, True),
        (Role.ADMIN, True),
    ],
)
def test_only_heads_legal_reviewers_and_admins_see_personal_data(make_user, county, role, allowed):
    assert can_view_personal_data(make_user("u", role, county)) is allowed


@pytest.mark.django_db
def test_superusers_see_personal_data_and_users_without_profile_do_not(make_user):
    assert can_view_personal_data(make_user("root", None, is_superuser=True))
    assert not can_view_personal_data(make_user("nobody", None))


@pytest.mark.django_db
def test_a_head_sees_personal_data_of_own_and_lower_bureaus_only(make_user, county):
    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, actor=None)
    county.parent = city
    county.save()
    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, parent=city, actor=None)
    head = make_user("head", Role.HEAD, county)
    assert can_view_personal_data(head, county)
    assert not can_view_personal_data(head, other)
    assert not can_view_personal_data(head, city)
    city_head = make_user("cityhead", Role.HEAD, city)
    assert can_view_personal_data(city_head, county)


@pytest.mark.django_db
def test_officer_page_shows_personal_data_masked(client, make_user, county, officer):
    client.force_login(make_user("head", Role.HEAD, county))
    response = client.get(reverse("org:officer_detail", args=[officer.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "张**" in text and "110101********1234" in text and "138****5678" in text
    assert "张三丰" not in text and "110101199003071234" not in text and "13812345678" not in text
    assert "显示完整信息" in text


@pytest.mark.django_db
def test_show_full_is_refused_to_an_officer_and_nothing_is_revealed(client, make_user, county, officer):
    user = make_user("o", Role.OFFICER, county)
    client.force_login(user)
    page = client.get(reverse("org:officer_detail", args=[officer.pk])).content.decode()
    assert "显示完整信息" not in page

    response = client.post(reverse("org:officer_reveal", args=[officer.pk]))
    text = response.content.decode()
    assert response.status_code == 403
    assert "您无权查看完整个人信息" in text
    assert "张三丰" not in text and "110101199003071234" not in text
    assert not AuditEvent.objects.filter(action="pii.view").exists()
    denied = AuditEvent.objects.get(action="pii.view_denied")
    assert denied.actor == user and denied.object_id == str(officer.pk)


@pytest.mark.django_db
def test_show_full_reveals_to_a_head_and_records_who_viewed_whose_data(client, make_user, county, officer):
    head = make_user("head", Role.HEAD, county)
    client.force_login(head)
    response = client.post(reverse("org:officer_reveal", args=[officer.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "张三丰" in text and "110101199003071234" in text and "13812345678" in text
    assert "no-store" in response["Cache-Control"]

    event = AuditEvent.objects.get(action="pii.view")
    assert event.actor == head
    assert event.object_type == "org.officer" and event.object_id == str(officer.pk)
    assert event.data["viewer"] == "head"
    # The trail cannot be erased, so it must not hold the personal data itself.
    assert "张三丰" not in event.summary + str(event.data)


@pytest.mark.django_db
def test_show_full_over_htmx_returns_only_the_fragment(client, make_user, county, officer):
    client.force_login(make_user("reviewer", Role.LEGAL_REVIEWER, county))
    response = client.post(reverse("org:officer_reveal", args=[officer.pk]), headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="pii">')
    assert "110101199003071234" in text


@pytest.mark.django_db
def test_show_full_refused_over_htmx_keeps_the_data_masked(client, make_user, county, officer):
    client.force_login(make_user("analyst", Role.ANALYST, county))
    response = client.post(reverse("org:officer_reveal", args=[officer.pk]), headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 403
    assert "您无权查看完整个人信息" in text and "110101********1234" in text
    assert "110101199003071234" not in text


@pytest.mark.django_db
def test_show_full_needs_post(client, make_user, county, officer):
    client.force_login(make_user("head", Role.HEAD, county))
    assert client.get(reverse("org:officer_reveal", args=[officer.pk])).status_code == 405


@pytest.mark.django_db
def test_pii_filters_mask_unless_the_user_is_allowed(make_user, county):
    template = Template("{% load pii %}{{ n|pii_name:user }} {{ i|pii_id_number:user }} {{ p|pii_phone:user }} {{ n|pii_name }}")
    values = {"n": "张三丰", "i": "110101199003071234", "p": "13812345678"}
    officer = make_user("o", Role.OFFICER, county)
    head = make_user("h", Role.HEAD, county)
    assert template.render(Context({**values, "user": officer})) == "张** 110101********1234 138****5678 张**"
    assert template.render(Context({**values, "user": head})) == "张三丰 110101199003071234 13812345678 张**"
