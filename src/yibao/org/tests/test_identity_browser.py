"""The sign-in forms in a browser: password, then the TOTP token where the second factor is on."""

import pytest
from playwright.sync_api import expect

from yibao.conftest import login
from yibao.org.constants import DEMO_PASSWORD, BureauLevel
from yibao.org.services import do_create_bureau, ensure_demo_users


@pytest.mark.e2e
def test_a_head_signs_in_with_password_and_totp_token_through_the_real_forms(page, live_server, settings):
    settings.YIBAO_REQUIRE_2FA = True
    ensure_demo_users(do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None))
    login(page, live_server, "head", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/org/")
    expect(page.get_by_role("heading", name="组织机构")).to_be_visible()


@pytest.mark.e2e
def test_a_head_without_the_token_sees_the_verify_step_not_the_page(page, live_server, settings):
    settings.YIBAO_REQUIRE_2FA = True
    ensure_demo_users(do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "head")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/org/")
    expect(page.get_by_role("heading", name="设置动态口令")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
