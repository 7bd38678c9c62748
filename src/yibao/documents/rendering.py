"""Render a document: DOCX from its template with docxtpl, PDF from that DOCX with LibreOffice headless.

The DOCX is the one source: the PDF is LibreOffice's rendering of exactly the file the party could also be
given, so the two never say different things (docs/documents.md says why not HTML → WeasyPrint). Each
conversion runs in its own process group with a profile of its own per worker process and a time limit;
past it the whole group is killed. The converter's fontconfig adds fonts/65-yibao-cjk.conf, which maps
the faces the templates name to free ones when the licensed faces are absent.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path

from django.conf import settings

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONTCONFIG_RULES = FONTS_DIR / "65-yibao-cjk.conf"
SYSTEM_FONTCONFIG = Path("/etc/fonts/fonts.conf")
# GB/T 9704-2012 §5.2.2: 28 characters of 三号 (16 pt) to a line of the 156 mm (442.2 pt) text block, so each
# advance is 15.79 pt. Word and WPS squeeze the characters to the template's character grid (docGrid
# linesAndChars with a negative charSpace); LibreOffice cannot squeeze a character below its size and gives it
# two grid cells instead (about 14 to a line). For the PDF the converter's copy therefore keeps the line grid
# (22 lines) and tightens the letter spacing by 0.25 pt (w:spacing in twentieths of a point): 28 to a line.
LIBREOFFICE_CHARACTER_SPACING = -5
# The verification QR code's printed width and the seal's (a 4.2 cm round seal is the usual size).
QR_WIDTH_MM = 25
SEAL_WIDTH_MM = 42


class RenderError(Exception):
    """Rendering failed; the message is Chinese, for the user."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_digest(docx: bytes) -> str:
    """SHA-256 of the DOCX's body (word/document.xml): what the verification code's hash part is taken from.

    Not the PDF's hash: a document cannot print the hash of the very file that prints it."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return sha256_bytes(z.read("word/document.xml"))


def qr_png(text: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def render_docx(template: Path, context: dict, *, seal_image: Path | None = None,
                qr: bytes | None = None) -> bytes:
    """Fill the template; `seal` and `verification_qr` become images of the template's own document."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    try:
        doc = DocxTemplate(str(template))
    except Exception as e:  # a bureau's uploaded template may be no DOCX at all
        raise RenderError(f"文书模板无法读取（{template.name}）：{e}") from e
    context = dict(context)
    context["seal"] = (InlineImage(doc, str(seal_image), width=Mm(SEAL_WIDTH_MM))
                       if seal_image is not None and Path(seal_image).is_file() else None)
    context["verification_qr"] = InlineImage(doc, io.BytesIO(qr), width=Mm(QR_WIDTH_MM)) if qr else None
    try:
        doc.render(context, autoescape=True)
    except Exception as e:
        raise RenderError(f"文书模板填写失败（{template.name}）：{e}") from e
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def for_libreoffice(docx: bytes) -> bytes:
    """The DOCX as LibreOffice should lay it out (see LIBREOFFICE_CHARACTER_SPACING); other DOCX unchanged."""
    try:
        z = zipfile.ZipFile(io.BytesIO(docx))
        body = z.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError):
        return docx  # not a DOCX: LibreOffice says so
    with z:
        if 'w:type="linesAndChars"' not in body:
            return docx
        body = re.sub(r'(<w:docGrid[^>]*?)\s*w:charSpace="-?\d+"', r"\1", body)
        body = body.replace('w:type="linesAndChars"', 'w:type="lines"')
        styles = z.read("word/styles.xml").decode("utf-8")
        spacing = f'<w:spacing w:val="{LIBREOFFICE_CHARACTER_SPACING}"/>'
        defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S)
        if defaults is not None:  # w:spacing goes before w:sz in a run's properties (the schema's order)
            block = defaults.group(0)
            block = (block.replace("<w:sz ", spacing + "<w:sz ", 1) if "<w:sz " in block
                     else block.replace("</w:rPr>", spacing + "</w:rPr>", 1))
            styles = styles[:defaults.start()] + block + styles[defaults.end():]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in z.infolist():
                data = {"word/document.xml": body.encode("utf-8"),
                        "word/styles.xml": styles.encode("utf-8")}.get(item.filename) or z.read(item.filename)
                target.writestr(item, data)
    return out.getvalue()


def _profile_dir() -> Path:
    # One LibreOffice profile per process and thread: two conversions sharing one would block each other.
    base = Path(settings.YIBAO_DOCUMENTS_DIR) / "libreoffice"
    return base / f"profile-{os.getpid()}-{threading.get_ident()}"


def _fontconfig_file(profile: Path) -> Path:
    conf = profile.parent / "fonts.conf"
    if not conf.exists():
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
            f'  <include ignore_missing="yes">{SYSTEM_FONTCONFIG}</include>\n'
            f'  <include ignore_missing="yes">{FONTCONFIG_RULES}</include>\n</fontconfig>\n', encoding="utf-8")
    return conf


def soffice_available() -> bool:
    return shutil.which(settings.YIBAO_SOFFICE) is not None


def docx_to_pdf(docx: bytes | Path | list[Path], *, timeout: int | None = None) -> bytes | list[bytes]:
    """Convert with LibreOffice headless; a list of files converts in one run and gives a list of PDFs."""
    if not soffice_available():
        raise RenderError("未找到 LibreOffice（soffice），无法生成 PDF：请运行 scripts/setup-system.sh 安装 "
                          "libreoffice-writer-nogui")
    timeout = timeout or settings.YIBAO_DOCUMENT_RENDER_TIMEOUT_SECONDS
    profile = _profile_dir()
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig_file(profile)), HOME=str(profile.parent))
    with tempfile.TemporaryDirectory(prefix="yibao-pdf-") as tmp:
        work = Path(tmp)
        if isinstance(docx, list):
            sources = []
            for i, path in enumerate(docx):
                target = work / f"{i:04d}.docx"
                target.write_bytes(for_libreoffice(Path(path).read_bytes()))
                sources.append(target)
        else:
            source = work / "document.docx"
            source.write_bytes(for_libreoffice(docx.read_bytes() if isinstance(docx, Path) else docx))
            sources = [source]
        out_dir = work / "out"
        cmd = [settings.YIBAO_SOFFICE, "--headless", "--norestore", "--nolockcheck", "--nodefault",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf:writer_pdf_Export",
               "--outdir", str(out_dir), *map(str, sources)]
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # LibreOffice forks (oosplash → soffice.bin): kill its whole group, not just the first process.
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise RenderError(f"生成 PDF 超时（超过 {timeout} 秒），已中止转换") from None
        pdfs = []
        for source in sources:
            pdf = out_dir / (source.stem + ".pdf")
            if not pdf.exists():
                message = (stderr or stdout).decode("utf-8", "replace").strip()[-500:]
                raise RenderError(f"LibreOffice 未能生成 PDF（退出码 {process.returncode}）：{message}")
            pdfs.append(pdf.read_bytes())
    return pdfs if isinstance(docx, list) else pdfs[0]
