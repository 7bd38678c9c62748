"""The penalty calculator: facts in; provisions, measures, fine range and discretion grade out.

Pure Python. Money is Decimal, exact to the fen; every step cites the article it applies.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from yibao.law import principles as P
from yibao.law.citations import CitationError, parse_citation
from yibao.law.discretion import FEN, AssessmentError, Benchmark, load_benchmark, money
from yibao.law.numerals import to_chinese_numeral as cn
from yibao.law.outcomes import MEASURE_LABELS, Assessment, MeasureResult, Outcome, ProvisionResult
from yibao.law.parties import NATURAL_PERSONS, PARTIES, PARTY_LABELS, PERSON_TARGETS
from yibao.law.provisions import Measure, Provision, ProvisionLibrary, load_library

CIRCUMSTANCES = (
    "loss_caused", "intent_to_defraud", "refused_correction", "serious_consequence", "serious", "very_serious",
    "first_offence", "promptly_corrected", "minor_harm", "no_harm", "no_fault", "refunded", "mitigated_harm",
    "coerced", "meritorious", "won_bid", "illegal_gains", "licensed", "confessed", "life_health_harm",
    "minor_violation", "mental_illness", "diminished_capacity",
)
# 第三十一条 has two degrees: unable to recognise or control one's acts (不予处罚, mandatory) and not
# wholly unable (可以从轻或者减轻, discretionary). One flag cannot carry both outcomes, so each degree is
# a circumstance of its own; the pair is contradictory (below). An intermittent patient acting while
# sane (间歇性精神病人在精神正常时) is punished as anyone else: neither flag.
PERSON_ONLY_CIRCUMSTANCES = ("mental_illness", "diminished_capacity")
# Circumstances that cannot both be true of one act, each with why; the calculator refuses them together.
CONTRADICTORY_CIRCUMSTANCES: tuple[tuple[str, str, str], ...] = (
    ("loss_caused", "no_harm", "造成医疗保障基金损失本身就是危害后果"),
    ("serious_consequence", "no_harm", "造成严重后果与没有造成危害后果互相排斥"),
    ("life_health_harm", "no_harm", "涉及公民生命健康安全且有危害后果，即已造成危害后果"),
    ("minor_harm", "no_harm", "危害后果轻微是有危害后果，与没有造成危害后果互相排斥"),
    ("serious_consequence", "minor_harm", "造成严重后果与危害后果轻微互相排斥"),
    ("refused_correction", "promptly_corrected", "拒不改正与及时改正互相排斥"),
    ("intent_to_defraud", "no_fault", "以骗取医疗保障基金为目的即有主观故意，不是没有主观过错"),
    ("minor_violation", "serious", "违法行为轻微与情节严重互相排斥"),
    ("minor_violation", "very_serious", "违法行为轻微与情节特别严重互相排斥"),
    ("minor_violation", "serious_consequence", "违法行为轻微与造成严重后果互相排斥"),
    ("mental_illness", "diminished_capacity",
     "不能辨认或者不能控制自己行为，与尚未完全丧失辨认或者控制能力，是第三十一条的两种不同程度"),
)
CIRCUMSTANCE_LABELS = {
    "loss_caused": "造成医疗保障基金损失", "intent_to_defraud": "以骗取医疗保障基金为目的",
    "refused_correction": "拒不改正", "serious_consequence": "造成严重后果", "serious": "情节严重",
    "very_serious": "情节特别严重", "first_offence": "初次违法", "promptly_corrected": "及时改正",
    "minor_harm": "危害后果轻微", "no_harm": "没有造成危害后果", "no_fault": "没有主观过错",
    "refunded": "主动退回", "mitigated_harm": "主动消除或者减轻危害后果", "coerced": "受他人胁迫或者诱骗",
    "meritorious": "配合查处有立功表现", "won_bid": "中标", "illegal_gains": "有违法所得",
    "licensed": "责任人员有执业资格", "confessed": "主动供述行政机关尚未掌握的违法行为",
    "life_health_harm": "涉及公民生命健康安全且有危害后果", "minor_violation": "违法行为轻微",
    "mental_illness": "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为",
    "diminished_capacity": "精神病人、智力残疾人尚未完全丧失辨认或者控制自己行为能力",
}
BASE_LABELS = {
    "defrauded_amount": "骗取金额", "loss": "造成损失金额", "payable_contributions": "应缴社会保险费数额",
    "unpaid_contributions": "欠缴数额", "concealed_wages": "瞒报工资数额", "bid_amount": "中标项目金额",
    "illegal_gains": "违法所得", "assistance_amount": "非法获取的救助款额", "misappropriated_amount": "侵占、挪用金额",
}
GRADE_LABELS = {"no_penalty": "不予处罚", "mitigated": "减轻", "lenient": "从轻", "ordinary": "一般", "severe": "从重"}
# no_penalty.applies: whether 不予处罚 is required, allowed, or not available.
NO_PENALTY_LABELS = {"mandatory": "应当不予处罚", "discretionary": "可以不予处罚", "none": "不适用"}


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
    return party in PERSON_TARGETS and any(m.target == party for m in p.measures)


def _target_ok(m: Measure, party: str) -> bool:
    if party in PERSON_TARGETS:
        return m.target == party
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
    raise AssessmentError(f"{citation}按{BASE_LABELS.get(m.base, m.base)}计算，请提供该金额"
                          f"（--amount，或 --base {m.base}=金额）")


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


def _other_party_measure(m: Measure, p: Provision, facts: Facts) -> MeasureResult:
    """A measure the provision aims at a person answerable for the party, listed apart with why."""
    try:
        r = _measure_result(m, p, facts)
    except AssessmentError as e:
        r = MeasureResult(m.kind, None, None, None, m.base, p.citation, m.optional, m.quote, m.target, None)
        missing = str(e)
    else:
        missing = None
    notes = [m.note] if m.note else []
    notes.append(f"对{PARTY_LABELS[m.target]}另行决定，不是对本当事人（{PARTY_LABELS[facts.party]}）的处理")
    unmet = [c for c in (*m.when, *m.when_any) if c not in facts.circumstances]
    if unmet and not _conditions_met(m, facts.circumstances):
        notes.append(f"以“{'、'.join(CIRCUMSTANCE_LABELS[c] for c in unmet)}”为条件，事实中未认定")
    if missing:
        notes.append(missing)
    r.note = "；".join(notes)
    return r


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
    others: list[MeasureResult] = []
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
        others += sub.other_party_measures
    for inc in p.includes:
        sub = _provision_result(inc, facts, library, notes, (*seen, pid))
        if sub is not None:
            chain += [c for c in sub.chain if c not in chain]
            measures += sub.measures
            others += sub.other_party_measures
    for m in p.measures:
        if _target_ok(m, facts.party):
            if _conditions_met(m, facts.circumstances):
                measures.append(_measure_result(m, p, facts))
        elif m.target in PERSON_TARGETS:
            others.append(_other_party_measure(m, p, facts))
    fines = [(m.min, m.max) for m in measures if m.kind == "fine" and m.min is not None]
    # Alternative fines of one provision (情节严重 / 情节特别严重) do not add up: the heavier applies.
    fine = max(fines, key=lambda r: (r[1], r[0])) if fines else None
    return ProvisionResult(p, measures, chain, fine, other_party_measures=others)


def _check_bases(result: ProvisionResult, facts: Facts) -> None:
    """A provision computed on two different bases cannot take one figure for both."""
    if facts.amount is None:
        return
    bases: list[str] = []
    for m in (*result.measures, *result.other_party_measures):
        if m.base and m.unit == "yuan" and m.base not in bases:
            bases.append(m.base)
    unnamed = [b for b in bases if b not in facts.amounts]
    if len(bases) > 1 and unnamed:
        named = "、".join(f"{b}（{BASE_LABELS.get(b, b)}）" for b in bases)
        raise AssessmentError(
            f"{result.provision.citation}分别按{named}计算，不能以一个金额（--amount）同时作为这些基数；"
            f"请分别提供（--base 名称=金额）"
        )


def _check_facts(facts: Facts) -> None:
    """Refuse facts the calculator cannot take as they are; every message is for the user."""
    if facts.party not in PARTIES:
        raise AssessmentError(f"未知的当事人类型“{facts.party}”（应为{'、'.join(PARTIES)}之一）")
    unknown = sorted(facts.circumstances - set(CIRCUMSTANCES))
    if unknown:
        raise AssessmentError(f"未知的情节：{'、'.join(unknown)}")
    if not facts.provisions:
        raise AssessmentError("请指定适用的条款（--provision）")
    unknown_bases = sorted(set(facts.amounts) - set(BASE_LABELS))
    if unknown_bases:
        raise AssessmentError(f"未知的计算基数：{'、'.join(unknown_bases)}（可用：{'、'.join(BASE_LABELS)}）")
    for amount in [facts.amount, facts.unit_fine, *facts.amounts.values()]:
        if amount is not None and amount < 0:
            raise AssessmentError("金额不能为负数")
    for a, b, why in CONTRADICTORY_CIRCUMSTANCES:
        if {a, b} <= facts.circumstances:
            raise AssessmentError(f"情节互相矛盾：“{CIRCUMSTANCE_LABELS[a]}”与“{CIRCUMSTANCE_LABELS[b]}”不能同时认定（{why}）")
    if facts.party not in NATURAL_PERSONS:
        person_only = [c for c in PERSON_ONLY_CIRCUMSTANCES if c in facts.circumstances]
        if person_only or facts.age is not None:
            what = "、".join([CIRCUMSTANCE_LABELS[c] for c in person_only] + (["年龄"] if facts.age is not None else []))
            raise AssessmentError(f"{what}只适用于自然人当事人，不适用于{PARTY_LABELS[facts.party]}")
    act = facts.act_date
    if act and facts.act_end_date and facts.act_end_date < act:
        raise AssessmentError(f"行为终了日期（{_day(facts.act_end_date)}）早于违法行为发生日期（{_day(act)}）")
    if act and facts.discovery_date and facts.discovery_date < act:
        raise AssessmentError(f"发现日期（{_day(facts.discovery_date)}）早于违法行为发生日期（{_day(act)}）：违法行为不能在发生之前被发现")
    if facts.decision_date:
        for earlier, label in ((act, "违法行为发生日期"), (facts.discovery_date, "发现日期")):
            if earlier and facts.decision_date < earlier:
                raise AssessmentError(f"作出决定的日期（{_day(facts.decision_date)}）早于{label}（{_day(earlier)}）")


def _no_penalty(facts: Facts) -> dict:
    """Whether 不予处罚 is mandatory, discretionary or not available, with its article."""
    c = facts.circumstances

    def result(applies: str, reason: str, rule: P.Rule | None) -> dict:
        return {"applies": applies, "label": NO_PENALTY_LABELS[applies], "reason": reason,
                "citation": rule.citation if rule else None}

    if facts.age is not None and facts.age < P.MINOR_NO_PENALTY_BELOW_AGE:
        return result("mandatory", f"当事人不满十四周岁，不予行政处罚，责令监护人加以管教（{P.MINORS.citation}）。", P.MINORS)
    if "mental_illness" in c:
        return result("mandatory", "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为，不予行政处罚，"
                                   f"但应当责令其监护人严加看管和治疗（{P.MENTAL_ILLNESS.citation}）。", P.MENTAL_ILLNESS)
    if (facts.act_date or facts.act_end_date) and facts.discovery_date:
        from yibao.law.money import limitation

        end = facts.act_end_date or facts.act_date
        lim = limitation(end, facts.discovery_date, life_health_harm="life_health_harm" in c)
        if lim.expired:
            return result("mandatory", lim.explanation, P.LIMITATION)
    if "no_fault" in c:
        return result("mandatory", f"当事人有证据足以证明没有主观过错，不予行政处罚（{P.NO_PENALTY_NO_FAULT.citation}）。",
                      P.NO_PENALTY_NO_FAULT)
    # 第三十三条第一款第一句 needs all three: 违法行为轻微, 及时改正, 没有造成危害后果.
    if {"minor_violation", "promptly_corrected", "no_harm"} <= c:
        return result("mandatory", "违法行为轻微并及时改正，没有造成危害后果，不予行政处罚"
                                   f"（{P.NO_PENALTY_MINOR_ACT.citation}）。", P.NO_PENALTY_MINOR_ACT)
    if {"first_offence", "minor_harm", "promptly_corrected"} <= c:
        return result("discretionary", "初次违法且危害后果轻微并及时改正，可以不予行政处罚"
                                       f"（{P.NO_PENALTY_MINOR_ACT.citation}）。", P.NO_PENALTY_MINOR_ACT)
    return result("none", "无法定不予处罚情形。", None)


def _grade(fine: tuple[Decimal, Decimal] | None, applied: ProvisionResult | None, facts: Facts,
           benchmark: Benchmark) -> dict | None:
    if fine is None:
        return None
    lo, hi = fine
    c = facts.circumstances
    present = [k for k in P.MANDATORY_MITIGATION_CIRCUMSTANCES if k in c]
    # Two circumstances under one clause of 第三十二条 are one factor.
    factors: list[object] = sorted({P.MANDATORY_MITIGATION_CIRCUMSTANCES[k] for k in present})
    reasons = [f"{CIRCUMSTANCE_LABELS[k]}（{P.MANDATORY_MITIGATION.citation}第（{cn(P.MANDATORY_MITIGATION_CIRCUMSTANCES[k])}）项）"
               for k in present]
    if facts.age is not None and facts.age < P.MINOR_MITIGATION_BELOW_AGE:
        factors.append("minor")
        reasons.append(f"已满十四周岁不满十八周岁（{P.MINORS.citation}）")
    allowed = []
    if "diminished_capacity" in c:
        factors.append("diminished_capacity")
        allowed.append(f"{CIRCUMSTANCE_LABELS['diminished_capacity']}（{P.MENTAL_ILLNESS.citation}）")
    # Circumstances that are elements of the applied provision do not aggravate it again.
    elements: set[str] = set()
    if applied is not None:
        elements |= set(applied.provision.requires)
        for m in applied.provision.measures:
            elements |= set(m.when) | set(m.when_any)
    severe = [k for k in benchmark.severe_when_any if k in c and k not in elements]
    if factors:
        name = "mitigated" if len(factors) >= benchmark.mitigated_min_factors else "lenient"
        parts = []
        if reasons:
            parts.append("应当从轻或者减轻处罚：" + "；".join(reasons))
        if allowed:
            parts.append("可以从轻或者减轻处罚：" + "；".join(allowed))
        reason = "。".join(parts)
    elif severe:
        name = "severe"
        reason = "从重情节：" + "、".join(CIRCUMSTANCE_LABELS[k] for k in severe)
    else:
        name = "ordinary"
        reason = "无法定从轻、减轻或者从重情节，在一般幅度内处罚"
    band = benchmark.grades[name]
    label = GRADE_LABELS[name]
    if name == "mitigated":
        if lo <= 0:
            reason += (f"。法定罚款没有最低数额，无从在其下减轻；可以依法选择较轻的处罚种类，或者按"
                       f"《{benchmark.title}》的从轻档处罚。")
            return {"name": name, "label": label, "min": None, "max": None, "reason": reason}
        # 减轻 is below the statutory minimum and is still a penalty: neither the minimum nor zero.
        rng = band.money(Decimal(0), lo)
        where = f"（低于法定最低罚款数额{money(lo)}元）"
    else:
        rng = band.money(lo, hi - lo)
        where = ""
        # A fine "以下" (no statutory minimum) of 0.00 would be no fine at all.
        if rng and rng[0] <= 0:
            rng = (FEN, rng[1]) if rng[1] >= FEN else None
    if rng is None:
        reason += f"。法定罚款幅度{money(lo)}元至{money(hi)}元过窄，按分计无法划出{label}档。"
        return {"name": name, "label": label, "min": None, "max": None, "reason": reason}
    reason += f"。依据《{benchmark.title}》，{label}档罚款幅度为{money(rng[0])}元至{money(rng[1])}元{where}。"
    return {"name": name, "label": label, "min": money(rng[0]), "max": money(rng[1]), "reason": reason}


def assess(facts: Facts, library: ProvisionLibrary | None = None) -> Assessment:
    """Assess the facts: applicable provisions, their measures, the fine range and its grade."""
    library = library or load_library()
    _check_facts(facts)
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
    for r in results:
        _check_bases(r, facts)
    with_fine = [r for r in results if r.fine is not None]
    applied = max(with_fine, key=lambda r: (r.fine[1], r.fine[0])) if with_fine else results[0]
    applied.applied = True
    if len(with_fine) > 1:
        notes.append(f"同一违法行为符合多个罚则，按照罚款数额高的{applied.provision.citation}处罚（{P.ONE_FINE_PER_ACT.citation}）。")
    no_penalty = _no_penalty(facts)
    if (facts.act_date or facts.act_end_date) and not facts.discovery_date:
        notes.append(f"未提供违法行为被发现的日期，未核查追责时效（{P.LIMITATION.citation}）。")
    penalty = Outcome("penalty", applied.measures, applied.fine, _grade(applied.fine, applied, facts, benchmark))
    withheld = [m for m in applied.measures if m.penalty]
    unpunished = Outcome(
        "no_penalty", [m for m in applied.measures if not m.penalty], None,
        {"name": "no_penalty", "label": GRADE_LABELS["no_penalty"], "min": None, "max": None,
         "reason": no_penalty["reason"]} if withheld else None,
        withheld,
    )
    if no_penalty["applies"] == "mandatory":
        outcomes = [unpunished]
        if withheld:
            labels = "、".join(MEASURE_LABELS[m.kind] for m in withheld)
            notes.append(f"不予处罚：不给予{labels}；责令改正、责令退回等不属于行政处罚的措施仍应采取"
                         f"（{P.PENALTY_KINDS_RULE.citation}、{P.CORRECTION_WITH_PENALTY.citation}）。")
    elif no_penalty["applies"] == "discretionary":
        outcomes = [penalty, unpunished]
    else:
        outcomes = [penalty]
    # 第二十九条 chooses among fines on this party only; measures on other persons come from every
    # provision the facts meet (第四十三条's ban beside 第四十条's fine).
    others: list[MeasureResult] = []
    for r in [applied, *(r for r in results if r is not applied)]:
        for m in r.other_party_measures:
            if not any((o.kind, o.target, o.citation) == (m.kind, m.target, m.citation) for o in others):
                others.append(m)
    for citation in dict.fromkeys(m.citation for m in others):
        mine = [m for m in others if m.citation == citation]
        persons = "、".join(dict.fromkeys(PARTY_LABELS[m.target] for m in mine))
        kinds = "、".join(dict.fromkeys(MEASURE_LABELS[m.kind] for m in mine))
        notes.append(f"{citation}对{persons}的{kinds}，由有权机关对该人员另行决定，"
                     f"不是对本当事人（{PARTY_LABELS[facts.party]}）的处理，另列于“对其他责任人员的措施”。")
    return Assessment(results, outcomes, no_penalty, notes, benchmark, others)
