"""The case file (一案一卷): the issued documents of a case in binding order, as one PDF (cover, contents
with page numbers, the documents, the evidence list; pages numbered) and as a ZIP of the originals with a
manifest of their SHA-256. Downloaded by heads, legal reviewers and the case's officers; every download
is an audit event.

The issued PDFs are merged as they are (pypdf), so the file holds exactly what was issued; the cover, the
contents, the evidence list and the page numbers are small DOCX files LibreOffice renders in one run, the
numbers stamped over each page in its top right corner, where 卷内文件 are numbered.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.utils import timezone

from yibao.cases.models import Case
from yibao.cases.procedure import Refusal, ServiceCode
from yibao.cases.services.access import BUREAU_WIDE_ROLES
from yibao.core.audit import record_event
from yibao.org.permissions import get_profile, in_scope, is_active_user

from . import rendering, services
from .models import Document, DocumentStatus
from .services import file_path

CONTENTS_ROWS_PER_PAGE = 18
BODY_FONT, TITLE_FONT, HEADING_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体"


# ---------------------------------------------------------------- who and what

def check_can_download(actor: Any, case: Case) -> None:
    """Heads, legal reviewers and administrators of the case's bureau or one above; the case's officers."""
    if not is_active_user(actor):
        raise Refusal(ServiceCode.OUT_OF_SCOPE, "请先登录")
    profile = get_profile(actor)
    if profile is None:
        if actor.is_superuser:
            return
        raise Refusal(ServiceCode.OUT_OF_SCOPE, "您的账号未关联医疗保障局，不能下载案卷")
    if profile.role in BUREAU_WIDE_ROLES and in_scope(actor, case.bureau):
        return
    if case.officers.filter(officer__user=actor).exists():
        return
    raise Refusal("wrong_role", "案卷只能由负责人、法制审核人员和本案的执法人员下载")


def bound_documents(case: Case) -> list[Document]:
    """The case's issued documents in binding order: the kinds' order (kinds.py), then the date of issue."""
    order = {kind: i for i, kind in enumerate(services.kinds())}
    docs = Document.objects.filter(case=case, status=DocumentStatus.ISSUED).select_related("bureau")
    return sorted(docs, key=lambda d: (order.get(d.kind, len(order)), d.issued_at or timezone.now(), d.pk))


def evidence_rows(case: Case) -> list[dict[str, Any]]:
    related = getattr(case, "evidence", None)
    if related is None:
        return []
    rows = []
    for e in related.filter(withdrawn_on__isnull=True).order_by("number" if _has_field(related.model, "number") else "pk"):
        rows.append({"number": getattr(e, "number", "") or e.pk, "kind": e.get_kind_display(), "title": e.title,
                     "source": getattr(e, "source", ""),
                     "attachments": list(e.attachments.all()) if hasattr(e, "attachments") else []})
    return rows


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


# ---------------------------------------------------------------- the PDF

def _new_docx():
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Docx()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = BODY_FONT, Pt(14)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    return doc


def _heading(doc, text: str, size: int = 22, font: str = TITLE_FONT):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.font.size, run.font.name = Pt(size), font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return p


def _page_break(doc) -> None:
    # A paragraph that starts a page: LibreOffice drops a break run that ends the document, this it keeps.
    doc.add_paragraph().paragraph_format.page_break_before = True


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)


def _front_matter(case: Case, entries: list[list[str]], path: Path) -> Path:
    doc = _new_docx()
    party = case.parties.first()
    _heading(doc, case.bureau.name, 22)
    _heading(doc, "行政处罚案卷", 26)
    for label, value in (("案号", case.number or "—"), ("案由", case.title), ("当事人", party.name if party else "—"),
                         ("立案日期", _date(case.filed_on)), ("结案日期", _date(case.closed_on)),
                         ("卷内文书", f"{len(entries)} 件"), ("立卷日期", _date(timezone.localdate()))):
        doc.add_paragraph(f"{label}：{value}")
    for start in range(0, max(len(entries), 1), CONTENTS_ROWS_PER_PAGE):
        _page_break(doc)
        _heading(doc, "卷内文件目录", 18, HEADING_FONT)
        _table(doc, ["序号", "文书名称", "文号或编号", "日期", "页号"], entries[start:start + CONTENTS_ROWS_PER_PAGE])
    return _save(doc, path)


def _evidence_list(rows: list[dict[str, Any]], path: Path) -> Path:
    doc = _new_docx()
    _heading(doc, "证据目录", 18, HEADING_FONT)
    if rows:
        _table(doc, ["序号", "证据种类", "证据名称", "来源", "材料"],
               [[r["number"], r["kind"], r["title"], r["source"],
                 "；".join(f"{a.original_name}（SHA-256 {a.sha256[:12]}…）" for a in r["attachments"]) or "—"]
                for r in rows])
    else:
        doc.add_paragraph("本案未登记证据。")
    return _save(doc, path)


def _page_numbers(count: int, path: Path) -> Path:
    """`count` empty pages, each with its number in the header's right corner."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = _new_docx()
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    header._p.append(field)
    doc.add_paragraph()
    for _ in range(count - 1):
        _page_break(doc)
    return _save(doc, path)


