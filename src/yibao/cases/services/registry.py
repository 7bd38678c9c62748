"""The one table of case actions: for each action key, the service that takes it, the inputs it asks for
(name, Chinese label, kind, whether required, choices) and how those become the service's arguments.

The case page (its forms and `views._call`) and the API (`cases/api/actions.py`, one endpoint and one
request schema per action) are both read from this table, so adding an action is one entry here. How
each kind of input is written on a page (a date typed as text, instalments one per line) and in JSON
(an ISO date, a list) is the page's and the API's business (`forms.page_values`, `api/actions.py`); the
table says only what the service needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from yibao.org.models import Officer

from ..models import (
    ArrangementKind,
    Case,
    ClosingGround,
    DecisionKind,
    PaymentItem,
    RecusalAskedBy,
    RemedyKind,
    RemedyOutcome,
    ReportProposal,
    ReviewOpinion,
    ServiceMethod,
    TransferKind,
)
from ..procedure import STEPS, SUMMARY_TABLE, Action, Refusal, ServiceCode, SummaryAction
from .actions import SIDE_STEPS
from .clock import (
    RECORDED_KINDS,
    do_end_excluded_period,
    do_extend_deadline,
    do_record_excluded_period,
    do_resume,
    do_revoke_filing,
    do_suspend,
)
from .closing import do_close, do_draft_closing_report, do_return_closing_report
from .deliberation import do_mark_complex, do_record_deliberation
from .execution import (
    do_apply_court_enforcement,
    do_arrange_payment,
    do_record_court_acceptance,
    do_record_remedy,
    do_record_remedy_outcome,
    do_serve_reminder,
)
from .filing import do_approve_filing, do_reject_filing
from .handling import (
    RECORD_STEPS,
    do_approve_proposal,
    do_close_statements,
    do_complete_review,
    do_decide,
    do_finish_hearing,
    do_notify,
    do_record_hearing,
    do_record_payment,
    do_request_hearing,
    do_serve,
    do_start_enforcement,
    do_start_investigation,
)
from .hearing import NOTICE_METHODS, do_name_hearing_host, do_notify_hearing, do_schedule_hearing
from .officers import do_ask_recusal, do_decide_recusal, do_reassign_officer
from .report import finish_investigation
from .service import case_parties, do_announce_service, do_record_service_address
from .steps import do_take_step
from .summary import do_file_summary
from .transfer import do_record_transfer_receipt, do_transfer


class Kind(StrEnum):
    """What an input holds; the page and the API each know how to read every kind."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # several lines
    DATE = "date"
    CHOICE = "choice"  # one of `choices`
    MONEY = "money"  # yuan to the fen; the service checks it
    FLAG = "flag"  # yes or no
    USER = "user"  # a user's id (the hearing host)
    OFFICER = "officer"  # an officer's id; the service gets the officer of the case's bureau, or a refusal
    OFFICER_ID = "officer_id"  # an officer's id, given to the service as the id (it checks the case)
    PARTY_ID = "party_id"  # a party's id, given to the service as the id (it checks the case)
    NAMES = "names"  # several short texts (attendees)
    INSTALMENTS = "instalments"  # (date, amount) pairs
    NUMBERS = "numbers"  # several numbers chosen among the case's (its evidence items)


Choices = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Input:
    """One input of an action. `name` is the API's field and the page form's; `arg` the service's keyword
    (the name unless given); `help` the API document's description; `choices` a list, or a function of the
    case for choices that depend on it (the page's select; the API takes the id)."""

    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: Choices | Callable[[Case], Choices] | None = None
    default: Any = None
    arg: str = ""
    help: str = ""

    @property
    def keyword(self) -> str:
        return self.arg or self.name

    @property
    def short_label(self) -> str:
        """The label without its note in brackets, for messages: 告知日期（留空为今天） → 告知日期."""
        return self.label.split("（")[0]

    def static_choices(self) -> list[str]:
        return [str(v) for v, _ in self.choices] if self.choices is not None and not callable(self.choices) else []


