"""Statutory money and time limits: late fee (滞纳金), penalty surcharge (加处罚款), limitation (追责时效).

Pure: no Django. Every rate and period the law fixes is a named `Parameter` with the article it comes
from. Money is `Decimal`, exact to the fen (0.01 yuan); a result is rounded once, at the end, half up.
Each result carries its citations and a Chinese explanation for the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from yibao.law.citations import Citation

FEN = Decimal("0.01")

SOCIAL_INSURANCE_LAW = "中华人民共和国社会保险法"
PENALTY_LAW = "中华人民共和国行政处罚法"
COERCION_LAW = "中华人民共和国行政强制法"
CIVIL_CODE = "中华人民共和国民法典"


@dataclass(frozen=True)
class Parameter:
    """A number the law fixes, with the provision that fixes it and the words it uses."""

    value: Decimal | int
    citation: Citation
    text: str

    @property
    def label(self) -> str:
        return self.citation.label()


LATE_FEE_RATE_PER_DAY = Parameter(
    Decimal("0.0005"),
    Citation(SOCIAL_INSURANCE_LAW, "law", 86),
    "用人单位未按时足额缴纳社会保险费的，由社会保险费征收机构责令限期缴纳或者补足，"
    "并自欠缴之日起，按日加收万分之五的滞纳金",
)

SURCHARGE_RATE_PER_DAY = Parameter(
    Decimal("0.03"),
    Citation(PENALTY_LAW, "law", 72, 1, 1),
    "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额",
)
# The cap as a share of the fine: the surcharge never exceeds the fine itself.
SURCHARGE_CAP_RATIO = Parameter(
    Decimal("1"),
    Citation(PENALTY_LAW, "law", 72, 1, 1),
    "加处罚款的数额不得超出罚款的数额",
)
SURCHARGE_CAP_GENERAL = Citation(
    COERCION_LAW, "law", 45, 2, text="加处罚款或者滞纳金的数额不得超出金钱给付义务的数额。"
)

LIMITATION_YEARS = Parameter(
    2,
    Citation(PENALTY_LAW, "law", 36, 1),
    "违法行为在二年内未被发现的，不再给予行政处罚",
)
LIMITATION_YEARS_LIFE_HEALTH = Parameter(
    5,
    Citation(PENALTY_LAW, "law", 36, 1),
    "涉及公民生命健康安全、金融安全且有危害后果的，上述期限延长至五年。法律另有规定的除外。",
)
LIMITATION_COUNTED_FROM = Citation(
    PENALTY_LAW, "law", 36, 2,
    text="前款规定的期限，从违法行为发生之日起计算；违法行为有连续或者继续状态的，从行为终了之日起计算。",
)
# How "two years" is counted: the start day is not counted, the period ends on the same date of the
# final year, and where that date does not exist (29 February in a common year) on the month's last day.
YEAR_PERIOD_RULE = Citation(
    CIVIL_CODE, "law", 202,
    text="按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日。",
)


class MoneyError(ValueError):
    """An amount the computation cannot take; the message is Chinese, for the user."""


def checked_amount(value: Decimal | int | str, what: str) -> Decimal:
    """Check an amount: a Decimal (or int) in yuan, not negative, exact to the fen."""
    if isinstance(value, (float, bool)):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise MoneyError(f"{what}不是有效的金额：{value}") from None
    if not amount.is_finite():
        raise MoneyError(f"{what}不是有效的金额：{value}")
    if amount < 0:
        raise MoneyError(f"{what}不能为负数：{value}")
    if amount != amount.quantize(FEN):
        raise MoneyError(f"{what}应精确到分（两位小数）：{value}")
    return amount.quantize(FEN)


def _round(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}元"


def _rate(rate: Decimal) -> str:
    """0.0005 → 万分之五, 0.03 → 百分之三 (as the law writes them)."""
    for denominator, word in ((100, "百分之"), (1000, "千分之"), (10000, "万分之")):
        n = rate * denominator
        if n == n.to_integral_value():
            return f"{word}{_CN_DIGITS.get(int(n), str(int(n)))}"
    return str(rate)


_CN_DIGITS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


# --- 滞纳金: late fee on unpaid contributions --------------------------------------------------------


@dataclass(frozen=True)
class LateFee:
    unpaid: Decimal
    due: dt.date
    paid: dt.date
    days: int
    rate: Decimal
    amount: Decimal
    citations: tuple[Citation, ...]
    explanation: str

    def as_dict(self) -> dict:
        return {
            "unpaid": str(self.unpaid), "due": self.due.isoformat(), "paid": self.paid.isoformat(),
            "days": self.days, "rate": str(self.rate), "amount": str(self.amount),
            "citations": [c.label() for c in self.citations], "explanation": self.explanation,
        }


def late_fee(unpaid: Decimal, due: dt.date, paid: dt.date) -> LateFee:
    """万分之五 of the unpaid contributions for each day from the due date to the payment date.

    days = paid − due (0 when paid on or before the due date); amount = unpaid × rate × days,
    rounded half up to the fen once, at the end.
    """
    amount_unpaid = checked_amount(unpaid, "欠缴金额")
    rate = LATE_FEE_RATE_PER_DAY.value
    days = max(0, (paid - due).days)
    amount = _round(amount_unpaid * rate * days)
    citations = (LATE_FEE_RATE_PER_DAY.citation,)
    if days == 0:
        text = (f"应缴之日为{_cn(due)}，缴纳之日为{_cn(paid)}，未逾期，不加收滞纳金"
                f"（{LATE_FEE_RATE_PER_DAY.label}）。")
    else:
        text = (f"欠缴{_yuan(amount_unpaid)}，自{_cn(due)}（应缴之日）至{_cn(paid)}（缴纳之日）共{days}日，"
                f"按日加收{_rate(rate)}（{LATE_FEE_RATE_PER_DAY.label}），"
                f"滞纳金 = {amount_unpaid} × {rate} × {days} = {_yuan(amount)}。")
    return LateFee(amount_unpaid, due, paid, days, rate, amount, citations, text)


# --- 加处罚款: surcharge on an unpaid fine ---------------------------------------------------------------


@dataclass(frozen=True)
class Surcharge:
    fine: Decimal
    payment_deadline: dt.date
    as_of: dt.date
    days: int
    rate: Decimal
    amount: Decimal
    capped: bool
    cap_reached_on: dt.date  # the first day on which the cap applies
    citations: tuple[Citation, ...]
    explanation: str

    @property
    def total(self) -> Decimal:
        """The fine and the surcharge together."""
        return self.fine + self.amount

    def as_dict(self) -> dict:
        return {
            "fine": str(self.fine), "payment_deadline": self.payment_deadline.isoformat(),
            "as_of": self.as_of.isoformat(), "days": self.days, "rate": str(self.rate),
            "amount": str(self.amount), "capped": self.capped, "cap_reached_on": self.cap_reached_on.isoformat(),
            "total": str(self.total), "citations": [c.label() for c in self.citations],
            "explanation": self.explanation,
        }


def days_to_reach_cap() -> int:
    """The first day count at which rate × days reaches the cap: 34 for 3% and 100%."""
    rate, cap = SURCHARGE_RATE_PER_DAY.value, SURCHARGE_CAP_RATIO.value
    return int((cap / rate).to_integral_value(rounding=ROUND_CEILING))


def penalty_surcharge(fine: Decimal, payment_deadline: dt.date, as_of: dt.date) -> Surcharge:
    """3% of the fine for each day after the last day of the payment period, never more than the fine.

    days = as_of − payment_deadline (0 on or before the deadline); amount = min(fine × 3% × days, fine).
    """
    amount_fine = checked_amount(fine, "罚款金额")
    rate = SURCHARGE_RATE_PER_DAY.value
    days = max(0, (as_of - payment_deadline).days)
    raw = amount_fine * rate * days
    cap = amount_fine * SURCHARGE_CAP_RATIO.value
    capped = raw > cap
    amount = _round(min(raw, cap))
    cap_reached_on = payment_deadline + dt.timedelta(days=days_to_reach_cap())
    citations: tuple[Citation, ...] = (SURCHARGE_RATE_PER_DAY.citation,)
    if days == 0:
        text = (f"缴纳罚款的期限至{_cn(payment_deadline)}届满，截至{_cn(as_of)}未逾期，不加处罚款"
                f"（{SURCHARGE_RATE_PER_DAY.label}）。")
    else:
        text = (f"罚款{_yuan(amount_fine)}，缴纳期限至{_cn(payment_deadline)}届满，截至{_cn(as_of)}逾期{days}日，"
                f"每日按罚款数额的{_rate(rate)}加处罚款（{SURCHARGE_RATE_PER_DAY.label}）：")
        if capped:
            citations += (SURCHARGE_CAP_GENERAL,)
            text += (f"{amount_fine} × {rate} × {days} = {_round(raw)}元，超出罚款数额，"
                     f"按罚款数额{_yuan(amount)}加处（加处罚款的数额不得超出罚款的数额，"
                     f"自{_cn(cap_reached_on)}起达到上限）。")
        else:
            text += f"{amount_fine} × {rate} × {days} = {_yuan(amount)}。"
    return Surcharge(amount_fine, payment_deadline, as_of, days, rate, amount, capped, cap_reached_on,
                     citations, text)


# --- 追责时效: limitation of administrative penalties --------------------------------------------------


@dataclass(frozen=True)
class Limitation:
    act_end: dt.date
    discovered: dt.date
    life_health_harm: bool
    years: int
    last_day: dt.date
    expired: bool
    citations: tuple[Citation, ...]
    explanation: str

    def as_dict(self) -> dict:
        return {
            "act_end": self.act_end.isoformat(), "discovered": self.discovered.isoformat(),
            "life_health_harm": self.life_health_harm, "years": self.years, "last_day": self.last_day.isoformat(),
            "expired": self.expired, "citations": [c.label() for c in self.citations],
            "explanation": self.explanation,
        }


def add_years(start: dt.date, years: int) -> dt.date:
    """The same date `years` later; 29 February becomes 28 February in a common year (民法典 第二百零二条)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February → a year without it: the last day of February
        return start.replace(year=start.year + years, day=28)


