"""The catalogue and law pages, rendered with the seed documents imported."""

import datetime as dt
import re
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yibao.catalog.models import Catalog, ItemBasis, PowerItem
from yibao.catalog.parsing import parse_catalog_file, parse_catalog_text
from yibao.catalog.services import do_import_catalog
from yibao.core.demo import DEMO_CATALOGS, DEMO_REGULATIONS
from yibao.core.testing import seed_path
from yibao.law.models import Article, Law
from yibao.law.regulation import parse_regulation_file
from yibao.law.services import do_import_regulation

pytestmark = pytest.mark.django_db

LUANCHUAN = "栾川县医疗保障局"


def import_seeds() -> dict[str, Catalog]:
    """Import the four seed catalogues (as the demo files them) and the seed regulation."""
    catalogs = {}
    for prefix, bureau, date in DEMO_CATALOGS:
        catalogs[prefix] = do_import_catalog(parse_catalog_file(seed_path(prefix)), bureau_name=bureau,
                                             date=date).catalog
    for prefix in DEMO_REGULATIONS:
        path = seed_path(prefix)
        do_import_regulation(parse_regulation_file(path), source_file=path.name)
    return catalogs


def edited_003() -> str:
    """003 with item 12 removed, item 1's investigation duty reworded, and a new item 13 added."""
    lines = seed_path("003_").read_text(encoding="utf-8").split("\n")
    starts = [i for i, line in enumerate(lines) if re.match(r"^\d+\t", line)]
    last = starts[-1]
    block_end = next((i for i in range(last, len(lines)) if not lines[i].strip()), len(lines))
    new_item = [line for line in lines[starts[1]:starts[1] + 8]]
    new_item[0] = re.sub(r"^2\t[^\t]+", "13\t对定点医药机构拒不配合监督检查的处罚", new_item[0])
    header = lines[starts[1] - 1]
    lines = lines[:last - 1] + lines[block_end:]  # drop item 12 and its header
    lines += ["", header, *new_item]
    text = "\n".join(lines)
    assert "对检查中发现、接到群众举报" in text
    return text.replace("对立案的案件，案件承办人员及时", "对立案的案件，承办人员及时", 1)


