"""The calculator page and the provision pages."""

import pytest

from yibao.law.models import ProvisionReview
from yibao.org.models import UserProfile
from yibao.org.services import get_or_create_bureau

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("reviewer", password="x")
    UserProfile.objects.create(user=user, bureau=get_or_create_bureau("某县医疗保障局"), role="legal_reviewer")
    return user


def test_calculator_page_shows_the_fine_range_and_citations(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/law/calculator/", {
        "provisions": "《条例》第40条第1款", "party": "institution", "amount": "10000",
        "benchmark": "national", "act_date": "2024-01-10",
    })
    text = response.content.decode()
    assert response.status_code == 200
    assert "20000.00 元 至 50000.00 元" in text
    assert "《医疗保障基金使用监督管理条例》第四十条第一款" in text
    assert "处骗取金额2倍以上5倍以下的罚款" in text


def test_calculator_page_shows_a_chinese_error_for_an_unknown_law(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/law/calculator/", {
        "provisions": "《医保法》第3条", "party": "institution", "amount": "1", "benchmark": "national",
    }, HTTP_HX_REQUEST="true")
    assert "未找到法规" in response.content.decode()


def test_calculator_form_defaults_to_the_bureaus_benchmark(client, reviewer):
    bureau = reviewer.profile.bureau
    bureau.discretion_benchmark = "shanxi_example"
    bureau.save()
    client.force_login(reviewer)
    text = client.get("/law/calculator/").content.decode()
    assert '<option value="shanxi_example" selected>' in text


def test_provision_page_shows_text_and_encoding_side_by_side(client, reviewer):
    client.force_login(reviewer)
    text = client.get("/law/provisions/mfs-38/").content.decode()
    assert "定点医药机构有下列情形之一的" in text
    assert "拒不改正或者造成严重后果" in text
    assert "6–12 个月" in text


def test_legal_reviewer_confirms_a_provision_on_its_page(client, reviewer):
    client.force_login(reviewer)
    client.post("/law/provisions/mfs-39/", {"note": "已核对"})
    assert ProvisionReview.objects.filter(provision_id="mfs-39", note="已核对").exists()
    assert "已审核" in client.get("/law/provisions/").content.decode()


def test_officer_cannot_confirm_a_provision(client, django_user_model):
    officer = django_user_model.objects.create_user("o", password="x")
    UserProfile.objects.create(user=officer, bureau=get_or_create_bureau("某县医疗保障局"), role="officer")
    client.force_login(officer)
    client.post("/law/provisions/mfs-39/", {"note": "x"})
    assert not ProvisionReview.objects.exists()


def test_unknown_provision_is_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/law/provisions/nope/").status_code == 404
