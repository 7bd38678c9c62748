"""登记线索: a lead from a complaint, an assignment, a referral, an inspection…, registered by hand on the lead pages."""

import datetime as dt
import importlib
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from yibao.cases.constants import LEAD_REGISTER_ROLES, LeadSource, LeadStatus, PartyType
from yibao.cases.lead_forms import provision_choices
from yibao.cases.models import Lead
from yibao.conftest import login
from yibao.core.models import AuditEvent
from yibao.law.calculator import AssessmentError, resolve_provisions
from yibao.law.provisions import load_library
from yibao.org.constants import BureauLevel, Role
from yibao.org.models import UserProfile
from yibao.org.permissions import role_refusal_message
from yibao.org.services import do_create_bureau

OVERCHARGING = "《医疗保障基金使用监督管理条例》第三十八条第（三）项"
PASSWORD = "lead-Passw0rd"


def text(response) -> str:
    return response.content.decode("utf-8")


def valid_data(county, **changes) -> dict:
    data = {
        "bureau": county.pk, "source": LeadSource.COMPLAINT, "party_type": PartyType.INSTITUTION,
        "party_code": "H009", "party_name": "栾川县某诊所", "summary": "群众举报某诊所对同一检查项目重复收费",
        "suspected_loss": "5000.00", "provisions": [OVERCHARGING], "received_date": "2025-03-10",
        "evidence_notes": "举报信一份，收费票据复印件三张",
    }
    return data | changes


@pytest.fixture
def officer(make_user, county):
    return make_user("officer1", Role.OFFICER, county, first_name="李强")


def test_every_provision_offered_is_a_citation_the_calculator_resolves():
    values = [value for _, options in provision_choices() for value, _ in options]
    assert OVERCHARGING in values and len(values) == len(set(values))
    library = load_library()
    for value in values:
        try:
            assert resolve_provisions(value, library), value
        except AssessmentError as e:
            pytest.fail(f"{value}: {e}")
    assert provision_choices()[0][0] == "《医疗保障基金使用监督管理条例》"


def test_the_lead_list_offers_the_button_and_the_form_renders_with_today_as_received_date(client, officer):
    client.force_login(officer)
    listing = text(client.get(reverse("cases:lead_list")))
    assert f'href="{reverse("cases:lead_create")}"' in listing and "登记线索" in listing
    page = text(client.get(reverse("cases:lead_create")))
    for label in ("线索来源", "当事人类型", "当事人编号", "当事人名称", "线索摘要", "涉嫌基金损失（元）", "适用条款", "接收日期",
                  "证据说明"):
        assert label in page, label
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
    assert f'<option value="{OVERCHARGING}">' in page and "重复收费、超标准收费、分解项目收费" in page
    assert 'value="monitoring"' not in page  # monitoring leads come from findings only


def test_a_valid_registration_creates_the_lead_with_its_fine_range_and_audit_event(client, officer, county):
    client.force_login(officer)
    response = client.post(reverse("cases:lead_create"), valid_data(county), follow=True)
    lead = Lead.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:lead_detail", args=[lead.pk])
    assert (lead.bureau, lead.source, lead.party_type) == (county, LeadSource.COMPLAINT, PartyType.INSTITUTION)
    assert (lead.party_code, lead.party_name) == ("H009", "栾川县某诊所")
    assert lead.suspected_loss == Decimal("5000.00") and lead.provisions == [OVERCHARGING]
    assert (lead.fine_min, lead.fine_max) == (Decimal("5000.00"), Decimal("10000.00"))  # 1 to 2 times the loss
    assert lead.received_date == dt.date(2025, 3, 10) and lead.status == LeadStatus.RECEIVED
    assert lead.evidence == {"notes": "举报信一份，收费票据复印件三张"} and lead.created_by == officer
    assert lead.number.startswith("XS4103242025")
    page = text(response)
    assert f"已登记线索 {lead.number}。" in page and f"线索 {lead.number}" in page
    assert "5000.00 元至 10000.00 元" in page and "举报投诉" in page
    event = AuditEvent.objects.get(action="lead.create", object_id=str(lead.pk))
    assert event.actor == officer and event.data["source"] == LeadSource.COMPLAINT


