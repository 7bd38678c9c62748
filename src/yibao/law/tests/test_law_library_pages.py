"""The law page (data, table of contents, whole text) and the article page (款/项, provisions, items)."""

import datetime as dt

import pytest
from django.urls import reverse

from yibao.catalog.models import PowerItem
from yibao.catalog.parsing import parse_catalog_file
from yibao.catalog.services import do_import_catalog
from yibao.core.testing import seed_path
from yibao.law.models import Article, Law
from yibao.law.services import do_load_law_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(client, django_user_model):
    do_load_law_texts()
    client.force_login(django_user_model.objects.create_user("officer", password="x"))
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def law_page(client, name: str) -> str:
    return page(client, reverse("law:law_detail", args=[Law.objects.get(name=name).pk]))


def article_page(client, name: str, number: int) -> str:
    article = Article.objects.get(law__name=name, number=number)
    return page(client, reverse("law:article_detail", args=[article.pk]))


# law: what its page shows of its data
LAW_FACTS = [
    ("中华人民共和国行政处罚法", ["全文收录", "共 86 条", "2021年7月15日", "2021-01-22 第十三届全国人民代表大会常务委员会第二十五次会议修订",
                        "全国人民代表大会常务委员会"]),
    ("医疗保障基金使用监督管理条例", ["共 50 条", "中华人民共和国国务院令第735号", "2021年1月15日", "2021年5月1日"]),
    ("中华人民共和国社会保险法", ["共 98 条", "2011年7月1日", "2018-12-29"]),
    ("中华人民共和国行政强制法", ["共 71 条", "2012年1月1日"]),
    ("山西省医疗保障基金使用监督管理办法", ["共 24 条", "山西省人民政府令第289号", "2021年10月1日", "项目示例文件"]),
    ("医疗保障行政处罚程序暂行规定", ["全文未收录", "国家医疗保障局令第4号", "2021年7月15日", "国家医疗保障局"]),
]


@pytest.mark.parametrize(("name", "shown"), LAW_FACTS)
def test_the_law_page_shows_the_laws_data(library, name, shown):
    text = law_page(library, name)
    for fact in shown:
        assert fact in text, fact


def test_the_law_page_links_the_source_at_its_commit(library):
    law = Law.objects.get(name="中华人民共和国行政强制法")
    text = law_page(library, law.name)
    assert f'href="{law.source_url}"' in text
    assert "LawRefBook/Laws/blob/2f4c5c23716267af9dbebbbbd6cbbf732b101981/" in law.source_url


def test_the_table_of_contents_lists_chapters_and_their_sections(library):
    text = law_page(library, "中华人民共和国行政处罚法")
    toc = text.split('<nav class="toc">')[1].split("</nav>")[0]
    chapters = [f'<a href="#c{n}">' for n in range(1, 9)]
    assert all(c in toc for c in chapters) and '<a href="#c9">' not in toc
    assert '<a href="#c5s2">第二节 简易程序</a>' in toc
    assert toc.index("第五章 行政处罚的决定") < toc.index("第一节 一般规定") < toc.index("第六章 行政处罚的执行")
    assert '<h4 id="c5s2" class="section">第二节 简易程序</h4>' in text


def test_the_law_page_holds_the_whole_text_in_order(library):
    text = law_page(library, "中华人民共和国行政处罚法")
    full = text.split('<div class="law-fulltext')[1]
    positions = [full.index(f'id="a{n}"') for n in range(1, 87)]
    assert positions == sorted(positions)
    assert "本法自2021年7月15日起施行。" in full
    article = Article.objects.get(law__name="中华人民共和国行政处罚法", number=51)
    assert f'href="{reverse("law:article_detail", args=[article.pk])}">第五十一条</a>' in full


def test_a_law_without_chapters_has_no_table_of_contents_but_its_whole_text(library):
    text = law_page(library, "山西省医疗保障基金使用监督管理办法")
    assert '<nav class="toc">' not in text
    assert 'id="a24"' in text and "本办法自2021年10月1日起施行。" in text


def test_the_article_page_numbers_paragraphs_and_clauses(library):
    text = article_page(library, "医疗保障基金使用监督管理条例", 40)
    assert 'id="p1"' in text and 'id="p2"' in text and "第二款" in text
    assert '<li id="p1c4"><span class="clause-label">（四）</span>其他骗取医疗保障基金支出的行为。</li>' in text
    assert "第四章 法律责任" in text
    assert "正式文本" in text and "2021年5月1日起施行" in text


def test_the_article_page_links_the_provisions_encoded_from_it(library):
    text = article_page(library, "医疗保障基金使用监督管理条例", 40)
    for pid in ("mfs-40-1", "mfs-40-2"):
        assert f'href="{reverse("law:provision_detail", args=[pid])}"' in text
    assert "本条的罚则编码（2）" in text
    assert "本条没有编码为罚则的款" in article_page(library, "医疗保障基金使用监督管理条例", 1)


def test_the_article_page_links_the_items_that_cite_it(library):
    do_import_catalog(parse_catalog_file(seed_path("003_")), bureau_name="栾川县医疗保障局",
                      date=dt.date(2021, 11, 1))
    article = Article.objects.get(law__name="医疗保障基金使用监督管理条例", number=40)
    citing = PowerItem.objects.filter(bases__article=article).distinct()
    assert citing.exists()
    text = article_page(library, article.law.name, 40)
    for item in citing:
        assert f'href="{reverse("catalog:item_detail", args=[item.pk])}"' in text
    full = law_page(library, article.law.name)
    assert f"现行事项引用 {citing.count()} 处" in full.split('id="a40"')[1].split('id="a41"')[0]
