"""Import catalogue documents as versions of a bureau's list, and diff them."""

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from yibao.catalog.constants import BasisRole, DutyStage
from yibao.catalog.models import Catalog, Duty, ItemBasis, PowerItem
from yibao.catalog.parsing import ParsedCatalog, ParsedItem
from yibao.catalog.renames import Candidate, match_renames
from yibao.core.audit import record_event
from yibao.law.services import article_for
from yibao.org.constants import Role
from yibao.org.models import Bureau
from yibao.org.permissions import can_manage_org, get_role, in_scope, is_active_user, visible_bureau_ids

log = logging.getLogger(__name__)

COMPARED_FIELDS = ("seq", "name", "sub_item", "type", "national_code", "subject", "implementer", "level",
                   "scope", "remark", "bases", "duties", "duty_bases", "extra")
FIELD_LABELS = {
    "seq": "序号", "name": "名称", "sub_item": "子项", "type": "类型", "national_code": "基本编码",
    "subject": "责任主体", "implementer": "实施主体", "level": "行使层级", "scope": "行使内容", "remark": "备注",
    "bases": "依据", "duties": "责任事项", "duty_bases": "责任事项依据", "extra": "其他列",
}
# Post names (003) and duty steps (002) both name the stage of the case they perform.
STAGE_WORDS = (
    ("批准决定", DutyStage.APPROVE), ("事后监管", DutyStage.SUPERVISE), ("立案", DutyStage.FILE),
    ("调查", DutyStage.INVESTIGATE), ("审查", DutyStage.REVIEW), ("审核", DutyStage.REVIEW),
    ("告知", DutyStage.NOTIFY), ("决定", DutyStage.DECIDE), ("送达", DutyStage.SERVE), ("执行", DutyStage.ENFORCE),
    ("检查", DutyStage.INSPECT), ("处置", DutyStage.HANDLE), ("其他", DutyStage.OTHER),
)


class ImportRefused(ValueError):
    """The import cannot go ahead; the message is Chinese, for the user.

    `missing` names what the file lacks and the caller may supply ('bureau' or 'date'); the caller
    says how, in its own words (a form field on the web, an option on the command line).
    """

    def __init__(self, message: str, *, missing: str | None = None):
        super().__init__(message)
        self.missing = missing

    def explain(self, asks: Mapping[str, str] | None = None) -> str:
        """The message, with the caller's way to supply what is missing when it has one."""
        ask = (asks or {}).get(self.missing or "")
        return f"{self}，{ask}" if ask else str(self)


class ImportForbidden(ImportRefused):
    """The importer may not import for this bureau (outside their scope), or may not create it."""


# Who may import a bureau's list (in their scope); creating a bureau by naming it in a file is the
# system administrator's alone, as every other change to the organisation is (ORG_ADMIN_ROLES).
IMPORT_ROLES = frozenset({Role.ADMIN, Role.HEAD, Role.LEGAL_REVIEWER})
IMPORT_FORBIDDEN = "您没有导入权责清单的权限。只有系统管理员、负责人和法制审核人员可以导入清单。"


def may_import_catalogs(user: Any) -> bool:
    """Staff, and users acting as system administrator, head or legal reviewer, may import catalogues."""
    if not is_active_user(user):
        return False
    return user.is_staff or user.is_superuser or get_role(user) in IMPORT_ROLES


def check_import_scope(actor: Any, name: str) -> None:
    """Refuse an importer who may not import for the bureau named, or may not create it when it is new.

    actor None is the system itself (the command line, the demo), run by whoever holds the server.
    """
    if actor is None:
        return
    if not may_import_catalogs(actor):
        raise ImportForbidden(IMPORT_FORBIDDEN)
    bureau = Bureau.objects.filter(name=name).first()
    if bureau is None:
        if not can_manage_org(actor):
            raise ImportForbidden(
                f"系统中没有“{name}”。只有系统管理员可以新建单位，请先由系统管理员建立该单位，或选择您所在的单位。"
            )
        return
    if visible_bureau_ids(actor) is not None and not in_scope(actor, bureau):
        raise ImportForbidden(f"您无权导入“{name}”的权责清单。只能导入本单位及下级单位的清单。")


@dataclass
class ImportResult:
    catalog: Catalog
    created: bool
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    renamed: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "catalog_id": self.catalog.pk,
            "title": self.catalog.title,
            "bureau": self.catalog.bureau.name,
            "version": self.catalog.version,
            "date": self.catalog.effective_date.isoformat(),
            "created": self.created,
            "items": self.catalog.item_count,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "renamed": self.renamed,
            "warnings": self.warnings,
        }