def test_a_registration_without_provisions_says_no_fine_range_was_calculated(client, officer, county):
    client.force_login(officer)
    client.post(reverse("cases:lead_create"), valid_data(county, provisions=[], source=LeadSource.ASSIGNMENT))
    lead = Lead.objects.get()
    assert lead.fine_min is None and lead.fine_note == "未指定适用条款，未计算罚款幅度。"
    assert lead.get_source_display() == "上级交办"


def test_the_form_offers_every_incoming_source_of_article_16_each_under_its_own_name(client, officer):
    client.force_login(officer)
    page = text(client.get(reverse("cases:lead_create")))
    offered = re.findall(r'<option value="([a-z_]+)"', page[page.index('id="id_source"'):page.index("</select>",
                                                                                                  page.index('id="id_source"'))])
    assert offered == ["risk_assessment", "complaint", "assignment", "media", "agency_referral",
                       "department_referral", "inspection", "other"]
    # 移送 stays the outgoing transfer of the glossary: no incoming source is called that.
    assert "transfer" not in LeadSource.values
    assert LeadSource.ASSIGNMENT.label == "上级交办" and LeadSource.DEPARTMENT_REFERRAL.label == "其他部门移送"


def test_the_lead_list_filters_by_each_new_source(client, officer, county):
    client.force_login(officer)
    client.post(reverse("cases:lead_create"), valid_data(county, source=LeadSource.MEDIA, party_code="H001"))
    client.post(reverse("cases:lead_create"), valid_data(county, source=LeadSource.AGENCY_REFERRAL,
                                                              party_code="H002"))
    page = text(client.get(reverse("cases:lead_list"), {"source": LeadSource.MEDIA}))
    assert "H001" in page and "H002" not in page
    assert '<td class="nowrap">新闻媒体曝光</td>' in page
    event = AuditEvent.objects.filter(action="lead.create").order_by("pk").last()
    assert "（经办机构移送）" in event.summary


def test_old_report_and_transfer_leads_become_complaints_and_department_referrals(officer, county):
    migration = importlib.import_module("yibao.monitoring.migrations.0003_lead_sources_of_article_16")
    base = {"bureau": county, "party_type": PartyType.INSTITUTION, "summary": "旧线索", "received_date": dt.date(2025, 1, 2)}
    Lead.objects.bulk_create([Lead(number="XS1", source="report", **base), Lead(number="XS2", source="transfer", **base),
                              Lead(number="XS3", source="monitoring", **base)])
    # The migration sees the models as they were then: Lead still monitoring's (its table is the same).
    then = MigrationLoader(connection).project_state(("monitoring", "0003_lead_sources_of_article_16")).apps
    migration.rename_sources(migration.FORWARD)(then, None)
    assert dict(Lead.objects.values_list("number", "source")) == {
        "XS1": "complaint", "XS2": "department_referral", "XS3": "monitoring"}
    migration.rename_sources(migration.BACKWARD)(then, None)
    assert dict(Lead.objects.values_list("number", "source")) == {"XS1": "report", "XS2": "transfer", "XS3": "monitoring"}


def test_an_invalid_registration_shows_chinese_errors_and_creates_nothing(client, officer, county):
    client.force_login(officer)
    response = client.post(reverse("cases:lead_create"), valid_data(
        county, source="", party_name=" ", summary="", suspected_loss="-1", provisions=["《某法》第一条"],
        received_date=f"{timezone.localdate() + dt.timedelta(days=1):%Y-%m-%d}"))
    page = text(response)
    assert response.status_code == 200
    for message in ("请选择线索来源。", "请填写当事人名称。", "请填写线索摘要。", "涉嫌基金损失不能为负数。",
                    "“适用条款”中没有这一条，请从已编码的条款中选择。", "接收日期不能晚于今天。"):
        assert message in page, message
    response = client.post(reverse("cases:lead_create"), valid_data(
        county, suspected_loss="12.345", received_date="2025-13-01"))
    assert "金额最多保留两位小数（到分）。" in text(response)
    assert "“接收日期”不是有效的日期，请按 年-月-日 填写" in text(response)
    assert not Lead.objects.exists() and not AuditEvent.objects.filter(action="lead.create").exists()


