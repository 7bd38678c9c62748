"""Statutory money and time limits: late fee, penalty surcharge, limitation — each a table of cases."""

import datetime as dt
from decimal import Decimal

import pytest

from yibao.law.money import (
    LATE_FEE_RATE_PER_DAY,
    LIMITATION_YEARS,
    LIMITATION_YEARS_LIFE_HEALTH,
    SURCHARGE_CAP_RATIO,
    SURCHARGE_RATE_PER_DAY,
    MoneyError,
    add_years,
    days_to_reach_cap,
    late_fee,
    limitation,
    penalty_surcharge,
)

D = dt.date.fromisoformat

# description, unpaid (yuan), due date, payment date, days, late fee (yuan)
LATE_FEES = [
    ("paid on the due date owes no late fee", "1000.00", "2025-03-15", "2025-03-15", 0, "0.00"),
    ("paid before the due date owes no late fee", "1000.00", "2025-03-15", "2025-03-10", 0, "0.00"),
    ("one day late on 1000 yuan is 0.50", "1000.00", "2025-03-15", "2025-03-16", 1, "0.50"),
    ("31 days late on 1000 yuan is 15.50", "1000.00", "2025-01-15", "2025-02-15", 31, "15.50"),
    ("half a fen rounds half up to one fen", "10.00", "2025-03-15", "2025-03-16", 1, "0.01"),
    ("just under half a fen rounds down to nothing", "9.99", "2025-03-15", "2025-03-16", 1, "0.00"),
    ("one fen for one day is far below a fen", "0.01", "2025-03-15", "2025-03-16", 1, "0.00"),
    ("one fen for 1000 days is half a fen and rounds up", "0.01", "2024-01-01", "2026-09-27", 1000, "0.01"),
    ("rounding happens once at the end and not day by day", "30.00", "2025-03-15", "2025-03-18", 3, "0.05"),
    ("a year across 29 February 2024 counts 366 days", "100000.00", "2024-01-01", "2025-01-01", 366, "18300.00"),
    ("a large debt keeps every fen", "12345678.90", "2025-01-01", "2025-04-11", 100, "617283.95"),
    ("nothing unpaid owes nothing however late", "0.00", "2025-01-01", "2025-02-01", 31, "0.00"),
]


@pytest.mark.parametrize(("unpaid", "due", "paid", "days", "fee"), [r[1:] for r in LATE_FEES],
                         ids=[r[0] for r in LATE_FEES])
def test_late_fee(unpaid, due, paid, days, fee):
    result = late_fee(Decimal(unpaid), D(due), D(paid))
    assert (result.days, result.amount) == (days, Decimal(fee))
    assert str(result.amount) == fee  # exactly two decimals
    assert [c.label() for c in result.citations] == ["《中华人民共和国社会保险法》第八十六条"]


def test_the_late_fee_explains_its_sum_in_chinese():
    result = late_fee(Decimal("1000.00"), D("2025-01-15"), D("2025-02-15"))
    assert result.explanation == (
        "欠缴1,000.00元，自2025年1月15日（应缴之日）至2025年2月15日（缴纳之日）共31日，"
        "按日加收万分之五（《中华人民共和国社会保险法》第八十六条），滞纳金 = 1000.00 × 0.0005 × 31 = 15.50元。"
    )


