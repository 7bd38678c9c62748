"""Every one of the 31 kinds, filled from cases walked through their paths (the ordinary chain, a refused filing,
a hearing, no penalty, the summary procedure, a transfer), converted to PDF in one LibreOffice run and read
back: A4, the text inside the GB/T 9704 text block, every font embedded and the Chinese in the face fontconfig
maps the template's to, the party, the amounts in figures and in 大写, the provisions and the rights, and no
missing glyph: every character of the DOCX is in the PDF's text."""

import datetime as dt
import html
import io
import re
import shutil
import subprocess
import time
import zipfile
from collections import Counter

import pytest

from yibao.cases import services as s
from yibao.documents import rendering
from yibao.documents.context.base import DocumentContextInput
from yibao.documents.kinds import KINDS
from yibao.documents.templates_docx import template_layout
from yibao.documents.tests.test_templates import (  # noqa: F401  (chain_case, law_texts: fixtures)
    OTHER_PATHS,
    SETTINGS,
    TEMPLATES,
    chain_case,
    context,
    law_texts,
)

from .engine_support import MARGINS_MM, pdf_fonts

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]

MM = 72 / 25.4
A4_POINTS = (210 * MM, 297 * MM)
TOLERANCE = 1.5  # points: LibreOffice rounds the page box and glyph boxes
# GB/T 9704 §7.5: the page number sits below the text block, in the bottom margin: — 1 —.
PAGE_NUMBER = re.compile(r"^[—\-\s\d]+$")
CODE = "栾医保罚〔2026〕1号-0123456789ab"


@pytest.fixture(scope="module", autouse=True)
def needs_soffice():
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: bash scripts/setup-system.sh")


def _other_context(kind: str, case, **params) -> dict:
    return KINDS[kind].build_context(case, DocumentContextInput(SETTINGS, "栾医保〔2026〕1号", dt.date(2026, 3, 20),
                                                                params))


@pytest.fixture
def other_paths(staff, file_input, lead, clock, law_texts) -> dict[str, dict]:  # noqa: F811
    """The contexts of the kinds the ordinary chain does not reach, each from a case on its own path, filed
    without the lead, which chain_case files (built before chain_case, which moves the clock on; the clock is
    set back to where chain_case starts)."""
    from yibao.cases.services import PartyInput
    from yibao.cases.services.hearing import do_name_hearing_host
    from yibao.cases.services.summary import SummaryInput, do_decide_on_spot
    from yibao.cases.services.transfer import do_transfer
    from yibao.cases.tests.test_services import filed_case, notified

    def file_input_without_lead(**changes):
        return file_input(**({"lead": None, "bureau": lead.bureau} | changes))

    out: dict[str, dict] = {}
    proposed = s.do_file_case(file_input_without_lead(), actor=staff.officer1)
    s.do_reject_filing(proposed, actor=staff.head, expected_version=proposed.version, reason="证据不足，不予立案")
    out["non_filing_approval"] = _other_context("non_filing_approval", proposed)

    summary = do_decide_on_spot(SummaryInput(
        decision_number="栾医保当罚〔2026〕1号", party=PartyInput("individual", "刘某", id_number="410324199001011234",
                                                              address="栾川县城关镇"),
        officers=[staff.officer1.officer, staff.officer2.officer], facts_summary="冒名就医一次",
        provisions=["《医疗保障基金使用监督管理条例》第四十一条第一款"], fine="200"), actor=staff.officer1)
    out["summary_penalty_decision"] = _other_context("summary_penalty_decision", summary)

    transferred = filed_case(staff, file_input_without_lead)
    transferred = do_transfer(transferred, actor=staff.head, expected_version=transferred.version, kind="judiciary",
                              to_authority="栾川县公安局", letter_number="栾医保移〔2026〕1号", reason="涉嫌诈骗医保基金")
    out["criminal_transfer"] = _other_context("criminal_transfer", transferred)

    lenient = notified(staff, file_input_without_lead, clock, hearing_right=False)
    lenient = s.do_close_statements(lenient, actor=staff.officer1, expected_version=lenient.version,
                                    text="当事人已退回全部基金")
    lenient = s.do_decide(lenient, actor=staff.head, expected_version=lenient.version, decision_kind="no_penalty",
                          reason="违法行为轻微并及时改正，没有造成危害后果。")
    out["no_penalty_decision"] = _other_context("no_penalty_decision", lenient)

    heard = notified(staff, file_input_without_lead, clock)
    heard = s.do_request_hearing(heard, actor=staff.officer1, expected_version=heard.version)
    heard = do_name_hearing_host(heard, staff.reviewer, actor=staff.head, expected_version=heard.version)
    heard = scheduled_and_notified(heard, staff, dt.date(2026, 3, 20), "本局三楼会议室")
    out["hearing_notice"] = _other_context("hearing_notice", heard)
    clock.set(dt.date(2026, 3, 20))
    heard = s.do_record_hearing(heard, actor=staff.reviewer, expected_version=heard.version,
                                record="当事人对事实无异议，请求从轻。", host_opinion="建议维持拟处罚意见。")
    out["hearing_record"] = _other_context("hearing_record", heard)
    clock.set(dt.date(2026, 3, 2))
    assert set(out) == OTHER_PATHS
    return out


