"""A bureau's own templates (文书设置 → 文书模板): check an upload, keep it in force, go back to the repository's.

An upload is kept only if it is a .docx within the size limit (YIBAO_DOCUMENT_TEMPLATE_MAX_BYTES) and the
decompression limits of core/unpack.py, every Jinja field it uses is one the kind's context provides, and it
renders with a sample context of the kind. The file is written first, then its row and the audit event in one
transaction; if the row fails the file is removed, so nothing half-written stays. Issued documents keep the
DOCX they were issued with, so changing a template changes only what is filled from then on.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yibao.cases.procedure import Refusal, ServiceCode
from yibao.core.audit import record_event
from yibao.core.unpack import PackageTooLarge, UploadLimits, check_package
from yibao.org.constants import Role
from yibao.org.models import Bureau
from yibao.org.permissions import has_role, role_refusal_message

from . import rendering, services
from .models import DocumentTemplate

TEMPLATE_ROLES = frozenset({Role.HEAD, Role.ADMIN})
ZIP_SIGNATURE = b"PK\x03\x04"
# What a Word package must hold (ECMA-376 Part 2: the content types; the main document part).
DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")
# What the engine adds to every kind's context when it fills a template (services._fill, rendering.render_docx).
ENGINE_FIELDS = frozenset({"seal", "verification_code", "verification_qr"})
SAMPLE_TEXT = "示例"


class TemplateCode:
    """Refusal codes of the template upload."""

    TOO_LARGE = "template_too_large"
    NOT_DOCX = "template_not_docx"
    UNKNOWN_FIELDS = "template_unknown_fields"
    NOT_RENDERED = "template_not_rendered"
    NO_OVERRIDE = "template_no_override"


def may_manage(actor: Any, bureau: Bureau) -> bool:
    """A head or system administrator of the bureau or of one above it."""
    return has_role(actor, TEMPLATE_ROLES, bureau)


def check_can_manage(actor: Any, bureau: Bureau) -> None:
    if not may_manage(actor, bureau):
        raise Refusal("wrong_role", role_refusal_message("管理本局文书模板", TEMPLATE_ROLES))


# ---------------------------------------------------------------- what a kind's template may use

class _NoRows:
    """An empty related manager, for reading which keys `common` returns without a case."""

    def all(self) -> list:
        return []

    def filter(self, **_: Any) -> _NoRows:
        return self

    def select_related(self, *_: Any) -> list:
        return []


@functools.cache
def common_fields() -> frozenset[str]:
    """The keys every kind's context has (context.base.common), read by calling it on an empty stand-in case."""
    from types import SimpleNamespace

    from .context.base import BureauDocumentSettings, DocumentContextInput, common

    case = SimpleNamespace(parties=_NoRows(), officers=_NoRows(), number="", title="", facts_summary="")
    inp = DocumentContextInput(BureauDocumentSettings(full_name="", short_name=""), None, dt.date(2000, 1, 1))
    return frozenset(common(case, inp, ""))  # type: ignore[arg-type]


def fields_used(path: Path) -> set[str]:
    """The top-level Jinja names a template reads (loop variables and names it sets are not counted)."""
    from docxtpl import DocxTemplate

    return set(DocxTemplate(str(path)).get_undeclared_template_variables())


@functools.cache
def _default_fields(template: Path, mtime: float) -> frozenset[str]:
    return frozenset(fields_used(template))


def known_fields(kind: Any) -> frozenset[str]:
    """The fields a template of the kind may use: every kind's common ones, the engine's, and those the
    repository's template of the kind uses (which the kind's context builder fills, as test_templates checks)."""
    default = services.TEMPLATES_DIR / kind.template
    own = _default_fields(default, default.stat().st_mtime) if default.is_file() else frozenset()
    return common_fields() | ENGINE_FIELDS | own


class Sample:
    """A stand-in value for a sample rendering: prints 示例, has any attribute or item, iterates once."""

    def __str__(self) -> str:
        return SAMPLE_TEXT

    def __getattr__(self, name: str) -> Sample:
        if name.startswith("_"):  # markupsafe asks for __html__; Jinja for its own protocols
            raise AttributeError(name)
        return Sample()

    def __getitem__(self, key: Any) -> Sample:
        return Sample()

    def __iter__(self):
        return iter([Sample()])

    def __len__(self) -> int:
        return 1

    def __bool__(self) -> bool:
        return True


def sample_context(fields: frozenset[str]) -> dict[str, Any]:
    return {name: Sample() for name in fields - ENGINE_FIELDS} | {"verification_code": SAMPLE_TEXT}


# ---------------------------------------------------------------- checking an upload

@dataclass(frozen=True)
class CheckedTemplate:
    data: bytes
    sha256: str
    name: str


def check_size(size: int) -> None:
    limit = settings.YIBAO_DOCUMENT_TEMPLATE_MAX_BYTES
    if size > limit:
        raise Refusal(TemplateCode.TOO_LARGE, f"模板文件过大（{size / 1024 / 1024:.1f} MB），不能超过 "
                                              f"{limit / 1024 / 1024:.0f} MB")


