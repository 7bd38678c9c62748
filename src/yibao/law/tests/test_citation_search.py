"""Search reads a citation however it is written: numerals, full or short names, with or without 款."""


import pytest
from django.urls import reverse

from yibao.catalog import search
from yibao.catalog.models import PowerItem, SearchDocument
from yibao.catalog.parsing import parse_catalog_file
from yibao.catalog.services import do_import_catalog
from yibao.core.demo import DEMO_CATALOGS
from yibao.core.testing import seed_path
from yibao.law.citations import parse_article_query
from yibao.law.models import Article
from yibao.law.services import do_load_law_texts

TIAOLI = "医疗保障基金使用监督管理条例"

# query as typed: the article it cites (None: not a citation)
READINGS = [
    ("条例第40条", "《医疗保障基金使用监督管理条例》第四十条"),
    ("《医疗保障基金使用监督管理条例》第四十条", "《医疗保障基金使用监督管理条例》第四十条"),
    ("基金监管条例第40条第1款", "《医疗保障基金使用监督管理条例》第四十条第一款"),
    ("《条例》第４０条", "《医疗保障基金使用监督管理条例》第四十条"),
    ("医保基金监管条例第四十条第二款", "《医疗保障基金使用监督管理条例》第四十条第二款"),
    ("社保法第87条", "《中华人民共和国社会保险法》第八十七条"),
    ("行政处罚法第三十三条第一款", "《中华人民共和国行政处罚法》第三十三条第一款"),
    ("第四十条", "第四十条（各法规）"),
    ("第40条", "第四十条（各法规）"),
    ("骗取", None),
    ("条例", None),
    ("医保法第3条", None),
    ("第四十条规定的情形", None),
]

# Every way of writing 条例第四十条 finds the same documents.
SAME_ARTICLE = [
    "条例第40条",
    "《医疗保障基金使用监督管理条例》第四十条",
    "基金监管条例第40条第1款",
    "《条例》第４０条",
    "医疗保障基金使用监督管理条例 第四十条",
    "条例 第40条",
]


@pytest.mark.parametrize(("typed", "cited"), READINGS)
def test_a_query_is_read_as_the_citation_it_writes(typed, cited):
    found = parse_article_query(typed)
    assert (found.label() if found else None) == cited


@pytest.fixture
def library(db):
    do_load_law_texts()
    for prefix, bureau, date in DEMO_CATALOGS:
        do_import_catalog(parse_catalog_file(seed_path(prefix)), bureau_name=bureau, date=date)


def documents(result) -> list[tuple[str, int]]:
    return [(h.kind, h.object_id) for h in result.hits]


def citing_items(law: str | None, number: int) -> set[int]:
    # One filter() call: the same basis must have both the number and the law.
    same_basis = {"bases__article__number": number} | ({"bases__article__law__name": law} if law else {})
    return set(PowerItem.objects.filter(catalog__is_current=True, **same_basis).values_list("pk", flat=True))


@pytest.mark.parametrize("typed", SAME_ARTICLE)
def test_every_way_of_writing_a_citation_finds_the_article_and_the_items_citing_it(library, typed):
    article = Article.objects.get(law__name=TIAOLI, number=40)
    result = search.query(typed, limit=500)
    assert result.hits[0].kind == "article" and result.hits[0].object_id == article.pk
    assert [h for h in result.hits if h.kind == "article"] == [result.hits[0]]
    items = {h.object_id for h in result.hits if h.kind == "item"}
    assert items == citing_items(TIAOLI, 40) != set()
    assert documents(result) == documents(search.query(SAME_ARTICLE[0], limit=500))
    assert result.citations == ["《医疗保障基金使用监督管理条例》第四十条" + ("第一款" if "第1款" in typed else "")]


def test_an_article_number_alone_finds_that_article_of_every_law_that_has_it(library):
    result = search.query("第四十条", limit=500)
    laws = set(Article.objects.filter(pk__in=[h.object_id for h in result.hits if h.kind == "article"])
               .values_list("law__name", flat=True))
    assert laws == set(Article.objects.filter(number=40).values_list("law__name", flat=True))
    assert {TIAOLI, "中华人民共和国社会保险法", "中华人民共和国行政处罚法", "中华人民共和国行政强制法"} <= laws
    assert "山西省医疗保障基金使用监督管理办法" not in laws  # it has 24 articles
    assert {h.object_id for h in result.hits if h.kind == "item"} == citing_items(None, 40)
    assert documents(result) == documents(search.query("第40条", limit=500))


def test_a_citation_and_words_find_the_cited_documents_that_have_the_words(library):
    result = search.query("条例第40条 冒名", limit=500)
    cited = search.query("条例第40条", limit=500)
    assert set(documents(result)) < set(documents(cited))
    assert ("article", Article.objects.get(law__name=TIAOLI, number=40).pk) in documents(result)
    texts = [SearchDocument.objects.get(**{h.kind: h.object_id}).plain for h in result.hits]
    assert all("冒名" in t for t in texts)
    assert not any("冒名" in SearchDocument.objects.get(**{kind: pk}).plain
                   for kind, pk in set(documents(cited)) - set(documents(result)))


def test_a_citation_of_an_article_the_law_does_not_have_finds_nothing(library):
    result = search.query("条例第99条")
    assert (result.hits, result.total, result.citations) == ([], 0, ["《医疗保障基金使用监督管理条例》第九十九条"])


def test_a_citation_search_keeps_the_bureau_and_type_filters(library):
    everywhere = search.query("社保法第八十七条", limit=500)
    county = PowerItem.objects.filter(catalog__bureau__name="栾川县医疗保障局").first().catalog.bureau
    here = search.query("社保法第八十七条", bureau_id=county.pk, limit=500)
    items = PowerItem.objects.filter(pk__in=[h.object_id for h in here.hits if h.kind == "item"])
    assert items and set(items.values_list("catalog__bureau", flat=True)) == {county.pk}
    assert len(here.hits) < len(everywhere.hits) and here.hits[0].kind == "article"
    penalties = search.query("社保法第八十七条", type="penalty", limit=500)
    assert penalties.hits and {h.kind for h in penalties.hits} == {"item"}


def test_the_snippet_marks_the_citation_as_the_item_writes_it(library):
    result = search.query("第四十条", kinds=("item",), limit=500)
    assert any("<mark>第四十条</mark>" in h.snippet or "<mark>第40条</mark>" in h.snippet for h in result.hits)


def test_the_search_page_says_which_article_it_searched_for(library, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("officer", password="x"))
    text = client.get(reverse("catalog:search"), {"q": "基金监管条例第40条"}).content.decode()
    article = Article.objects.get(law__name=TIAOLI, number=40)
    assert "按条文引用检索：<span class=\"tag\">《医疗保障基金使用监督管理条例》第四十条</span>" in text
    assert f'href="{reverse("law:article_detail", args=[article.pk])}"' in text
