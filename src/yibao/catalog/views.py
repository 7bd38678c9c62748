"""Views: they only read, or call services."""

import re
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode

from yibao.catalog import search
from yibao.catalog.constants import BasisRole, PowerType
from yibao.catalog.exporting import FORMATS, XLSX_CONTENT_TYPE, article_label, current_items, render_export
from yibao.catalog.forms import UPLOAD_FORMATS, CatalogUploadForm, ItemFilterForm, SearchForm
from yibao.catalog.importing import upload_limits
from yibao.catalog.models import Catalog, ItemBasis, PowerItem
from yibao.catalog.parsing import CatalogParseError, ParsedCatalog, parse_catalog_file
from yibao.catalog.services import (
    IMPORT_FORBIDDEN,
    ImportForbidden,
    ImportRefused,
    do_import_catalog,
    may_import_catalogs,
)
from yibao.core.audit import record_event
from yibao.core.htmx import render_page, wants_fragment
from yibao.org.models import Bureau

PAGE_SIZE = 50
EXTRA_LABELS = {"accountability": "追责情形", "accountability_basis": "追责依据", "guiding_department": "指导部门"}
TYPE_LABELS = dict(PowerType.choices)
# The web's way to give what a file does not say: the upload form's fields (the CLI names its options).
WEB_ASKS = {"bureau": "请在“单位”栏填写所属单位后重新上传", "date": "请在“日期”栏填写清单日期后重新上传"}


# ---------------------------------------------------------------- helpers

def can_import_catalog(user) -> bool:
    """Whether the page offers the import (the service checks the bureau as well)."""
    return may_import_catalogs(user)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "catalog/forbidden.html", {"message": message}, status=403)


def parse_filters(params) -> dict:
    """bureau (id), type and q from a query string; unknown values are ignored."""
    bureau = params.get("bureau", "")
    kind = params.get("type", "")
    return {
        "bureau_id": int(bureau) if bureau.isdigit() else None,
        "type": kind if kind in PowerType.values else None,
        "q": params.get("q", "").strip()[:100] or None,
    }


def bureaus_with_current_items() -> list[tuple[Bureau, int]]:
    """(bureau, number of current items) for every bureau with a current catalogue."""
    counts = dict(
        PowerItem.objects.filter(catalog__is_current=True)
        .values_list("catalog__bureau")
        .annotate(n=Count("id"))
        .values_list("catalog__bureau", "n")
    )
    return [(b, counts[b.pk]) for b in Bureau.objects.filter(pk__in=counts).order_by("code", "name")]


def group_by_law(bases: list[ItemBasis]) -> list[dict]:
    """Citations grouped by law in the order they first appear; each basis gets its article label."""
    groups: dict[int, dict] = {}
    for b in bases:
        b.label = article_label(b.article.number if b.article else None, b.paragraph, b.clause)
        b.anchor = f"#p{b.paragraph}" + (f"c{b.clause}" if b.clause else "") if b.paragraph else ""
        groups.setdefault(b.law_id, {"law": b.law, "bases": []})["bases"].append(b)
    return list(groups.values())


def change_counts(catalog: Catalog) -> dict:
    changes = catalog.changes or {}
    return {k: len(changes.get(k, [])) for k in ("added", "removed", "changed", "renamed")}


def identity_aliases(catalogs: list[Catalog], key: str) -> set[str]:
    """The identity keys one item had across the versions: its key and those a rename joined to it."""
    links: dict[str, set[str]] = {}
    for c in catalogs:
        for r in (c.changes or {}).get("renamed", []):
            links.setdefault(r["key"], set()).add(r["old_key"])
            links.setdefault(r["old_key"], set()).add(r["key"])
    aliases, todo = {key}, [key]
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in aliases:
                aliases.add(other)
                todo.append(other)
    return aliases


# ---------------------------------------------------------------- items

