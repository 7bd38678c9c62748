"""The penalty calculator: facts in; provisions, measures, fine range and discretion grade out.

Pure Python. Money is Decimal, exact to the fen; every step cites the article it applies.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml

from yibao.law import principles as P
from yibao.law.citations import CitationError, parse_citation
from yibao.law.numerals import to_chinese_numeral as cn
from yibao.law.provisions import Measure, Provision, ProvisionLibrary, load_library

FEN = Decimal("0.01")
PARTIES = ("individual", "insured_person", "institution", "agency", "employer", "bidder", "responsible_person")
CIRCUMSTANCES = (
    "loss_caused", "intent_to_defraud", "refused_correction", "serious_consequence", "serious", "very_serious",
    "first_offence", "promptly_corrected", "minor_harm", "no_harm", "no_fault", "refunded", "mitigated_harm",
    "coerced", "meritorious", "won_bid", "illegal_gains", "licensed", "confessed", "life_health_harm",
)
CIRCUMSTANCE_LABELS = {
    "loss_caused": "造成医疗保障基金损失", "intent_to_defraud": "以骗取医疗保障基金为目的",
    "refused_correction": "拒不改正", "serious_consequence": "造成严重后果", "serious": "情节严重",
    "very_serious": "情节特别严重", "first_offence": "初次违法", "promptly_corrected": "及时改正",
    "minor_harm": "危害后果轻微", "no_harm": "没有造成危害后果", "no_fault": "没有主观过错",
    "refunded": "主动退回", "mitigated_harm": "主动消除或者减轻危害后果", "coerced": "受他人胁迫或者诱骗",
    "meritorious": "配合查处有立功表现", "won_bid": "中标", "illegal_gains": "有违法所得",
    "licensed": "责任人员有执业资格", "confessed": "主动供述行政机关尚未掌握的违法行为",
    "life_health_harm": "涉及公民生命健康安全且有危害后果",
}
PARTY_LABELS = {
    "individual": "个人", "insured_person": "参保人员", "institution": "定点医药机构", "agency": "医疗保障经办机构",
    "employer": "用人单位", "bidder": "投标人", "responsible_person": "直接负责的主管人员和其他直接责任人员",
}
MEASURE_LABELS = {
    "order_correction": "责令改正", "order_refund": "责令退回", "fine": "罚款", "confiscate_gains": "没收违法所得",
    "interview": "约谈", "warning": "警告", "suspend_settlement": "暂停联网结算",
    "suspend_services": "暂停相关责任部门涉及基金使用的医药服务", "terminate_agreement": "解除服务协议",
    "revoke_license": "吊销执业资格", "bar_from_bidding": "取消投标资格",
    "ban_from_management": "禁止从事定点医药机构管理活动", "disciplinary_action": "处分", "stop_assistance": "停止救助",
    "late_fee": "加收滞纳金", "penalty_surcharge": "加处罚款", "cancel_designation": "取消定点资格",
    "void_bid": "中标无效", "announce": "公告", "revoke_business_license": "吊销营业执照",
}
BASE_LABELS = {
    "defrauded_amount": "骗取金额", "loss": "造成损失金额", "payable_contributions": "应缴社会保险费数额",
    "unpaid_contributions": "欠缴数额", "concealed_wages": "瞒报工资数额", "bid_amount": "中标项目金额",
    "illegal_gains": "违法所得", "assistance_amount": "非法获取的救助款额", "misappropriated_amount": "侵占、挪用金额",
}
GRADE_LABELS = {"no_penalty": "不予处罚", "mitigated": "减轻", "lenient": "从轻", "ordinary": "一般", "severe": "从重"}
BENCHMARK_DIR = Path(__file__).with_name("benchmarks")


class AssessmentError(ValueError):
    """Facts the calculator cannot assess; the message is Chinese, for the user."""


@dataclass
class Facts:
    party: str
    provisions: list[str] = field(default_factory=list)  # citations, e.g. 《条例》第40条第1款
    amount: Decimal | None = None
    amounts: dict[str, Decimal] = field(default_factory=dict)
    unit_fine: Decimal | None = None
    circumstances: set[str] = field(default_factory=set)
    age: int | None = None
    act_date: dt.date | None = None
    act_end_date: dt.date | None = None
    discovery_date: dt.date | None = None
    decision_date: dt.date | None = None
    benchmark: str = "national"


@dataclass
class Benchmark:
    name: str
    title: str
    source: str
    reviewed: bool
    grades: dict[str, tuple[Decimal, Decimal]]
    mitigated_min_factors: int
    severe_when_any: tuple[str, ...]


@cache
def load_benchmark(name: str) -> Benchmark:
    path = BENCHMARK_DIR / f"{name}.yaml"
    if not path.exists():
        names = "、".join(sorted(p.stem for p in BENCHMARK_DIR.glob("*.yaml")))
        raise AssessmentError(f"未找到裁量基准“{name}”（可用：{names}）")
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    grades = {g: (Decimal(v["from"]), Decimal(v["to"])) for g, v in d["grades"].items()}
    for g, (lo, hi) in grades.items():
        if not (0 <= lo <= hi <= 1):
            raise AssessmentError(f"{path}: grades/{g}: fractions must satisfy 0 ≤ from ≤ to ≤ 1")
    return Benchmark(d["name"], d["title"], d["source"], d["reviewed"], grades,
                     int(d["rules"]["mitigated_min_factors"]), tuple(d["rules"]["severe_when_any"]))


def available_benchmarks() -> list[Benchmark]:
    return [load_benchmark(p.stem) for p in sorted(BENCHMARK_DIR.glob("*.yaml"))]


def money(value: Decimal) -> str:
    return str(value.quantize(FEN, rounding=ROUND_HALF_UP))


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
            "note": self.note,
        }


@dataclass
class ProvisionResult:
    provision: Provision
    measures: list[MeasureResult]
    chain: list[str]  # citations followed: 第四十条第二款 → 第四十条第一款
    fine: tuple[Decimal, Decimal] | None
    applied: bool = False
    note: str | None = None

    def as_dict(self) -> dict:
        p = self.provision
        return {
            "id": p.id, "citation": p.citation, "text": p.article_text, "applied": self.applied,
            "chain": self.chain, "reviewed": p.reviewed,
            "valid_from": p.valid_from.isoformat(), "valid_to": p.valid_to.isoformat() if p.valid_to else None,
            "fine": {"min": money(self.fine[0]), "max": money(self.fine[1])} if self.fine else None,
            "note": self.note,
        }


@dataclass
class Assessment:
    provisions: list[ProvisionResult]
    measures: list[MeasureResult]
    fine: tuple[Decimal, Decimal] | None
    grade: dict | None
    no_penalty: dict
    notes: list[str]
    benchmark: Benchmark

    def as_dict(self) -> dict:
        return {
            "provisions": [p.as_dict() for p in self.provisions],
            "measures": [m.as_dict() for m in self.measures],
            "fine": {"min": money(self.fine[0]), "max": money(self.fine[1])} if self.fine else None,
            "grade": self.grade,
            "no_penalty": self.no_penalty,
            "notes": self.notes,
            "benchmark": {"name": self.benchmark.name, "title": self.benchmark.title,
                          "source": self.benchmark.source, "reviewed": self.benchmark.reviewed},
        }


def resolve_provisions(citation: str, library: ProvisionLibrary) -> list[str]:
    """Return the provision ids a citation names; a clause also finds provisions built on its conduct."""
    try:
        c = parse_citation(citation)
    except CitationError as e:
        raise AssessmentError(str(e)) from None
    if c.article is None:
        raise AssessmentError(f"引用未写明条：{citation}")
    ids = library.for_article(c.law, c.article, c.paragraph)
    if not ids:
        raise AssessmentError(f"{c.label()}没有编码的罚则（引用：{citation}）")
    if c.clause is not None:
        with_clause = [i for i in ids if c.clause in library.versions(i)[0].clauses]
        if not with_clause:
            raise AssessmentError(f"{c.label()}不存在（该款没有第（{cn(c.clause)}）项）")
        ids = with_clause
        # Conduct of one article punished under another (第四十条第二款 on 第三十八条 conduct).
        for p in library.provisions:
            if p.conduct_of in ids and p.id not in ids:
                ids.append(p.id)
    return ids


def _version_for(pid: str, facts: Facts, library: ProvisionLibrary, notes: list[str]) -> Provision | None:
    """The law at the time of the act applies, unless the law at decision is lighter (第三十七条)."""
    act = facts.act_date or facts.decision_date or dt.date.today()
    decision = facts.decision_date or dt.date.today()
    then = library.in_force(pid, act)
    now = library.in_force(pid, decision)
    label = library.versions(pid)[0].citation
    if then is None:
        first = library.versions(pid)[0]
        notes.append(f"{label}自{_day(first.valid_from)}起施行，违法行为发生（{_day(act)}）时尚未施行，不适用"
                     f"（{P.LAW_AT_TIME_OF_ACT.citation}）。")
        return None
    if now is not None and now is not then and _max_fine_hint(now) < _max_fine_hint(then):
        notes.append(f"{label}在作出决定时已修改且新规定处罚较轻，适用新规定（{P.LAW_AT_TIME_OF_ACT.citation}）。")
        return now
    if now is None and decision > act and then.valid_to is not None:
        notes.append(f"{label}在作出决定时已废止，不再认为违法的，适用新的规定（{P.LAW_AT_TIME_OF_ACT.citation}）。")
    return then


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _max_fine_hint(p: Provision) -> Decimal:
    """A comparable size of a provision's heaviest fine (multiples and yuan are compared separately)."""
    best = Decimal(0)
    for m in p.measures:
        for r in (m.multiple, m.per_mille, m.percent_of_unit_fine, m.yuan):
            if r is not None:
                best = max(best, r.max)
    return best


