"""What the bureau's thresholds make of a fine: whether it needs the legal review (第五十八条, or every case
by the bureau's `legal_review_mode`), the collective deliberation (第五十七条第二款) and the hearing right
(第六十三条第一款第（一）项, 较大数额). The person or organisation amounts are the first party's."""

from __future__ import annotations

from decimal import Decimal

from ..models import Case
from .parameters import value


def party_is_person(case: Case) -> bool:
    party = case.parties.first()
    return party is not None and party.is_person


def threshold(case: Case, stem: str) -> Decimal:
    """The bureau's amount for the case's kind of party, e.g. stem `hearing_threshold`."""
    suffix = "person" if party_is_person(case) else "organisation"
    return Decimal(str(value(case.bureau, f"{stem}_{suffix}")))


def reaches(case: Case, stem: str, fine: Decimal | None) -> bool:
    return fine is not None and fine >= threshold(case, stem)


def review_required(case: Case, fine: Decimal | None) -> bool:
    """Reviewed when the bureau reviews every case, when the officers marked a 第五十八条 case, or when the
    fine reaches the bureau's review amount."""
    if value(case.bureau, "legal_review_mode") == "every_case":
        return True
    return case.review_required or reaches(case, "legal_review_threshold", fine)


def deliberation_required(case: Case, fine: Decimal | None) -> bool:
    """Deliberated when the officers marked the case complex (with a reason) or the fine reaches the amount."""
    return case.deliberation_required or reaches(case, "deliberation_threshold", fine)


def hearing_right_by_amount(case: Case, fine: Decimal | None) -> bool:
    return reaches(case, "hearing_threshold", fine)
