import pytest
from django.urls import reverse

from yibao.org.constants import BureauLevel, Role
from yibao.org.services import do_create_bureau


@pytest.mark.django_db
def test_bureau_list_shows_bureaus_as_a_tree_with_their_level(client, make_user):
    province = do_create_bureau("河南省医疗保障局", level=BureauLevel.PROVINCE, code="410000", actor=None)
    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, code="410300", parent=province, actor=None)
    do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", parent=city, actor=None)
    client.force_login(make_user("o", Role.OFFICER, city))
    response = client.get("/org/")
    text = response.content.decode()
    assert response.status_code == 200
    assert reverse("org:bureau_list") == "/org/"
    assert text.index("河南省医疗保障局") < text.index("洛阳市医疗保障局") < text.index("栾川县医疗保障局")
    assert "省级" in text and "市级" in text and "县级" in text


@pytest.mark.django_db
def test_bureau_page_lists_sections_with_their_posts(client, make_user, county):
    client.force_login(make_user("o", Role.OFFICER, county))
    text = client.get(reverse("org:bureau_detail", args=[county.pk])).content.decode()
    assert "基金监管股" in text and "法制审核股" in text and "批准决定岗" in text


@pytest.mark.django_db
def test_org_pages_need_a_login(client, county):
    response = client.get(reverse("org:bureau_detail", args=[county.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
