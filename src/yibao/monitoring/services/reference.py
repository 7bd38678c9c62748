"""Reference data a run brings: the institutions and insured persons its findings name, upserted per bureau."""


from yibao.org.models import Bureau

from ..constants import BATCH_SIZE
from ..models import (
    Institution,
    InsuredPerson,
)


def _upsert_institutions(bureau: Bureau, rows: list[dict]) -> int:
    fields = ("name", "type", "hosp_lv", "rank", "admdvs")
    existing = {i.code: i for i in Institution.objects.filter(bureau=bureau, code__in=[r["code"] for r in rows])}
    new, changed = [], []
    for r in rows:
        inst = existing.get(r["code"])
        if inst is None:
            new.append(Institution(bureau=bureau, code=r["code"], **{f: r[f] for f in fields}))
        elif any(getattr(inst, f) != r[f] for f in fields):
            for f in fields:
                setattr(inst, f, r[f])
            changed.append(inst)
    Institution.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        Institution.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
    return len(new) + len(changed)


def _upsert_persons(rows: list[dict]) -> int:
    fields = ("name", "certno", "gender", "birth_date", "death_date")
    existing: dict[str, InsuredPerson] = {}
    psn_nos = [r["psn_no"] for r in rows]
    for start in range(0, len(psn_nos), BATCH_SIZE):
        for p in InsuredPerson.objects.filter(psn_no__in=psn_nos[start:start + BATCH_SIZE]):
            existing[p.psn_no] = p
    new, changed = [], []
    for r in rows:
        person = existing.get(r["psn_no"])
        if person is None:
            new.append(InsuredPerson(psn_no=r["psn_no"], **{f: r[f] for f in fields}))
            continue
        # A dataset without names (or with masked certnos) must not wipe what an earlier one gave.
        updates = {f: r[f] for f in fields if r[f] not in (None, "") and getattr(person, f) != r[f]}
        if updates:
            for f, v in updates.items():
                setattr(person, f, v)
            changed.append(person)
    InsuredPerson.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        InsuredPerson.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
    return len(new) + len(changed)