def citation_applies_to(citation: str, party: str, library: ProvisionLibrary | None = None) -> bool:
    """Whether a provision the citation names (any version) punishes this kind of party."""
    library = library or load_library()
    return any(_applies_to(v, party) for pid in resolve_provisions(citation, library) for v in library.versions(pid))


def _applies_to(p: Provision, party: str) -> bool:
    if party in p.parties:
        return True
    if party == "insured_person" and "individual" in p.parties:
        return True
    return party == "responsible_person" and any(m.target == "responsible_person" for m in p.measures)


def _target_ok(m: Measure, party: str) -> bool:
    if party == "responsible_person":
        return m.target == "responsible_person"
    if m.target is None:
        return True
    if m.target == "insured_person":
        return party == "insured_person"
    return m.target == party


def _conditions_met(m: Measure, circumstances: set[str]) -> bool:
    if m.when and not set(m.when) <= circumstances:
        return False
    return not m.when_any or bool(set(m.when_any) & circumstances)


def _base_amount(m: Measure, facts: Facts, citation: str) -> Decimal:
    if m.base in facts.amounts:
        return facts.amounts[m.base]
    if facts.amount is not None:
        return facts.amount
    raise AssessmentError(f"{citation}按{BASE_LABELS.get(m.base, m.base)}计算，请提供该金额（--amount）")