def item_list(request: HttpRequest) -> HttpResponse:
    """The current items of every bureau, filtered by bureau, type and name."""
    filters = parse_filters(request.GET)
    base = PowerItem.objects.filter(catalog__is_current=True)
    if filters["bureau_id"]:
        base = base.filter(catalog__bureau_id=filters["bureau_id"])
    if filters["q"]:
        q = filters["q"]
        base = base.filter(Q(name__icontains=q) | Q(sub_item__icontains=q) | Q(national_code__startswith=q))
    type_counts = dict(base.order_by().values_list("type").annotate(n=Count("id")).values_list("type", "n"))
    items = base.filter(type=filters["type"]) if filters["type"] else base
    items = items.select_related("catalog__bureau").order_by("catalog__bureau__code", "catalog__bureau__name",
                                                             "catalog__series", "position")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    form = ItemFilterForm(request.GET or None, bureaus=bureaus_with_current_items(), type_counts=type_counts)
    export_query = urlencode({k: v for k, v in (("bureau", filters["bureau_id"]), ("type", filters["type"]),
                                                ("q", filters["q"])) if v})
    oob = wants_fragment(request)
    if oob:  # the type select's counts follow the bureau and name filters
        form.fields["type"].widget.attrs["hx-swap-oob"] = "true"
    context = {
        "form": form,
        "oob": oob,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filters": filters,
        "type_counts": [(value, label, type_counts.get(value, 0)) for value, label in PowerType.choices],
        "total": sum(type_counts.values()),
        "export_query": export_query,
        "can_import": can_import_catalog(request.user),
    }
    return render_page(request, "catalog/item_list.html", "catalog/_item_results.html", context)