def stage_of(step: str | None, post: str | None) -> str:
    """Return the case stage a duty step or post names (立案责任 / 立案岗 → file)."""
    label = (step or "") + (post or "")
    for word, stage in STAGE_WORDS:
        if word in label:
            return stage
    return ""


def series_of(title: str | None, bureau: str) -> str:
    """Return the kind of list a title names, without the bureau: 红寺堡区医疗保障局权力清单 → 权力清单."""
    if not title:
        return "权责清单"
    rest = title
    for prefix in (bureau,):
        if prefix and prefix in rest:
            rest = rest.split(prefix, 1)[1]
    rest = re.sub(r"^[（(][^）)]*[）)]", "", rest).strip("（）() ")
    if re.search(r"医疗保障局[）)]", rest):
        rest = re.split(r"医疗保障局[）)]", rest, maxsplit=1)[1]
    return rest or title


def item_identity(item: ParsedItem) -> str:
    """An item keeps its identity across versions by national code, else by name and sub-item."""
    if item.national_code:
        return f"code:{item.national_code}" + (f"|{item.sub_item}" if item.sub_item else "")
    return f"name:{item.name}|{item.sub_item or ''}"


def _comparable(item: ParsedItem) -> dict:
    d = item.as_dict()
    d.pop("line", None)
    d.pop("notes", None)  # how the parser read the cells, not what the item says
    return d


def fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def do_import_catalog(
    parsed: ParsedCatalog,
    *,
    actor=None,
    bureau_name: str | None = None,
    date: dt.date | None = None,
) -> ImportResult:
    """Store a parsed document as the next version of its bureau's list; the same content twice is a no-op."""
    from yibao.org.services import get_or_create_bureau

    name = (bureau_name or parsed.bureau or "").strip()
    if not name:
        raise ImportRefused(f"{parsed.source}：文件未写明所属单位", missing="bureau")
    check_import_scope(actor, name)
    if date is None and parsed.date:
        date = dt.date.fromisoformat(parsed.date)
    if date is None:
        raise ImportRefused(f"{parsed.source}：文件未写明日期", missing="date")
    items = parsed.items
    keys: list[str] = []
    seen: dict[str, int] = {}
    for item in items:
        key = item_identity(item)
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    comparable = [_comparable(i) for i in items]
    content_hash = fingerprint(comparable)

    with transaction.atomic():
        bureau = get_or_create_bureau(name, actor=actor)
        series = series_of(parsed.title, name)
        previous = (
            Catalog.objects.select_for_update().filter(bureau=bureau, series=series).order_by("-version").first()
        )
        if previous and previous.content_hash == content_hash:
            return ImportResult(previous, created=False, warnings=parsed.warnings)
        old = {}
        if previous:
            old = {i.identity_key: i for i in previous.items.all()}
        catalog = Catalog.objects.create(
            bureau=bureau,
            series=series,
            title=parsed.title or series,
            effective_date=date,
            version=(previous.version + 1) if previous else 1,
            is_current=True,
            source_name=parsed.source,
            content_hash=content_hash,
            item_count=len(items),
            previous=previous,
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        added, changed = [], []
        for position, (key, item, comp) in enumerate(zip(keys, items, comparable, strict=True), start=1):
            fp = fingerprint(comp)
            _store_item(catalog, key, position, item, fp, parsed.source)
            before = old.pop(key, None)
            if previous and before is None:
                added.append(key)
            elif before is not None and before.fingerprint != fp:
                changed.append({"key": key, "name": item.name, "fields": _changed_fields(before, comp)})
        removed = list(old) if previous else []
        renamed = _renames(old, removed, dict(zip(keys, zip(items, comparable, strict=True), strict=True)), added)
        if renamed:
            gone = {r["old_key"] for r in renamed} | {r["key"] for r in renamed}
            added = [k for k in added if k not in gone]
            removed = [k for k in removed if k not in gone]
        if previous:
            Catalog.objects.filter(pk=previous.pk).update(is_current=False)
        catalog.changes = {"added": added, "removed": removed, "changed": changed, "renamed": renamed}
        catalog.save(update_fields=["changes"])
        record_event(
            "catalog.import",
            actor=actor,
            obj=catalog,
            summary=f"导入《{catalog.title}》第{catalog.version}版，{len(items)}项",
            data={"source": parsed.source, "added": len(added), "removed": len(removed), "changed": len(changed),
                  "renamed": len(renamed)},
        )
        from yibao.catalog import search

        search.index_catalog(catalog)
    log.info("imported %s as version %s of %s/%s", parsed.source, catalog.version, bureau.name, series)
    return ImportResult(catalog, True, added, removed, changed, parsed.warnings, renamed)


def _cited(bases: list[dict]) -> frozenset[tuple]:
    return frozenset((b["law"], b["article"], b["paragraph"], b["clause"]) for b in bases)


def _renames(old: dict[str, PowerItem], removed: list[str], new: dict[str, tuple[ParsedItem, dict]],
             added: list[str]) -> list[dict]:
    """The removed and added items that are one item renamed (renames.py), each with what else changed."""
    if not removed or not added:
        return []
    before = {k: item_snapshot(old[k]) for k in removed}
    gone = [Candidate(k, s["name"], s["sub_item"] or "", s["type"], s["national_code"] or "", _cited(s["bases"]))
            for k, s in before.items()]
    came = []
    for k in added:
        item, comp = new[k]
        came.append(Candidate(k, item.name, item.sub_item or "", item.type, item.national_code or "",
                              _cited(comp["bases"])))
    renamed = []
    for was, now in match_renames(gone, came):
        fields = [FIELD_LABELS[f] for f in COMPARED_FIELDS
                  if f not in ("name", "sub_item") and before[was.key].get(f) != new[now.key][1].get(f)]
        renamed.append({"key": now.key, "old_key": was.key, "name": now.label, "old_name": was.label,
                        "fields": fields})
    return renamed


def _changed_fields(before: PowerItem, comp: dict) -> list[str]:
    previous = item_snapshot(before)
    return [FIELD_LABELS[f] for f in COMPARED_FIELDS if previous.get(f) != comp.get(f)]


def item_snapshot(item: PowerItem) -> dict:
    """Return the stored item in the parser's JSON shape (the export and the diff use it)."""
    def cite(b: ItemBasis) -> dict:
        return {"law": b.law.name, "rank": b.law.rank or None, "article": b.article.number if b.article else None,
                "paragraph": b.paragraph, "clause": b.clause, "text": b.text or None}

    bases = list(item.bases.all())
    return {
        "seq": item.seq or None,
        "name": item.name,
        "sub_item": item.sub_item or None,
        "type": item.type,
        "national_code": item.national_code or None,
        "subject": item.subject or None,
        "implementer": item.implementer or None,
        "level": item.level or None,
        "scope": item.scope or None,
        "remark": item.remark or None,
        "bases": [cite(b) for b in bases if b.role == BasisRole.POWER],
        "duties": [{"step": d.step or None, "text": d.text, "post": d.post or None, "department": d.department or None}
                   for d in item.duties.all()],
        "duty_bases": [cite(b) for b in bases if b.role == BasisRole.DUTY],
        "extra": item.extra,
    }


def _store_item(catalog: Catalog, key: str, position: int, item: ParsedItem, fp: str, source: str) -> PowerItem:
    row = PowerItem.objects.create(
        catalog=catalog,
        identity_key=key,
        position=position,
        seq=item.seq or "",
        name=item.name,
        sub_item=item.sub_item or "",
        type=item.type,
        national_code=item.national_code or "",
        subject=item.subject or "",
        implementer=item.implementer or "",
        level=item.level or "",
        scope=item.scope or "",
        remark=item.remark or "",
        basis_text=item.basis_text,
        source_line=item.line,
        fingerprint=fp,
        extra=item.extra,
    )
    bases = []
    for role, citations in ((BasisRole.POWER, item.bases), (BasisRole.DUTY, item.duty_bases)):
        for i, c in enumerate(citations, start=1):
            law, article = article_for(c, source_file=source, source_line=item.line)
            bases.append(ItemBasis(item=row, role=role, position=i, law=law, article=article,
                                   paragraph=c.paragraph, clause=c.clause, text=c.text or ""))
    ItemBasis.objects.bulk_create(bases)
    Duty.objects.bulk_create([
        Duty(item=row, position=i, step=d.step or "", stage=stage_of(d.step, d.post), text=d.text,
             post=d.post or "", department=d.department or "")
        for i, d in enumerate(item.duties, start=1)
    ])
    return row