@dataclass(frozen=True)
class CaseAction:
    """One action on a case: its key (URL segment and form name), the service, its inputs, and the name of
    its request body in the API document (actions asking the same things share one)."""

    key: str
    service: Callable[..., Case]
    inputs: tuple[Input, ...] = ()
    body: str = "VersionIn"

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", str(self.key))  # an Action member reads as its value

    @property
    def label(self) -> str:
        return action_label(self.key)

    def take(self, case: Case, values: dict[str, Any], *, actor: Any, expected_version: int | None) -> Case:
        """Call the service with the inputs' values (by input name) as the actor, on the version seen."""
        kwargs: dict[str, Any] = {}
        for spec in self.inputs:
            value = values.get(spec.name, spec.default)
            if spec.kind == Kind.OFFICER:
                value = bureau_officer(case, value)
            kwargs[spec.keyword] = value
        return self.service(case, actor=actor, expected_version=expected_version, **kwargs)


def bureau_officer(case: Case, pk: int | None) -> Officer | None:
    """The officer of the case's bureau with this id; none asked, none given; a stranger is refused."""
    if pk is None:
        return None
    officer = Officer.objects.filter(pk=pk, bureau=case.bureau).first()
    if officer is None:
        raise Refusal(ServiceCode.INVALID_INPUT, f"请求数据有误：执法人员 {pk} 不是{case.bureau.name}的执法人员")
    return officer


def action_label(key: str) -> str:
    """The step's name as the procedure table and the recording steps give it, so pages and API agree."""
    if key in RECORD_STEPS:
        return RECORD_STEPS[key].label
    if key in SIDE_STEPS:
        return SIDE_STEPS[key].label
    if key in SUMMARY_TABLE:
        return SUMMARY_TABLE[SummaryAction(key)].label
    if key == Action.COMPLETE_REVIEW:
        return "法制审核（同意、补充调查、变更、纠正或其他意见）"
    return STEPS[Action(key)].label


# ---------------------------------------------------------------- choices that depend on the case

def case_officers(case: Case) -> list[tuple[str, str]]:
    return [(str(co.officer_id), co.officer.name)
            for co in case.officers.filter(recused_on__isnull=True).select_related("officer")]


def bureau_officers_not_on_case(case: Case) -> list[tuple[str, str]]:
    on_case = case.officers.values("officer_id")
    return [("", "（不调入）")] + [(str(o.pk), f"{o.name}（{o.certificate_number or '无执法证'}）")
                                  for o in Officer.objects.filter(bureau=case.bureau, active=True).exclude(pk__in=on_case)]


def hearing_hosts(case: Case) -> list[tuple[str, str]]:
    """Legal reviewers of the bureau who are not officers of the case (第六十四条第（四）项)."""
    from yibao.org.models import UserProfile

    on_case = case.officers.filter(recused_on__isnull=True).values("officer__user_id")
    rows = UserProfile.objects.filter(role="legal_reviewer", bureau=case.bureau).exclude(user_id__in=on_case)
    return [(str(p.user_id), p.user.get_full_name() or p.user.get_username()) for p in rows.select_related("user")]


def case_evidence(case: Case) -> list[tuple[str, str]]:
    """The case's evidence items not withdrawn, by number, for the report to rely on."""
    return [(str(e.number), f"证据{e.number}：{e.title}") for e in case.evidence.filter(withdrawn_on__isnull=True)]


# 调查终结报告 in its parts (services/report.py); the guard REPORT, not the form, says which required part is missing.
REPORT_INPUTS = (
    Input("source", "案件来源与立案情况", Kind.LONG_TEXT), Input("process", "调查经过", Kind.LONG_TEXT),
    Input("facts", "违法事实", Kind.LONG_TEXT, help="调查查明的违法事实"),
    Input("evidence", "证据（勾选本案证据）", Kind.NUMBERS, choices=case_evidence,
          help="报告所依据的本案证据的序号（证据清单中的“序号”）"),
    Input("nature", "违法行为的性质（适用条款和权责事项由案件自动引用）", Kind.LONG_TEXT),
    Input("proposal", "处理意见", Kind.CHOICE, choices=[("", "（请选择）"), *ReportProposal.choices], default="",
          help="拟处理意见：penalty 给予行政处罚，no_penalty 不予行政处罚，not_established 违法事实不能成立，"
               "transfer 移送其他行政机关，judiciary 移送司法机关"),
    Input("measures", "处罚种类与幅度"), Input("fine", "拟罚款（元）", Kind.MONEY),
    Input("discretion", "自由裁量理由（有测算的，裁量档次自动引用）", Kind.LONG_TEXT),
)


# ---------------------------------------------------------------- the table

