"""A rule's basis is read with the law app's one citation pattern (yibao.law.citations)."""

from yibao.monitoring.engine.rules import RULES
from yibao.monitoring.services.fines import basis_citation


def test_a_rule_basis_gives_article_paragraph_and_clause_for_the_law_library_link():
    assert RULES["R12"].article_citation == (40, 1, 3)
    assert RULES["R01"].article_citation == (38, None, 6)
    assert RULES["R11"].article_citation == (41, None, None)


def test_the_calculator_citation_of_a_basis_leaves_out_its_trailing_note():
    assert RULES["R11"].basis == "第四十一条（冒名就医）"
    assert basis_citation(RULES["R11"].basis) == "《医疗保障基金使用监督管理条例》第四十一条"
    assert basis_citation(RULES["R16"].basis) == "《医疗保障基金使用监督管理条例》第四十一条第一款第（二）项"


def test_a_basis_without_an_article_is_quoted_whole():
    assert basis_citation("确定检查重点") == "《医疗保障基金使用监督管理条例》确定检查重点"
