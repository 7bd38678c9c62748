"""Chinese full-text search over the seed catalogues and regulation (runs on SQLite and PostgreSQL)."""

import copy
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from yibao.catalog import search, search_text
from yibao.catalog.models import Catalog, PowerItem, SearchDocument
from yibao.catalog.parsing import parse_catalog_file
from yibao.catalog.services import do_import_catalog
from yibao.law.models import Article
from yibao.law.regulation import parse_regulation_file
from yibao.law.services import do_import_regulation

SEEDS = Path(settings.YIBAO_SEEDS)
CATALOG_SEEDS = (
    ("000_", "山西省医疗保障局", dt.date(2022, 6, 1)),
    ("001_", "红寺堡区医疗保障局", dt.date(2021, 9, 1)),
    ("002_", "阳泉市矿区医疗保障局", dt.date(2022, 3, 1)),
    ("003_", "栾川县医疗保障局", dt.date(2021, 11, 1)),
)
REGULATION_SEED = "004_"


def seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}*.txt"))
    if not found:
        pytest.skip(f"seed {prefix}* not found under {SEEDS}")
    return found[0]


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The four seed catalogues and the seed regulation, imported once for this module as the demo
    does. An outer transaction rolled back at the end keeps them out of other modules; each test's
    own transaction nests inside it (a savepoint), so tests may still change data freely."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            catalogs = {}
            for prefix, bureau, date in CATALOG_SEEDS:
                result = do_import_catalog(parse_catalog_file(seed(prefix)), bureau_name=bureau, date=date)
                catalogs[bureau] = result.catalog
            path = seed(REGULATION_SEED)
            do_import_regulation(parse_regulation_file(path), source_file=path.name)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield catalogs
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def item_ids(result) -> set[int]:
    return {h.object_id for h in result.hits if h.kind == "item"}


def documents_containing(*texts: str, kind: str = "item") -> set[int]:
    """Brute force: the documents whose normalised text contains every one of the texts."""
    return {
        d.object_id
        for d in SearchDocument.objects.filter(kind=kind)
        if all(search.normalize(t) in d.plain for t in texts)
    }


# ---------------------------------------------------------------- tokens and synonyms


def test_index_text_is_bigrams_of_each_chinese_run_and_whole_words():
    assert search.tokenize("骗取医疗，3个月") == "骗取 取医 医疗 3 个月"
    assert search.tokenize("第41条") == "第 41 条"
    assert search.tokenize("ＤＲＧ付费") == "drg 付费"  # full-width letters fold to ASCII, lower case


def test_normalising_keeps_every_character_in_place():
    text = "《条例》第４１条：ＡＢＣ⾏政"
    assert len(search.normalize(text)) == len(text)
    assert search.normalize(text) == "《条例》第41条:abc行政"


def test_the_synonym_list_has_reviewed_entries_that_each_add_something():
    import yaml

    data = yaml.safe_load(search_text.SYNONYMS_PATH.read_text(encoding="utf-8"))
    assert len(data["entries"]) >= 15
    assert all(e.get("note") for e in data["entries"])
    table = search_text.synonyms()
    for key, expansions in table.table.items():
        for e in expansions:
            assert key not in e, f"{key} → {e} adds nothing: the expansion contains the word itself"


def test_short_forms_expand_to_their_full_terms():
    table = search_text.synonyms()
    assert table.expand("骗保")[:1] == ["骗取医疗保障基金"]
    assert set(table.expand("医保基金")) >= {"医疗保障基金", "医疗保险基金"}
    assert "社会保险法" in table.expand("社保法")
    assert "定点医药机构" in table.expand("定点机构")
    assert "查封" in table.expand("封存") and "封存" in table.expand("查封")


# ---------------------------------------------------------------- queries


@pytest.mark.django_db
def test_two_character_query_finds_items_with_that_word(seeded):
    result = search.query("骗取", kinds=("item",), limit=500)
    named = set(PowerItem.objects.filter(catalog__is_current=True, name__contains="骗取").values_list("pk", flat=True))
    assert named and named <= item_ids(result)
    assert item_ids(result) == documents_containing("骗取")
    assert result.total == len(result.hits)
    assert result.expanded_terms == []
    assert all("<mark>骗取</mark>" in h.snippet for h in result.hits if "骗取" in h.snippet)


