"""The official full texts: each as published at its source, split into its articles, loaded by migrate."""

import datetime as dt
import hashlib
import shutil

import pytest
from django.core.management import call_command
from django.test import override_settings

from yibao.catalog.parsing import parse_catalog_file
from yibao.catalog.services import do_import_catalog
from yibao.core.models import AuditEvent
from yibao.core.testing import seed_path
from yibao.law.models import Article, Law
from yibao.law.regulation import parse_regulation_file
from yibao.law.services import do_load_law_text, do_load_law_texts, keep_article
from yibao.law.texts import TEXTS_DIR, LawTextError, law_texts, read_text_file

# file, law, articles counted in the published text, in force, document number
TEXTS = [
    ("tiaoli", "医疗保障基金使用监督管理条例", 50, "2021-05-01", "中华人民共和国国务院令第735号"),
    ("xingzheng_chufa_fa", "中华人民共和国行政处罚法", 86, "2021-07-15", ""),
    ("xingzheng_qiangzhi_fa", "中华人民共和国行政强制法", 71, "2012-01-01", ""),
    ("shebaofa", "中华人民共和国社会保险法", 98, "2011-07-01", ""),
    ("shanxi_jianguan_banfa", "山西省医疗保障基金使用监督管理办法", 24, "2021-10-01", "山西省人民政府令第289号"),
    ("chufa_chengxu", "医疗保障行政处罚程序暂行规定", None, "2021-07-15", "国家医疗保障局令第4号"),
]

# law, article: its 章 and 节
HEADINGS = [
    ("xingzheng_chufa_fa", 51, "第五章 行政处罚的决定", "第二节 简易程序"),
    ("xingzheng_chufa_fa", 86, "第八章 附则", ""),
    ("xingzheng_qiangzhi_fa", 25, "第三章 行政强制措施实施程序", "第二节 查封、扣押"),
    ("tiaoli", 40, "第四章 法律责任", ""),
    ("shebaofa", 87, "第十一章 法律责任", ""),
    ("shanxi_jianguan_banfa", 17, "", ""),
]


def by_slug(slug: str):
    [found] = [t for t in law_texts() if t.slug == slug]
    return found


def git_blob_hash(text: str) -> str:
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_the_library_has_a_file_for_each_law_the_bureau_applies():
    assert sorted(t.slug for t in law_texts()) == sorted(row[0] for row in TEXTS)


@pytest.mark.parametrize(("slug", "name", "articles", "effective", "number"), TEXTS)
def test_each_text_has_its_data_and_all_its_articles(slug, name, articles, effective, number):
    text = by_slug(slug)
    assert (text.name, text.article_total, text.effective.isoformat(), text.document_number) == (
        name, articles, effective, number)
    parsed = text.parse()
    if articles is None:
        assert parsed is None and not text.body.strip()
    else:
        assert [a.number for a in parsed.articles] == list(range(1, articles + 1))
    assert text.source_label and text.issuer and text.promulgated <= text.effective


@pytest.mark.parametrize("slug", [row[0] for row in TEXTS if row[2] is not None])
def test_each_text_is_its_source_file_unchanged(slug):
    text = by_slug(slug)
    assert git_blob_hash(text.body) == text.source["blob"]


@pytest.mark.parametrize(("slug", "number", "chapter", "section"), HEADINGS)
def test_articles_know_their_chapter_and_section(slug, number, chapter, section):
    article = by_slug(slug).parse().articles[number - 1]
    assert (article.chapter, article.section) == (chapter, section)


def test_the_2021_penalty_law_is_the_revised_text():
    text = by_slug("xingzheng_chufa_fa")
    assert [h.date for h in text.history][-1] == dt.date(2021, 1, 22)
    assert text.parse().articles[-1].text == "本法自2021年7月15日起施行。"


def test_a_text_file_parses_past_its_data_as_the_command_line_reads_it():
    parsed = parse_regulation_file(TEXTS_DIR / "tiaoli.md")
    assert (parsed.title, len(parsed.articles)) == ("医疗保障基金使用监督管理条例", 50)


