"""Export the current items: JSON in the parser's shape, or an xlsx workbook people can read."""

import io
import json
from pathlib import Path

from django.db.models import Q, QuerySet

from yibao.catalog.constants import BasisRole, PowerType
from yibao.catalog.models import Catalog, ItemBasis, PowerItem
from yibao.catalog.services import item_snapshot
from yibao.core.audit import record_event
from yibao.law.constants import LawRank
from yibao.law.numerals import to_chinese_numeral

FORMATS = ("json", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Sheet 1: one row per item. (header, width)
ITEM_COLUMNS = (
    ("单位", 22), ("清单", 28), ("版本", 6), ("日期", 12), ("序号", 6), ("事项名称", 40), ("子项", 24),
    ("事项类型", 10), ("基本编码", 13), ("责任主体", 18), ("实施主体", 18), ("行使层级", 10),
    ("行使内容", 30), ("依据", 48), ("责任事项", 60), ("责任事项依据", 40), ("备注", 20),
)
# Sheet 2 (依据明细): one row per citation.
BASIS_COLUMNS = (
    ("单位", 22), ("清单", 28), ("序号", 6), ("事项名称", 40), ("子项", 20), ("依据类别", 12), ("法规名称", 36),
    ("效力位阶", 12), ("条", 6), ("款", 6), ("项", 6), ("引用", 44), ("引用原文", 80),
)
TYPE_LABELS = dict(PowerType.choices)
RANK_LABELS = dict(LawRank.choices)
ROLE_LABELS = dict(BasisRole.choices)


def current_items(*, bureau_id: int | None = None, bureau: str | None = None, type: str | None = None,
                  q: str | None = None) -> QuerySet[PowerItem]:
    """The items of every current catalogue, filtered, with what a snapshot needs prefetched."""
    items = PowerItem.objects.filter(catalog__is_current=True)
    if bureau_id:
        items = items.filter(catalog__bureau_id=bureau_id)
    if bureau:
        items = items.filter(Q(catalog__bureau__name=bureau) | Q(catalog__bureau__code=bureau))
    if type:
        items = items.filter(type=type)
    if q:
        items = items.filter(Q(name__icontains=q) | Q(sub_item__icontains=q) | Q(national_code__startswith=q))
    return (
        items.select_related("catalog__bureau")
        .prefetch_related("bases__law", "bases__article", "duties")
        .order_by("catalog__bureau__name", "catalog__series", "position")
    )


def citation_label(law_name: str, article: int | None, paragraph: int | None, clause: int | None) -> str:
    """《中华人民共和国社会保险法》第八十七条第一款第（二）项."""
    return f"《{law_name}》" + article_label(article, paragraph, clause)


def article_label(article: int | None, paragraph: int | None = None, clause: int | None = None) -> str:
    """第八十七条第一款第（二）项, or '' without an article."""
    if not article:
        return ""
    label = f"第{to_chinese_numeral(article)}条"
    if paragraph:
        label += f"第{to_chinese_numeral(paragraph)}款"
    if clause:
        label += f"第（{to_chinese_numeral(clause)}）项"
    return label


def basis_label(basis: ItemBasis) -> str:
    return citation_label(basis.law.name, basis.article.number if basis.article else None,
                          basis.paragraph, basis.clause)


def duty_line(number: int, step: str | None, post: str | None, department: str | None, text: str) -> str:
    """1. 立案岗（基金监管股）：对检查中发现……"""
    who = step or post or ""
    if department:
        who = f"{who}（{department}）" if who else department
    return f"{number}. {who}：{text}" if who else f"{number}. {text}"


def documents(items) -> list[dict]:
    """Group items by catalogue into documents {title, bureau, date, version, source, items}."""
    docs: dict[int, dict] = {}
    for item in items:
        catalog: Catalog = item.catalog
        doc = docs.get(catalog.pk)
        if doc is None:
            doc = docs[catalog.pk] = {
                "title": catalog.title,
                "bureau": catalog.bureau.name,
                "date": catalog.effective_date.isoformat(),
                "version": catalog.version,
                "source": catalog.source_name,
                "items": [],
            }
        doc["items"].append(item_snapshot(item))
    return list(docs.values())


def json_bytes(items) -> bytes:
    return json.dumps(documents(items), ensure_ascii=False, indent=2).encode("utf-8")


def _item_row(item: PowerItem) -> list:
    catalog = item.catalog
    bases = list(item.bases.all())
    power = [basis_label(b) for b in bases if b.role == BasisRole.POWER]
    duty_bases = [basis_label(b) for b in bases if b.role == BasisRole.DUTY]
    duties = [duty_line(i, d.step, d.post, d.department, d.text) for i, d in enumerate(item.duties.all(), start=1)]
    return [
        catalog.bureau.name, catalog.title, catalog.version, catalog.effective_date.isoformat(), item.seq,
        item.name, item.sub_item, TYPE_LABELS.get(item.type, item.type), item.national_code, item.subject,
        item.implementer, item.level, item.scope, "\n".join(power), "\n".join(duties), "\n".join(duty_bases),
        item.remark,
    ]


def _basis_rows(item: PowerItem):
    catalog = item.catalog
    for b in item.bases.all():
        yield [
            catalog.bureau.name, catalog.title, item.seq, item.name, item.sub_item, ROLE_LABELS.get(b.role, b.role),
            b.law.name, RANK_LABELS.get(b.law.rank, ""), b.article.number if b.article else None, b.paragraph,
            b.clause, basis_label(b), b.text,
        ]


def _cell(value):
    """Cells take no None and no control characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return ""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _sheet(ws, columns, rows) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append([name for name, _ in columns])
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF2F7")
    for cell in ws[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
    for i, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"


def xlsx_bytes(items) -> bytes:
    from openpyxl import Workbook

    items = list(items)
    wb = Workbook()
    ws = wb.active
    ws.title = "权责事项"
    _sheet(ws, ITEM_COLUMNS, (_item_row(i) for i in items))
    _sheet(wb.create_sheet("依据明细"), BASIS_COLUMNS, (row for i in items for row in _basis_rows(i)))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render_export(items, fmt: str) -> bytes:
    if fmt == "json":
        return json_bytes(items)
    if fmt == "xlsx":
        return xlsx_bytes(items)
    raise ValueError(f"不支持的格式：{fmt}（应为 json 或 xlsx）")


def export_catalog(out: Path, *, fmt: str, bureau: str | None = None) -> int:
    """Write the current items (of one bureau, by name or region code, if given) to out; return how many."""
    items = list(current_items(bureau=bureau))
    data = render_export(items, fmt)
    out = Path(out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    record_event("catalog.export", summary=f"命令行导出 {out.name}（{len(items)} 项）",
                 data={"format": fmt, "bureau": bureau, "out": str(out), "count": len(items)})
    return len(items)
