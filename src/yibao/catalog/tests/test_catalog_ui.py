"""The catalogue as a person uses it, in headless Chromium: list, filter, item, article, search."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from yibao.catalog.models import PowerItem
from yibao.catalog.tests.test_pages import LUANCHUAN, import_seeds


@pytest.fixture
def seeded(transactional_db):
    with transaction.atomic():
        return import_seeds()


@pytest.mark.e2e
def test_an_inspector_filters_the_list_opens_an_item_and_follows_a_basis_to_its_article(
    seeded, logged_in_page, live_server
):
    page = logged_in_page
    page.locator(".mainnav").get_by_role("link", name="权责清单").click()
    expect(page.get_by_role("heading", name=re.compile("权责清单"))).to_be_visible()
    expect(page.locator("#item-count")).to_have_text("65")

    page.locator(".type-tabs").get_by_role("link", name=re.compile(r"^行政处罚")).click()
    expect(page.locator("#item-count")).to_have_text("35")
    expect(page).to_have_url(re.compile(r"/catalog/\?type=penalty"))
    types = page.locator("table.items tbody td:nth-child(4)").all_inner_texts()
    assert types and set(types) == {"行政处罚"}
    expect(page.locator("#id_type")).to_have_value("penalty")

    bureau = seeded["003_"].bureau
    page.select_option("#id_bureau", str(bureau.pk))
    expect(page.locator("#item-count")).to_have_text("8")
    expect(page).to_have_url(re.compile(rf"bureau={bureau.pk}"))
    expect(page.locator("#id_type")).to_contain_text("行政检查（3）")

    item = PowerItem.objects.get(catalog__bureau__name=LUANCHUAN, seq="2")
    page.get_by_role("link", name=item.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(item.name)
    duties = page.locator("table.duties")
    expect(duties).to_contain_text("立案岗")
    expect(duties).to_contain_text("基金监管股")

    page.get_by_role("link", name="第八十七条").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("《中华人民共和国社会保险法》第八十七条")
    expect(page.locator(".article-text")).to_contain_text("骗取社会保险基金支出")
    citing = page.locator("table.citing")
    expect(citing.get_by_role("link", name=item.name)).to_be_visible()
    expect(citing).to_contain_text(LUANCHUAN)
    expect(citing).to_contain_text("职权依据")


@pytest.mark.e2e
def test_searching_shows_results_as_the_inspector_types(seeded, logged_in_page, live_server):
    page = logged_in_page
    page.locator(".mainnav").get_by_role("link", name="检索").click()
    page.get_by_role("searchbox").first.fill("封存")
    results = page.locator("#search-results")
    expect(results.locator(".hit").first).to_be_visible()
    expect(results.locator("mark").first).to_have_text("封存")
    expect(results).to_contain_text("对可能被转移、隐匿或者灭失的")
    expect(page).to_have_url(re.compile(r"/catalog/search/\?q=%E5%B0%81%E5%AD%98"))

    results.locator(".hit-item a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("封存")
