"""The calculator page: outcomes, named bases, measures on other persons, refusals in Chinese."""

import re

import pytest

from yibao.org.models import UserProfile
from yibao.org.services import get_or_create_bureau

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client, django_user_model):
    user = django_user_model.objects.create_user("calc-reviewer", password="x")
    UserProfile.objects.create(user=user, bureau=get_or_create_bureau("某县医疗保障局"), role="legal_reviewer")
    client.force_login(user)
    return client


def _post(client, **data) -> str:
    form = {"party": "institution", "benchmark": "national", "act_date": "2024-01-10", **data}
    response = client.post("/law/calculator/", form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str, element_id: str) -> str:
    """The text of the element with that id (a section, a table or a dd)."""
    tag = re.search(rf'<(\w+)[^>]*id="{element_id}"', html)
    assert tag, element_id
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</{tag.group(1)}>', html, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_a_discretionary_no_penalty_shows_the_penalty_outcome_and_the_no_penalty_outcome(reviewer_client):
    html = _post(reviewer_client, provisions="《条例》第40条第1款", amount="1000",
                 circumstances=["first_offence", "minor_harm", "promptly_corrected"])
    assert 'data-applies="discretionary"' in html
    assert "可以不予处罚" in _text(html, "no-penalty")
    penalty, unpunished = _text(html, "outcome-penalty"), _text(html, "outcome-no_penalty")
    assert "2000.00 元 至 5000.00 元" in penalty
    assert "不予罚款" in unpunished and "2000.00 元 至 5000.00 元" not in unpunished
    assert "责令退回" in unpunished


def test_a_mandatory_no_penalty_proposes_no_fine_but_keeps_the_refund(reviewer_client):
    html = _post(reviewer_client, provisions="《条例》第40条第1款", amount="1000", circumstances=["no_fault"])
    assert 'data-applies="mandatory"' in html
    assert "应当不予处罚" in _text(html, "no-penalty")
    assert "outcome-penalty" not in html
    assert _text(html, "fine-range").strip() == "不予罚款"
    assert "责令退回" in _text(html, "outcome-no_penalty")
    assert "not-imposed" in html


def test_no_penalty_circumstance_reads_as_not_applicable(reviewer_client):
    html = _post(reviewer_client, provisions="《条例》第40条第1款", amount="1000")
    assert 'data-applies="none"' in html
    assert "不适用" in _text(html, "no-penalty")
    assert "不具备不予处罚的法定情形" not in html


def test_named_bases_are_entered_one_by_one(reviewer_client):
    html = _post(reviewer_client, party="agency", provisions="《条例》第44条", circumstances=["illegal_gains"],
                 base_misappropriated_amount="20000", base_illegal_gains="1500")
    assert "没收违法所得" in html and "1500.00" in html and "20000.00" in html


def test_one_amount_for_a_provision_with_two_bases_is_refused_naming_them(reviewer_client):
    html = _post(reviewer_client, party="agency", provisions="《条例》第44条", circumstances=["illegal_gains"],
                 amount="20000")
    assert 'role="alert"' in html
    assert "侵占、挪用金额" in html and "违法所得" in html and "不能以一个金额" in html


def test_measures_on_the_legal_representative_are_listed_apart_for_the_institution(reviewer_client):
    html = _post(reviewer_client, provisions="《条例》第43条", circumstances=["serious_consequence"])
    other = _text(html, "other-party-measures")
    assert "法定代表人或者主要负责人" in other and "禁止从事定点医药机构管理活动" in other
    assert "另行决定" in other


def test_contradictory_circumstances_are_refused_with_a_chinese_message(reviewer_client):
    html = _post(reviewer_client, provisions="《条例》第38条第1款", amount="8000",
                 circumstances=["loss_caused", "no_harm"])
    assert "情节互相矛盾" in html and "造成医疗保障基金损失本身就是危害后果" in html


def test_the_full_page_offers_each_named_base_and_keeps_entered_ones_open(reviewer_client):
    html = reviewer_client.get("/law/calculator/").content.decode()
    assert 'name="base_illegal_gains"' in html and 'name="base_misappropriated_amount"' in html
    assert '<details class="field bases">' in html
    html = reviewer_client.post("/law/calculator/", {
        "party": "agency", "benchmark": "national", "provisions": "《条例》第44条", "base_illegal_gains": "1500",
        "base_misappropriated_amount": "20000", "circumstances": ["illegal_gains"],
    }).content.decode()
    assert '<details class="field bases" open>' in html
