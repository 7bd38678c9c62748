"""期限计算 in Chromium: an English-locale browser still shows and takes dates as 年-月-日."""

import re

import pytest
from playwright.sync_api import expect

from yibao.conftest import E2E_PASSWORD, E2E_USERNAME, login
from yibao.deadlines.services import seed_from_chinesecalendar


@pytest.fixture
def english_page(browser, live_server, django_user_model):
    """A browser whose language is en-US (headless Chromium's default), logged in."""
    # A browser test's database is emptied after each such test, the calendar the migration seeded
    # with it: put back the years these tests count in (nothing is written when they are there).
    seed_from_chinesecalendar([2025, 2026])
    django_user_model.objects.create_user(username=E2E_USERNAME, password=E2E_PASSWORD)
    context = browser.new_context(locale="en-US", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, live_server, E2E_USERNAME, E2E_PASSWORD)
    yield page
    context.close()


@pytest.mark.e2e
def test_an_english_browser_enters_a_date_as_year_month_day_and_reads_the_due_date_with_reasons(
        english_page, live_server):
    page = english_page
    page.get_by_role("link", name="期限计算").click()
    expect(page.get_by_role("heading", name="期限计算")).to_be_visible()

    start = page.get_by_label("起算日")
    assert start.get_attribute("type") == "text"
    expect(start).to_have_attribute("placeholder", "年-月-日，如 2025-09-30")
    start.fill("2025-09-30")
    page.get_by_label("期限天数").fill("5")
    page.get_by_label("工作日（不含法定节假日和休息日）").check()
    page.get_by_role("button", name="计算").click()

    result = page.locator("#deadline-result")
    expect(result).to_contain_text("期限届满日：2025年10月14日（星期二，工作日）")
    expect(result).to_contain_text("2025年10月1日至10月5日（国庆节假期，5天）")
    expect(page).to_have_url(re.compile(r"/deadlines/\?start=2025-09-30&"))
    expect(start).to_have_value("2025-09-30")  # the form stays as typed: only the result was swapped


@pytest.mark.e2e
def test_a_date_typed_the_american_way_gets_the_server_s_chinese_message(english_page, live_server):
    page = english_page
    page.goto(f"{live_server.url}/deadlines/")
    page.get_by_label("起算日").fill("09/30/2025")
    page.get_by_label("期限天数").fill("5")
    page.get_by_role("button", name="计算").click()

    expect(page.locator("#deadline-result")).to_contain_text("“起算日”不是有效的日期，请按 年-月-日 填写，如 2025-09-30。")