def test_a_long_invalid_input_is_refused_naming_its_field_without_being_quoted_back_in_full(client, officer, county):
    client.force_login(officer)
    pasted = "某医院重复收费" * 300
    response = client.post(reverse("cases:lead_create"), valid_data(
        county, party_code="H" * 300, party_name=pasted, provisions=[pasted]))
    page = text(response)
    assert "“当事人编号”不能超过 64 个字符（当前 300 个）。" in page
    assert "“当事人名称”不能超过 200 个字符（当前 2100 个）。" in page
    assert "“适用条款”中没有这一条" in page
    # The field may keep what was typed; no message repeats it.
    errors = "".join(re.findall(r'<div class="error">(.*?)</div>', page))
    assert errors and pasted[:100] not in errors and "H" * 100 not in errors
    assert not Lead.objects.exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.HEAD, Role.LEGAL_REVIEWER])
def test_analysts_heads_and_legal_reviewers_may_register_leads(client, make_user, county, role):
    client.force_login(make_user(f"u-{role}", role, county))
    response = client.post(reverse("cases:lead_create"), valid_data(county))
    assert response.status_code == 302 and Lead.objects.count() == 1


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_roles_without_the_permission_see_no_button_and_are_forbidden(client, make_user, county, role):
    client.force_login(make_user(f"u-{role}", role, county))
    assert "登记线索" not in text(client.get(reverse("cases:lead_list")))
    response = client.get(reverse("cases:lead_create"))
    assert response.status_code == 403 and role_refusal_message("登记线索", LEAD_REGISTER_ROLES) in text(response)
    assert "只有执法人员、法制审核人员、负责人、数据分析人员可以登记线索" in text(response)
    response = client.post(reverse("cases:lead_create"), valid_data(county))
    assert response.status_code == 403 and not Lead.objects.exists()


def test_a_lead_may_not_be_registered_for_a_bureau_the_user_does_not_see(client, officer, county):
    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    client.force_login(officer)
    response = client.post(reverse("cases:lead_create"), valid_data(county, bureau=other.pk))
    assert "请选择可登记线索的单位。" in text(response)
    assert not Lead.objects.exists()


@pytest.mark.e2e
def test_an_officer_registers_a_reported_lead_in_the_browser_and_sees_its_number(page, live_server,
                                                                                transactional_db):
    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    user = get_user_model().objects.create_user(username="officer1", password=PASSWORD, first_name="李强")
    UserProfile.objects.create(user=user, bureau=county, role=Role.OFFICER)
    login(page, live_server, "officer1", PASSWORD)
    page.goto(f"{live_server.url}{reverse('cases:lead_list')}")
    page.get_by_role("link", name="登记线索").click()
    expect(page.get_by_role("heading", name="登记线索")).to_be_visible()
    page.select_option("#id_source", LeadSource.COMPLAINT.value)
    page.select_option("#id_party_type", PartyType.INSTITUTION.value)
    page.fill("#id_party_code", "H009")
    page.fill("#id_party_name", "栾川县某诊所")
    page.fill("#id_summary", "群众举报某诊所对同一检查项目重复收费")
    page.fill("#id_suspected_loss", "5000")
    page.select_option("#id_provisions", [OVERCHARGING])
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("heading", name=re.compile(r"^线索 XS410324\d{9}$"))).to_be_visible()
    lead = Lead.objects.get()
    expect(page.get_by_role("heading", name=f"线索 {lead.number}")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(f"已登记线索 {lead.number}。")
    expect(page.locator("#lead-fine")).to_contain_text("5000.00 元至 10000.00 元")
    assert lead.received_date == timezone.localdate() and lead.created_by == user


def test_a_provision_that_does_not_punish_the_party_type_is_refused_with_the_reason(client, officer, county):
    client.force_login(officer)
    # 第三十八条 punishes designated institutions, not insured persons (their conduct is 第四十一条).
    response = client.post(reverse("cases:lead_create"), valid_data(county, party_type=PartyType.INSURED_PERSON))
    assert response.status_code == 200
    assert "以下条款不处罚“参保人员”" in text(response) and OVERCHARGING in text(response)
    assert not Lead.objects.exists()
    insured = "《医疗保障基金使用监督管理条例》第四十一条第一款第（一）项"
    client.post(reverse("cases:lead_create"),
                valid_data(county, party_type=PartyType.INSURED_PERSON, provisions=[insured]))
    assert Lead.objects.get().provisions == [insured]
