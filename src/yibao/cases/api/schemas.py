"""The request and answer schemas of the cases router (/api/v1/cases); the action bodies are generated
from the action table in actions.py.

No `from __future__ import annotations`: pydantic and Ninja read these annotations at run time."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from ..constants import PartyType
from ..procedure import CaseState
from .common import Page, choices


class PartyIn(Schema):
    party_type: choices(PartyType.values)
    name: str
    credit_code: str = ""
    id_number: str = ""
    address: str = ""
    legal_representative: str = ""
    contact: str = ""


class FilingIn(Schema):
    """立案: from a lead (lead_id) or without one (bureau_id, or the actor's bureau). An officer of 立案岗
    proposes it for the head's approval; a head files it at once."""

    lead_id: int | None = None
    bureau_id: int | None = None
    title: str
    facts_summary: str = ""
    parties: list[PartyIn] = Field(..., min_length=1)
    officer_ids: list[int] = Field(..., description="执法人员（Officer）的 id，至少两名")
    lead_officer_id: int | None = None
    act_end_on: dt.date | None = Field(None, description="违法行为发生或终了的日期（追责时效据此计算）")
    discovered_on: dt.date | None = None
    life_health_harm: bool = False
    provisions: list[str] = []
    amount: Decimal | None = Field(None, ge=0, decimal_places=2)
    review_required: bool = True
    deliberation_required: bool = False


class PartyOut(Schema):
    id: int = Field(..., description="当事人 id（记录送达地址确认书时用）")
    party_type: str
    party_type_label: str
    name: str | None
    credit_code: str
    id_number: str | None
    address: str
    legal_representative: str
    contact: str
    service_address: str = Field("", description="送达地址确认书中确认的送达地址")
    electronic_address: str = Field("", description="当事人书面同意电子送达的地址；未同意为空")
    service_confirmed_on: dt.date | None = Field(None, description="送达地址确认书签署日期")


class CaseOfficerOut(Schema):
    officer_id: int
    name: str
    is_lead: bool
    certificate_valid: bool
    recused: bool
    certificate_warning: str = Field("", description="执法证在办案期限届满前到期的提示")


class DeadlineOut(Schema):
    key: str
    label: str
    due: dt.date
    explanation: str
    basis: str
    provisional: bool


class StepOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    actor: str | None
    at: dt.datetime
    reason: str


class ActionOut(Schema):
    action: str
    label: str
    url: str


class PaymentItemOut(Schema):
    item: str = Field(description="缴款项目：fine 罚款、refund 退回基金（责令退回）、confiscation 没收违法所得")
    label: str
    decided: str | None = Field(description="决定的金额（元）")
    owed: str = Field(description="应缴（元）：决定被撤销的为 0")
    paid: str = Field(description="已缴（元）")
    remaining: str = Field(description="尚欠（元）")
    refund_due: str = Field(description="应退还的已缴超出部分（元）")


class ClosingReportOut(Schema):
    ground: str = Field(description="结案情形：executed 执行完毕、court_accepted 法院已受理强制执行申请、"
                                    "nothing_to_execute 无须执行")
    ground_label: str
    status: str = Field(description="drafted 待负责人审批、returned 已退回、approved 已批准结案")
    drafts: int = Field(description="起草次数（退回后重新起草的，各稿见 steps）")
    handling_summary: str
    execution_summary: str
    drafted_by: str | None
    drafted_on: dt.date
    returned_by: str | None
    returned_on: dt.date | None
    return_reason: str
    approved_by: str | None
    approved_on: dt.date | None
    approval_opinion: str


class InvestigationReportOut(Schema):
    source: str
    process: str
    facts: str
    evidence: list[int] = Field(..., description="所依据的本案证据的序号")
    basis: list[str] = Field(..., description="起草时案件引用的适用条款和权责事项")
    nature: str
    proposal: str
    proposal_label: str
    measures: str
    fine: str | None
    discretion: str
    grade: str = Field(..., description="起草时测算的裁量档次（从轻、一般、从重、减轻），无测算为空")
    drafted_by: str
    drafted_on: dt.date
    superseded_reports: int = Field(..., description="退回补充调查后被取代、留存在卷的早先报告份数")


class CaseSummaryOut(Schema):
    id: int
    number: str | None
    url: str
    bureau_id: int
    bureau: str
    title: str
    state: str
    state_label: str
    filed_on: dt.date | None
    due_on: dt.date | None
    version: int


class CaseOut(CaseSummaryOut):
    lead_id: int | None
    procedure: str
    facts_summary: str
    act_end_on: dt.date | None
    discovered_on: dt.date | None
    due_explanation: str
    due_provisional: bool
    provisions: list[str]
    amount: str | None
    fine_min: str | None
    fine_max: str | None
    fine_note: str
    review_required: bool
    deliberation_required: bool
    deliberation_done: bool
    review_opinion: str
    review_passed: bool
    investigation_report: str
    decision_kind: str
    proposed_fine: str | None
    proposal_approved: bool
    hearing_right: bool
    notified_on: dt.date | None
    statement_window_ends: dt.date | None
    statements_closed: bool
    hearing_requested: bool
    hearing_request_due: dt.date | None
    hearing_on: dt.date | None
    hearing_place: str
    hearing_time: str | None = Field(None, description="听证时间，时:分")
    hearing_noticed_on: dt.date | None
    hearing_notice_method: str
    decided_fine: str | None
    decided_refund: str | None = Field(None, description="责令退回的医保基金（元）")
    decided_confiscation: str | None = Field(None, description="没收违法所得（元）")
    decided_on: dt.date | None
    service_due: dt.date | None
    service_method: str
    served_on: dt.date | None
    service_receipt: dict[str, str] = Field(default_factory=dict,
                                            description="送达回证：方式、送达日期及签收人、见证人、邮件单号或电子送达地址等")
    announced_on: dt.date | None = Field(None, description="公告送达的公告日期")
    announcement_where: str = Field("", description="公告刊登处")
    announcement_ends: dt.date | None = Field(None, description="公告期满日（期满视为送达）")
    payment_due: dt.date | None
    paid_on: dt.date | None
    executed: bool
    surcharge: str | None = Field(None, description="截至今日的加处罚款（元）")
    surcharge_explanation: str = ""
    paid: str | None = Field(None, description="已缴合计（元）：罚款、退回基金、没收违法所得之和，各项见 payment_items")
    remaining: str | None = Field(None, description="尚欠合计（元）")
    refund_due: str | None = Field(None, description="应退还的已缴超出部分合计（元）：决定被撤销或罚款被变更后")
    payment_items: list[PaymentItemOut] = Field([], description="罚款、退回基金、没收违法所得分项的应缴、已缴、尚欠")
    next_instalment_due: dt.date | None = Field(None, description="下一期未缴清的分期款的应缴日期")
    next_instalment_unpaid: str | None = Field(None, description="下一期分期款尚欠金额（元）")
    closed_on: dt.date | None
    closing_report: ClosingReportOut | None = Field(None, description="结案报告：执行岗起草，负责人退回或批准（即结案）")
    investigation_report_parts: InvestigationReportOut | None = Field(
        None, description="现行的调查终结报告的各部分（investigation_report 为其文本）")
    parties: list[PartyOut]
    officers: list[CaseOfficerOut]
    deadlines: list[DeadlineOut]
    steps: list[StepOut]
    actions: list[ActionOut] = Field(description="您现在可以办理的环节（各环节的条件在办理时检查）")


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseSummaryOut]


class CaseFilters(Page):
    q: str = Field("", description="案号、案由或当事人名称中的文字")
    state: str = Field("", description="状态：" + "、".join(CaseState))


class SummaryIn(Schema):
    """当场处罚 (简易程序): the pre-printed numbered decision, the party, the two officers; no fine for a warning."""

    decision_number: str
    party: PartyIn
    officer_ids: list[int] = Field(..., description="两名执法人员（Officer）的 id，含登记人本人")
    facts_summary: str
    provisions: list[str] = []
    fine: Decimal | None = Field(None, ge=0, decimal_places=2)
    decided_on: dt.date | None = None
    place: str = ""