def _save(doc, path: Path) -> Path:
    doc.save(path)
    return path


def _date(day) -> str:
    from .formatting import cn_date

    return cn_date(day) if day else "—"


def build_pdf(case: Case) -> bytes:
    from pypdf import PdfReader, PdfWriter

    documents = [d for d in bound_documents(case) if d.pdf_path]
    readers = [PdfReader(file_path(d, "pdf")) for d in documents]
    evidence = evidence_rows(case)
    entries, page = [], 1
    for i, (d, reader) in enumerate(zip(documents, readers, strict=True), start=1):
        entries.append([str(i), d.label + ("（更正）" if d.corrects_id else ""), d.number, _date(d.issued_on), str(page)])
        page += len(reader.pages)
    entries.append([str(len(documents) + 1), "证据目录", "—", "—", str(page)])
    with tempfile.TemporaryDirectory(prefix="yibao-casefile-") as tmp:
        work = Path(tmp)
        sources = [_front_matter(case, entries, work / "front.docx"), _evidence_list(evidence, work / "evidence.docx")]
        front_pdf, evidence_pdf = rendering.docx_to_pdf(sources)
        evidence_reader = PdfReader(io.BytesIO(evidence_pdf))
        numbered = page - 1 + len(evidence_reader.pages)
        numbers = PdfReader(io.BytesIO(rendering.docx_to_pdf(_page_numbers(numbered, work / "numbers.docx"))))
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front_pdf)))
    front = len(writer.pages)
    for reader in readers:
        writer.append(reader)
    writer.append(evidence_reader)
    for i in range(numbered):
        writer.pages[front + i].merge_page(numbers.pages[i])
    writer.add_metadata({"/Title": f"{case.number or case.title} 案卷", "/Producer": "yibao"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------- the ZIP

def build_zip(case: Case) -> bytes:
    """The originals (each issued DOCX and PDF, each evidence file) and manifest.json / manifest.csv."""
    entries: list[dict[str, Any]] = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i, d in enumerate(bound_documents(case), start=1):
            for fmt, digest in (("pdf", d.pdf_sha256), ("docx", d.docx_sha256)):
                path = file_path(d, fmt)
                if path is None or not path.exists():
                    continue
                name = f"documents/{i:02d}-{d.label}-{_safe(d.number)}.{fmt}"
                z.write(path, name)
                entries.append({"path": name, "sha256": digest, "size": path.stat().st_size, "kind": d.kind,
                                "label": d.label, "number": d.number,
                                "issued_on": d.issued_on.isoformat() if d.issued_on else "",
                                "verification_code": d.verification_code})
        evidence_root = Path(getattr(django_settings, "YIBAO_EVIDENCE_ROOT", ""))
        for row in evidence_rows(case):
            for a in row["attachments"]:
                path = evidence_root / a.path
                if not path.exists():
                    continue
                name = f"evidence/{row['number']}-{_safe(a.original_name)}"
                z.write(path, name)
                entries.append({"path": name, "sha256": a.sha256, "size": a.size, "kind": "evidence",
                                "label": row["title"], "number": str(row["number"]), "issued_on": "",
                                "verification_code": ""})
        manifest = {"case": case.number, "title": case.title, "bureau": case.bureau.name,
                    "generated_at": timezone.now().isoformat(), "files": entries}
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=["path", "sha256", "size", "kind", "label", "number", "issued_on",
                                                  "verification_code"])
        writer.writeheader()
        writer.writerows(entries)
        z.writestr("manifest.csv", "\ufeff" + text.getvalue())  # the BOM lets Excel read the Chinese
    return out.getvalue()


def _safe(name: str) -> str:
    return "".join("_" if c in '/\\:*?"<>|' else c for c in name)


# ---------------------------------------------------------------- the service

def file_name(case: Case, fmt: str) -> str:
    return f"{_safe(case.number or f'案件{case.pk}')}-案卷.{fmt}"


def do_download_case_file(case: Case, fmt: str, *, actor: Any) -> tuple[bytes, str]:
    """The case file as PDF or ZIP built now, with its file name; the download is recorded with the file's SHA-256.

    The pages and the API build the PDF in a background job (casefile_builds); the CLI, a script, builds it here."""
    check_can_download(actor, case)
    if fmt not in ("pdf", "zip"):
        raise Refusal(ServiceCode.INVALID_INPUT, f"不支持的格式：{fmt}（应为 pdf 或 zip）")
    if not bound_documents(case) and fmt == "pdf":
        raise Refusal("no_issued_documents", "本案尚无已签发的文书，无法组卷")
    data = build_pdf(case) if fmt == "pdf" else build_zip(case)
    name = file_name(case, fmt)
    record_event("case_file.download", actor=actor, obj=case, summary=f"下载案卷（{fmt.upper()}）：{case}",
                 data={"format": fmt, "sha256": rendering.sha256_bytes(data), "size": len(data),
                       "documents": [d.pk for d in bound_documents(case)]})
    return data, name

