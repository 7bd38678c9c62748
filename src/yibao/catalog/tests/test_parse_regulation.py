"""The regulation seed (004) parses into its articles, paragraphs and clauses."""

from pathlib import Path

import pytest
from django.conf import settings

from yibao.law.regulation import RegulationParseError, parse_regulation_file, parse_regulation_text


def seed(prefix: str) -> Path:
    """The seed file whose name starts with prefix, from settings.YIBAO_SEEDS ($YIBAO_SEEDS or ../shared/seeds)."""
    directory = Path(settings.YIBAO_SEEDS)
    found = sorted(directory.glob(f"{prefix}*.txt"))
    if not found:
        pytest.fail(f"seed {prefix}*.txt not found in {directory} (set YIBAO_SEEDS)", pytrace=False)
    return found[0]


@pytest.fixture(scope="module")
def regulation():
    return parse_regulation_file(seed("004_"))


def article(regulation, number: int):
    [found] = [a for a in regulation.articles if a.number == number]
    return found


def test_the_regulation_parses_into_its_24_articles_in_order(regulation):
    assert [a.number for a in regulation.articles] == list(range(1, 25))
    assert regulation.title == "山西省医疗保障基金使用监督管理办法"
    assert regulation.note == "（2021年8月25日省政府令第289号公布）"


def test_the_first_article_starts_after_the_title_and_skips_the_bookmark(regulation):
    first = article(regulation, 1)
    assert first.text.startswith("为了规范和加强医疗保障基金使用监督管理")
    assert "bookmark" not in first.text


def test_article_19_has_one_paragraph_with_its_ten_clauses(regulation):
    a19 = article(regulation, 19)
    assert len(a19.paragraphs) == 1
    assert a19.paragraphs[0].text == "定点医药机构及其工作人员不得有以下行为："
    clauses = a19.paragraphs[0].clauses
    assert [c.number for c in clauses] == list(range(1, 11))
    assert clauses[0].text == "分解住院、挂床住院；"
    assert clauses[6].text == "为非定点医药机构提供医保结算；"
    assert clauses[9].text == "造成医疗保障基金损失的其他违法违规行为。"
    assert "（十）造成医疗保障基金损失的其他违法违规行为。" in a19.text


def test_article_5_has_five_paragraphs(regulation):
    a5 = article(regulation, 5)
    assert [p.number for p in a5.paragraphs] == [1, 2, 3, 4, 5]
    assert a5.paragraphs[0].text.startswith("县级以上人民政府卫生健康部门负责医疗机构和医疗服务行业监督管理")
    assert a5.paragraphs[3].text == "县级以上人民政府公安机关负责依法查处各类欺诈骗保等违法犯罪行为。"
    assert all(not p.clauses for p in a5.paragraphs)


def test_articles_17_and_21_list_their_clauses(regulation):
    assert len(article(regulation, 17).paragraphs[0].clauses) == 5
    assert [c.text for c in article(regulation, 21).paragraphs[0].clauses][-1] == "中止或者解除服务协议。"


def test_the_last_article_gives_the_date_of_effect(regulation):
    assert article(regulation, 24).text == "本办法自2021年10月1日起施行。"


def test_the_regulation_exports_articles_with_their_structure(regulation):
    data = regulation.as_dict()
    assert len(data["articles"]) == 24
    a19 = data["articles"][18]
    assert a19["number"] == 19
    assert len(a19["paragraphs"][0]["clauses"]) == 10


def test_text_without_articles_is_not_a_regulation():
    with pytest.raises(RegulationParseError, match="未找到任何“第X条”"):
        parse_regulation_text("会议纪要\n今天开会。", "notes.txt")


def test_a_gap_in_article_numbers_is_reported_with_its_line():
    with pytest.raises(RegulationParseError, match="gap.txt，第3行：条文序号不连续（第1条之后是第3条）"):
        parse_regulation_text("某办法\n第一条 总则。\n第三条 附则。", "gap.txt")