def _measure_result(m: Measure, p: Provision, facts: Facts) -> MeasureResult:
    citation = p.citation
    lo = hi = None
    unit = None
    if m.multiple is not None:
        base = _base_amount(m, facts, citation)
        lo, hi, unit = base * m.multiple.min, base * m.multiple.max, "yuan"
    elif m.per_mille is not None:
        base = _base_amount(m, facts, citation)
        lo, hi, unit = base * m.per_mille.min / 1000, base * m.per_mille.max / 1000, "yuan"
    elif m.percent_of_unit_fine is not None:
        if facts.unit_fine is None:
            raise AssessmentError(f"{citation}按单位罚款数额的百分比计算，请提供单位罚款数额（--unit-fine）")
        lo = facts.unit_fine * m.percent_of_unit_fine.min / 100
        hi = facts.unit_fine * m.percent_of_unit_fine.max / 100
        unit = "yuan"
    elif m.yuan is not None:
        lo, hi, unit = m.yuan.min, m.yuan.max, "yuan"
    elif m.months is not None:
        lo, hi, unit = m.months.min, m.months.max, "months"
    elif m.years is not None:
        lo, hi, unit = m.years.min, m.years.max, "years"
    elif m.rate_per_day is not None:
        lo = hi = m.rate_per_day
        unit = "per_day"
    elif m.amount_equals_base and (m.base in facts.amounts or facts.amount is not None):
        lo = hi = _base_amount(m, facts, citation)
        unit = "yuan"
    return MeasureResult(m.kind, lo, hi, unit, m.base, citation, m.optional, m.quote,
                         m.target or facts.party, m.note)