@pytest.mark.django_db
def test_sealing_query_finds_the_sealing_items_first(seeded):
    result = search.query("封存", kinds=("item",), limit=500)
    literal = documents_containing("封存")
    assert len(literal) >= 3
    first = [h.object_id for h in result.hits[: len(literal)]]
    assert set(first) == literal, "items that say 封存 come before those found through 查封/扣押"
    assert {"查封", "扣押"} <= set(result.expanded_terms)
    assert item_ids(result) == literal | documents_containing("查封") | documents_containing("扣押")


@pytest.mark.django_db
def test_short_form_finds_items_through_the_synonym_list(seeded):
    result = search.query("骗保", kinds=("item",), limit=500)
    assert "骗取医疗保障基金" in result.expanded_terms
    full = documents_containing("骗取医疗保障基金")
    assert full and full <= item_ids(result)
    assert not documents_containing("骗保"), "the seed items never say 骗保 themselves"
    assert any("<mark>骗取医疗保障基金</mark>" in h.snippet for h in result.hits if h.object_id in full)


@pytest.mark.django_db
def test_longer_query_matches_only_consecutive_text(seeded):
    scattered = documents_containing("医疗", "费用") - documents_containing("医疗费用")
    assert scattered, "the seeds have items that say 医疗 and 费用 apart"
    result = search.query("医疗费用", kinds=("item",), limit=500)
    assert item_ids(result) == documents_containing("医疗费用") != set()
    assert not item_ids(result) & scattered
    assert documents_containing("骗取", "基金") and not search.query("骗取基金").hits
    for phrase in ("骗取医疗保障基金支出", "伪造、变造", "暂停其医疗费用联网结算", "医疗救助"):
        assert item_ids(search.query(phrase, kinds=("item",), limit=500)) == documents_containing(
            *search.parse_terms(phrase)
        ), phrase


@pytest.mark.django_db
def test_query_with_digits_and_chinese_matches_as_written(seeded):
    result = search.query("3个月", kinds=("item",), limit=500)
    assert item_ids(result) == documents_containing("3个月") != set()
    # 第41条 is a citation (law/tests/test_citation_search.py): it finds every item citing an article 41,
    # those that write it 第四十一条 as well as those that write it as typed.
    cited = item_ids(search.query("第41条", kinds=("item",), limit=500))
    assert documents_containing("第41条") < cited == item_ids(search.query("第四十一条", kinds=("item",), limit=500))


@pytest.mark.django_db
def test_a_number_finds_codes_that_begin_with_it(seeded):
    item = PowerItem.objects.filter(catalog__is_current=True).exclude(national_code="").first()
    result = search.query(item.national_code[:7], kinds=("item",), limit=500)
    assert item.pk in item_ids(result)
    assert item_ids(result) <= documents_containing(item.national_code[:7])


@pytest.mark.django_db
def test_every_term_of_a_query_must_match(seeded):
    both = documents_containing("骗取", "救助")
    assert both and both != documents_containing("骗取")
    result = search.query("骗取 救助", kinds=("item",), limit=500)
    assert item_ids(result) == both
    assert item_ids(search.query("骗取，救助", kinds=("item",), limit=500)) == both  # punctuation separates too


@pytest.mark.django_db
def test_results_can_be_limited_to_one_bureau_and_one_type(seeded):
    county = seeded["栾川县医疗保障局"]
    result = search.query("骗取", bureau_id=county.bureau_id, limit=500)
    items = [h for h in result.hits if h.kind == "item"]
    assert items
    assert set(PowerItem.objects.filter(pk__in=[h.object_id for h in items]).values_list(
        "catalog__bureau", flat=True)) == {county.bureau_id}
    assert any(h.kind == "article" for h in result.hits), "the law library is shared by every bureau"
    assert all(county.bureau.name in h.subtitle for h in items)

    typed = search.query("医疗保障基金", type="inspection", limit=500)
    assert typed.hits
    assert {h.kind for h in typed.hits} == {"item"}
    assert set(PowerItem.objects.filter(pk__in=item_ids(typed)).values_list("type", flat=True)) == {"inspection"}


