"""In a real browser the server's Chinese messages are what the user sees, not the browser's own."""

import pytest
from playwright.sync_api import expect


@pytest.mark.e2e
def test_an_over_long_user_name_is_refused_by_the_server_in_chinese_naming_the_field(page, live_server):
    page.goto(f"{live_server.url}/login/")

    page.get_by_label("用户名").fill("u" * 200)
    page.get_by_label("密码").fill("whatever")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_text("“用户名”不能超过 150 个字符（当前 200 个）。")).to_be_visible()


@pytest.mark.e2e
def test_an_empty_form_reaches_the_server_instead_of_an_english_browser_tooltip(browser, live_server):
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        assert page.locator("form").first.get_attribute("novalidate") is not None

        page.get_by_role("button", name="登录").click()

        expect(page.get_by_text("请填写“用户名”。")).to_be_visible()
        expect(page.get_by_text("请填写“密码”。")).to_be_visible()
    finally:
        context.close()