# description, fine (yuan), last day to pay, as of, days, surcharge (yuan), capped
SURCHARGES = [
    ("paid by the last day owes no surcharge", "10000.00", "2025-03-01", "2025-03-01", 0, "0.00", False),
    ("a date before the deadline owes no surcharge", "10000.00", "2025-03-01", "2025-02-20", 0, "0.00", False),
    ("one day after the deadline is 3% of the fine", "10000.00", "2025-03-01", "2025-03-02", 1, "300.00", False),
    ("ten days after the deadline are 30% of the fine", "10000.00", "2025-03-01", "2025-03-11", 10, "3000.00", False),
    ("33 days are 99% of the fine and not yet capped", "10000.00", "2025-03-01", "2025-04-03", 33, "9900.00", False),
    ("34 days would be 102% and are capped at the fine", "10000.00", "2025-03-01", "2025-04-04", 34, "10000.00", True),
    ("a year later the surcharge is still the fine", "10000.00", "2025-03-01", "2026-03-01", 365, "10000.00", True),
    ("a fine with fen is capped at exactly itself", "1234.56", "2025-03-01", "2025-04-10", 40, "1234.56", True),
    ("two days on 1234.56 yuan are 74.0736 rounded to 74.07", "1234.56", "2025-03-01", "2025-03-03", 2, "74.07",
     False),
    ("one day on 333.33 yuan is 9.9999 rounded half up to 10.00", "333.33", "2025-03-01", "2025-03-02", 1, "10.00",
     False),
    ("one day on one fen is 0.0003 and rounds to nothing", "0.01", "2025-03-01", "2025-03-02", 1, "0.00", False),
    ("one day on 0.17 yuan is 0.0051 and rounds to one fen", "0.17", "2025-03-01", "2025-03-02", 1, "0.01", False),
]


@pytest.mark.parametrize(("fine", "deadline", "as_of", "days", "amount", "capped"), [r[1:] for r in SURCHARGES],
                         ids=[r[0] for r in SURCHARGES])
def test_penalty_surcharge(fine, deadline, as_of, days, amount, capped):
    result = penalty_surcharge(Decimal(fine), D(deadline), D(as_of))
    assert (result.days, result.amount, result.capped) == (days, Decimal(amount), capped)
    assert str(result.amount) == amount
    assert result.amount <= result.fine
    assert result.citations[0].label() == "《中华人民共和国行政处罚法》第七十二条第一款第（一）项"


def test_the_cap_is_reached_on_the_34th_day_and_the_explanation_says_so():
    result = penalty_surcharge(Decimal("10000.00"), D("2025-03-01"), D("2025-04-04"))
    assert days_to_reach_cap() == 34
    assert result.cap_reached_on == D("2025-04-04")
    assert result.total == Decimal("20000.00")
    assert "10000.00 × 0.03 × 34 = 10200.00元，超出罚款数额，按罚款数额10,000.00元加处" in result.explanation
    assert [c.label() for c in result.citations] == [
        "《中华人民共和国行政处罚法》第七十二条第一款第（一）项",
        "《中华人民共和国行政强制法》第四十五条第二款",
    ]


# description, act (or its continuing state) ended, discovered, life and health harmed, last day, expired
LIMITATIONS = [
    ("discovered within two years", "2023-03-10", "2024-06-01", False, "2025-03-10", False),
    ("discovered on the last day of two years is in time", "2023-03-10", "2025-03-10", False, "2025-03-10", False),
    ("discovered the day after two years is too late", "2023-03-10", "2025-03-11", False, "2025-03-10", True),
    ("three years later is too late without harm to life and health", "2020-05-20", "2023-05-20", False,
     "2022-05-20", True),
    ("three years later is in time where life and health were harmed", "2020-05-20", "2023-05-20", True,
     "2025-05-20", False),
    ("discovered on the last day of five years is in time", "2020-05-20", "2025-05-20", True, "2025-05-20", False),
    ("discovered the day after five years is too late", "2020-05-20", "2025-05-21", True, "2025-05-20", True),
    ("a continuing act counts from its end, not its beginning", "2024-06-30", "2026-06-30", False, "2026-06-30",
     False),
    ("an act discovered while it still continues is in time", "2025-12-31", "2025-06-01", False, "2027-12-31",
     False),
    ("an act ending on 29 February has its last day on 28 February two years later", "2024-02-29", "2026-02-28",
     False, "2026-02-28", False),
    ("an act ending on 29 February is too late on 1 March two years later", "2024-02-29", "2026-03-01", False,
     "2026-02-28", True),
    ("an act ending on 29 February has its last day on 28 February five years later", "2024-02-29", "2029-03-01",
     True, "2029-02-28", True),
    ("an act ending on 28 February 2026 ends on 28 February 2028, not on the leap day", "2026-02-28", "2028-02-29",
     False, "2028-02-28", True),
    ("a last day on a holiday does not move", "2023-10-01", "2025-10-09", False, "2025-10-01", True),
]


