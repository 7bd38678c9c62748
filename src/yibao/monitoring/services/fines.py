"""Suspected loss and fine ranges: the loss of a set of findings counted once per line and settlement, the
citation of a rule's basis and the calculator's fine range."""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yibao.org.models import Bureau

from ..constants import ZERO
from ..engine.rules import BASIS_LAW, RULES


@dataclass
class LossBreakdown:
    total: Decimal
    gross: Decimal  # the plain sum of the findings' amounts
    settlements: int
    lines: int


def deduped_loss(findings: Iterable[Any]) -> LossBreakdown:
    """The suspected loss of a set of findings, each fee line and settlement counted once.

    * A fee line (feedetl_sn) flagged by several rules counts once, at the largest amount any rule
      gives it (each rule's amount is a loss on that same line).
    * Line-level findings and settlement × item findings (R08) of one settlement add up per item:
      an item counts the larger of its R08 amount and its lines' amounts.
    * A settlement-level finding (R09–R12, R16: the settlement's whole fund payment) covers the
      line-level findings of the same settlement: the settlement counts the larger of its
      settlement-level amount and the sum of its lines and items, never both.
    * Findings of neither kind (R07 person × item × day, R15 institution × item, R17 institution ×
      month) count their own amount.
    """
    findings = list(findings)
    lines: dict[str, tuple[Decimal, str | None, str | None]] = {}
    items: dict[tuple[str, str | None], Decimal] = {}
    whole: dict[str, Decimal] = {}
    other: dict[str, Decimal] = {}
    for f in findings:
        amount = Decimal(f.amount)
        if f.feedetl_sn:
            prev = lines.get(f.feedetl_sn)
            lines[f.feedetl_sn] = (max(prev[0], amount) if prev else amount, f.setl_id, f.med_list_codg)
        elif f.setl_id and f.med_list_codg:
            key = (f.setl_id, f.med_list_codg)
            items[key] = max(items.get(key, amount), amount)
        elif f.setl_id:
            whole[f.setl_id] = max(whole.get(f.setl_id, amount), amount)
        else:
            other[f.identity_hash] = max(other.get(f.identity_hash, amount), amount)
    line_items: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    for sn, (amount, setl_id, item) in lines.items():
        if setl_id:
            line_items[(setl_id, item)] += amount
        else:
            other[f"line:{sn}"] = amount
    parts: dict[str, Decimal] = defaultdict(Decimal)
    for key in set(items) | set(line_items):
        parts[key[0]] += max(items.get(key, ZERO), line_items.get(key, ZERO))
    total = sum(other.values(), ZERO)
    settlements = set(whole) | set(parts)
    for s in settlements:
        total += max(whole.get(s, ZERO), parts.get(s, ZERO))
    gross = sum((Decimal(f.amount) for f in findings), ZERO)
    return LossBreakdown(total.quantize(Decimal("0.01")), gross.quantize(Decimal("0.01")), len(settlements),
                         len(lines))


def basis_citation(basis: str) -> str:
    """The calculator's citation for a rule's basis: 《条例》第三十八条第（一）项, the trailing note
    such as （挂床住院） left out."""
    from yibao.law.citations import parse_article_refs

    refs, length = parse_article_refs(basis)
    return f"《{BASIS_LAW}》{basis[:length] if refs else basis}"


def rule_basis(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return rule.basis if rule else ""


def assess_fine(party_type: str, provisions: list[str], loss: Decimal, bureau: Bureau) -> dict:
    """The calculator's fine range for the provisions, with the loss as amount; a refusal gives the reason."""
    from yibao.law.calculator import AssessmentError, Facts, assess

    facts = Facts(party=party_type, provisions=list(provisions), amount=loss,
                  circumstances={"loss_caused"} if loss > 0 else set(), benchmark=bureau.benchmark_name())
    try:
        assessment = assess(facts)
    except AssessmentError as e:
        return {"fine_min": None, "fine_max": None, "note": f"无法计算罚款幅度：{e}", "assessment": {}}
    data = json.loads(json.dumps(assessment.as_dict(), ensure_ascii=False, default=str))
    if assessment.fine is None:
        note = "适用的罚则在已认定的事实下没有罚款" + ("（未造成基金损失）" if loss <= 0 else "") + "。"
        return {"fine_min": None, "fine_max": None, "note": note + "".join(assessment.notes), "assessment": data}
    lo, hi = assessment.fine
    return {"fine_min": lo.quantize(Decimal("0.01")), "fine_max": hi.quantize(Decimal("0.01")),
            "note": "".join(assessment.notes), "assessment": data}