def _provision_result(pid: str, facts: Facts, library: ProvisionLibrary, notes: list[str],
                      seen: tuple[str, ...] = ()) -> ProvisionResult | None:
    if pid in seen:
        raise AssessmentError(f"罚则循环引用：{' → '.join((*seen, pid))}")
    p = _version_for(pid, facts, library, notes)
    if p is None:
        return None
    if not _applies_to(p, facts.party):
        return None
    missing = [c for c in p.requires if c not in facts.circumstances]
    if missing:
        labels = "、".join(CIRCUMSTANCE_LABELS[c] for c in missing)
        notes.append(f"{p.citation}以“{labels}”为要件，事实中未认定，不适用。")
        return None
    chain = [p.citation]
    measures: list[MeasureResult] = []
    target_id = p.applies.get(facts.party) if isinstance(p.applies, dict) else p.applies
    if isinstance(p.applies, dict) and target_id is None and facts.party == "insured_person":
        target_id = p.applies.get("individual")
    if target_id:
        # "依照…规定处罚" / "按照本条规定处理": the measures are the referenced provision's.
        sub = _provision_result(target_id, facts, library, notes, (*seen, pid))
        if sub is None:
            return None
        chain += sub.chain
        measures += sub.measures
    for inc in p.includes:
        sub = _provision_result(inc, facts, library, notes, (*seen, pid))
        if sub is not None:
            chain += [c for c in sub.chain if c not in chain]
            measures += sub.measures
    for m in p.measures:
        if _target_ok(m, facts.party) and _conditions_met(m, facts.circumstances):
            measures.append(_measure_result(m, p, facts))
    fines = [(m.min, m.max) for m in measures if m.kind == "fine" and m.min is not None]
    # Alternative fines of one provision (情节严重 / 情节特别严重) do not add up: the heavier applies.
    fine = max(fines, key=lambda r: (r[1], r[0])) if fines else None
    return ProvisionResult(p, measures, chain, fine)


def _no_penalty(facts: Facts, notes: list[str]) -> dict:
    c = facts.circumstances
    if facts.age is not None and facts.age < P.MINOR_NO_PENALTY_BELOW_AGE:
        return {"applies": True, "reason": f"当事人不满十四周岁，不予行政处罚，责令监护人加以管教（{P.MINORS.citation}）。",
                "citation": P.MINORS.citation}
    if (facts.act_date or facts.act_end_date) and facts.discovery_date:
        from yibao.law.money import limitation

        end = facts.act_end_date or facts.act_date
        lim = limitation(end, facts.discovery_date, life_health_harm="life_health_harm" in c)
        if lim.expired:
            return {"applies": True, "reason": lim.explanation, "citation": P.LIMITATION.citation}
    if "no_fault" in c:
        return {"applies": True, "reason": f"当事人有证据足以证明没有主观过错，不予行政处罚（{P.NO_PENALTY_NO_FAULT.citation}）。",
                "citation": P.NO_PENALTY_NO_FAULT.citation}
    if {"no_harm", "promptly_corrected"} <= c:
        return {"applies": True,
                "reason": f"违法行为轻微并及时改正，没有造成危害后果，不予行政处罚（{P.NO_PENALTY_MINOR_ACT.citation}）。",
                "citation": P.NO_PENALTY_MINOR_ACT.citation}
    if {"first_offence", "minor_harm", "promptly_corrected"} <= c:
        return {"applies": "discretionary",
                "reason": f"初次违法且危害后果轻微并及时改正，可以不予行政处罚（{P.NO_PENALTY_MINOR_ACT.citation}）。",
                "citation": P.NO_PENALTY_MINOR_ACT.citation}
    return {"applies": False, "reason": "不具备不予处罚的法定情形。", "citation": None}


