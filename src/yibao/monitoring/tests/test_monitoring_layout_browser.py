"""The monitoring pages on a 1366×768 screen, in headless Chromium: nothing wider than the window, chart
labels whole, and a confirmed finding made a lead from its own page. The data is a generated dataset
with every rule's planted cases, so the findings carry the long codes and the charts all 17 rules."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from yibao.cases.models import Lead
from yibao.conftest import login
from yibao.monitoring.constants import FindingStatus
from yibao.monitoring.engine.generator import MIN_LINES, generate_dataset
from yibao.monitoring.engine.rules import RULES
from yibao.monitoring.models import Finding
from yibao.monitoring.services import (
    do_close_appeal_window,
    do_confirm_first_review,
    do_confirm_second_review,
    do_run_screening,
)
from yibao.org.constants import BureauLevel, Role
from yibao.org.models import UserProfile
from yibao.org.services import do_create_bureau

PASSWORD = "layout-Passw0rd"
SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def screened(transactional_db, tmp_path):
    """A county screened once over a generated dataset; its analyst and head (who may make leads)."""
    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    users = {}
    for username, role in (("analyst1", Role.ANALYST), ("head1", Role.HEAD)):
        users[username] = get_user_model().objects.create_user(username=username, password=PASSWORD,
                                                                first_name="周明" if role == Role.ANALYST else "赵志强")
        UserProfile.objects.create(user=users[username], bureau=county, role=role)
    generate_dataset(tmp_path / "dataset", lines=MIN_LINES, seed=5)
    run = do_run_screening(county, tmp_path / "dataset", actor=users["analyst1"])
    return run, users


def no_horizontal_overflow(page) -> None:
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth, location.pathname]")
    assert sizes[0] <= sizes[1], f"{sizes[2]} is {sizes[0]} px wide in a {sizes[1]} px window"


def chart_labels(page, chart_id: str) -> list[dict]:
    """The text of the chart (ECharts draws SVG) with each piece's box against the chart's own box."""
    return page.evaluate("""id => {
        const node = document.getElementById(id);
        const box = node.getBoundingClientRect();
        return Array.from(node.querySelectorAll("svg text")).map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, left: r.left - box.left, right: box.right - r.right,
                    top: r.top - box.top, bottom: box.bottom - r.bottom};
        });
    }""", chart_id)


def assert_labels_inside(page, chart_id: str) -> list[dict]:
    expect(page.locator(f"#{chart_id} svg")).to_have_count(1)
    labels = chart_labels(page, chart_id)
    assert labels, f"#{chart_id} has no text"
    clipped = [lb for lb in labels if min(lb["left"], lb["right"], lb["top"], lb["bottom"]) < 0]
    assert not clipped, f"labels outside the chart: {clipped}"
    return labels


def assert_rule_labels_whole(page, chart_id: str) -> None:
    texts = {label["text"] for label in assert_labels_inside(page, chart_id)}
    for rule in RULES.values():
        assert f"{rule.id} {rule.name}" in texts, f"{rule.id} {rule.name} is not drawn whole: {sorted(texts)}"


@pytest.mark.e2e
def test_the_findings_list_and_the_charts_fit_a_1366_screen_with_whole_labels(screened, page, live_server):
    run, _ = screened
    page.set_viewport_size(SCREEN)
    login(page, live_server, "analyst1", PASSWORD)

    page.goto(f"{live_server.url}{reverse('monitoring:finding_list')}")
    expect(page.locator("#finding-count")).not_to_have_text("0")
    no_horizontal_overflow(page)

    page.goto(f"{live_server.url}{reverse('monitoring:run_detail', args=[run.pk])}")
    assert_rule_labels_whole(page, "chart-rules")
    no_horizontal_overflow(page)

    page.goto(f"{live_server.url}{reverse('monitoring:rule_summary')}")
    assert_rule_labels_whole(page, "chart-rules")
    no_horizontal_overflow(page)

    page.goto(f"{live_server.url}{reverse('monitoring:institution_summary')}")
    assert "金额（元）" in {label["text"] for label in assert_labels_inside(page, "chart-institutions")}
    no_horizontal_overflow(page)

    for url in (reverse("monitoring:run_list"), reverse("cases:lead_list"), reverse("cases:lead_create")):
        page.goto(f"{live_server.url}{url}")
        no_horizontal_overflow(page)
    # One finding of each rule: their pages show the claims the rule read, with long codes.
    for rule_id in RULES:
        finding = Finding.objects.filter(rule_id=rule_id).order_by("pk").first()
        page.goto(f"{live_server.url}{reverse('monitoring:finding_detail', args=[finding.pk])}")
        expect(page.locator("#finding-status")).to_be_visible()
        no_horizontal_overflow(page)


@pytest.mark.e2e
def test_a_head_registers_a_confirmed_finding_as_a_lead_from_the_findings_page(screened, page, live_server):
    _, users = screened
    finding = Finding.objects.filter(rule_id="R09", fixmedins_code__isnull=False).order_by("pk").first()
    do_confirm_first_review([finding], actor=users["analyst1"])
    do_confirm_second_review([finding], actor=users["head1"])
    do_close_appeal_window([finding], actor=users["head1"], reason="机构书面放弃申诉")

    page.set_viewport_size(SCREEN)
    login(page, live_server, "head1", PASSWORD)
    page.goto(f"{live_server.url}{reverse('monitoring:finding_detail', args=[finding.pk])}")
    expect(page.locator("#finding-status")).to_have_text("已确认违规")
    no_horizontal_overflow(page)
    page.get_by_role("button", name="登记为线索").click()
    lead = Lead.objects.get()
    expect(page.get_by_role("heading", name=f"线索 {lead.number}")).to_be_visible()
    expect(page.locator("table.lead-findings")).to_contain_text(f"#{finding.pk}")
    no_horizontal_overflow(page)
    page.get_by_role("link", name=re.compile(rf"^#{finding.pk}$")).click()
    expect(page.locator("#finding-status")).to_have_text("处理中")
    expect(page.get_by_role("link", name=lead.number)).to_be_visible()
    expect(page.get_by_role("button", name="登记为线索")).to_have_count(0)
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.HANDLING
