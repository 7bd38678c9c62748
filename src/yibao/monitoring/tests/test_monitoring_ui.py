"""智能监控 as analysts use it, in headless Chromium: screen a dataset, review the findings in two
libraries' procedure (first and second review by two people), turn them into a lead, find the lead."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from yibao.cases.models import Lead
from yibao.conftest import login
from yibao.monitoring.constants import FindingStatus
from yibao.monitoring.models import Finding
from yibao.monitoring.tests.test_runs import write_dataset
from yibao.org.constants import BureauLevel, Role
from yibao.org.models import UserProfile
from yibao.org.services import do_create_bureau

PASSWORD = "monitor-Passw0rd"


@pytest.fixture
def analysts(transactional_db):
    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    users = []
    for username, name in (("analyst1", "周明"), ("analyst2", "吴芳")):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=name)
        UserProfile.objects.create(user=user, bureau=county, role=Role.ANALYST)
        users.append(user)
    return users


def logout(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))


def filter_by(page, name: str, value: str) -> None:
    """Choose a filter; HTMX swaps the results and pushes the new address when it is done."""
    page.select_option(f"#id_{name}", value)
    page.wait_for_url(re.compile(rf"[?&]{name}={value}(&|$)"))
    page.wait_for_load_state("networkidle")


def bulk(page, action: str, reason: str = "") -> None:
    """Tick every finding on the page and apply one action."""
    page.locator("#check-all").check()
    page.select_option("#bulk-action", label=action)
    if reason:
        page.locator("#bulk-form input[name=reason]").fill(reason)
    page.locator("#bulk-submit").click()
    page.wait_for_load_state()


@pytest.mark.e2e
def test_analysts_screen_review_in_two_steps_and_turn_findings_into_a_lead(analysts, page, live_server, tmp_path,
                                                                          settings, jobs_inline):
    dataset = write_dataset(tmp_path / "dataset")

    # The first analyst screens the dataset.
    login(page, live_server, "analyst1", PASSWORD)
    page.locator(".mainnav").get_by_role("link", name="智能监控").click()
    expect(page.get_by_role("heading", name="智能监控 · 筛查批次")).to_be_visible()
    page.get_by_role("link", name="新建筛查").click()
    page.fill("#id_dataset_path", str(dataset))
    page.get_by_role("button", name="开始筛查").click()
    expect(page.locator(".messages")).to_contain_text("完成：疑点 8 条，其中新发现 8 条")
    expect(page.locator("#run-findings")).to_have_text("8")
    expect(page.locator("#chart-rules svg")).to_have_count(1)  # ECharts drew the chart
    expect(page.locator("#chart-severity svg")).to_have_count(1)
    expect(page.locator("table.rules")).to_contain_text("跳过：缺少可选表 kb_item_pair")

    # First review of every finding of the run.
    page.get_by_role("link", name="查看本批次疑点").click()
    expect(page.locator("#finding-count")).to_have_text("8")
    expect(page.locator("table.findings")).to_contain_text("栾川县人民医院")
    expect(page.locator("table.findings")).to_contain_text("张**")  # masked for an analyst
    bulk(page, "初审确认")
    expect(page.locator(".messages")).to_contain_text("初审确认：8 条疑点。")
    # The first reviewer may not do the second review.
    bulk(page, "复审确认")
    expect(page.locator(".messages")).to_contain_text("同一人不能对同一疑点既初审又复审")
    assert set(Finding.objects.values_list("status", flat=True)) == {FindingStatus.SECOND_REVIEW}
    logout(page)

    # The second analyst does the second review; the institution waives its appeal.
    login(page, live_server, "analyst2", PASSWORD)
    page.goto(f"{live_server.url}/monitoring/findings/")
    filter_by(page, "status", "second_review")
    expect(page.locator("#finding-count")).to_have_text("8")
    bulk(page, "复审确认")
    expect(page.locator(".messages")).to_contain_text("复审确认：8 条疑点。")
    expect(page.locator("#finding-count")).to_have_text("0")  # none left awaiting the second review
    filter_by(page, "status", "appeal_window")
    expect(page.locator("#finding-count")).to_have_text("8")
    bulk(page, "申诉期结束", reason="机构书面放弃申诉")
    expect(page.locator(".messages")).to_contain_text("申诉期结束：8 条疑点。")
    assert set(Finding.objects.values_list("status", flat=True)) == {FindingStatus.CONFIRMED}

    # The readmission (R09) becomes a lead, with its loss and the calculator's fine range.
    filter_by(page, "status", "confirmed")
    expect(page.locator("#finding-count")).to_have_text("8")
    filter_by(page, "rule", "R09")
    expect(page.locator("#finding-count")).to_have_text("1")
    bulk(page, "归集为线索")
    lead = Lead.objects.get()
    expect(page.get_by_role("heading", name=f"线索 {lead.number}")).to_be_visible()
    expect(page.locator("#lead-loss")).to_have_text("1600.00")
    expect(page.locator("#lead-fine")).to_contain_text("1600.00 元至 3200.00 元")
    assert Finding.objects.get(rule_id="R09").status == FindingStatus.HANDLING

    # The lead is in the lead list.
    page.locator(".monitoring-nav").get_by_role("link", name="线索").click()
    expect(page.locator("#lead-count")).to_have_text("1")
    expect(page.locator("table.leads")).to_contain_text(lead.number)
    expect(page.locator("table.leads")).to_contain_text("栾川县人民医院")


@pytest.mark.e2e
def test_an_analyst_drills_down_from_the_chart_page_to_a_findings_evidence(analysts, page, live_server, tmp_path):
    from yibao.monitoring.services import do_run_screening

    run = do_run_screening(analysts[0].profile.bureau, write_dataset(tmp_path / "dataset"), actor=analysts[0])
    login(page, live_server, "analyst1", PASSWORD)
    page.goto(f"{live_server.url}/monitoring/findings/by-institution/")
    expect(page.locator("#chart-institutions svg")).to_have_count(1)
    page.get_by_role("link", name="栾川县中医院").click()
    expect(page.locator("#finding-count")).to_have_text("4")
    page.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"疑点 #\d+"))).to_be_visible()
    expect(page.locator("table.evidence")).to_be_visible()
    expect(page.locator("table.sightings")).to_contain_text(f"#{run.pk}")
    # Dismissing without a reason is refused in Chinese; with one it sticks.
    page.locator("form", has=page.locator("input[value=first_dismiss]")).get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("初审排除须填写理由。")
    form = page.locator("form", has=page.locator("input[value=first_dismiss]"))
    form.locator("input[name=reason]").fill("经核对为系统误报")
    form.get_by_role("button").click()
    expect(page.locator("#finding-status")).to_have_text("已排除")
    expect(page.locator("#dismissed-reason")).to_contain_text("经核对为系统误报")