def _grade(fine: tuple[Decimal, Decimal] | None, applied: ProvisionResult | None, facts: Facts,
           benchmark: Benchmark, no_penalty: dict) -> dict | None:
    if fine is None:
        return None
    lo, hi = fine
    if no_penalty["applies"] is True:
        return {"name": "no_penalty", "label": GRADE_LABELS["no_penalty"], "min": money(Decimal(0)),
                "max": money(Decimal(0)), "reason": no_penalty["reason"]}
    c = facts.circumstances
    present = [k for k in P.MANDATORY_MITIGATION_CIRCUMSTANCES if k in c]
    # Two circumstances under one clause of 第三十二条 are one factor.
    factors = sorted({P.MANDATORY_MITIGATION_CIRCUMSTANCES[k] for k in present})
    reasons = [f"{CIRCUMSTANCE_LABELS[k]}（{P.MANDATORY_MITIGATION.citation}第（{cn(P.MANDATORY_MITIGATION_CIRCUMSTANCES[k])}）项）"
               for k in present]
    if facts.age is not None and facts.age < P.MINOR_MITIGATION_BELOW_AGE:
        factors.append(0)
        reasons.append(f"已满十四周岁不满十八周岁（{P.MINORS.citation}）")
    # Circumstances that are elements of the applied provision do not aggravate it again.
    elements: set[str] = set()
    if applied is not None:
        elements |= set(applied.provision.requires)
        for m in applied.provision.measures:
            elements |= set(m.when) | set(m.when_any)
    severe = [k for k in benchmark.severe_when_any if k in c and k not in elements]
    if factors:
        name = "mitigated" if len(factors) >= benchmark.mitigated_min_factors else "lenient"
        reason = "应当从轻或者减轻处罚：" + "；".join(reasons)
    elif severe:
        name = "severe"
        reason = "从重情节：" + "、".join(CIRCUMSTANCE_LABELS[k] for k in severe)
    else:
        name = "ordinary"
        reason = "无法定从轻、减轻或者从重情节，在一般幅度内处罚"
    f_lo, f_hi = benchmark.grades[name]
    if name == "mitigated":
        # 减轻: below the statutory minimum; the benchmark sets where below it.
        g_lo, g_hi = lo * f_lo, lo * f_hi
    else:
        g_lo, g_hi = lo + (hi - lo) * f_lo, lo + (hi - lo) * f_hi
    reason += f"。依据《{benchmark.title}》，{GRADE_LABELS[name]}档罚款幅度为{money(g_lo)}元至{money(g_hi)}元。"
    return {"name": name, "label": GRADE_LABELS[name], "min": money(g_lo), "max": money(g_hi), "reason": reason}


def assess(facts: Facts, library: ProvisionLibrary | None = None) -> Assessment:
    """Assess the facts: applicable provisions, their measures, the fine range and its grade."""
    library = library or load_library()
    if facts.party not in PARTIES:
        raise AssessmentError(f"未知的当事人类型“{facts.party}”（应为{'、'.join(PARTIES)}之一）")
    unknown = sorted(facts.circumstances - set(CIRCUMSTANCES))
    if unknown:
        raise AssessmentError(f"未知的情节：{'、'.join(unknown)}")
    if not facts.provisions:
        raise AssessmentError("请指定适用的条款（--provision）")
    for amount in [facts.amount, facts.unit_fine, *facts.amounts.values()]:
        if amount is not None and amount < 0:
            raise AssessmentError("金额不能为负数")
    benchmark = load_benchmark(facts.benchmark)
    notes: list[str] = []
    ids: list[str] = []
    for citation in facts.provisions:
        for pid in resolve_provisions(citation, library):
            if pid not in ids:
                ids.append(pid)
    results = [r for pid in ids if (r := _provision_result(pid, facts, library, notes)) is not None]
    if not results:
        raise AssessmentError("根据所给事实，没有可以适用的罚则：" + "".join(notes))
    with_fine = [r for r in results if r.fine is not None]
    applied = max(with_fine, key=lambda r: (r.fine[1], r.fine[0])) if with_fine else results[0]
    applied.applied = True
    if len(with_fine) > 1:
        notes.append(f"同一违法行为符合多个罚则，按照罚款数额高的{applied.provision.citation}处罚（{P.ONE_FINE_PER_ACT.citation}）。")
    no_penalty = _no_penalty(facts, notes)
    if (facts.act_date or facts.act_end_date) and not facts.discovery_date:
        notes.append(f"未提供违法行为被发现的日期，未核查追责时效（{P.LIMITATION.citation}）。")
    fine = applied.fine
    grade = _grade(fine, applied, facts, benchmark, no_penalty)
    return Assessment(results, applied.measures, fine, grade, no_penalty, notes, benchmark)