def item_history(item: PowerItem) -> list[dict]:
    """The item in every version of its list: version, date and what changed."""
    versions = list(
        Catalog.objects.filter(bureau_id=item.catalog.bureau_id, series=item.catalog.series).order_by("version")
    )
    aliases = identity_aliases(versions, item.identity_key)
    present = {
        i.catalog_id: i
        for i in PowerItem.objects.filter(catalog__in=versions, identity_key__in=aliases).only(
            "id", "catalog_id", "name", "sub_item", "identity_key"
        )
    }
    rows = []
    for catalog in versions:
        changes = catalog.changes or {}
        version_item = present.get(catalog.pk)
        row = {"catalog": catalog, "item": version_item, "fields": [], "is_this": version_item and version_item.pk == item.pk}
        if version_item is None:
            if aliases & set(changes.get("removed", [])):
                rows.append({**row, "state": "删除"})
            continue
        rename = next((r for r in changes.get("renamed", []) if r.get("key") == version_item.identity_key), None)
        if catalog.previous_id is None:
            row["state"] = "首次导入"
        elif rename:
            row["state"] = "更名"
            row["fields"] = [f"原名：{rename.get('old_name', '')}", *rename.get("fields", [])]
        elif version_item.identity_key in changes.get("added", []):
            row["state"] = "新增"
        else:
            entry = next((c for c in changes.get("changed", []) if c.get("key") == version_item.identity_key), None)
            row["state"] = "变更" if entry else "无变化"
            row["fields"] = entry.get("fields", []) if entry else []
        rows.append(row)
    return rows


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field of one item, its bases by law, its duty chain and its history across versions."""
    item = get_object_or_404(PowerItem.objects.select_related("catalog__bureau"), pk=pk)
    bases = list(item.bases.select_related("law", "article").order_by("role", "position"))
    duties = list(item.duties.all())
    fields = [
        ("序号", item.seq), ("事项名称", item.name), ("子项", item.sub_item),
        ("事项类型", item.get_type_display()), ("基本编码", item.national_code), ("责任主体", item.subject),
        ("实施主体", item.implementer), ("行使层级", item.level), ("行使内容", item.scope), ("备注", item.remark),
    ]
    fields += [(EXTRA_LABELS.get(k, k), v) for k, v in (item.extra or {}).items()]
    context = {
        "item": item,
        "catalog": item.catalog,
        "fields": fields,
        "power_groups": group_by_law([b for b in bases if b.role == BasisRole.POWER]),
        "duty_groups": group_by_law([b for b in bases if b.role == BasisRole.DUTY]),
        "duties": duties,
        "duty_cols": {f: any(getattr(d, f) for d in duties) for f in ("step", "post", "department")},
        "history": item_history(item),
    }
    return render(request, "catalog/item_detail.html", context)


# ---------------------------------------------------------------- catalogues

def catalog_list(request: HttpRequest) -> HttpResponse:
    """Every catalogue, by bureau and series, each with its versions."""
    catalogs = Catalog.objects.select_related("bureau", "imported_by").order_by(
        "bureau__code", "bureau__name", "series", "-version"
    )
    groups: list[dict] = []
    for c in catalogs:
        c.counts = change_counts(c)
        if not groups or groups[-1]["bureau"].pk != c.bureau_id:
            groups.append({"bureau": c.bureau, "series": []})
        series = groups[-1]["series"]
        if not series or series[-1]["name"] != c.series:
            series.append({"name": c.series, "versions": []})
        series[-1]["versions"].append(c)
    return render(request, "catalog/catalog_list.html",
                  {"groups": groups, "can_import": can_import_catalog(request.user)})


def catalog_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One catalogue version: its items and what changed since the version before."""
    catalog = get_object_or_404(Catalog.objects.select_related("bureau", "previous", "imported_by"), pk=pk)
    items = list(catalog.items.all())
    changes = catalog.changes or {}
    by_key = {i.identity_key: i for i in items}
    previous_items = {}
    if catalog.previous_id and (changes.get("removed") or changes.get("changed") or changes.get("renamed")):
        keys = (list(changes.get("removed", [])) + [c.get("key") for c in changes.get("changed", [])]
                + [r.get("old_key") for r in changes.get("renamed", [])])
        previous_items = {i.identity_key: i for i in catalog.previous.items.filter(identity_key__in=keys)}
    added = [by_key[k] for k in changes.get("added", []) if k in by_key]
    removed = [previous_items[k] for k in changes.get("removed", []) if k in previous_items]
    changed = [
        {"item": by_key.get(c.get("key")), "before": previous_items.get(c.get("key")), "name": c.get("name"),
         "fields": c.get("fields", [])}
        for c in changes.get("changed", [])
    ]
    renamed = [
        {"item": by_key.get(r.get("key")), "before": previous_items.get(r.get("old_key")), "name": r.get("name"),
         "old_name": r.get("old_name"), "fields": r.get("fields", [])}
        for r in changes.get("renamed", [])
    ]
    marks = ({i.identity_key: "新增" for i in added} | {c["item"].identity_key: "变更" for c in changed if c["item"]}
             | {r["item"].identity_key: "更名" for r in renamed if r["item"]})
    for i in items:
        i.mark = marks.get(i.identity_key, "")
    versions = Catalog.objects.filter(bureau_id=catalog.bureau_id, series=catalog.series).order_by("-version")
    context = {
        "catalog": catalog,
        "items": items,
        "added": added,
        "removed": removed,
        "changed": changed,
        "renamed": renamed,
        "has_diff": catalog.previous_id is not None,
        "versions": versions,
        "export_query": urlencode({"bureau": catalog.bureau_id}) if catalog.is_current else "",
    }
    return render(request, "catalog/catalog_detail.html", context)


# ---------------------------------------------------------------- import

SAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def parse_upload(upload) -> ParsedCatalog:
    """Save the upload under its own name in a temporary directory and parse it there.

    Keeping the name keeps the problems' file names and the catalogue's source name meaningful.
    """
    name = SAFE_NAME.sub("_", Path(upload.name).name).strip() or "upload"
    suffix = Path(name).suffix.lower()
    stem = Path(name).stem[:100] or "upload"
    with tempfile.TemporaryDirectory(prefix="yibao-upload-") as tmp:
        path = Path(tmp) / f"{stem}{suffix}"
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        return parse_catalog_file(path, upload_limits())


