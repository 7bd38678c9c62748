"""The 封存 procedure as data: its steps, the post and section of each (seed 003, item 12), its numbers with
their articles, and the refusal codes. Pure: no Django.

Seed 003 item 12 (对可能被转移、隐匿或者灭失的医疗保险基金相关资料进行封存, 行政强制) gives the posts: 告知岗,
批准决定岗 and 事后监管岗 of the fund-supervision section, and 执行岗 of the legal section. In the penalty chain
(items 1–11) 执行岗 is in the fund-supervision section: the same post name, another section, so a post check
asks this table (procedure "seal") or the penalty table (cases.procedure), never the post name alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from yibao.deadlines.periods import StatutoryPeriod
from yibao.law.citations import Citation

COERCION_LAW = "中华人民共和国行政强制法"
FUND_REGULATION = "医疗保障基金使用监督管理条例"


def coercion_law(article: int, paragraph: int | None = None, clause: int | None = None) -> Citation:
    return Citation(COERCION_LAW, "law", article, paragraph, clause)


# 条例 第二十七条第（五）项: 对可能被转移、隐匿或者灭失的资料等予以封存 — the power a seal rests on.
SEAL_BASIS = Citation(FUND_REGULATION, "admin_regulation", 27, None, 5)
# 行政强制法 第十八条: the procedure of every coercive measure.
APPROVAL_BASIS = coercion_law(18, None, 1)  # 实施前须向行政机关负责人报告并经批准
OFFICERS_BASIS = coercion_law(18, None, 2)  # 由两名以上行政执法人员实施
CERTIFICATE_BASIS = coercion_law(18, None, 3)  # 出示执法身份证件
PARTY_BASIS = coercion_law(18, None, 5)  # 当场告知当事人理由、依据、权利、救济途径
EMERGENCY_BASIS = coercion_law(19)  # 二十四小时内向负责人报告并补办批准手续；不应当采取的，立即解除
DECISION_BASIS = coercion_law(24)  # 当场交付决定书和清单
PERIOD_BASIS = coercion_law(25, 1)  # 不得超过三十日；经负责人批准可以延长，延长不得超过三十日
EXTENSION_NOTICE_BASIS = coercion_law(25, 2)  # 延长的决定及时书面告知当事人，并说明理由
EXCLUSION_BASIS = coercion_law(25, 3)  # 期间不包括检测、检验、检疫或者技术鉴定的期间；应当明确，并书面告知当事人
HANDOVER_BASIS = coercion_law(21)  # 涉嫌犯罪移送司法机关的，查封、扣押的财物一并移送，并书面告知当事人
LIFTING_BASIS = coercion_law(28)  # 应当及时作出解除决定

# 行政强制法 第十八条第（二）项: 两名以上行政执法人员.
MIN_SEAL_OFFICERS = 2
# 行政强制法 第二十五条第一款: 查封、扣押的期限不得超过三十日. More than ten days, so calendar days (第六十九条).
SEAL_MAX_DAYS = 30
# 行政强制法 第二十五条第一款: 延长期限不得超过三十日 — and one extension only ("可以延长", once, by the head).
EXTENSION_MAX_DAYS = 30
MAX_EXTENSIONS = 1
# The seal's period as the deadlines app counts it: calendar days after the decision, the start day not counted.
SEAL_PERIOD = StatutoryPeriod("seal", SEAL_MAX_DAYS, False, "封存的期限", PERIOD_BASIS, "作出封存决定之日")
# 行政强制法 第十九条: 二十四小时内向行政机关负责人报告.
EMERGENCY_REPORT_HOURS = 24


class SealStatus(StrEnum):
    PROPOSED = "proposed"  # 报请负责人批准
    REJECTED = "rejected"  # 负责人不予批准
    APPROVED = "approved"  # 负责人已批准，尚未实施
    ACTIVE = "active"  # 已实施封存
    LIFTED = "lifted"  # 已解除封存
    HANDED_OVER = "handed_over"  # 随案移送司法机关 (第二十一条)


STATUS_LABELS: dict[SealStatus, str] = {
    SealStatus.PROPOSED: "待批准", SealStatus.REJECTED: "不予批准", SealStatus.APPROVED: "已批准待实施",
    SealStatus.ACTIVE: "封存中", SealStatus.LIFTED: "已解除", SealStatus.HANDED_OVER: "已随案移送司法机关",
}


class SealStep(StrEnum):
    PROPOSE = "propose"  # 报请封存
    APPROVE = "approve"  # 批准封存（或不予批准）
    EXECUTE = "execute"  # 实施封存
    NOTIFY = "notify"  # 告知当事人、交付决定书和清单
    SEAL_ON_SITE = "seal_on_site"  # 情况紧急，当场封存
    REPORT = "report"  # 当场封存后向负责人报告
    EXTEND = "extend"  # 延长封存期限
    EXCLUDE = "exclude"  # 登记不计入期限的检测、检验、检疫或者技术鉴定期间
    LIFT = "lift"  # 解除封存


# Roles and section stems as the org app names them (org.constants; a test keeps them equal).
OFFICER, LEGAL_REVIEWER, HEAD = "officer", "legal_reviewer", "head"
FUND_SUPERVISION, LEGAL_REVIEW = "基金监管", "法制审核"


@dataclass(frozen=True)
class StepRule:
    """Who takes a step of the seal procedure: the roles, and the post of a section where seed 003 names one."""

    label: str
    roles: frozenset[str]
    post: str | None
    section: str | None
    basis: Citation | None
    states: frozenset[SealStatus]


_OPEN = frozenset({SealStatus.ACTIVE})
# The post table of seed 003 item 12. The head decides (第十八条第（一）项 "经负责人批准"); seed 003 puts the
# decision with 批准决定岗 of the fund-supervision section, which the head holds.
SEAL_STEPS: dict[SealStep, StepRule] = {
    SealStep.PROPOSE: StepRule("报请封存", frozenset({OFFICER}), None, None, APPROVAL_BASIS, frozenset()),
    SealStep.APPROVE: StepRule("批准封存", frozenset({HEAD}), "批准决定岗", FUND_SUPERVISION, APPROVAL_BASIS,
                               frozenset({SealStatus.PROPOSED, SealStatus.ACTIVE})),
    SealStep.EXECUTE: StepRule("实施封存", frozenset({OFFICER, LEGAL_REVIEWER}), "执行岗", LEGAL_REVIEW, DECISION_BASIS,
                               frozenset({SealStatus.APPROVED})),
    SealStep.NOTIFY: StepRule("告知当事人", frozenset({OFFICER}), "告知岗", FUND_SUPERVISION, PARTY_BASIS, _OPEN),
    SealStep.SEAL_ON_SITE: StepRule("当场封存（情况紧急）", frozenset({OFFICER}), None, None, EMERGENCY_BASIS,
                                    frozenset()),
    SealStep.REPORT: StepRule("向负责人报告当场封存", frozenset({OFFICER}), None, None, EMERGENCY_BASIS, _OPEN),
    SealStep.EXTEND: StepRule("延长封存期限", frozenset({HEAD}), "批准决定岗", FUND_SUPERVISION, PERIOD_BASIS, _OPEN),
    # 第二十五条第三款 names no post: an officer who carried out the seal, or the head, records the examination.
    SealStep.EXCLUDE: StepRule("登记检测、鉴定期间", frozenset({OFFICER, HEAD}), None, None, EXCLUSION_BASIS, _OPEN),
    SealStep.LIFT: StepRule("解除封存", frozenset({HEAD}), "批准决定岗", FUND_SUPERVISION, LIFTING_BASIS,
                            frozenset({SealStatus.APPROVED, SealStatus.ACTIVE})),
}


def post_for(step: SealStep) -> tuple[str, str] | None:
    """(post, section stem) of a step of the seal procedure, or None where any officer may take it."""
    rule = SEAL_STEPS[step]
    return (rule.post, rule.section) if rule.post and rule.section else None


class SealCode(StrEnum):
    """Refusals of the seal procedure (beside the shared ones: wrong_role, wrong_post, out_of_scope,
    not_case_officer, too_few_officers, certificate_invalid, no_reason, invalid_input)."""

    WRONG_STATUS = "seal_wrong_status"
    NO_ITEMS = "seal_no_items"
    NO_PLACE = "seal_no_place"
    NO_PARTY = "seal_no_party"
    NO_SITE_RECORD = "seal_no_site_record"
    PERIOD_TOO_LONG = "seal_period_too_long"
    EXTENSION_TOO_LONG = "seal_extension_too_long"
    SECOND_EXTENSION = "seal_second_extension"
    EXPIRED = "seal_expired"
    NOT_REPORTED = "seal_emergency_not_reported"
    REPORT_LATE = "seal_emergency_report_late"
    ALREADY_REPORTED = "seal_emergency_already_reported"
    NOT_EMERGENCY = "seal_not_emergency"
    CASE_ENDED = "seal_case_ended"
    NOT_SEAL_OFFICER = "seal_not_seal_officer"
    EXCLUSION_NOT_TOLD = "seal_exclusion_not_told"
    EXCLUSION_OUTSIDE = "seal_exclusion_outside_period"


def check_period(days: int) -> str | None:
    """A Chinese refusal for a seal period beyond 第二十五条's thirty days, or None."""
    if days < 1:
        return "封存期限应为正整数天数"
    if days > SEAL_MAX_DAYS:
        return f"封存期限不得超过{SEAL_MAX_DAYS}日（申请{days}日）"
    return None


def report_due(sealed_at: dt.datetime) -> dt.datetime:
    """The latest moment the head must hear of a seal made on the spot (第十九条)."""
    return sealed_at + dt.timedelta(hours=EMERGENCY_REPORT_HOURS)