@pytest.mark.django_db
def test_articles_are_found_with_their_law_and_number(seeded):
    result = search.query("冒名就医", kinds=("article",))
    titles = [h.title for h in result.hits]
    assert "《医疗保障基金使用监督管理条例》第四十一条" in titles
    assert all(h.kind == "article" for h in result.hits)
    by_number = search.query("医疗保障基金使用监督管理条例 第四十一条", kinds=("article",))
    assert by_number.hits[0].title == "《医疗保障基金使用监督管理条例》第四十一条"


@pytest.mark.django_db
def test_imported_regulation_articles_are_searchable(seeded):
    shanxi = Article.objects.filter(law__name="山西省医疗保障基金使用监督管理办法")
    assert shanxi.count() >= 20
    assert SearchDocument.objects.filter(article__in=shanxi).count() == shanxi.count()
    result = search.query("公安机关 欺诈骗保", kinds=("article",))
    assert any(h.title.startswith("《山西省医疗保障基金使用监督管理办法》") for h in result.hits)


@pytest.mark.django_db
def test_a_new_version_of_a_catalogue_replaces_the_old_items_in_results(seeded):
    old = seeded["山西省医疗保障局"]
    parsed = parse_catalog_file(seed("000_"))
    new = copy.deepcopy(parsed)
    dropped = new.items.pop(0)
    new.items[0].name = "对医疗保障经办机构骗取医疗保障基金支出行为的行政处罚（修订版）"
    assert "骗取" in dropped.name

    result = do_import_catalog(new, bureau_name="山西省医疗保障局", date=dt.date(2023, 1, 1))
    assert result.created and result.catalog.version == old.version + 1

    hits = search.query("骗取", kinds=("item",), limit=500)
    old_ids = set(old.items.values_list("pk", flat=True))
    assert not item_ids(hits) & old_ids
    renamed = search.query("修订版", kinds=("item",))
    assert [h.object_id for h in renamed.hits] == [result.catalog.items.get(position=1).pk]
    assert not search.query(dropped.name, kinds=("item",)).hits

    before = SearchDocument.objects.count()
    search.index_catalog(result.catalog)  # again: nothing changes
    search.index_catalog(old)  # an old version stays out of the index
    assert SearchDocument.objects.count() == before
    assert not SearchDocument.objects.filter(item__catalog=old).exists()


@pytest.mark.django_db
def test_rebuild_indexes_every_current_item_and_every_article(seeded):
    expected = PowerItem.objects.filter(catalog__is_current=True).count() + Article.objects.count()
    assert search.rebuild() == expected == SearchDocument.objects.count()
    assert item_ids(search.query("骗取", kinds=("item",), limit=500)) == documents_containing("骗取")


@pytest.mark.django_db
def test_one_character_query_still_finds_text(seeded):
    result = search.query("罚", kinds=("item",), limit=500)
    assert result.hits
    assert item_ids(result) == documents_containing("罚")
    assert "<mark>罚</mark>" in result.hits[0].snippet


@pytest.mark.django_db
def test_query_of_only_punctuation_returns_nothing(seeded):
    for q in ("，。！？", "  ", "《》——", "%_\\'\""):
        result = search.query(q)
        assert (result.hits, result.total, result.expanded_terms) == ([], 0, [])


@pytest.mark.django_db
def test_hits_carry_title_snippet_and_score_in_order(seeded):
    result = search.query("骗取医疗保障基金", limit=5)
    assert len(result.hits) == 5 and result.total > 5
    for h in result.hits:
        assert h.title and h.snippet and h.score > 0
        assert isinstance(h.url, str)
    item = next(h for h in result.hits if h.kind == "item")
    assert Catalog.objects.get(items__pk=item.object_id).is_current


def test_snippet_escapes_the_text_and_marks_the_words():
    html = search.snippet('见<附件>"骗取"医保基金', ["骗取", "医保"])
    assert html == '见&lt;附件&gt;&quot;<mark>骗取</mark>&quot;<mark>医保</mark>基金'
    long = "前" * 200 + "骗取" + "后" * 200
    cut = search.snippet(long, ["骗取"])
    assert cut.startswith("…") and cut.endswith("…") and "<mark>骗取</mark>" in cut
    assert len(cut) < 160