@pytest.mark.parametrize(("change", "message"), [
    (("effective: 2021-05-01", "effective: 2021-06-01"), "与正文 2021-05-01 不一致"),
    (("articles: 50", "articles: 51"), "写明 51 条，正文解析出 50 条"),
    (("name: 医疗保障基金使用监督管理条例", "name: 医保条例"), "不是法规登记表中的全称"),
    (("effective: 2021-05-01", "effective: 五月一日"), "effective 应为日期"),
])
def test_a_text_file_that_contradicts_itself_is_refused(tmp_path, change, message):
    path = tmp_path / "tiaoli.md"
    path.write_text((TEXTS_DIR / "tiaoli.md").read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(LawTextError, match=message):
        read_text_file(path)


@pytest.mark.django_db
def test_a_freshly_migrated_database_has_the_full_library():
    assert not Law.objects.exists()
    with override_settings(YIBAO_LOAD_LAW_TEXTS=True):
        call_command("migrate", interactive=False, verbosity=0)
    for slug, name, articles, effective, _ in TEXTS:
        law = Law.objects.get(name=name)
        assert (law.article_total, law.effective_on.isoformat()) == (articles, effective), slug
        assert law.articles.filter(official=True).count() == (articles or 0)
    article = Article.objects.get(law__name="医疗保障基金使用监督管理条例", number=40)
    assert article.text.startswith("定点医药机构通过下列方式骗取医疗保障基金支出的")
    assert article.source_file == "law/data/texts/tiaoli.md"
    lines = (TEXTS_DIR / "tiaoli.md").read_text(encoding="utf-8").split("\n")
    assert lines[article.source_line - 1].startswith("第四十条 定点医药机构通过下列方式")
    assert article.structure[0]["clauses"][0]["text"].startswith("诱导、协助他人冒名或者虚假就医")


@pytest.mark.django_db
def test_the_migrate_step_is_off_unless_asked_for():
    call_command("migrate", interactive=False, verbosity=0)
    assert not Law.objects.exists()


@pytest.mark.django_db
def test_loading_the_texts_twice_changes_nothing():
    assert len(do_load_law_texts()) == len(TEXTS)
    events, articles = AuditEvent.objects.filter(action="law.load_text").count(), Article.objects.count()
    assert events == len(TEXTS)
    assert do_load_law_texts() == []
    assert (AuditEvent.objects.filter(action="law.load_text").count(), Article.objects.count()) == (events, articles)


@pytest.mark.django_db
def test_a_changed_text_file_is_loaded_again(tmp_path):
    law, _ = do_load_law_text(by_slug("tiaoli"))
    shutil.copy(TEXTS_DIR / "tiaoli.md", tmp_path / "tiaoli.md")
    path = tmp_path / "tiaoli.md"
    path.write_text(path.read_text(encoding="utf-8").replace("issuer: 国务院", "issuer: 中华人民共和国国务院"),
                    encoding="utf-8")
    again, changed = do_load_law_text(read_text_file(path))
    assert changed and again.pk == law.pk
    assert Law.objects.get(pk=law.pk).issuer == "中华人民共和国国务院"


@pytest.mark.django_db
def test_the_official_text_replaces_a_quotation_in_the_same_article_row():
    do_import_catalog(parse_catalog_file(seed_path("002_")), bureau_name="阳泉市矿区医疗保障局",
                      date=dt.date(2022, 3, 1))
    quoted = Article.objects.get(law__name="中华人民共和国社会保险法", number=84)
    assert quoted.text.startswith("由社会保险行政部门责令限期改正")  # 002 quotes it cut short
    do_load_law_texts()
    official = Article.objects.get(pk=quoted.pk)
    assert official.official and official.text.startswith("用人单位不办理社会保险登记的")
    assert official.citations.exists()


@pytest.mark.django_db
def test_a_quotation_never_replaces_the_official_text():
    do_load_law_texts()
    before = Article.objects.get(law__name="中华人民共和国社会保险法", number=84)
    do_import_catalog(parse_catalog_file(seed_path("003_")), bureau_name="栾川县医疗保障局",
                      date=dt.date(2021, 11, 1))
    after = Article.objects.get(pk=before.pk)
    assert (after.text, after.source_file) == (before.text, "law/data/texts/shebaofa.md")
    assert after.citations.exists()
    # A quotation longer than the article (a list pastes a note after it) does not win either.
    keep_article(after.law, 84, before.text + "（以上为清单摘录）", source_file="x.txt", source_line=1)
    assert Article.objects.get(pk=before.pk).text == before.text
