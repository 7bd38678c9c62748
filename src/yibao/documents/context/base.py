"""What every document is filled from: the bureau's document settings, the number and date the engine gives,
and the parts most documents share (the party block, the officers with their certificates, the provisions with
their text quoted from the law library, the payment and the rights of the party).

A builder never prints a blank where the case lacks a fact: it raises `MissingData` naming, in Chinese, what is
missing, and the engine shows that message instead of a document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yibao.documents.formatting import (
    amount_figures,
    amount_in_capitals,
    amount_symbol,
    amount_with_capitals,
    cn_count,
    cn_date,
    cn_rate,
)

if TYPE_CHECKING:
    from yibao.cases.models import Case

PREVIEW_NUMBER = "（预览，未编号）"
SUFFIX = "医疗保障局"


@dataclass(frozen=True)
class BureauDocumentSettings:
    """A bureau's settings its documents print: names, address, payment account, seal and signer."""

    full_name: str
    short_name: str  # e.g. 栾川县医疗保障局
    address: str = ""
    postcode: str = ""
    contact: str = ""
    payment_account_name: str = ""
    payment_bank: str = ""
    payment_account_number: str = ""
    payment_instructions: str = ""
    seal_image: str | Path | None = None
    signer_name: str = ""


@dataclass(frozen=True)
class DocumentContextInput:
    """What the engine passes a builder: the settings, the number (None: a preview), the date of issue, and
    which record, evidence, hearing… of the case the document is about."""

    settings: BureauDocumentSettings
    number: str | None
    issued_on: dt.date
    params: dict[str, Any] = field(default_factory=dict)


class MissingData(ValueError):
    """The case lacks what a document must state; the message names it in Chinese."""

    def __init__(self, document: str, missing: list[str]):
        self.document, self.missing = document, list(missing)
        super().__init__(f"无法生成{document}：缺少{'、'.join(self.missing)}")


def require(document: str, **facts: Any) -> None:
    """Refuse with every missing fact at once: require("行政处罚决定书", 决定日期=case.decided_on)."""
    missing = [label for label, value in facts.items() if value in (None, "", [], {})]
    if missing:
        raise MissingData(document, missing)


# --- parts every document has ---------------------------------------------------------------------------------


def region_of(settings: BureauDocumentSettings) -> str:
    """栾川县医疗保障局 → 栾川县: the region whose government and court the rights name."""
    return settings.short_name.removesuffix(SUFFIX) or settings.short_name


def common(case: Case, inp: DocumentContextInput, document: str) -> dict[str, Any]:
    """The parts of every document: bureau, number, date, case, parties, officers, seal and signer."""
    s = inp.settings
    parties, officers = party_rows(case), officer_rows(case)
    return {
        "document_title": document,
        "bureau_name": s.full_name,
        "bureau_short_name": s.short_name,
        "bureau_address": s.address,
        "bureau_postcode": s.postcode,
        "bureau_contact": s.contact,
        "number": inp.number or PREVIEW_NUMBER,
        "is_preview": inp.number is None,
        "issued_on": cn_date(inp.issued_on),
        "case_number": case.number or "（未立案）",
        "case_title": case.title,
        "facts": case.facts_summary,
        "parties": parties,
        "party": parties[0] if parties else None,
        "officers": officers,
        "officers_text": "、".join(o["name"] for o in officers),
        "signer_name": s.signer_name,
        "seal": None,  # the engine puts the bureau's seal here (an InlineImage) on an issued document
        "verification_code": None,  # set by the engine on an issued document
        "verification_qr": None,
    }


def party_rows(case: Case) -> list[dict[str, Any]]:
    """Each party as a decision names it (行政处罚法 第五十九条第一款第（一）项): name, identity document, address."""
    rows = []
    for p in case.parties.all():
        rows.append({
            "name": p.name,
            "type": p.get_party_type_display(),
            "is_person": p.is_person,
            "id_label": "身份证号码" if p.is_person else "统一社会信用代码",
            "id_value": (p.id_number if p.is_person else p.credit_code) or "",
            "address": p.address,
            "legal_representative": p.legal_representative,
            "representative_label": "" if p.is_person else "法定代表人（负责人）",
            "contact": p.contact,
        })
    return rows


