"""The officer page in headless Chromium: show full personal data through HTMX."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

import yibao
from yibao.conftest import login
from yibao.core.models import AuditEvent
from yibao.org.constants import DEMO_PASSWORD, BureauLevel
from yibao.org.models import Officer
from yibao.org.services import do_create_bureau, ensure_demo_users


@pytest.fixture(autouse=True)
def static_files_found(settings):
    """Serve src/yibao/static (htmx) in the live server even where settings do not list it yet."""
    static_dir = Path(yibao.__file__).resolve().parent / "static"
    if static_dir not in [Path(d) for d in settings.STATICFILES_DIRS]:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]


@pytest.mark.e2e
def test_a_head_reveals_an_officers_personal_data_in_place_and_it_is_audited(page, live_server):
    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    ensure_demo_users(county)
    officer = Officer.objects.get(user__username="officer1")

    login(page, live_server, "head", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/org/officer/{officer.pk}/")
    expect(page.locator("#pii")).to_contain_text("张**")
    expect(page.locator("#pii")).not_to_contain_text("张建国")

    page.get_by_role("button", name="显示完整信息").click()

    expect(page.locator("#pii")).to_contain_text("张建国")
    expect(page.locator("#pii")).to_contain_text(officer.id_number)
    assert page.url.endswith(f"/org/officer/{officer.pk}/")  # swapped in place, no navigation
    assert AuditEvent.objects.filter(action="pii.view", object_id=str(officer.pk)).count() == 1


@pytest.mark.e2e
def test_an_officer_sees_no_show_full_button(page, live_server):
    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    ensure_demo_users(county)
    officer = Officer.objects.get(user__username="officer2")

    login(page, live_server, "officer1", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/org/officer/{officer.pk}/")
    expect(page.locator("#pii")).to_contain_text("李**")
    expect(page.get_by_role("button", name="显示完整信息")).to_have_count(0)
    expect(page.locator("#pii")).to_contain_text("仅负责人、法制审核人员和系统管理员可查看完整信息")
