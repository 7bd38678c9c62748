"""The deadlines seals run against, for the supervision board (督办), its alerts and the 工作台: the last day of
every running seal (行政强制法 第二十五条) and the 24 hours a seal made on the spot has to be reported in
(第十九条). Both are registered as board sources (cases.deadlines.register) when the app is ready."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from yibao.cases.deadlines import OpenDeadline

from .models import Seal
from .procedure import EMERGENCY_BASIS, PERIOD_BASIS, STATUS_LABELS, SealStatus, report_due

SEAL_EXPIRY_KIND = "seal"
SEAL_REPORT_KIND = "seal_report"
KIND_LABELS = {SEAL_EXPIRY_KIND: "封存期限", SEAL_REPORT_KIND: "当场封存报告期限"}
BASES = {SEAL_EXPIRY_KIND: PERIOD_BASIS.label(), SEAL_REPORT_KIND: EMERGENCY_BASIS.label()}

FIELDS = ("pk", "number", "party_name", "status", "ends_on", "ends_provisional", "ends_explanation", "emergency",
          "sealed_at", "reported_at", "bureau_id", "bureau__name")


def seal_deadlines(bureau_ids: list[int] | None, *, horizon: dt.date | None = None,
                   kinds: tuple[str, ...] = (SEAL_EXPIRY_KIND, SEAL_REPORT_KIND)) -> list[OpenDeadline]:
    """Running seals' deadlines of the bureaus given (None: every bureau), nearest first; with `horizon`, only
    those due on or before it (past ones included: an expired seal not yet lifted stays until it is)."""
    seals = Seal.objects.filter(status=SealStatus.ACTIVE)
    if bureau_ids is not None:
        seals = seals.filter(bureau_id__in=bureau_ids)
    rows: list[OpenDeadline] = []
    for r in seals.values(*FIELDS):
        state = STATUS_LABELS[SealStatus(r["status"])]
        href = reverse("coercion:seal_detail", args=[r["pk"]])

        def row(kind: str, due: dt.date, provisional: bool, why: str, r: dict = r, state: str = state,
                href: str = href) -> OpenDeadline:
            return OpenDeadline(kind, KIND_LABELS[kind], due, provisional, BASES[kind], r["number"], r["party_name"],
                                r["bureau__name"], state, r["pk"], bureau_id=r["bureau_id"], why=why, href=href)

        if SEAL_EXPIRY_KIND in kinds and r["ends_on"] is not None:
            rows.append(row(SEAL_EXPIRY_KIND, r["ends_on"], r["ends_provisional"], r["ends_explanation"]))
        if SEAL_REPORT_KIND in kinds and r["emergency"] and r["reported_at"] is None and r["sealed_at"] is not None:
            due_at = timezone.localtime(report_due(r["sealed_at"]))
            rows.append(row(SEAL_REPORT_KIND, due_at.date(), False,
                            f"当场实施封存于{timezone.localtime(r['sealed_at']):%Y-%m-%d %H:%M}，"
                            f"应在二十四小时内（{due_at:%Y-%m-%d %H:%M}前）向负责人报告并补办批准手续。"))
    if horizon is not None:
        rows = [d for d in rows if d.due <= horizon]
    return sorted(rows, key=lambda d: (d.due, d.subject))


def seal_expiry_deadlines(bureau_ids: list[int] | None) -> list[OpenDeadline]:
    return seal_deadlines(bureau_ids, kinds=(SEAL_EXPIRY_KIND,))


def seal_report_deadlines(bureau_ids: list[int] | None) -> list[OpenDeadline]:
    return seal_deadlines(bureau_ids, kinds=(SEAL_REPORT_KIND,))


def register_sources() -> None:
    """Put the seal deadlines on the board (called from the app's ready())."""
    from yibao.cases.deadlines import register

    register(SEAL_EXPIRY_KIND, KIND_LABELS[SEAL_EXPIRY_KIND], BASES[SEAL_EXPIRY_KIND],
             "yibao.coercion.deadlines:seal_expiry_deadlines")
    register(SEAL_REPORT_KIND, KIND_LABELS[SEAL_REPORT_KIND], BASES[SEAL_REPORT_KIND],
             "yibao.coercion.deadlines:seal_report_deadlines")