def _reason(label: str) -> Input:
    return Input("reason", label, Kind.LONG_TEXT)


def _day(name: str, label: str, help: str = "") -> Input:
    """A date left empty for today."""
    return Input(name, f"{label}（留空为今天）", Kind.DATE, help=help)


_ACTIONS: list[CaseAction] = [
    CaseAction(Action.APPROVE_FILING, do_approve_filing),
    CaseAction(Action.REJECT_FILING, do_reject_filing, (_reason("不予立案理由"),), "ReasonIn"),
    CaseAction(Action.START_INVESTIGATION, do_start_investigation),
    CaseAction(Action.FINISH_INVESTIGATION, finish_investigation, REPORT_INPUTS, "ReportIn"),
    CaseAction(Action.COMPLETE_REVIEW, do_complete_review,
               (Input("opinion", "审核意见", Kind.CHOICE, required=True, choices=ReviewOpinion.choices),
                Input("text", "具体意见", Kind.LONG_TEXT)), "ReviewIn"),
    CaseAction("approve_proposal", do_approve_proposal,
               (Input("decision_kind", "拟处理决定", Kind.CHOICE, choices=DecisionKind.choices,
                      default=DecisionKind.PENALTY.value),
                Input("fine", "拟罚款（元）", Kind.MONEY), Input("hearing_right", "告知听证权利", Kind.FLAG, default=False),
                Input("opinion", "审批意见")), "ProposalIn"),
    CaseAction(Action.NOTIFY, do_notify, (_day("on", "告知日期", help="告知日期，不填为今天"),), "NotifyIn"),
    CaseAction("close_statements", do_close_statements,
               (Input("text", "陈述申辩情况", Kind.LONG_TEXT, required=True, help="当事人陈述、申辩的情况或放弃的表示"),),
               "StatementsIn"),
    CaseAction(Action.REQUEST_HEARING, do_request_hearing),
    CaseAction("record_hearing", do_record_hearing,
               (Input("record", "听证笔录", Kind.LONG_TEXT, required=True),
                Input("host_opinion", "主持人意见", Kind.LONG_TEXT, required=True)), "HearingRecordIn"),
    CaseAction(Action.FINISH_HEARING, do_finish_hearing),
    CaseAction(Action.DECIDE, do_decide,
               (Input("decision_kind", "决定类型", Kind.CHOICE, required=True, choices=DecisionKind.choices),
                Input("fine", "罚款（元）", Kind.MONEY),
                Input("refund", "责令退回的医保基金（元）", Kind.MONEY, help="医疗保障基金使用监督管理条例 第三十八条等；无则不填"),
                Input("confiscation", "没收违法所得（元）", Kind.MONEY, help="无则不填"),
                Input("reason", "说明")), "DecideIn"),
    CaseAction(Action.SERVE, do_serve,
               (Input("method", "送达方式", Kind.CHOICE, required=True, choices=ServiceMethod.choices),
                _day("on", "送达日期（签收、收到或到达系统之日；公告送达为公告期满日）",
                     help="直接送达的签收日期、邮寄送达的收到日期、电子送达到达系统的日期；公告送达按公告期满日"),
                Input("signed_by", "签收人（直接送达）"),
                Input("witnesses", "见证人（留置送达）"),
                Input("evidence_note", "拍照、录像记录（留置送达，无见证人时）", Kind.LONG_TEXT),
                Input("tracking_number", "邮件单号（邮寄送达）"),
                Input("electronic_address", "电子送达地址（留空为当事人同意的地址）"),
                Input("reason", "逾期送达的原因", help="逾期送达的原因")), "ServeIn"),
    CaseAction("announce_service", do_announce_service,
               (Input("reason", "无法以其他方式送达的情况（下落不明等）", Kind.LONG_TEXT, required=True),
                Input("where", "公告刊登处（报纸、公告栏或网站）", required=True),
                _day("announced_on", "公告日期")), "AnnounceIn"),
    CaseAction("record_service_address", do_record_service_address,
               (Input("party", "当事人", Kind.PARTY_ID, required=True, choices=case_parties,
                      help="当事人（Party）的 id"),
                Input("address", "确认的送达地址", required=True),
                Input("electronic_address", "同意电子送达的地址（邮箱、手机号或传真；不同意的不填）",
                      help="当事人书面同意电子送达的地址；不同意的不填"),
                _day("confirmed_on", "送达地址确认书签署日期")), "ServiceAddressIn"),
    CaseAction(Action.START_ENFORCEMENT, do_start_enforcement),
    CaseAction("record_payment", do_record_payment,
               (Input("item", "缴款项目", Kind.CHOICE, choices=PaymentItem.choices, default=PaymentItem.FINE.value),
                _day("paid_on", "缴款日期"), Input("amount", "金额（元，留空为该项目尚欠的全部）", Kind.MONEY,
                                                 help="本次缴款金额（元）；不填为该项目尚欠的全部"),
                Input("reference", "缴款凭证号")), "PaymentIn"),
    CaseAction(Action.DRAFT_CLOSING_REPORT, do_draft_closing_report,
               (Input("ground", "结案情形", Kind.CHOICE, required=True, choices=ClosingGround.choices),
                Input("handling_summary", "案件办理情况", Kind.LONG_TEXT, required=True,
                      help="立案、调查、审核、决定、送达的经过"),
                Input("execution_summary", "执行情况", Kind.LONG_TEXT, help="缴款、强制执行或无须执行的情况")),
               "ClosingReportIn"),
    CaseAction(Action.RETURN_CLOSING_REPORT, do_return_closing_report, (_reason("退回理由"),), "ReasonIn"),
    # 结案 is the head's approval of the drafted closing report.
    CaseAction(Action.CLOSE, do_close, (Input("reason", "审批意见"),), "ReasonIn"),
    CaseAction(Action.SUSPEND, do_suspend, (_reason("中止理由"),), "ReasonIn"),
    CaseAction(Action.RESUME, do_resume, (_reason("恢复理由"),), "ReasonIn"),
    CaseAction(Action.TERMINATE, partial(do_take_step, action=Action.TERMINATE), (_reason("终止理由"),), "ReasonIn"),
    CaseAction(Action.TRANSFER, do_transfer,
               (Input("kind", "移送类别", Kind.CHOICE, required=True, choices=TransferKind.choices),
                Input("to_authority", "接收机关", required=True), Input("letter_number", "移送函文号", required=True),
                _day("sent_on", "移送日期"), Input("reason", "移送理由", Kind.LONG_TEXT, required=True)), "TransferIn"),
    CaseAction(Action.REVOKE_FILING, do_revoke_filing, (_reason("撤销立案理由"),), "ReasonIn"),
    CaseAction("extend_deadline", do_extend_deadline,
               (Input("reason", "延长理由", Kind.LONG_TEXT, required=True),
                Input("deliberation_record", "集体讨论记录（再次延长时填写）", Kind.LONG_TEXT,
                      help="再次延长时：负责人集体讨论的记录")), "ExtendIn"),
    CaseAction("record_excluded_period", do_record_excluded_period,
               (Input("kind", "期间类别", Kind.CHOICE, required=True, choices=list(RECORDED_KINDS.items())),
                Input("start", "开始日期", Kind.DATE, required=True),
                Input("end", "结束日期（尚未结束的不填）", Kind.DATE, help="尚未结束的不填"),
                Input("reason", "事由", Kind.LONG_TEXT, required=True)), "ExcludedIn"),
    CaseAction("end_excluded_period", do_end_excluded_period, (Input("end", "结束日期", Kind.DATE, required=True),),
               "EndExcludedIn"),
    CaseAction("name_hearing_host", do_name_hearing_host,
               (Input("host_id", "听证主持人（法制审核机构）", Kind.USER, required=True, choices=hearing_hosts, arg="host",
                      help="听证主持人的用户 id（法制审核机构，非本案执法人员）"),), "HostIn"),
    CaseAction("schedule_hearing", do_schedule_hearing,
               (Input("hearing_on", "听证日期", Kind.DATE, required=True),
                Input("hearing_time", "听证时间（时:分，如 09:30）", help="听证开始时间，时:分，如 09:30"),
                Input("place", "听证地点", required=True),
                Input("reason", "改期理由（首次安排不填）", Kind.LONG_TEXT, help="改期理由：当事人申请、主持人不能到场等；首次安排不填")),
               "HearingScheduleIn"),
    CaseAction("notify_hearing", do_notify_hearing,
               (Input("method", "通知方式", Kind.CHOICE, required=True, choices=NOTICE_METHODS),
                _day("noticed_on", "通知日期", help="通知日期，不填为今天")), "HearingNoticeIn"),
    CaseAction("record_transfer_receipt", do_record_transfer_receipt,
               (_day("received_on", "回执日期"), Input("note", "回执情况", Kind.LONG_TEXT)), "ReceiptIn"),
    CaseAction("arrange_payment", do_arrange_payment,
               (Input("kind", "方式", Kind.CHOICE, required=True, choices=ArrangementKind.choices),
                Input("until", "最后缴款日期", Kind.DATE, required=True),
                Input("instalments", "分期安排（每行：日期 金额；暂缓不填）", Kind.INSTALMENTS, default=(),
                      help="分期：[[日期, 金额], …]；暂缓不填"),
                Input("reason", "当事人申请的理由", Kind.LONG_TEXT, required=True)), "ArrangementIn"),
    CaseAction("serve_reminder", do_serve_reminder, (_day("served_on", "催告书送达日期"),), "ReminderIn"),
    CaseAction("apply_court_enforcement", do_apply_court_enforcement, (_day("applied_on", "申请日期"),), "CourtIn"),
    CaseAction("record_court_acceptance", do_record_court_acceptance, (_day("accepted_on", "受理日期"),), "AcceptedIn"),
    CaseAction("record_remedy", do_record_remedy,
               (Input("kind", "救济途径", Kind.CHOICE, required=True, choices=RemedyKind.choices),
                Input("body", "复议机关或法院", required=True), _day("filed_on", "申请或起诉日期")), "RemedyIn"),
    CaseAction("record_remedy_outcome", do_record_remedy_outcome,
               (Input("outcome", "结果", Kind.CHOICE, required=True, choices=RemedyOutcome.choices),
                _day("decided_on", "决定或判决日期"),
                Input("received_on", "当事人收到日期（留空按决定或判决日期）", Kind.DATE,
                      help="当事人收到复议决定书或判决书的日期；起诉、上诉期限自此起算"),
                Input("final", "终审判决（二审，不能再上诉）", Kind.FLAG, default=False),
                Input("changed_fine", "变更后的罚款（元）", Kind.MONEY), Input("note", "说明")), "RemedyOutcomeIn"),
    CaseAction("file_summary", do_file_summary, (Input("reason", "逾期备案的原因"),), "ReasonIn"),
    CaseAction("mark_complex", do_mark_complex, (_reason("情节复杂的理由"),), "ReasonIn"),
    CaseAction("record_deliberation", do_record_deliberation,
               (_day("held_on", "讨论日期", help="讨论日期，不填为今天"),
                Input("attendees", "参加人员（每行一人，主持的负责人可不填）", Kind.NAMES, required=True,
                      help="参加人员姓名（主持的负责人可不列）"),
                Input("conclusion", "讨论结论", Kind.LONG_TEXT, required=True)), "DeliberationIn"),
    CaseAction("ask_recusal", do_ask_recusal,
               (Input("officer_id", "申请回避的执法人员", Kind.OFFICER_ID, required=True, choices=case_officers,
                      arg="officer", help="申请回避的执法人员（Officer）的 id"),
                Input("asked_by", "申请人", Kind.CHOICE, required=True, choices=RecusalAskedBy.choices),
                Input("reason", "申请理由", Kind.LONG_TEXT, required=True)), "AskRecusalIn"),
    CaseAction("decide_recusal", do_decide_recusal,
               (Input("granted", "决定回避", Kind.FLAG, required=True),
                Input("replacement_id", "接替的执法人员", Kind.OFFICER, choices=bureau_officers_not_on_case,
                      arg="replacement", help="接替的执法人员（Officer）的 id"),
                Input("reason", "决定理由", Kind.LONG_TEXT, required=True)), "DecideRecusalIn"),
    CaseAction("reassign_officer", do_reassign_officer,
               (Input("remove_id", "调出", Kind.OFFICER, choices=lambda case: [("", "（不调出）"), *case_officers(case)],
                      arg="remove"),
                Input("add_id", "调入", Kind.OFFICER, choices=bureau_officers_not_on_case, arg="add"),
                Input("reason", "改派理由", Kind.LONG_TEXT, required=True)), "ReassignIn"),
]

CASE_ACTIONS: dict[str, CaseAction] = {a.key: a for a in _ACTIONS}


def case_action(key: str) -> CaseAction | None:
    return CASE_ACTIONS.get(key)
