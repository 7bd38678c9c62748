"""The login page as a person meets it, in headless Chromium, plus the health check."""

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "zhifa-Passw0rd"


@pytest.fixture
def inspector(django_user_model):
    return django_user_model.objects.create_user(username="zhangsan", password=PASSWORD)


def submit_login_form(page, username: str, password: str) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.e2e
def test_an_anonymous_visitor_is_sent_to_a_login_page_in_chinese(page, live_server):
    page.goto(f"{live_server.url}/")

    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    expect(page).to_have_title(re.compile("登录"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()
    expect(page.get_by_role("button", name="登录")).to_be_visible()


@pytest.mark.e2e
def test_a_wrong_password_shows_a_chinese_error_and_stays_on_the_login_page(page, live_server, inspector):
    page.goto(f"{live_server.url}/login/")

    submit_login_form(page, "zhangsan", "not-the-password")

    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/"))


@pytest.mark.e2e
def test_the_right_password_lands_on_the_home_page_showing_the_workbench(page, live_server, inspector):
    page.goto(f"{live_server.url}/")

    submit_login_form(page, "zhangsan", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_text("zhangsan")).to_be_visible()


@pytest.mark.e2e
def test_the_logged_in_page_fixture_starts_on_the_home_page(logged_in_page, live_server):
    expect(logged_in_page).to_have_url(f"{live_server.url}/")
    expect(logged_in_page.get_by_role("heading", name="工作台")).to_be_visible()


def test_the_health_check_answers_ok_without_logging_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