def catalog_import(request: HttpRequest) -> HttpResponse:
    """Upload a catalogue document; every problem is shown and nothing is imported unless it parses whole."""
    if not can_import_catalog(request.user):
        return forbidden(request, IMPORT_FORBIDDEN)
    problems, problem_count, error, refused = [], 0, None, False
    if request.method == "POST":
        form = CatalogUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                parsed = parse_upload(data["file"])
                result = do_import_catalog(parsed, actor=request.user, bureau_name=data["bureau"] or None,
                                           date=data["date"])
            except CatalogParseError as e:
                problems, problem_count = e.problems, e.total
            except ImportForbidden as e:
                return forbidden(request, str(e))
            except ImportRefused as e:
                refused = True
                if e.missing in form.fields:
                    form.add_error(e.missing, e.explain(WEB_ASKS))
                else:
                    error = e.explain(WEB_ASKS)
            else:
                c = result.catalog
                if result.created:
                    messages.success(
                        request,
                        f"已导入《{c.title}》为新版本（第{c.version}版），共{c.item_count}项；"
                        f"新增{len(result.added)}项，删除{len(result.removed)}项，变更{len(result.changed)}项，"
                        f"更名{len(result.renamed)}项。",
                    )
                else:
                    messages.info(request, f"内容与《{c.title}》第{c.version}版相同，未生成新版本（共{c.item_count}项）。")
                for w in result.warnings[:20]:
                    messages.warning(request, w)
                return redirect(c)
    else:
        form = CatalogUploadForm()
    context = {
        "form": form,
        "problems": problems,
        "problem_count": problem_count,
        "error": error,
        "bureau_names": Bureau.objects.order_by("code", "name").values_list("name", flat=True),
        "formats": UPLOAD_FORMATS,
    }
    return render(request, "catalog/import.html", context, status=400 if (problems or error or refused) else 200)


# ---------------------------------------------------------------- search

def search_page(request: HttpRequest) -> HttpResponse:
    """Search items and articles; results update as the user types."""
    form = SearchForm(request.GET or None, bureaus=[(b, None) for b, _ in bureaus_with_current_items()])
    result, q = None, ""
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            result = search.query(
                q,
                bureau_id=form.cleaned_data["bureau"],
                type=form.cleaned_data["type"] or None,
                kinds=form.kinds(),
                limit=50,
            )
    context = {"form": form, "q": q, "result": result}
    return render_page(request, "catalog/search.html", "catalog/_search_results.html", context)


# ---------------------------------------------------------------- export

def export(request: HttpRequest) -> HttpResponse:
    """Download the current items (filtered like the item list) as JSON or xlsx."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        return HttpResponseBadRequest("不支持的导出格式（应为 json 或 xlsx）".encode(), content_type="text/plain; charset=utf-8")
    filters = parse_filters(request.GET)
    items = list(current_items(**filters))
    name = "权责清单"
    if filters["bureau_id"]:
        bureau = Bureau.objects.filter(pk=filters["bureau_id"]).first()
        name = f"{bureau.name}权责清单" if bureau else name
    if filters["type"]:
        name += f"_{TYPE_LABELS[filters['type']]}"
    filename = f"{name}_{timezone.localdate():%Y%m%d}.{fmt}"
    content_type = "application/json; charset=utf-8" if fmt == "json" else XLSX_CONTENT_TYPE
    response = HttpResponse(render_export(items, fmt), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Item-Count"] = str(len(items))
    record_event("catalog.export", actor=request.user, summary=f"导出 {filename}（{len(items)} 项）",
                 data={"format": fmt, "filters": {k: v for k, v in filters.items() if v}, "count": len(items)})
    return response