@pytest.mark.parametrize(("act_end", "discovered", "harm", "last_day", "expired"), [r[1:] for r in LIMITATIONS],
                         ids=[r[0] for r in LIMITATIONS])
def test_limitation(act_end, discovered, harm, last_day, expired):
    result = limitation(D(act_end), D(discovered), life_health_harm=harm)
    assert (result.last_day, result.expired) == (D(last_day), expired)
    assert result.years == (5 if harm else 2)
    assert [c.label() for c in result.citations[:2]] == [
        "《中华人民共和国行政处罚法》第三十六条第一款",
        "《中华人民共和国行政处罚法》第三十六条第二款",
    ]


def test_the_limitation_explains_the_leap_day_in_chinese():
    result = limitation(D("2024-02-29"), D("2026-03-01"), life_health_harm=False)
    assert result.explanation == (
        "违法行为于2024年2月29日发生或终了，时效为二年（《中华人民共和国行政处罚法》第三十六条第一款），"
        "自次日起算，至2026年2月28日届满（2026年没有2月29日，以2月28日为最后一日）。"
        "违法行为于2026年3月1日被发现，已超过追责时效，不再给予行政处罚。"
    )


@pytest.mark.parametrize(("start", "years", "end"), [("2024-02-29", 4, "2028-02-29"), ("2024-02-29", 1, "2025-02-28"),
                                                      ("2025-12-31", 2, "2027-12-31")],
                         ids=["leap day to leap day", "leap day to a common year", "the last day of a year"])
def test_adding_years_keeps_the_date_or_falls_back_to_28_february(start, years, end):
    assert add_years(D(start), years) == D(end)


# parameter, value, where the law says it
PARAMETERS = [
    (LATE_FEE_RATE_PER_DAY, Decimal("0.0005"), "《中华人民共和国社会保险法》第八十六条"),
    (SURCHARGE_RATE_PER_DAY, Decimal("0.03"), "《中华人民共和国行政处罚法》第七十二条第一款第（一）项"),
    (SURCHARGE_CAP_RATIO, Decimal("1"), "《中华人民共和国行政处罚法》第七十二条第一款第（一）项"),
    (LIMITATION_YEARS, 2, "《中华人民共和国行政处罚法》第三十六条第一款"),
    (LIMITATION_YEARS_LIFE_HEALTH, 5, "《中华人民共和国行政处罚法》第三十六条第一款"),
]


@pytest.mark.parametrize(("parameter", "value", "label"), PARAMETERS,
                         ids=["late fee rate", "surcharge rate", "surcharge cap", "limitation", "limitation 5y"])
def test_every_number_from_a_law_carries_its_article(parameter, value, label):
    assert parameter.value == value
    assert parameter.label == label
    assert parameter.text


@pytest.mark.parametrize(("amount", "message"), [("-1.00", "不能为负数"), ("1.005", "应精确到分"), ("NaN", "不是有效的金额")],
                         ids=["a negative amount", "an amount below the fen", "not a number"])
def test_an_impossible_amount_is_refused_in_chinese(amount, message):
    with pytest.raises(MoneyError, match=message):
        late_fee(Decimal(amount), D("2025-01-01"), D("2025-02-01"))


def test_a_float_is_refused_because_money_is_decimal():
    with pytest.raises(TypeError):
        penalty_surcharge(100.0, D("2025-01-01"), D("2025-02-01"))
