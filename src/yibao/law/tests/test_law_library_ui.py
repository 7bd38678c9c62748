"""A legal officer looks up an article by its citation and follows it to the law and its provisions."""

import datetime as dt

import pytest

from yibao.catalog.parsing import parse_catalog_file
from yibao.catalog.services import do_import_catalog
from yibao.core.testing import seed_path
from yibao.law.services import do_load_law_texts

pytestmark = pytest.mark.e2e


@pytest.fixture
def library(transactional_db):
    do_load_law_texts()
    do_import_catalog(parse_catalog_file(seed_path("003_")), bureau_name="栾川县医疗保障局",
                      date=dt.date(2021, 11, 1))


def test_officer_finds_an_article_by_a_short_citation_and_reads_its_provisions(library, logged_in_page,
                                                                                 live_server):
    page = logged_in_page
    page.goto(live_server.url + "/catalog/search/")
    page.fill("#id_q", "基金监管条例第40条")
    page.wait_for_selector("text=按条文引用检索")
    assert "《医疗保障基金使用监督管理条例》第四十条" in page.inner_text("#search-results")
    page.click("#search-results .hit-article a")
    page.wait_for_selector("h1:has-text('第四十条')")
    assert "本条的罚则编码（2）" in page.inner_text("body")
    assert "第四章 法律责任" in page.inner_text("body")
    page.click("a:has-text('mfs-40-2')")
    page.wait_for_selector("#article-text")
    assert "/law/provisions/mfs-40-2/" in page.url


def test_officer_jumps_from_the_table_of_contents_to_a_section(library, logged_in_page, live_server):
    page = logged_in_page
    page.goto(live_server.url + "/law/")
    page.click("text=中华人民共和国行政处罚法")
    page.click("nav.toc >> text=第二节 简易程序")
    assert page.url.endswith("#c5s2")
    assert page.locator("#c5s2").is_visible()
    assert "全文收录" in page.inner_text("body")
