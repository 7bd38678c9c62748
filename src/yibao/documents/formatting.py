"""How official documents write amounts, dates and counts. Pure: no Django.

Amounts are Decimal yuan exact to the fen; a float is refused (it cannot hold 0.1 exactly), so is an amount
below the fen or below zero. Each function answers in the form the documents print:

- figures: ``12,000.00元`` and ``¥12,000.00``;
- Chinese capitals (大写), by the rules of 中国人民银行《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》:
  整 after 元 when there are no jiao or fen, none after 分; one 零 for a run of zeros inside the number; 零 after 元
  when the 角 is zero and the 分 is not (¥325.04 → 叁佰贰拾伍元零肆分). Where the 元 digit is zero and the 角 is not,
  the rules allow 零 or not (¥1,680.32 → 壹仟陆佰捌拾元零叁角贰分 or 壹仟陆佰捌拾元叁角贰分); the documents always write
  it, so that nothing can be slipped in after 元 (¥1,000.50 → 壹仟元零伍角). cn2an writes the digits (tested on the
  rules' own examples in tests/test_formatting.py); that one 零 is added here;
- dates as GB/T 9704-2012 §7.3.5.6 has the 成文日期 written: Arabic numerals, the year in full, month and day
  without a leading zero (2026年3月2日);
- counts of days and rates in words, as the laws and the published decisions write them (十五日, 百分之三).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import cn2an

from yibao.law.money import MoneyError, checked_amount
from yibao.law.numerals import to_chinese_numeral

YUAN_SIGN = "¥"
CAPITALS_PREFIX = "人民币"


class FormattingError(ValueError):
    """A value a document cannot print; the message is Chinese, for the user."""


def money(value: Decimal | int | str, what: str = "金额") -> Decimal:
    """The amount as Decimal yuan exact to the fen; FormattingError for what a document cannot print."""
    try:
        return checked_amount(value, what)
    except MoneyError as e:
        raise FormattingError(str(e)) from None


def amount_figures(value: Decimal | int | str) -> str:
    """12000 → 12,000.00元."""
    return f"{money(value):,.2f}元"


def amount_symbol(value: Decimal | int | str) -> str:
    """12000 → ¥12,000.00 (the form beside the capitals)."""
    return f"{YUAN_SIGN}{money(value):,.2f}"


def amount_in_capitals(value: Decimal | int | str) -> str:
    """20005 → 贰万零伍元整, 1000.5 → 壹仟元零伍角, 10000.05 → 壹万元零伍分, 0.05 → 伍分."""
    amount = money(value)
    text = cn2an.an2cn(str(amount), "rmb")
    yuan = int(amount)
    jiao = int(amount * 10) % 10
    # The 零 the rules leave optional after 元 (see the module's docstring): written when the 元 digit is zero.
    if yuan and yuan % 10 == 0 and jiao and "元零" not in text:
        text = text.replace("元", "元零", 1)
    return text


def amount_with_capitals(value: Decimal | int | str) -> str:
    """人民币贰万元整（¥20,000.00）: how a decision states a fine."""
    return f"{CAPITALS_PREFIX}{amount_in_capitals(value)}（{amount_symbol(value)}）"


def cn_date(day: dt.date) -> str:
    """2026-03-02 → 2026年3月2日 (GB/T 9704-2012 §7.3.5.6)."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_count(n: int) -> str:
    """15 → 十五, 60 → 六十, 6 → 六: a count of days or months in words."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise FormattingError(f"不是有效的日数：{n}")
    return to_chinese_numeral(n)


def cn_rate(rate: Decimal) -> str:
    """0.03 → 百分之三, 0.0005 → 万分之五: a rate as the law writes it."""
    if isinstance(rate, float):
        raise TypeError("rate must be a Decimal")
    for denominator, word in ((100, "百分之"), (1000, "千分之"), (10000, "万分之")):
        n = Decimal(rate) * denominator
        if n == n.to_integral_value() and n > 0:
            return word + to_chinese_numeral(int(n))
    raise FormattingError(f"无法用中文表示的比率：{rate}")