def limitation(act_end: dt.date, discovered: dt.date, *, life_health_harm: bool) -> Limitation:
    """Whether an act discovered on `discovered` may still be punished (行政处罚法 第三十六条).

    The period is 2 years, or 5 where citizens' life and health (or financial security) is involved and
    harm resulted. It runs from the day the act happened, or, for a continuing act, the day it ended
    (`act_end`); the start day is not counted, so it ends on the same date 2 (5) years later, and a
    29 February start ends on 28 February of a common year. Discovery on the last day is in time.
    The last day does not move for holidays: the question is whether the act was discovered in time,
    not an act someone must do by a deadline.
    """
    parameter = LIMITATION_YEARS_LIFE_HEALTH if life_health_harm else LIMITATION_YEARS
    years = int(parameter.value)
    last_day = add_years(act_end, years)
    expired = discovered > last_day
    citations = (parameter.citation, LIMITATION_COUNTED_FROM, YEAR_PERIOD_RULE)
    which = "涉及公民生命健康安全且有危害后果，时效为五年" if life_health_harm else "时效为二年"
    leap = ""
    if (act_end.month, act_end.day) == (2, 29) and last_day.day == 28:
        leap = f"（{act_end.year + years}年没有2月29日，以2月28日为最后一日）"
    text = (f"违法行为于{_cn(act_end)}发生或终了，{which}（{parameter.label}），自次日起算，"
            f"至{_cn(last_day)}届满{leap}。")
    if expired:
        text += f"违法行为于{_cn(discovered)}被发现，已超过追责时效，不再给予行政处罚。"
    else:
        text += f"违法行为于{_cn(discovered)}被发现，在追责时效内。"
    return Limitation(act_end, discovered, life_health_harm, years, last_day, expired, citations, text)