def officer_rows(case: Case) -> list[dict[str, str]]:
    """The officers still on the case, with their enforcement certificate numbers (lead officer first)."""
    rows = []
    for co in case.officers.filter(recused_on__isnull=True).select_related("officer"):
        rows.append({"name": co.officer.name, "certificate_number": co.officer.certificate_number or "",
                     "is_lead": co.is_lead})
    return rows


def require_party(case: Case, document: str) -> dict[str, Any]:
    rows = party_rows(case)
    if not rows:
        raise MissingData(document, ["当事人"])
    return rows[0]


def require_party_identity(case: Case, document: str) -> dict[str, Any]:
    """A decision names each party by name, identity number and address (行政处罚法 第五十九条第一款第（一）项);
    refuse naming what a party lacks rather than print a blank."""
    rows = party_rows(case)
    if not rows:
        raise MissingData(document, ["当事人"])
    missing = []
    for row in rows:
        prefix = f"当事人{row['name']}的" if len(rows) > 1 else "当事人"
        if not row["id_value"]:
            missing.append(prefix + row["id_label"])
        if not row["address"]:
            missing.append(prefix + "住所（地址）")
    if missing:
        raise MissingData(document, missing)
    return rows[0]


def user_name(user: Any) -> str:
    """An officer's name for a signature line: the officer's own name, else the account's full name."""
    if user is None or isinstance(user, str):
        return user or ""
    officer = getattr(user, "officer", None)
    if officer is not None:
        return officer.name
    return user.get_full_name() or user.username


def step_date(step) -> str:
    """The day a step was taken, in the site's time zone (a step's time is stored in UTC)."""
    from django.utils import timezone

    return cn_date(timezone.localtime(step.at).date())


def last_step(case: Case, *actions: str):
    """The latest step of one of these actions, or None."""
    return case.steps.filter(action__in=actions).order_by("-at", "-id").first()


# --- provisions, quoted ---------------------------------------------------------------------------------------


def quote(citation_text: str) -> dict[str, str]:
    """A provision's label and its text from the law library: the clause with the paragraph that introduces it,
    the paragraph, or the whole article. A citation the library cannot resolve or quote raises ValueError."""
    from yibao.law.citations import CitationError, parse_citation
    from yibao.law.models import Article

    try:
        c = parse_citation(citation_text)
    except CitationError as e:
        raise ValueError(str(e)) from None
    article = Article.objects.filter(law__name=c.law, number=c.article).first() if c.article else None
    if article is None or not article.text:
        raise ValueError(f"法规库中没有{c.label()}的条文")
    text = article.text
    paragraphs = article.structure or []
    if c.paragraph or c.clause:
        para = next((p for p in paragraphs if p.get("number") == (c.paragraph or 1)), None)
        if para is not None:
            text = para.get("text", "")
            if c.clause:
                clause = next((x for x in para.get("clauses", []) if x.get("number") == c.clause), None)
                if clause is None:
                    raise ValueError(f"法规库中没有{c.label()}的条文")
                from yibao.law.numerals import to_chinese_numeral

                text = f"{text}……（{to_chinese_numeral(c.clause)}）{clause.get('text', '')}"
    return {"label": c.label(), "text": text, "law": c.law}


def provision_rows(case: Case, document: str) -> list[dict[str, str]]:
    """The case's provisions with their quoted text; MissingData when there is none or one cannot be quoted."""
    if not case.provisions:
        raise MissingData(document, ["适用条款"])
    rows, missing = [], []
    for text in case.provisions:
        try:
            rows.append(quote(text))
        except ValueError as e:
            missing.append(f"条文（{e}）")
    if missing:
        raise MissingData(document, missing)
    return rows


def provisions_text(rows: list[dict[str, str]]) -> str:
    """《条例》第三十八条第（一）项、《…》第…条: the labels in one line."""
    return "、".join(r["label"] for r in rows)


# --- money, payment and rights --------------------------------------------------------------------------------


def amount_parts(prefix: str, amount: Decimal | int | str) -> dict[str, str]:
    """fine_figures, fine_capitals, fine_symbol, fine_text for prefix 'fine'."""
    return {
        f"{prefix}_figures": amount_figures(amount),
        f"{prefix}_capitals": amount_in_capitals(amount),
        f"{prefix}_symbol": amount_symbol(amount),
        f"{prefix}_text": amount_with_capitals(amount),
    }