@contextmanager
def seeded_for_module(django_db_blocker):
    """Import the seeds once for a module, inside a transaction rolled back when the module is done.

    Each test's own transaction nests inside it, so tests still see only their own changes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield import_seeds()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_seeds(django_db_setup, django_db_blocker):
    with seeded_for_module(django_db_blocker) as catalogs:
        yield catalogs


@pytest.fixture
def seeds(module_seeds, db):
    return module_seeds


@pytest.fixture
def officer_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="viewer"))
    return client


def page(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def luanchuan_item(seq: str) -> PowerItem:
    return PowerItem.objects.get(catalog__bureau__name=LUANCHUAN, catalog__is_current=True, seq=seq)


# ---------------------------------------------------------------- item list

def test_item_list_shows_every_current_item_with_counts_per_type(seeds, officer_client):
    text = page(officer_client, reverse("catalog:item_list"))
    assert reverse("catalog:item_list") == "/catalog/"
    assert re.search(r'id="item-count">65<', text)
    assert "行政处罚 <span class=\"count\">35</span>" in text
    assert "行政许可 <span class=\"count\">0</span>" in text
    for column in ("序号", "事项名称", "子项", "类型", "基本编码", "单位", "行使层级"):
        assert f"<th>{column}</th>" in text


def test_item_list_filters_by_type_and_bureau(seeds, officer_client):
    luanchuan = seeds["003_"].bureau
    text = page(officer_client, f"/catalog/?type=penalty&bureau={luanchuan.pk}")
    expected = PowerItem.objects.filter(catalog__bureau=luanchuan, type="penalty").count()
    assert expected and re.search(rf'id="item-count">{expected}<', text)
    assert "对医疗保障经办机构骗取医疗保障基金支出的处罚" in text
    assert "山西省医疗保障局</td>" not in text
    inspection = page(officer_client, "/catalog/?type=inspection")
    assert re.search(r'id="item-count">19<', inspection)
    assert "行政处罚</span>" not in inspection.split("<tbody>")[1]


def test_item_list_answers_htmx_with_the_results_and_fresh_type_counts(seeds, officer_client):
    luanchuan = seeds["003_"].bureau
    text = page(officer_client, f"/catalog/?bureau={luanchuan.pk}", HX_Request="true")
    assert "<html" not in text
    assert 'hx-swap-oob="true"' in text and 'id="id_type"' in text
    assert "行政处罚（8）" in text and "行政检查（3）" in text
    assert "<table" in text


def test_item_list_pages_through_the_items(seeds, officer_client):
    second = page(officer_client, "/catalog/?page=2")
    assert "第 2/2 页" in second
    assert second.split("<tbody>")[1].count("<tr>") == 15


def test_item_list_queries_do_not_grow_with_the_items(seeds, officer_client):
    officer_client.get("/catalog/")  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        page(officer_client, "/catalog/")
    assert len(ctx.captured_queries) <= 10


# ---------------------------------------------------------------- item page

def test_item_page_links_each_basis_to_its_article_with_the_quoted_text(seeds, officer_client):
    item = luanchuan_item("2")
    article = Article.objects.get(law__name="中华人民共和国社会保险法", number=87)
    text = page(officer_client, reverse("catalog:item_detail", args=[item.pk]))
    assert "《中华人民共和国社会保险法》" in text
    assert f'href="{reverse("law:article_detail", args=[article.pk])}">第八十七条</a>' in text
    assert "骗取社会保险基金支出的" in text
    assert "职权依据" in text


def test_item_page_shows_the_duty_chain_with_posts_and_departments_in_order(seeds, officer_client):
    item = luanchuan_item("1")
    text = page(officer_client, reverse("catalog:item_detail", args=[item.pk]))
    duties = text.split('<table class="grid duties">')[1].split("</table>")[0]
    assert "立案岗" in duties and "基金监管股" in duties and "法制审核股" in duties
    positions = [duties.index(post) for post in ("立案岗", "调查岗", "审查岗", "告知岗", "决定岗", "送达岗", "执行岗")]
    assert positions == sorted(positions)
    assert "<th>环节</th>" in duties and '<td class="nowrap">立案</td>' in duties


def test_item_page_shows_duty_bases_apart_from_the_power_bases(seeds, officer_client):
    item = PowerItem.objects.filter(catalog=seeds["002_"], bases__role="duty").distinct().first()
    text = page(officer_client, reverse("catalog:item_detail", args=[item.pk]))
    power, duty = text.split("<h2>责任事项依据</h2>")
    assert "《中华人民共和国行政处罚法》" in duty
    assert "立案责任" in power


def test_item_page_needs_a_fixed_number_of_queries(seeds, officer_client):
    item = luanchuan_item("1")
    officer_client.get(reverse("catalog:item_detail", args=[item.pk]))
    with CaptureQueriesContext(connection) as ctx:
        page(officer_client, reverse("catalog:item_detail", args=[item.pk]))
    assert len(ctx.captured_queries) <= 10


# ---------------------------------------------------------------- catalogues and their diffs

def test_catalog_list_shows_each_bureau_with_versions_dates_and_counts(seeds, officer_client):
    text = page(officer_client, reverse("catalog:catalog_list"))
    for bureau in ("山西省医疗保障局", "红寺堡区医疗保障局", "阳泉市矿区医疗保障局", LUANCHUAN):
        assert bureau in text
    assert "2021-11-01" in text and "第1版" in text and "现行" in text


def test_catalog_page_after_importing_a_modified_seed_shows_added_removed_and_changed_items(seeds, officer_client):
    first = seeds["003_"]
    result = do_import_catalog(parse_catalog_text(edited_003(), "003_edited.txt"), bureau_name=LUANCHUAN,
                               date=dt.date(2023, 1, 1))
    assert result.created and len(result.added) == 1 and len(result.removed) == 1 and len(result.changed) == 1
    text = page(officer_client, reverse("catalog:catalog_detail", args=[result.catalog.pk]))
    added = text.split("新增事项（1）")[1].split("</section>")[0]
    removed = text.split("删除事项（1）")[1].split("</section>")[0]
    changed = text.split("变更事项（1）")[1].split("</section>")[0]
    assert "对定点医药机构拒不配合监督检查的处罚" in added
    assert "对检察机关" not in removed and PowerItem.objects.get(catalog=first, seq="12").name in removed
    assert PowerItem.objects.get(catalog=first, seq="1").name[:20] in changed and "责任事项" in changed
    assert "与上一版本相比没有变化" not in text

    listing = page(officer_client, reverse("catalog:catalog_list"))
    assert "新增 1 · 删除 1 · 变更 1" in listing and "历史" in listing

    changed_item = PowerItem.objects.get(catalog=result.catalog, seq="1")
    history = page(officer_client, reverse("catalog:item_detail", args=[changed_item.pk]))
    history = history.split("<h2>版本沿革</h2>")[1]
    assert "首次导入" in history and "变更" in history and "责任事项" in history


def test_first_version_says_there_is_nothing_to_compare(seeds, officer_client):
    text = page(officer_client, reverse("catalog:catalog_detail", args=[seeds["001_"].pk]))
    assert "没有可比较的上一版本" in text
    assert text.count('href="/catalog/items/') == 23


# ---------------------------------------------------------------- laws and articles

def test_law_list_groups_laws_by_rank_with_article_and_item_counts(seeds, officer_client):
    text = page(officer_client, reverse("law:law_list"))
    assert text.index("<h2 id=\"rank-law\">法律</h2>") < text.index("行政法规</h2>") < text.index("部门规章</h2>")
    law = Law.objects.get(name="中华人民共和国社会保险法")
    citing = PowerItem.objects.filter(bases__law=law).distinct().count()
    row = text.split(f'href="{reverse("law:law_detail", args=[law.pk])}">')[1].split("</tr>")[0]
    assert re.findall(r'class="num">(\d+)<', row) == [str(law.articles.count()), str(citing)]


def test_law_page_lists_its_articles(seeds, officer_client):
    law = Law.objects.get(name="山西省医疗保障基金使用监督管理办法")
    text = page(officer_client, reverse("law:law_detail", args=[law.pk]))
    assert "第一条" in text and "第二十四条" in text and "地方政府规章" in text


def test_article_page_lists_every_item_that_cites_it(seeds, officer_client):
    article = Article.objects.get(law__name="中华人民共和国社会保险法", number=87)
    citing = list(PowerItem.objects.filter(bases__article=article).distinct())
    assert len(citing) >= 4
    text = page(officer_client, reverse("law:article_detail", args=[article.pk]))
    assert "《中华人民共和国社会保险法》第八十七条" in text
    assert "社会保险经办机构以及医疗机构" in text
    assert article.source_file in text
    for item in citing:
        assert f'href="{reverse("catalog:item_detail", args=[item.pk])}"' in text
    assert LUANCHUAN in text and "红寺堡区医疗保障局" in text and "职权依据" in text
    assert f"引用本条的事项（{ItemBasis.objects.filter(article=article).count()}）" in text


def test_article_page_shows_paragraphs_and_clauses_of_a_parsed_regulation(seeds, officer_client):
    article = Article.objects.get(law__name="山西省医疗保障基金使用监督管理办法", number=17)
    text = page(officer_client, reverse("law:article_detail", args=[article.pk]))
    assert 'id="p1c2"' in text and "（二）</span>医疗保障基金使用的权利和义务" in text
    assert "第一款" in text


def test_article_page_puts_current_items_before_old_versions(seeds, officer_client):
    do_import_catalog(parse_catalog_text(edited_003(), "003_edited.txt"), bureau_name=LUANCHUAN,
                      date=dt.date(2023, 1, 1))
    article = Article.objects.get(law__name="中华人民共和国社会保险法", number=87)
    text = page(officer_client, reverse("law:article_detail", args=[article.pk]))
    table = text.split('<table class="grid citing">')[1]
    assert table.index("现行</span>") < table.index("历史</span>")
    assert "历史版本" in text


def test_article_page_needs_a_fixed_number_of_queries(seeds, officer_client):
    article = Article.objects.get(law__name="中华人民共和国社会保险法", number=87)
    url = reverse("law:article_detail", args=[article.pk])
    officer_client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page(officer_client, url)
    assert len(ctx.captured_queries) <= 8


def test_law_list_needs_a_fixed_number_of_queries(seeds, officer_client):
    officer_client.get(reverse("law:law_list"))
    with CaptureQueriesContext(connection) as ctx:
        page(officer_client, reverse("law:law_list"))
    assert len(ctx.captured_queries) <= 5


# ---------------------------------------------------------------- search

def test_search_page_shows_hits_with_snippets_and_the_synonyms_it_also_searched(seeds, officer_client, monkeypatch):
    from yibao.catalog import search

    item = luanchuan_item("2")
    calls = []

    def fake_query(q, *, bureau_id=None, type=None, kinds=("item", "article"), limit=50):
        calls.append((q, bureau_id, type, kinds))
        hit = SimpleNamespace(kind="item", object_id=item.pk, title=item.name, score=1.0,
                              snippet="对医疗保障经办机构<mark>骗取</mark>医疗保障基金", url=item.get_absolute_url())
        return SimpleNamespace(hits=[hit], expanded_terms=["骗取", "欺诈"], total=1)

    monkeypatch.setattr(search, "query", fake_query)
    text = page(officer_client, f"/catalog/search/?q=骗保&type=penalty&bureau={item.catalog.bureau_id}")
    assert calls == [("骗保", item.catalog.bureau_id, "penalty", ("item", "article"))]
    assert "同时检索：" in text and "欺诈" in text
    assert "<mark>骗取</mark>" in text and f'href="{item.get_absolute_url()}"' in text
    fragment = page(officer_client, "/catalog/search/?q=骗保&kind=article", HX_Request="true")
    assert "<html" not in fragment and calls[-1][3] == ("article",)


def test_search_page_without_words_only_shows_the_box(seeds, officer_client):
    text = page(officer_client, reverse("catalog:search"))
    assert 'name="q"' in text and 'hx-trigger="input changed delay:300ms' in text


def test_search_page_finds_items_and_articles_with_the_real_engine(seeds, officer_client):
    text = page(officer_client, "/catalog/search/?q=封存")
    assert "<mark>封存</mark>" in text
    item = PowerItem.objects.filter(catalog__is_current=True, name__contains="封存").first()
    assert f'href="{item.get_absolute_url()}"' in text
    only_articles = page(officer_client, "/catalog/search/?q=封存&kind=article")
    assert "hit-item" not in only_articles and "hit-article" in only_articles


# ---------------------------------------------------------------- access

def test_catalog_and_law_pages_need_a_login(client):
    for url in ("/catalog/", "/catalog/lists/", "/catalog/search/", "/law/", "/catalog/export/?format=json"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