def scheduled_and_notified(case, staff, on: dt.date, place: str):
    """The hearing's day and place, then its notice to the party: scheduled by the host and notified by an
    officer where the services split the two (do_schedule_hearing), set with the notice where they do not."""
    from yibao.cases.services import hearing

    if hasattr(hearing, "do_schedule_hearing"):
        case = hearing.do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version, hearing_on=on,
                                           place=place)
        return hearing.do_notify_hearing(case, actor=staff.officer1, expected_version=case.version)
    return hearing.do_notify_hearing(case, actor=staff.officer1, expected_version=case.version, hearing_on=on,
                                     place=place)


def docx_text(docx: bytes) -> str:
    """Every run's text of the body (paragraphs, tables, nested tables), in document order."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return html.unescape("".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml)))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def mapped_faces() -> set[str]:
    """The PostScript names fontconfig gives the faces the templates name, through the converter's own rules."""
    conf = rendering._fontconfig_file(rendering._profile_dir())
    faces = set()
    for family in (template_layout.BODY_FONT, template_layout.TITLE_FONT, template_layout.HEADING_FONT,
                   template_layout.PAGE_NUMBER_FONT):
        for style in ("", ":bold"):
            found = subprocess.run(["fc-match", "-f", "%{postscriptname}", f"{family}:lang=zh-cn{style}"],
                                   capture_output=True, text=True, check=True,
                                   env={"FONTCONFIG_FILE": str(conf), "PATH": "/usr/bin:/bin"})
            faces.add(face(found.stdout.strip()))
    return faces


@pytest.fixture
def every_kind(other_paths, chain_case, tmp_path, settings) -> dict[str, tuple[dict, bytes, bytes]]:  # noqa: F811
    """kind → (context, DOCX, PDF): every kind filled as issued (number, verification code, QR code), all 31
    converted in one LibreOffice run."""
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    contexts = {kind: other_paths[kind] if kind in OTHER_PATHS else context(kind, chain_case) for kind in KINDS}
    qr = rendering.qr_png(f"https://yibao.example/verify/?code={CODE}")
    paths, docx = [], {}
    for kind, ctx in contexts.items():
        docx[kind] = rendering.render_docx(TEMPLATES / KINDS[kind].template, ctx | {"verification_code": CODE}, qr=qr)
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(docx[kind])
        paths.append(path)
    started = time.monotonic()
    pdfs = rendering.docx_to_pdf(paths)
    print(f"\n{len(paths)} kinds converted to PDF in one LibreOffice run: {time.monotonic() - started:.1f} s")
    return {kind: (contexts[kind], docx[kind], pdf) for kind, pdf in zip(contexts, pdfs, strict=True)}


def amounts(ctx: dict) -> list[tuple[list[str], str]]:
    """([figures as written: 24,000.00元 and ¥24,000.00], 大写) of every amount the context states
    (context/base.amount_parts)."""
    prefixes = [k.removesuffix("_capitals") for k in ctx if k.endswith("_capitals")]
    return [([ctx[f"{p}_figures"], ctx[f"{p}_symbol"]], ctx[f"{p}_capitals"]) for p in prefixes
            if f"{p}_figures" in ctx and f"{p}_symbol" in ctx]


def face(font: str) -> str:
    """The face without the subset prefix and the region: an OpenType collection's faces share one CFF table,
    which names them all after the Japanese one (BAAAAA+NotoSerifCJKjp-Regular-VKana); fontconfig gives the
    Simplified Chinese face of the same file (NotoSerifCJKsc-Regular)."""
    name = font.split("+")[-1].removesuffix("-VKana")
    return re.sub(r"^(Noto(?:Serif|Sans)CJK)(?:jp|kr|sc|tc|hk)-", r"\1-", name)


