import datetime as dt
from decimal import Decimal

import pytest

from yibao.documents.formatting import (
    FormattingError,
    amount_figures,
    amount_in_capitals,
    amount_symbol,
    amount_with_capitals,
    cn_count,
    cn_date,
    cn_rate,
)


@pytest.mark.parametrize(("amount", "capitals"), [
    # The examples of 中国人民银行《正确填写票据和结算凭证的基本规定》 (the first form where two are allowed).
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    # Amounts with 零 in them.
    ("20005", "贰万零伍元整"),
    ("1000.5", "壹仟元零伍角"),
    ("100005", "壹拾万零伍元整"),
    ("10000.05", "壹万元零伍分"),
    ("0.05", "伍分"),
    ("101010.10", "壹拾万壹仟零壹拾元零壹角"),
    ("100100100", "壹亿零壹拾万零壹佰元整"),
    ("20000", "贰万元整"),
    ("0", "零元整"),
])
def test_amounts_in_capitals_follow_the_central_bank_rules(amount, capitals):
    assert amount_in_capitals(Decimal(amount)) == capitals


def test_an_int_or_a_string_is_taken_like_a_decimal():
    assert amount_in_capitals(20005) == amount_in_capitals("20005.00") == "贰万零伍元整"


def test_a_float_is_refused_since_it_cannot_hold_the_fen_exactly():
    with pytest.raises(TypeError):
        amount_in_capitals(0.1)


@pytest.mark.parametrize(("amount", "message"), [
    ("12.345", "精确到分"), ("-5", "负数"), ("abc", "不是有效的金额"), ("NaN", "不是有效的金额"),
])
def test_an_amount_a_document_cannot_print_is_refused_in_chinese(amount, message):
    with pytest.raises(FormattingError, match=message):
        amount_in_capitals(amount)


def test_amounts_in_figures_have_thousands_separators_and_two_decimals():
    assert amount_figures(Decimal("12000")) == "12,000.00元"
    assert amount_symbol(Decimal("1000.5")) == "¥1,000.50"
    assert amount_with_capitals(20000) == "人民币贰万元整（¥20,000.00）"


def test_dates_have_arabic_numerals_without_leading_zeros_as_gbt_9704_writes_them():
    assert cn_date(dt.date(2026, 3, 2)) == "2026年3月2日"
    assert cn_date(dt.date(2026, 12, 31)) == "2026年12月31日"


def test_counts_and_rates_are_written_in_words_as_the_law_writes_them():
    assert cn_count(15) == "十五"
    assert cn_count(60) == "六十"
    assert cn_rate(Decimal("0.03")) == "百分之三"
    assert cn_rate(Decimal("0.0005")) == "万分之五"