def payment_context(case: Case, settings: BureauDocumentSettings, document: str) -> dict[str, Any]:
    """Where, how and within which period the fine is paid, and what follows if it is not (第六十七、七十二条)."""
    from yibao.cases.services.parameters import period
    from yibao.law.money import SURCHARGE_RATE_PER_DAY

    require(document, 收款账户名称=settings.payment_account_name, 开户银行=settings.payment_bank,
            账号=settings.payment_account_number)
    pay = period(case.bureau, "pay_fine")
    return {
        "payment_account_name": settings.payment_account_name,
        "payment_bank": settings.payment_bank,
        "payment_account_number": settings.payment_account_number,
        "payment_instructions": settings.payment_instructions,
        "pay_days": cn_count(pay.days),
        "pay_basis": pay.citation.label(),
        "surcharge_rate": cn_rate(SURCHARGE_RATE_PER_DAY.value),
        "surcharge_basis": SURCHARGE_RATE_PER_DAY.label,
    }


def rights_context(case: Case, inp: DocumentContextInput) -> dict[str, Any]:
    """The party's 行政复议 and 行政诉讼: periods and their articles from cases/parameters (the bureau's values in
    force on the day of issue), the bodies from the params or the bureau's region."""
    from yibao.cases.parameters import defaults
    from yibao.cases.services.parameters import value

    region = region_of(inp.settings)
    reconsideration, litigation = defaults()["reconsideration_period"], defaults()["litigation_period"]
    return {
        "reconsideration_days": cn_count(int(value(case.bureau, "reconsideration_period", inp.issued_on))),
        "reconsideration_unit": reconsideration.unit,
        "reconsideration_basis": reconsideration.basis,
        "reconsideration_body": inp.params.get("reconsideration_body") or f"{region}人民政府",
        "litigation_months": cn_count(int(value(case.bureau, "litigation_period", inp.issued_on))),
        "litigation_unit": litigation.unit,
        "litigation_basis": litigation.basis,
        "court": inp.params.get("court") or f"{region}人民法院",
    }


def statutory_days(key: str) -> dict[str, str]:
    """A statutory period of deadlines/periods.py as a document writes it: 五个工作日, with its article."""
    from yibao.deadlines.periods import STATUTORY_PERIODS

    p = STATUTORY_PERIODS[key]
    return {"days": cn_count(p.days) + ("个工作日" if p.workdays else "日"), "basis": p.citation.label()}


def date_or_none(day: dt.date | None) -> str:
    return cn_date(day) if day else ""


# --- records the engine names in params -----------------------------------------------------------------------


def get(obj: Any, name: str, default: Any = "") -> Any:
    """A field of a record given as a model instance or as a dict (params built by hand, or in tests)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def record_from(case: Case, inp: DocumentContextInput, manager: str, document: str, key: str = "record") -> Any:
    """The record a document is about: params[key] (an instance, a dict, or the id of one of the case's records in
    `manager`), else the case's latest one; MissingData when the case has none."""
    given = inp.params.get(key)
    related = getattr(case, manager, None)
    if isinstance(given, int) and related is not None:
        given = related.filter(pk=given).first()
    if given is None and related is not None:
        given = related.order_by("-pk").first()
    if given is None:
        raise MissingData(document, [f"{document}所依据的记录"])
    return given


def evidence_rows(case: Case, inp: DocumentContextInput) -> list[dict[str, Any]]:
    """The evidence list (证据清单): params['evidence'] if given, else the case's evidence items not withdrawn."""
    given = inp.params.get("evidence")
    if given is not None:
        items = given
    else:
        related = getattr(case, "evidence", None)
        items = list(related.filter(withdrawn_on__isnull=True).order_by("number")) if related is not None else []
    rows = []
    for i, e in enumerate(items, start=1):
        kind = e.get_kind_display() if hasattr(e, "get_kind_display") else get(e, "kind")
        rows.append({"number": get(e, "number", i) or i, "kind": kind, "title": get(e, "title"),
                     "description": get(e, "description"), "source": get(e, "source"),
                     "quantity": get(e, "quantity")})
    return rows
