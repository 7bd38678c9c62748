"""A bureau's reference data for the pre-screen: the knowledge base (两库) and the registries, in memory."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .request import Person

OPEN_END = dt.date(9999, 12, 31)  # an enrolment without an end date (insu_enrol.enddate null)


class KbItem:
    """A row of kb_item (两库 knowledge base)."""

    __slots__ = ("med_list_codg", "pric_uplmt_amt", "lmt_gend", "lmt_age_min", "lmt_age_max", "lmt_med_type",
                 "lmt_hosp_rank", "max_cnt_per_day", "per_day_of_stay")

    def __init__(self, med_list_codg: str, pric_uplmt_amt: Decimal | None = None, lmt_gend: str | None = None,
                 lmt_age_min: int | None = None, lmt_age_max: int | None = None, lmt_med_type: str | None = None,
                 lmt_hosp_rank: int | None = None, max_cnt_per_day: Decimal | None = None,
                 per_day_of_stay: bool | None = None):
        self.med_list_codg = med_list_codg
        self.pric_uplmt_amt = pric_uplmt_amt
        self.lmt_gend = lmt_gend
        self.lmt_age_min = lmt_age_min
        self.lmt_age_max = lmt_age_max
        self.lmt_med_type = lmt_med_type
        self.lmt_hosp_rank = lmt_hosp_rank
        self.max_cnt_per_day = max_cnt_per_day
        self.per_day_of_stay = per_day_of_stay


@dataclass
class ReferenceData:
    """Registries and knowledge base of a bureau. None = the table is absent (its rules are skipped)."""

    kb_item: dict[str, KbItem] | None = None
    kb_item_pair: list[tuple[str, str, str]] | None = None  # (main_codg, sub_codg, window)
    ranks: dict[str, int] = field(default_factory=dict)  # fixmedins_code → rank; missing = 0
    persons: dict[str, Person] | None = None
    enrolments: dict[str, list[tuple[dt.date, dt.date]]] | None = None  # psn_no → (begndate, enddate or 9999-12-31)
    pairs_by_sub: dict[str, list[tuple[str, str]]] = field(init=False, default_factory=dict)
    psn_by_certno: dict[str, list[str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for main, sub, window in self.kb_item_pair or ():
            self.pairs_by_sub.setdefault(sub, []).append((main, window))
        # R16's e: enrolments of persons in psn_info with a certno.
        if self.persons is not None and self.enrolments is not None:
            for psn_no in self.enrolments:
                person = self.persons.get(psn_no)
                if person is not None and person.certno is not None:
                    self.psn_by_certno.setdefault(person.certno, []).append(psn_no)

