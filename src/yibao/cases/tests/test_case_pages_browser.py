"""The first steps of a case in headless Chromium: an officer proposes a filing from a lead, the head
approves it, the officer starts the investigation."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

import yibao
from yibao.cases.models import Case, Lead
from yibao.conftest import login
from yibao.org.constants import BureauLevel
from yibao.org.services import do_create_bureau, ensure_demo_users


@pytest.fixture(autouse=True)
def static_files_found(settings):
    static_dir = Path(yibao.__file__).resolve().parent / "static"
    if static_dir not in [Path(d) for d in settings.STATICFILES_DIRS]:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]


@pytest.mark.e2e
def test_an_officer_proposes_a_filing_the_head_approves_it_and_the_officer_starts_investigating(page, live_server):
    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    ensure_demo_users(county)
    today = dt.date.today()
    lead = Lead.objects.create(bureau=county, number="XS410324202600007", source="complaint",
                               party_type="institution", party_name="栾川县康宁诊所", summary="举报：串换药品",
                               received_date=today)

    login(page, live_server, "officer1", "yibao-demo")
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="从线索立案").click()
    page.select_option("#id_lead", str(lead.pk))
    page.fill("#id_title", "栾川县康宁诊所串换药品案")
    page.fill("#id_party_name", "栾川县康宁诊所")
    page.select_option("#id_party_type", "institution")
    page.get_by_label("张建国（YB4103240001）").check()
    page.get_by_label("李卫东（YB4103240002）").check()
    page.fill("#id_act_end_on", (today - dt.timedelta(days=100)).isoformat())
    page.get_by_role("button", name="提交立案").click()
    expect(page.locator("#case-state")).to_have_text("待批准立案")
    expect(page.locator("#no-actions")).to_be_visible()
    case = Case.objects.get(lead=lead)

    page.context.clear_cookies()
    login(page, live_server, "head", "yibao-demo")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.locator('form[data-action="approve_filing"] button').click()
    expect(page.locator("#case-state")).to_have_text("已立案")
    case.refresh_from_db()
    expect(page.locator("h1")).to_contain_text(case.number)
    expect(page.locator("#case-deadlines")).to_contain_text("办案期限")
    expect(page.locator("#case-deadlines")).to_contain_text("第六十条")

    page.context.clear_cookies()
    login(page, live_server, "officer1", "yibao-demo")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("button", name="开始调查").click()
    expect(page.locator("#case-state")).to_have_text("调查中")
    expect(page.locator("#case-timeline")).to_contain_text("批准立案")
    expect(page.locator('form[data-action="finish_investigation"]')).to_be_visible()
