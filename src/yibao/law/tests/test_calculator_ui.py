"""A legal reviewer uses the calculator page in a real browser."""

import pytest

pytestmark = pytest.mark.e2e


def test_reviewer_enters_facts_and_reads_the_fine_range_with_citations(logged_in_page, live_server):
    page = logged_in_page
    page.goto(live_server.url + "/law/calculator/")
    page.fill("textarea[name=provisions]", "《条例》第38条第1款第（一）项")
    page.select_option("select[name=party]", "institution")
    page.fill("input[name=amount]", "10000")
    page.check("input[value=loss_caused]")
    page.check("input[value=intent_to_defraud]")
    page.fill("input[name=act_date]", "2024-03-01")
    page.click("button:has-text('计算')")
    page.wait_for_selector("#fine-range")
    assert page.inner_text("#fine-range").strip() == "20000.00 元 至 50000.00 元"
    assert "【适用】" in page.inner_text("#assessment")
    assert "第四十条第二款" in page.inner_text("#assessment")
    page.click("text=《医疗保障基金使用监督管理条例》第四十条第二款")
    page.wait_for_selector("#article-text")
    assert "按照本条规定处理" in page.inner_text("#article-text")


def test_reviewer_reads_both_outcomes_when_not_punishing_is_only_allowed(logged_in_page, live_server):
    page = logged_in_page
    page.goto(live_server.url + "/law/calculator/")
    page.fill("textarea[name=provisions]", "《条例》第40条第1款")
    page.select_option("select[name=party]", "institution")
    page.fill("input[name=amount]", "1000")
    for circumstance in ("first_offence", "minor_harm", "promptly_corrected"):
        page.check(f"input[value={circumstance}]")
    page.fill("input[name=act_date]", "2024-03-01")
    page.click("button:has-text('计算')")
    page.wait_for_selector("#outcome-no_penalty")
    assert "可以不予处罚" in page.inner_text("#no-penalty")
    assert "2000.00 元 至 5000.00 元" in page.inner_text("#outcome-penalty")
    unpunished = page.inner_text("#outcome-no_penalty")
    assert "不予罚款" in unpunished and "责令退回" in unpunished
