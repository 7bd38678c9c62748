"""Insured persons shown on pages and exports: masked unless the user may see personal data; full views audited."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from yibao.core.audit import record_event
from yibao.org.masking import mask_name
from yibao.org.models import Bureau

from ..constants import BATCH_SIZE
from ..models import (
    InsuredPerson,
)


def record_pii_view(actor: Any, psn_nos: Iterable[str], *, where: str, obj: Any = None) -> None:
    """Audit that a user was shown the full names and ID numbers of these persons."""
    shown = sorted({p for p in psn_nos if p})
    if not shown:
        return
    with transaction.atomic():
        record_event("pii.view", actor=actor, obj=obj,
                     summary=f"{actor.get_username()} 查看 {len(shown)} 名参保人员的完整个人信息（{where}）",
                     data={"viewer": actor.get_username(), "where": where, "psn_nos": shown[:1000],
                           "count": len(shown), "fields": ["name", "certno"]})


def people_display(psn_nos: Iterable[str], *, user: Any, where: str, bureau: Bureau | None = None,
                   obj: Any = None) -> dict[str, dict]:
    """psn_no → name, certno, gender and birth date for a page or an export, masked unless the user may
    see personal data; showing them unmasked is audited (pii.view)."""
    from yibao.org.masking import mask_id_number
    from yibao.org.permissions import can_view_personal_data

    wanted = sorted({p for p in psn_nos if p})
    full = can_view_personal_data(user, bureau)
    out: dict[str, dict] = {}
    for start in range(0, len(wanted), BATCH_SIZE):
        for p in InsuredPerson.objects.filter(psn_no__in=wanted[start:start + BATCH_SIZE]):
            out[p.psn_no] = {
                "name": p.name if full else mask_name(p.name), "certno": p.certno if full else mask_id_number(p.certno),
                "gender": p.gender_label, "birth_date": p.birth_date, "death_date": p.death_date, "masked": not full,
            }
    if full:
        record_pii_view(user, [p for p, d in out.items() if d["name"] or d["certno"]], where=where, obj=obj)
    return out
