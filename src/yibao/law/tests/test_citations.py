"""Citations as documents write them resolve to the full law name, article, paragraph and clause."""

import pytest

from yibao.law.citations import CitationError, parse_article_refs, parse_citation, split_bases
from yibao.law.numerals import parse_number, to_chinese_numeral

REGULATION = "医疗保障基金使用监督管理条例"
SOCIAL_INSURANCE_LAW = "中华人民共和国社会保险法"

# citation as written → (law, article, paragraph, clause)
CITATIONS = [
    ("《条例》第40条第1款", (REGULATION, 40, 1, None)),
    ("社保法第八十七条", (SOCIAL_INSURANCE_LAW, 87, None, None)),
    ("医疗保障基金使用监督管理条例第四十条第一款第（三）项", (REGULATION, 40, 1, 3)),
    ("《医疗保障基金使用监督管理条例》第四十条第一款第(三)项", (REGULATION, 40, 1, 3)),
    ("《社会保险法》第87条", (SOCIAL_INSURANCE_LAW, 87, None, None)),
    ("《社会保险法》第八十七条", (SOCIAL_INSURANCE_LAW, 87, None, None)),
    ("《条例》第４０条第１款", (REGULATION, 40, 1, None)),
    ("《医疗保障基金使用监督管理条例》第 39 条", (REGULATION, 39, None, None)),
    ("《条例》第三十八条第二项", (REGULATION, 38, None, 2)),
    ("《中华人民共和国社会保险法》（2018年修正）第八十八条", (SOCIAL_INSURANCE_LAW, 88, None, None)),
    ("社会保险法（2018年修正）第88条", (SOCIAL_INSURANCE_LAW, 88, None, None)),
    ("基本医疗卫生与健康促进法第一百零四条", ("中华人民共和国基本医疗卫生与健康促进法", 104, None, None)),
    ("《实施〈中华人民共和国社会保险法〉若干规定》第二十五条", ("实施《中华人民共和国社会保险法》若干规定", 25, None, None)),
    ("《社会保险法》", (SOCIAL_INSURANCE_LAW, None, None, None)),
]


@pytest.mark.parametrize(("written", "expected"), CITATIONS, ids=[c[0] for c in CITATIONS])
def test_a_citation_resolves_to_the_full_law_name_and_its_article_paragraph_and_clause(written, expected):
    c = parse_citation(written)
    assert (c.law, c.article, c.paragraph, c.clause) == expected


def test_arabic_chinese_and_full_width_article_numbers_give_the_same_citation():
    written = ["《社会保险法》第87条", "《社会保险法》第八十七条", "《社会保险法》第８７条", "社保法第 87 条"]
    assert {(c.law, c.article) for c in map(parse_citation, written)} == {(SOCIAL_INSURANCE_LAW, 87)}


def test_a_citation_takes_its_rank_from_the_registry_of_known_laws():
    assert parse_citation("社保法第八十七条").rank == "law"
    assert parse_citation("《条例》第40条").rank == "admin_regulation"
    assert parse_citation("《医疗保障行政处罚程序暂行规定》第二十九条").rank == "dept_rule"


def test_a_citation_prints_in_the_official_form():
    c = parse_citation("《条例》第40条第1款第3项")
    assert c.label() == "《医疗保障基金使用监督管理条例》第四十条第一款第（三）项"


def test_a_citation_of_an_unknown_law_is_an_error_naming_that_law():
    with pytest.raises(CitationError, match="某某管理办法"):
        parse_citation("《某某管理办法》第3条")


@pytest.mark.parametrize("written", ["第87条", "", "《条例》第四十条之一"])
def test_a_citation_without_law_or_with_an_unreadable_article_is_an_error(written):
    with pytest.raises(CitationError):
        parse_citation(written)


def test_a_range_of_articles_expands_to_each_article():
    refs, used = parse_article_refs("第三条、第四条、第三十条~第三十四条；《社会保险法》第84条")
    assert [r[0] for r in refs] == [3, 4, 30, 31, 32, 33, 34]
    refs, _ = parse_article_refs("第三十条～第五十四条")
    assert [r[0] for r in refs] == list(range(30, 55))


def test_a_basis_cell_splits_into_citations_each_with_the_text_it_quotes():
    cell = (
        "<p>《医疗保障基金使用监督管理条例》第四十一条：个人有下列情形之一的，由医疗保障行政部门责令改正：</p>"
        "<p>（一）将本人的医疗保障凭证交由他人冒名使用；</p>"
        "<p>《社会保险法》第88条：以欺诈、伪造证明材料或者其他手段骗取社会保险待遇的，责令退回。</p>"
    )
    parsed = split_bases(cell)
    assert [(c.law, c.rank, c.article) for c in parsed.citations] == [
        (REGULATION, "admin_regulation", 41),
        (SOCIAL_INSURANCE_LAW, "law", 88),
    ]
    assert parsed.citations[0].text == (
        "个人有下列情形之一的，由医疗保障行政部门责令改正：\n（一）将本人的医疗保障凭证交由他人冒名使用；"
    )
    assert parsed.citations[1].text.startswith("以欺诈、伪造证明材料")
    assert parsed.warnings == []


def test_a_law_missing_from_the_registry_takes_the_rank_of_its_tag_with_a_warning():
    parsed = split_bases("【地方政府规章】《某某市医疗保障条例实施细则》（2020年修订）\n第三条 本细则适用于本市。")
    [c] = parsed.citations
    assert (c.law, c.rank, c.article, c.text, c.known) == ("某某市医疗保障条例实施细则", "local_rule", 3, "本细则适用于本市。", False)
    assert len(parsed.warnings) == 1
    assert "某某市医疗保障条例实施细则" in parsed.warnings[0] and "【地方政府规章】" in parsed.warnings[0]


def test_the_registry_rank_wins_over_a_wrong_tag_without_warning():
    parsed = split_bases("【部门规章】《中华人民共和国社会保险法》第八十七条 社会保险经办机构……")
    assert [(c.law, c.rank, c.article) for c in parsed.citations] == [(SOCIAL_INSURANCE_LAW, "law", 87)]
    assert parsed.warnings == []


NUMERALS = [
    ("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("八十七", 87), ("一百", 100), ("一百零四", 104),
    ("一百一十", 110), ("两百", 200), ("87", 87), ("８７", 87), ("〇", 0),
]


@pytest.mark.parametrize(("written", "value"), NUMERALS, ids=[n[0] for n in NUMERALS])
def test_chinese_arabic_and_full_width_numerals_parse_to_integers(written, value):
    assert parse_number(written) == value


def test_every_number_from_1_to_200_survives_the_round_trip_through_chinese_numerals():
    for n in range(1, 201):
        assert parse_number(to_chinese_numeral(n)) == n, to_chinese_numeral(n)
    assert [to_chinese_numeral(n) for n in (10, 15, 40, 101, 110, 200)] == ["十", "十五", "四十", "一百零一", "一百一十", "二百"]


@pytest.mark.parametrize("written", ["", "第八", "8a"])
def test_text_that_is_not_a_numeral_is_refused(written):
    with pytest.raises(ValueError):
        parse_number(written)
