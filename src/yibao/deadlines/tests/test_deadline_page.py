"""期限计算: the page behind the nav link, the HTMX result, and its refusals."""

import pytest

from yibao.deadlines.calendar import package_calendar

URL = "/deadlines/"


@pytest.fixture
def officer(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="zhangsan", password="pw"))
    return client


def test_the_calculator_is_linked_from_the_navigation_and_shows_the_cli_s_inputs(officer):
    body = officer.get("/").content.decode()
    assert f'href="{URL}"' in body and "期限计算" in body

    page = officer.get(URL).content.decode()
    for name in ("start", "period", "days", "unit"):
        assert f'name="{name}"' in page
    assert 'placeholder="年-月-日，如 2025-09-30"' in page and 'type="date"' not in page
    assert "《中华人民共和国行政处罚法》第六十四条第（一）项" in page  # a statutory period to choose


def test_a_working_day_period_shows_the_due_date_and_why(officer):
    response = officer.get(URL, {"start": "2025-09-30", "days": "5", "unit": "workdays"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2025年10月14日（星期二，工作日）" in body
    assert "2025年9月30日（星期二，工作日）（当日不计入）" in body
    assert "2025年10月1日至10月5日（国庆节假期，5天）" in body
    assert "2025年10月11日（星期六，国庆节调休上班日）" in body  # counted
    assert "《中华人民共和国民事诉讼法》第八十五条第二款" in body
    assert package_calendar().version in body


def test_htmx_gets_only_the_result(officer):
    response = officer.get(URL, {"start": "2025-09-26", "days": "5", "unit": "days"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "<form" not in body
    assert "2025年10月9日（星期四，工作日）" in body and "第八十五条第三款" in body


def test_a_statutory_period_uses_its_own_days_and_cites_its_article(officer):
    body = officer.get(URL, {"start": "2025-09-29", "period": "request_hearing", "days": "", "unit": "days"}
                       ).content.decode()
    assert "期限届满日：<strong>2025年10月13日（星期一，工作日）</strong>" in body
    assert "《中华人民共和国行政处罚法》第八十五条" in body and "5个工作日" in body


def test_a_notice_before_a_hearing_says_the_latest_day(officer):
    body = officer.get(URL, {"start": "2025-10-14", "period": "hearing_notice", "unit": "days"}).content.decode()
    assert "最迟应在<strong>2025年9月28日（星期日，国庆节调休上班日）</strong>完成" in body


def test_a_year_without_published_holidays_is_refused_in_chinese(officer):
    body = officer.get(URL, {"start": "2035-03-01", "days": "10", "unit": "workdays"}).content.decode()
    assert "2035年的法定节假日安排尚未录入" in body
    assert "已有节假日安排的年份" in body


@pytest.mark.parametrize(("params", "message"), [
    ({"start": "09/30/2025", "days": "5", "unit": "days"}, "“起算日”不是有效的日期，请按 年-月-日 填写"),
    ({"start": "2025-09-30", "days": "", "unit": "days"}, "请填写“期限天数”，或选择一个法定期限。"),
    ({"start": "2025-09-30", "days": "0", "unit": "days"}, "“期限天数”不能小于 1。"),
    ({"start": "2025-09-30", "days": "5", "unit": "x" * 300}, "“计算方式”中没有这个选项，请重新选择。"),
], ids=["an American date", "no period", "zero days", "a forged unit"])
def test_bad_input_is_refused_naming_the_field(officer, params, message):
    body = officer.get(URL, params).content.decode()
    assert message in body and "x" * 50 not in body


@pytest.mark.parametrize("typed", ["2025/9/30", "2025年9月30日", "20250930"])
def test_a_start_date_written_the_chinese_way_is_understood(officer, typed):
    body = officer.get(URL, {"start": typed, "days": "5", "unit": "workdays"}).content.decode()
    assert "2025年10月14日" in body


def test_the_calculator_needs_a_login(client):
    assert client.get(URL).status_code == 302
