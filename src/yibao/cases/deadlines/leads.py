"""The lead's verification deadline (线索核查期限): as the lead services stored it, else counted here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from yibao.deadlines.calendar import cn_date

from ..constants import LeadStatus
from ..models import Lead
from ..parameters import defaults
from ..procedure import CaseState
from .registry import LEAD_KIND, BoardQuery, Days, OpenDeadline, Picked, _sliced

# Lead verification: decide to file, not to file or to transfer within the period of the parameter
# `lead_verification` (parameters/defaults.yaml). Its rule's text is not in the law library, so no article
# is cited: the board shows it as the bureau's default with the parameter's source (待核实).
_LEAD_PERIOD = defaults()["lead_verification"]
LEAD_VERIFICATION_WORKDAYS = int(_LEAD_PERIOD.value)
LEAD_VERIFICATION_BASIS = f"本局默认期限：{_LEAD_PERIOD.basis}（{_LEAD_PERIOD.source}，未引用条款）"
# Leads whose verification is still running (the same statuses filing accepts).
OPEN_LEAD_STATUSES = (LeadStatus.RECEIVED, LeadStatus.ASSESSING)


def open_leads(bureau_ids: list[int] | None) -> Any:
    """Leads whose verification runs: received or being assessed, without a filing proposed or made."""
    leads = Lead.objects.filter(status__in=OPEN_LEAD_STATUSES).exclude(
        cases__state__in=[s.value for s in CaseState if s != CaseState.NOT_FILED])
    return leads if bureau_ids is None else leads.filter(bureau_id__in=bureau_ids)


def lead_deadline(row: dict, days: Days) -> OpenDeadline:
    """The lead's verification deadline: as the lead services stored it (after a verification or an
    extension), else counted from the day it was received."""
    if row.get("verification_due"):
        due, provisional = row["verification_due"], False
        why = row.get("verification_due_explanation") or ""
    else:
        due, provisional = days.add(row["received_date"], LEAD_VERIFICATION_WORKDAYS)
        why = (f"自收到线索之日（{cn_date(row['received_date'])}）次日起 {LEAD_VERIFICATION_WORKDAYS} 个工作日；"
               f"日历版本 {days.calendar.version}。")
    return OpenDeadline(LEAD_KIND, "线索核查期限", due, provisional or not days.published(due),
                        LEAD_VERIFICATION_BASIS, row["number"], row["party_name"] or row["summary"][:40],
                        row["bureau__name"], LeadStatus(row["status"]).label, row["pk"], row.get("bureau_id"), "", why)


LEAD_FIELDS = ("pk", "number", "party_name", "summary", "status", "received_date", "verification_due",
               "bureau_id", "bureau__name")


def lead_deadlines(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
    if q.state:  # a case state leaves the leads out
        return Picked([], 0)
    leads = open_leads(bureau_ids).filter(
        Q(verification_due__lte=q.horizon) | Q(verification_due__isnull=True,
                                               received_date__lte=q.days.latest_start(LEAD_VERIFICATION_WORKDAYS,
                                                                                      q.horizon)))
    picked = leads.order_by("received_date", "pk").values(*LEAD_FIELDS, "verification_due_explanation")
    return Picked([lead_deadline(r, q.days) for r in _sliced(picked, q)], leads.count())
