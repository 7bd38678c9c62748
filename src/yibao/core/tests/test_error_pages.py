"""With DEBUG off (as the demo and production run), errors are Chinese pages that reveal nothing."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, override_settings
from django.urls import path

from yibao.urls import urlpatterns as project_urls


def _refused(request):
    raise PermissionDenied


def _bad(request):
    raise SuspiciousOperation("forged header")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [*project_urls, path("test-403", _refused), path("test-400", _bad), path("test-500", _broken)]


@pytest.fixture
def officer_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="zhangsan", password="pw"))
    return client


def test_a_missing_page_is_a_chinese_page_listing_no_urls(officer_client, settings):
    settings.DEBUG = False
    response = officer_client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "返回首页" in body
    assert "URLconf" not in body and "admin/" not in body and "Page not found" not in body


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_refused_page_is_a_chinese_403(officer_client):
    response = officer_client.get("/test-403")
    assert response.status_code == 403 and "没有权限" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_bad_request_is_a_chinese_400(officer_client):
    response = officer_client.get("/test-400")
    body = response.content.decode()
    assert response.status_code == 400 and "请求无效" in body and "forged header" not in body


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_is_a_chinese_500_without_the_traceback(django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user(username="lisi", password="pw"))
    response = client.get("/test-500")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统错误" in body and "boom" not in body and "Traceback" not in body


def test_a_form_from_a_stale_page_is_a_chinese_403(django_user_model, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "页面已过期" in response.content.decode()


def test_the_favicon_is_an_icon_served_without_logging_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # the ICO header


def test_every_page_names_the_icon_and_the_script_that_lets_the_server_validate(client):
    body = client.get("/login/").content.decode()
    assert 'rel="icon"' in body and "yibao/favicon.ico" in body
    assert "yibao/forms.js" in body
