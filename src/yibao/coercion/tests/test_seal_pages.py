"""The seal pages: the list with its form, a seal's page with the acts the user may take, the case page's section."""

import pytest
from django.urls import reverse

from yibao.coercion import services as cs
from yibao.coercion.models import Seal
from yibao.coercion.procedure import SealStatus

pytestmark = pytest.mark.django_db


def test_an_officer_proposes_a_seal_on_the_list_page_and_the_head_approves_it_on_its_page(client, staff, case):
    client.force_login(staff.officer1)
    page = client.get(reverse("coercion:seal_list"))
    assert page.status_code == 200 and "报请封存" in page.content.decode()
    answer = client.post(reverse("coercion:seal_create"), {
        "case": case.pk, "party_name": "栾川县康宁诊所", "items": "门诊处方 3 册\n出入库记录 1 册",
        "place": "药房", "reason": "可能被销毁", "days": "20",
        "officers": [staff.officer1.officer.pk, staff.officer2.officer.pk]})
    seal = Seal.objects.get()
    assert answer.status_code == 302 and answer.url == seal.get_absolute_url()
    assert seal.items == ["门诊处方 3 册", "出入库记录 1 册"] and seal.case == case
    page = client.get(seal.get_absolute_url()).content.decode()
    assert 'data-action="approve"' not in page  # an officer is offered no approval
    client.force_login(staff.head)
    page = client.get(seal.get_absolute_url()).content.decode()
    assert 'data-action="approve"' in page
    client.post(reverse("coercion:seal_act", args=[seal.pk, "approve"]), {"version": seal.version, "approved": "1"})
    seal.refresh_from_db()
    assert seal.status == SealStatus.APPROVED and seal.ends_on is not None
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="case-seals"' in case_page and seal.number in case_page


def test_a_refused_act_shows_its_chinese_message_code_and_article(client, staff, county, seal_input):
    seal = cs.do_propose_seal(county, actor=staff.officer1, **seal_input())
    seal = cs.do_approve_seal(seal, actor=staff.head, expected_version=seal.version, approved=True)
    client.force_login(staff.officer1)
    answer = client.post(reverse("coercion:seal_act", args=[seal.pk, "execute"]),
                         {"version": seal.version, "site_record": "已贴封条"})
    body = answer.content.decode()
    assert answer.status_code == 400 and "wrong_post" in body and "法制审核股" in body


def test_a_thirty_one_day_seal_is_refused_on_the_form(client, staff):
    client.force_login(staff.officer1)
    answer = client.post(reverse("coercion:seal_create"), {
        "party_name": "某诊所", "items": "处方", "place": "药房", "reason": "可能被销毁", "days": "31",
        "officers": [staff.officer1.officer.pk, staff.officer2.officer.pk]})
    assert answer.status_code == 400 and "seal_period_too_long" in answer.content.decode()
    assert not Seal.objects.exists()
