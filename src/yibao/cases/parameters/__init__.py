"""The procedural parameters of case handling and their defaults (defaults.yaml). Pure: no Django.

A parameter is a number or a rule the procedure runs on: a period, a threshold, a mode. The law's value is
the default where the law fixes it (and then a bureau may not change it); where the law leaves it to a
province, the default cites a real rule or is marked 待核实. A bureau's own values from a date are the
`cases.BureauParameter` rows; `cases.services.parameters` resolves which value is in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

from yibao.deadlines.periods import STATUTORY_PERIODS

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")
LAW = "law"
UNVERIFIED = "待核实"


@dataclass(frozen=True)
class Parameter:
    """One parameter with its default: value, unit, working or calendar days, basis and source."""

    key: str
    label: str
    value: int | Decimal | bool | str
    unit: str
    basis: str
    source: str
    reviewed: bool
    workdays: bool | None = None  # None: not a period
    url: str = ""
    note: str = ""
    period: str = ""  # the key of a statutory period in deadlines/periods.py

    @property
    def fixed_by_law(self) -> bool:
        return self.source == LAW

    @property
    def unverified(self) -> bool:
        return self.source == UNVERIFIED or not self.reviewed

    def parse(self, raw: object) -> int | Decimal | bool | str:
        """A bureau's value in this parameter's type; ValueError with a Chinese message when it is not one."""
        text = str(raw).strip()
        if isinstance(self.value, bool):
            if text.lower() in ("true", "1", "是", "yes"):
                return True
            if text.lower() in ("false", "0", "否", "no"):
                return False
            raise ValueError(f"{self.label}应为“是”或“否”，收到：{text}")
        if isinstance(self.value, int):
            if not text.isdigit() or int(text) < 1:
                raise ValueError(f"{self.label}应为正整数（{self.unit}），收到：{text}")
            return int(text)
        if isinstance(self.value, Decimal):
            try:
                amount = Decimal(text)
            except ArithmeticError:
                raise ValueError(f"{self.label}应为金额（{self.unit}），收到：{text}") from None
            if not amount.is_finite() or amount <= 0:
                raise ValueError(f"{self.label}应为正数金额（{self.unit}），收到：{text}")
            return amount
        if self.key in CHOICES and text not in CHOICES[self.key]:
            raise ValueError(f"{self.label}应为以下之一：{'、'.join(CHOICES[self.key])}，收到：{text}")
        return text


# Parameters that take one of a few words.
CHOICES: dict[str, tuple[str, ...]] = {"legal_review_mode": ("every_case", "thresholds")}


def _typed(key: str, raw: object) -> int | Decimal | bool | str:
    # Amounts in yuan are money (Decimal); counts of days and people stay int.
    if key in MONEY:
        return Decimal(str(raw))
    return raw  # type: ignore[return-value]


def _from_period(key: str, d: dict) -> dict:
    """A statutory period's days, unit and article, taken from deadlines/periods.py (one source)."""
    period = STATUTORY_PERIODS[d["period"]]
    return {**d, "value": period.days, "unit": "工作日" if period.workdays else "日", "workdays": period.workdays,
            "basis": period.citation.label()}


@cache
def defaults() -> dict[str, Parameter]:
    """Every parameter with its default, keyed by name, in the file's order."""
    data = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    out: dict[str, Parameter] = {}
    for key, d in data.items():
        if "period" in d:
            d = _from_period(key, d)
        out[key] = Parameter(
            key=key, label=d["label"], value=_typed(key, d["value"]), unit=d["unit"], basis=d["basis"],
            source=str(d["source"]), reviewed=bool(d.get("reviewed", False)), workdays=d.get("workdays"),
            url=d.get("url", ""), note=d.get("note", ""), period=d.get("period", ""),
        )
    return out


def default(key: str) -> int | Decimal | bool | str:
    """The default value of a parameter (KeyError for a name the file does not have)."""
    return defaults()[key].value


# The parameters counted in yuan.
MONEY = frozenset({
    "hearing_threshold_person", "hearing_threshold_organisation", "legal_review_threshold_person",
    "legal_review_threshold_organisation", "deliberation_threshold_person", "deliberation_threshold_organisation",
    "summary_fine_limit_person", "summary_fine_limit_organisation",
})
