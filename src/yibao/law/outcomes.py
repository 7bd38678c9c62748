"""What the calculator answers: the measures, provisions and outcomes of an assessment, as data and as JSON."""

from dataclasses import dataclass, field
from decimal import Decimal

from yibao.law import principles as P
from yibao.law.discretion import Benchmark, money
from yibao.law.parties import PARTY_LABELS
from yibao.law.provisions import Provision

MEASURE_LABELS = {
    "order_correction": "责令改正", "order_refund": "责令退回", "fine": "罚款", "confiscate_gains": "没收违法所得",
    "interview": "约谈", "warning": "警告", "suspend_settlement": "暂停联网结算",
    "suspend_services": "暂停相关责任部门涉及基金使用的医药服务", "terminate_agreement": "解除服务协议",
    "revoke_license": "吊销执业资格", "bar_from_bidding": "取消投标资格",
    "ban_from_management": "禁止从事定点医药机构管理活动", "disciplinary_action": "处分", "stop_assistance": "停止救助",
    "late_fee": "加收滞纳金", "penalty_surcharge": "加处罚款", "cancel_designation": "取消定点资格",
    "void_bid": "中标无效", "announce": "公告", "revoke_business_license": "吊销营业执照",
}
OUTCOME_LABELS = {"penalty": "给予处罚", "no_penalty": "不予处罚"}


@dataclass
class MeasureResult:
    kind: str
    min: Decimal | None
    max: Decimal | None
    unit: str | None
    base: str | None
    citation: str
    optional: bool
    quote: str
    target: str
    note: str | None = None

    def as_dict(self) -> dict:
        is_money = self.unit in ("yuan",)

        def fmt(v):
            if v is None:
                return None
            if is_money:
                return money(v)
            return str(v.normalize()) if isinstance(v, Decimal) else v

        return {
            "kind": self.kind, "label": MEASURE_LABELS[self.kind], "min": fmt(self.min), "max": fmt(self.max),
            "unit": self.unit, "base": self.base, "citation": self.citation, "optional": self.optional,
            "quote": self.quote, "target": self.target, "target_label": PARTY_LABELS.get(self.target, self.target),
            "note": self.note, "penalty": self.penalty,
        }

    @property
    def penalty(self) -> bool:
        """Whether the measure is an administrative penalty (第九条), which 不予处罚 withholds."""
        return self.kind in P.PENALTY_KINDS


@dataclass
class ProvisionResult:
    provision: Provision
    measures: list[MeasureResult]
    chain: list[str]  # citations followed: 第四十条第二款 → 第四十条第一款
    fine: tuple[Decimal, Decimal] | None
    applied: bool = False
    note: str | None = None
    # Measures the provision aims at the persons answerable for the party (处分, 吊销执业资格, 禁业):
    # decided for those persons, not for this party.
    other_party_measures: list[MeasureResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        p = self.provision
        return {
            "id": p.id, "citation": p.citation, "text": p.article_text, "applied": self.applied,
            "chain": self.chain, "reviewed": p.reviewed,
            "valid_from": p.valid_from.isoformat(), "valid_to": p.valid_to.isoformat() if p.valid_to else None,
            "fine": {"min": money(self.fine[0]), "max": money(self.fine[1])} if self.fine else None,
            "note": self.note,
        }


def _fine_dict(fine: tuple[Decimal, Decimal] | None) -> dict | None:
    return {"min": money(fine[0]), "max": money(fine[1])} if fine else None


@dataclass
class Outcome:
    """One way the case can end: with a penalty, or without one (measures that are not penalties stay)."""

    name: str  # penalty / no_penalty
    measures: list[MeasureResult]
    fine: tuple[Decimal, Decimal] | None
    grade: dict | None
    not_imposed: list[MeasureResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "label": OUTCOME_LABELS[self.name],
            "measures": [m.as_dict() for m in self.measures], "fine": _fine_dict(self.fine), "grade": self.grade,
            "not_imposed": [m.as_dict() for m in self.not_imposed],
        }


@dataclass
class Assessment:
    """The result. `measures`, `fine` and `grade` are those of the first outcome: the no-penalty one when
    不予处罚 is mandatory, otherwise the penalty one; when it is only allowed, `outcomes` holds both."""

    provisions: list[ProvisionResult]
    outcomes: list[Outcome]
    no_penalty: dict
    notes: list[str]
    benchmark: Benchmark
    other_party_measures: list[MeasureResult] = field(default_factory=list)

    @property
    def measures(self) -> list[MeasureResult]:
        return self.outcomes[0].measures

    @property
    def fine(self) -> tuple[Decimal, Decimal] | None:
        return self.outcomes[0].fine

    @property
    def grade(self) -> dict | None:
        return self.outcomes[0].grade

    @property
    def not_imposed(self) -> list[MeasureResult]:
        return self.outcomes[0].not_imposed

    def as_dict(self) -> dict:
        return {
            "provisions": [p.as_dict() for p in self.provisions],
            "measures": [m.as_dict() for m in self.measures],
            "not_imposed": [m.as_dict() for m in self.not_imposed],
            "other_party_measures": [m.as_dict() for m in self.other_party_measures],
            "fine": _fine_dict(self.fine),
            "grade": self.grade,
            "outcomes": [o.as_dict() for o in self.outcomes],
            "no_penalty": self.no_penalty,
            "notes": self.notes,
            "benchmark": {"name": self.benchmark.name, "title": self.benchmark.title,
                          "source": self.benchmark.source, "reviewed": self.benchmark.reviewed,
                          "clauses": list(self.benchmark.clauses)},
        }
