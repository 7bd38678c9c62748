"""The deadlines seals run against, for the supervision board (督办) and the daily job: the last day of every
running seal (第二十五条) and the 24 hours a seal made on the spot has to be reported in (第十九条).

`seal_deadlines(bureau_ids)` gives rows with the attributes of the board's `OpenDeadline` (kind, label, due,
provisional, basis, subject, title, bureau, state, pk, url, days_left, overdue)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from .models import Seal
from .procedure import EMERGENCY_BASIS, PERIOD_BASIS, STATUS_LABELS, SealStatus, report_due

SEAL_EXPIRY_KIND = "seal_expiry"
SEAL_REPORT_KIND = "seal_report"
KIND_LABELS = {SEAL_EXPIRY_KIND: "封存期限", SEAL_REPORT_KIND: "当场封存报告期限"}


@dataclass(frozen=True)
class SealDeadline:
    kind: str
    label: str
    due: dt.date
    provisional: bool
    basis: str
    subject: str  # the seal's number
    title: str  # the party
    bureau: str
    state: str
    pk: int  # of the seal
    case_pk: int | None = None
    due_at: dt.datetime | None = None  # the hour too, for the 24-hour report

    @property
    def url(self) -> str:
        return reverse("coercion:seal_detail", args=[self.pk])

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days

    def overdue(self, today: dt.date) -> bool:
        return self.due < today


FIELDS = ("pk", "number", "party_name", "status", "ends_on", "ends_provisional", "emergency", "sealed_at",
          "reported_at", "bureau__name", "case_id")


def seal_deadlines(bureau_ids: list[int] | None, *, horizon: dt.date | None = None) -> list[SealDeadline]:
    """Running seals' deadlines of the bureaus given (None: every bureau), nearest first; with `horizon`, only
    those due on or before it (past ones included: an expired seal not yet lifted stays until it is)."""
    seals = Seal.objects.filter(status=SealStatus.ACTIVE)
    if bureau_ids is not None:
        seals = seals.filter(bureau_id__in=bureau_ids)
    rows: list[SealDeadline] = []
    for r in seals.values(*FIELDS):
        state = STATUS_LABELS[SealStatus(r["status"])]
        if r["ends_on"] is not None:
            rows.append(SealDeadline(SEAL_EXPIRY_KIND, KIND_LABELS[SEAL_EXPIRY_KIND], r["ends_on"],
                                     r["ends_provisional"], PERIOD_BASIS.label(), r["number"], r["party_name"],
                                     r["bureau__name"], state, r["pk"], r["case_id"]))
        if r["emergency"] and r["reported_at"] is None and r["sealed_at"] is not None:
            due_at = timezone.localtime(report_due(r["sealed_at"]))
            rows.append(SealDeadline(SEAL_REPORT_KIND, KIND_LABELS[SEAL_REPORT_KIND], due_at.date(), False,
                                     EMERGENCY_BASIS.label(), r["number"], r["party_name"], r["bureau__name"], state,
                                     r["pk"], r["case_id"], due_at))
    if horizon is not None:
        rows = [d for d in rows if d.due <= horizon]
    return sorted(rows, key=lambda d: (d.due, d.subject))