def check_template(kind: Any, data: bytes, name: str) -> CheckedTemplate:
    """Refuse (Chinese, naming what is wrong) a file that may not become the kind's template; else its digest."""
    check_size(len(data))
    if not name.lower().endswith(".docx") or not data.startswith(ZIP_SIGNATURE):
        raise Refusal(TemplateCode.NOT_DOCX, f"{name} 不是 Word 文档（.docx）：请在 Word 或 WPS 中另存为 .docx 后上传"
                                             "（不支持 .doc、.wps、PDF）")
    with tempfile.TemporaryDirectory(prefix="yibao-template-") as tmp:
        path = Path(tmp) / "template.docx"
        path.write_bytes(data)
        try:
            check_package(path, UploadLimits(max_unpacked_bytes=settings.YIBAO_UPLOAD_MAX_UNPACKED_BYTES), name=name)
        except PackageTooLarge as e:
            raise Refusal(TemplateCode.NOT_DOCX, str(e)) from None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                missing = [part for part in DOCX_PARTS if part not in z.namelist()]
                damaged = z.testzip()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            missing, damaged = list(DOCX_PARTS), None
        if missing or damaged:
            raise Refusal(TemplateCode.NOT_DOCX, f"{name} 不是完整的 Word 文档（.docx），文件可能已损坏")
        try:
            used = fields_used(path)
        except Exception as e:  # docxtpl reports a Jinja syntax error or an unreadable part in its own words
            raise Refusal(TemplateCode.NOT_RENDERED, f"模板中的填写标记有误，无法读取：{e}") from None
        known = known_fields(kind)
        unknown = sorted(used - known)
        if unknown:
            raise Refusal(TemplateCode.UNKNOWN_FIELDS,
                          f"模板使用了{kind.label}没有的字段：{'、'.join(unknown)}。"
                          f"可用的字段：{'、'.join(sorted(known))}")
        try:
            rendering.render_docx(path, sample_context(known), qr=rendering.qr_png(SAMPLE_TEXT))
        except rendering.RenderError as e:
            raise Refusal(TemplateCode.NOT_RENDERED, f"用示例数据填写模板失败：{e}") from None
    return CheckedTemplate(data, rendering.sha256_bytes(data), name)


# ---------------------------------------------------------------- keeping it, going back

def _storage():
    return DocumentTemplate._meta.get_field("file").storage


def do_upload_template(bureau: Bureau, kind: str, upload: Any, *, actor: Any) -> DocumentTemplate:
    """Check the uploaded file (name, size, read()), then make it the bureau's template of the kind (replacing
    its own one, if any)."""
    check_can_manage(actor, bureau)
    k = services.kind_of(kind)
    check_size(upload.size)  # before reading it into memory
    name = Path(upload.name or "").name
    data = upload.read()
    checked = check_template(k, data, name)
    storage = _storage()
    stored = storage.save(f"documents/templates/{bureau.pk}/{k.kind}-{checked.sha256[:12]}.docx",
                          ContentFile(checked.data))
    replaced = ""
    try:
        with transaction.atomic():
            row = DocumentTemplate.objects.select_for_update().filter(bureau=bureau, kind=k.kind).first()
            before = {"sha256": row.sha256, "file": row.file.name} if row is not None else None
            row = row or DocumentTemplate(bureau=bureau, kind=k.kind)
            replaced = row.file.name if row.pk else ""
            row.file.name, row.sha256, row.original_name = stored, checked.sha256, name[:200]
            row.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
            row.uploaded_at = timezone.now()
            row.save()
            record_event("document_template.upload", actor=actor, obj=row,
                         summary=f"上传{k.label}模板：{bureau.name}",
                         data={"bureau": bureau.pk, "kind": k.kind, "sha256": checked.sha256, "size": len(data),
                               "name": name, "replaced": before})
    except BaseException:
        storage.delete(stored)
        raise
    if replaced and replaced != stored:  # the old file is no longer used by anything; issued DOCX are stored apart
        transaction.on_commit(lambda: storage.delete(replaced))
    return row


def do_revert_template(bureau: Bureau, kind: str, *, actor: Any) -> None:
    """Go back to the repository's template of the kind: the bureau's own row and file go."""
    check_can_manage(actor, bureau)
    k = services.kind_of(kind)
    with transaction.atomic():
        row = DocumentTemplate.objects.select_for_update().filter(bureau=bureau, kind=k.kind).first()
        if row is None:
            raise Refusal(TemplateCode.NO_OVERRIDE, f"{k.label}已在使用默认模板")
        name = row.file.name
        record_event("document_template.revert", actor=actor, obj=row, summary=f"恢复{k.label}默认模板：{bureau.name}",
                     data={"bureau": bureau.pk, "kind": k.kind, "sha256": row.sha256, "file": name})
        row.delete()
    transaction.on_commit(lambda: _storage().delete(name))


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class TemplateInForce:
    """Which template fills a kind for a bureau: its own (with who uploaded it, when, SHA-256) or the default."""

    kind: Any
    own: DocumentTemplate | None
    sha256: str
    fields: list[str]

    @property
    def is_default(self) -> bool:
        return self.own is None


def templates_in_force(bureau: Bureau) -> list[TemplateInForce]:
    """Every kind, in binding order, with the template in force for the bureau."""
    own = {t.kind: t for t in DocumentTemplate.objects.filter(bureau=bureau).select_related("uploaded_by")}
    out = []
    for kind in services.kinds().values():
        row = own.get(kind.kind)
        if row is not None:
            digest = row.sha256
        else:
            default = services.TEMPLATES_DIR / kind.template
            digest = rendering.sha256_file(default) if default.is_file() else ""
        out.append(TemplateInForce(kind, row, digest, sorted(known_fields(kind))))
    return out


def template_file(bureau: Bureau, kind: str, *, actor: Any) -> tuple[Path, str]:
    """The template in force of the kind for the bureau, and the name to download it as."""
    check_can_manage(actor, bureau)
    k = services.kind_of(kind)
    path = services.template_for(bureau, k)
    if not path.is_file():
        raise Refusal(ServiceCode.INVALID_INPUT, f"{k.label}的模板文件不存在")
    own = DocumentTemplate.objects.filter(bureau=bureau, kind=k.kind).exists()
    return path, f"{k.label}模板（{'本局' if own else '默认'}）.docx"