def provisions(ctx: dict) -> list[str]:
    """The labels of the provisions the context quotes (context/base.quote)."""
    return [row["label"] for value in ctx.values() if isinstance(value, list)
            for row in value if isinstance(row, dict) and {"label", "text", "law"} <= set(row)]


def test_every_kind_converts_to_an_a4_pdf_in_embedded_fonts_with_every_character_of_its_docx(every_kind):
    import pdfplumber

    assert len(every_kind) == 31
    faces = mapped_faces()
    problems: list[str] = []
    with_amounts, with_provisions, with_rights = [], [], []
    for kind, (ctx, docx, pdf) in every_kind.items():
        source = squeeze(docx_text(docx))
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            text = squeeze("".join(page.extract_text() or "" for page in doc.pages))
            for number, page in enumerate(doc.pages, start=1):
                where = f"{kind} p.{number}"
                if abs(page.width - A4_POINTS[0]) > TOLERANCE or abs(page.height - A4_POINTS[1]) > TOLERANCE:
                    problems.append(f"{where}: page {page.width:.1f}×{page.height:.1f} pt is not A4")
                lines = page.extract_text_lines()
                left, right = MARGINS_MM["left"] * MM, page.width - MARGINS_MM["right"] * MM
                top, bottom = MARGINS_MM["top"] * MM, page.height - MARGINS_MM["bottom"] * MM
                for line in lines:
                    if line["bottom"] > bottom + TOLERANCE and PAGE_NUMBER.match(line["text"]):
                        continue  # the page number, in the bottom margin where GB/T 9704 puts it
                    if (line["x0"] < left - TOLERANCE or line["x1"] > right + TOLERANCE
                            or line["top"] < top - TOLERANCE or line["bottom"] > bottom + TOLERANCE):
                        problems.append(f"{where}: 「{line['text'][:20]}」 outside the text block")
                for c in page.chars:
                    if "\u4e00" <= c["text"] <= "\u9fff" and face(c["fontname"]) not in faces:
                        problems.append(f"{where}: 「{c['text']}」 in {c['fontname']}, not one of {sorted(faces)}")
                        break
            problems += [f"{kind}: {name} not embedded" for name in not_embedded(pdf)]
        if "\ufffd" in text or ".notdef" in text:
            problems.append(f"{kind}: a missing glyph in the PDF's text")
        missing = Counter(source) - Counter(text)
        if missing:
            problems.append(f"{kind}: characters of the DOCX not in the PDF: {''.join(sorted(missing.elements()))}")
        if kind != "assistance_request":  # a letter to another authority names the case, not the party
            party = (ctx.get("party") or {}).get("name")
            if not party or party not in text:
                problems.append(f"{kind}: the party {party} not in the PDF")
        for figures, capitals in amounts(ctx):
            written = [squeeze(f) for f in figures if squeeze(f) in source]
            if capitals in source and written:
                with_amounts.append(kind)
                if capitals not in text or not all(f in text for f in written):
                    problems.append(f"{kind}: amount {written} / {capitals} not in the PDF")
        for label in provisions(ctx):
            if squeeze(label) in source:
                with_provisions.append(kind)
                if squeeze(label) not in text:
                    problems.append(f"{kind}: provision {label} not in the PDF")
        if "reconsideration_days" in ctx:
            with_rights.append(kind)
            for right in ("行政复议", "行政诉讼", f"{ctx['reconsideration_days']}日内", f"{ctx['litigation_months']}个月内"):
                if right not in text:
                    problems.append(f"{kind}: the right 「{right}」 not in the PDF")
    assert problems == [], "\n".join(problems)
    # The checks above must have had something to check: the kinds with amounts, provisions and rights.
    assert {"penalty_decision", "summary_penalty_decision", "advance_notice", "reminder"} <= set(with_amounts)
    assert {"penalty_decision", "investigation_report", "advance_notice"} <= set(with_provisions)
    assert {"penalty_decision", "no_penalty_decision", "summary_penalty_decision"} <= set(with_rights)


def not_embedded(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [name for name, embedded in pdf_fonts(PdfReader(io.BytesIO(pdf))) if not embedded]
