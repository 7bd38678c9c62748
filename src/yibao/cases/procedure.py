"""The ordinary penalty procedure (普通程序) as data: state × action → post, guards, next state.

Pure: no Django. The services look a step up here, build a `CaseFacts` snapshot of the case and
run the step's guards; a test is generated for every (state, action, role) cell of the table.

The chain is the one of seed 002 (立案→调查→审查→告知→决定→送达→执行) with the posts of seed 003:
every post in the fund-supervision section except 审查岗, which is the legal section's. The
articles are those of 《中华人民共和国行政处罚法》(2021).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from yibao.law.citations import Citation

from .parameters import default

PENALTY_LAW = "中华人民共和国行政处罚法"


def penalty_law(article: int, paragraph: int | None = None, clause: int | None = None) -> Citation:
    return Citation(PENALTY_LAW, "law", article, paragraph, clause)


# The defaults of parameters/defaults.yaml, with their articles there: 第四十二条第一款 (at least two
# officers), 第五十一条 (the summary procedure's limits). The statement window is not a number of the law
# (第四十四、四十五条 give the right, not a length): a bureau may set its own, which the services count.
MIN_OFFICERS = int(default("min_officers"))
SUMMARY_FINE_LIMIT_PERSON = Decimal(default("summary_fine_limit_person"))
SUMMARY_FINE_LIMIT_ORGANISATION = Decimal(default("summary_fine_limit_organisation"))
STATEMENT_WINDOW_WORKDAYS = int(default("statement_window"))


class CaseState(StrEnum):
    # A filing an officer of 立案岗 proposed and the head has not yet approved: no number yet.
    PROPOSED = "proposed"
    NOT_FILED = "not_filed"
    FILED = "filed"
    INVESTIGATING = "investigating"
    UNDER_REVIEW = "under_review"
    NOTIFIED = "notified"
    HEARING = "hearing"
    DECIDED = "decided"
    SERVED = "served"
    ENFORCING = "enforcing"
    CLOSED = "closed"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    TRANSFERRED = "transferred"
    # 撤销立案: the filing itself was wrong (no jurisdiction, no violation on the face of it), recorded with the reason.
    REVOKED = "revoked"


STATE_LABELS: dict[CaseState, str] = {
    CaseState.PROPOSED: "待批准立案", CaseState.NOT_FILED: "不予立案",
    CaseState.FILED: "已立案", CaseState.INVESTIGATING: "调查中", CaseState.UNDER_REVIEW: "审核中",
    CaseState.NOTIFIED: "已告知", CaseState.HEARING: "听证中", CaseState.DECIDED: "已决定",
    CaseState.SERVED: "已送达", CaseState.ENFORCING: "执行中", CaseState.CLOSED: "已结案",
    CaseState.SUSPENDED: "中止", CaseState.TERMINATED: "终止", CaseState.TRANSFERRED: "已移送",
    CaseState.REVOKED: "已撤销立案",
}
# States in which the case is still being handled before a decision: suspension, termination
# and transfer are possible there, and the 90-day deadline runs.
OPEN_BEFORE_DECISION = frozenset({
    CaseState.FILED, CaseState.INVESTIGATING, CaseState.UNDER_REVIEW, CaseState.NOTIFIED, CaseState.HEARING,
})
FINAL_STATES = frozenset({CaseState.CLOSED, CaseState.TERMINATED, CaseState.TRANSFERRED, CaseState.NOT_FILED,
                          CaseState.REVOKED})


class Action(StrEnum):
    APPROVE_FILING = "approve_filing"
    REJECT_FILING = "reject_filing"
    START_INVESTIGATION = "start_investigation"
    FINISH_INVESTIGATION = "finish_investigation"
    RETURN_FOR_INVESTIGATION = "return_for_investigation"
    COMPLETE_REVIEW = "complete_review"
    NOTIFY = "notify"
    REQUEST_HEARING = "request_hearing"
    FINISH_HEARING = "finish_hearing"
    DECIDE = "decide"
    SERVE = "serve"
    START_ENFORCEMENT = "start_enforcement"
    CLOSE = "close"
    SUSPEND = "suspend"
    RESUME = "resume"
    TERMINATE = "terminate"
    TRANSFER = "transfer"
    REVOKE_FILING = "revoke_filing"
    DRAFT_CLOSING_REPORT = "draft_closing_report"
    RETURN_CLOSING_REPORT = "return_closing_report"


# Roles and posts as the org app names them (org.constants.Role and POST_STAGES; a test keeps
# them equal, since this module may not import Django).
OFFICER, LEGAL_REVIEWER, HEAD = "officer", "legal_reviewer", "head"
FUND_SUPERVISION, LEGAL_REVIEW = "基金监管", "法制审核"


class GuardCode(StrEnum):
    TOO_FEW_OFFICERS = "too_few_officers"
    CERTIFICATE_INVALID = "certificate_invalid"
    NO_INVESTIGATION_REPORT = "no_investigation_report"
    REVIEWER_IS_CASE_OFFICER = "reviewer_is_case_officer"
    REVIEW_REQUIRED = "review_required"
    REVIEW_NOT_PASSED = "review_not_passed"
    NO_APPROVED_PROPOSAL = "no_approved_proposal"
    NO_HEARING_RIGHT = "no_hearing_right"
    HEARING_REQUEST_LATE = "hearing_request_late"
    NO_HEARING_RECORD = "no_hearing_record"
    NOT_NOTIFIED = "not_notified"
    STATEMENT_WINDOW_OPEN = "statement_window_open"
    HEARING_PENDING = "hearing_pending"
    DELIBERATION_REQUIRED = "deliberation_required"
    HEAVIER_THAN_NOTIFIED = "heavier_than_notified"
    CASE_DEADLINE_PASSED = "case_deadline_passed"
    NOT_DECIDED_BY_HEAD = "not_decided_by_head"
    LATE_WITHOUT_REASON = "late_without_reason"
    NOTHING_TO_EXECUTE = "nothing_to_execute"
    NOT_EXECUTED = "not_executed"
    NO_REASON = "no_reason"
    SUMMARY_LIMIT_EXCEEDED = "summary_limit_exceeded"
    SUMMARY_FILING_LATE = "summary_filing_late"
    NO_CLOSING_REPORT = "no_closing_report"
    CLOSING_GROUND_MISMATCH = "closing_ground_mismatch"


class ServiceCode(StrEnum):
    """Refusals the services make before the table's guards: who acts, on which case, on what version."""

    WRONG_POST = "wrong_post"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_CASE_OFFICER = "not_case_officer"
    CONFLICT = "conflict"
    LIMITATION_EXPIRED = "limitation_expired"
    INVALID_INPUT = "invalid_input"


@dataclass
class OfficerFacts:
    """An officer on the case: who, and until when their enforcement certificate is valid."""

    user_id: int
    certificate_valid_until: dt.date | None
    recused: bool = False


@dataclass
class CaseFacts:
    """What the guards need to know of a case, taken by the services from the database."""

    today: dt.date
    officers: list[OfficerFacts] = field(default_factory=list)
    actor_id: int | None = None
    actor_is_head: bool = False
    reason: str = ""
    investigation_report: bool = False
    report_missing: tuple[str, ...] = ()  # the required parts the current 调查终结报告 lacks, by name
    review_required: bool = False  # 第五十八条, or the bureau's rule of reviewing every case
    review_passed: bool = False
    proposal_approved: bool = False  # the head approved the proposed penalty before the notice
    hearing_right: bool = False  # 第六十三条, with the bureau's 较大数额
    notified_on: dt.date | None = None
    hearing_request_due: dt.date | None = None  # 第六十四条第（一）项, counted by the deadlines app
    statement_window_ends: dt.date | None = None
    statements_closed: bool = False  # the party waived or gave its statements before the window ended
    hearing_requested: bool = False
    hearing_record: bool = False
    host_opinion: bool = False
    deliberation_required: bool = False  # 第五十七条第二款, with the bureau's thresholds
    deliberation_done: bool = False
    decision_kind: str = "penalty"  # penalty / no_penalty / not_established / transfer / judiciary
    proposed_fine: Decimal | None = None
    notified_fine: Decimal | None = None
    renotified_with_new_facts: bool = False
    case_due: dt.date | None = None
    service_due: dt.date | None = None
    # 公告送达: the day the announcement was published, which the seven days of 第六十一条 are held against.
    announced_on: dt.date | None = None
    to_execute: bool = True  # a fine, a refund or a confiscation to carry out
    executed: bool = False
    court_enforcement_accepted: bool = False
    summary_fine_limit: Decimal | None = None  # 第五十一条, by the party's type
    summary_filing_due: dt.date | None = None  # 第五十二条第三款 备案, the bureau's period
    closing_report: str = ""  # the closing report's status: "", drafted, returned or approved
    closing_ground: str = ""  # the ground for closing the report states (CLOSING_GROUNDS)


@dataclass(frozen=True)
class Guard:
    """A check a step makes before it acts: a stable code, a Chinese message and its article."""

    code: GuardCode
    message: str
    basis: Citation | None
    passes: Callable[[CaseFacts], bool]
    explain: Callable[[CaseFacts], str] | None = None  # a message naming what is missing, where it varies

    def message_for(self, facts: CaseFacts) -> str:
        return self.explain(facts) if self.explain is not None else self.message


def _officers_valid(f: CaseFacts) -> bool:
    return all(o.certificate_valid_until is not None and o.certificate_valid_until >= f.today
               for o in f.officers if not o.recused)


def _active_officers(f: CaseFacts) -> int:
    return sum(1 for o in f.officers if not o.recused)


def _is_case_officer(f: CaseFacts) -> bool:
    return f.actor_id is not None and any(o.user_id == f.actor_id and not o.recused for o in f.officers)


def _statements_heard(f: CaseFacts) -> bool:
    if f.decision_kind != "penalty":
        return True
    if f.statements_closed:
        return True
    return f.statement_window_ends is not None and f.today > f.statement_window_ends


def _not_heavier(f: CaseFacts) -> bool:
    if f.decision_kind != "penalty" or f.proposed_fine is None or f.notified_fine is None:
        return True
    return f.proposed_fine <= f.notified_fine or f.renotified_with_new_facts


G = GuardCode
TWO_OFFICERS = Guard(G.TOO_FEW_OFFICERS, f"办案执法人员不得少于{MIN_OFFICERS}人（回避的不计）",
                     penalty_law(42, 1), lambda f: _active_officers(f) >= MIN_OFFICERS)
CERTIFICATES = Guard(G.CERTIFICATE_INVALID, "办案执法人员的执法证在今日无效或已过期，不得实施执法行为",
                     penalty_law(42, 1), _officers_valid)
REPORT = Guard(G.NO_INVESTIGATION_REPORT, "调查终结应当有调查终结报告", penalty_law(57, 1),
               lambda f: f.investigation_report and not f.report_missing,
               lambda f: ("调查终结应当有调查终结报告" if not f.investigation_report
                          else f"调查终结报告缺少{'、'.join(f.report_missing)}，请补全后再办理调查终结"))
REVIEWER_NOT_OFFICER = Guard(G.REVIEWER_IS_CASE_OFFICER, "法制审核人员不得是本案的执法人员",
                             penalty_law(58, 1), lambda f: not _is_case_officer(f))
REVIEW_DONE = Guard(G.REVIEW_NOT_PASSED, "本案应当经法制审核，未经法制审核或者审核未通过的，不得作出决定",
                    penalty_law(58, 1), lambda f: not f.review_required or f.review_passed)
PROPOSAL_APPROVED = Guard(G.NO_APPROVED_PROPOSAL, "拟处罚意见须经负责人审批后方可告知当事人",
                          penalty_law(57, 1), lambda f: f.decision_kind != "penalty" or f.proposal_approved)
HEARING_RIGHT = Guard(G.NO_HEARING_RIGHT, "拟作出的处罚不属于应当告知听证权利的情形", penalty_law(63, 1),
                      lambda f: f.hearing_right)
HEARING_IN_TIME = Guard(G.HEARING_REQUEST_LATE, "当事人要求听证的，应当在告知后五日（工作日）内提出",
                        penalty_law(64, None, 1),
                        lambda f: f.hearing_request_due is not None and f.today <= f.hearing_request_due)
HEARING_RECORDED = Guard(G.NO_HEARING_RECORD, "听证结束前应当制作听证笔录并由主持人提出意见",
                         penalty_law(64, None, 8), lambda f: f.hearing_record and f.host_opinion)
NOTIFIED = Guard(G.NOT_NOTIFIED, "作出行政处罚决定之前，应当告知当事人拟作出处罚的内容及事实、理由、依据和权利",
                 penalty_law(62), lambda f: f.decision_kind != "penalty" or f.notified_on is not None)
STATEMENTS = Guard(G.STATEMENT_WINDOW_OPEN, "当事人陈述、申辩期限尚未届满，不得作出行政处罚决定",
                   penalty_law(62), _statements_heard)
HEARING_FIRST = Guard(G.HEARING_PENDING, "当事人要求听证的，应当在听证结束后依据听证笔录作出决定",
                      penalty_law(65), lambda f: not f.hearing_requested or (f.hearing_record and f.host_opinion))
DELIBERATION = Guard(G.DELIBERATION_REQUIRED, "情节复杂或者重大违法行为给予行政处罚，应当由负责人集体讨论决定",
                     penalty_law(57, 2), lambda f: not f.deliberation_required or f.deliberation_done)
NOT_HEAVIER = Guard(G.HEAVIER_THAN_NOTIFIED, "不得因当事人陈述、申辩而给予更重的处罚；加重须有新的事实并重新告知",
                    penalty_law(45, 2), _not_heavier)
WITHIN_CASE_DEADLINE = Guard(G.CASE_DEADLINE_PASSED, "已超过办案期限，须先经负责人批准延长",
                             penalty_law(60), lambda f: f.case_due is None or f.today <= f.case_due)
DECIDED_BY_HEAD = Guard(G.NOT_DECIDED_BY_HEAD, "行政处罚决定由行政机关负责人作出", penalty_law(57, 1),
                        lambda f: f.actor_is_head)
SERVED_IN_TIME = Guard(G.LATE_WITHOUT_REASON, "超过七日（工作日）送达的，应当写明逾期的原因", penalty_law(61, 1),
                       lambda f: f.service_due is None or (f.announced_on or f.today) <= f.service_due
                       or bool(f.reason.strip()))
SOMETHING_TO_EXECUTE = Guard(G.NOTHING_TO_EXECUTE, "决定没有需要执行的内容，应当直接结案", None,
                             lambda f: f.to_execute)
EXECUTED = Guard(G.NOT_EXECUTED, "决定尚未执行完毕（或法院尚未受理强制执行申请），不能结案", penalty_law(72, 1),
                 lambda f: not f.to_execute or f.executed or f.court_enforcement_accepted)
REASON = Guard(G.NO_REASON, "须写明理由", None, lambda f: bool(f.reason.strip()))

# 结案: the grounds a closing report may state, each with what the case must show for it. The closing
# provisions of 《医疗保障行政处罚程序暂行规定》 are not in the law library (its text could not be had from a
# stored source; the one copy of a 第五十九条 on 结案 found is a province's rule), so these guards cite nothing.
CLOSING_EXECUTED, CLOSING_COURT_ACCEPTED, CLOSING_NOTHING_TO_EXECUTE = "executed", "court_accepted", "nothing_to_execute"
CLOSING_GROUNDS: dict[str, Callable[[CaseFacts], bool]] = {
    CLOSING_EXECUTED: lambda f: f.executed,
    CLOSING_COURT_ACCEPTED: lambda f: f.court_enforcement_accepted,
    CLOSING_NOTHING_TO_EXECUTE: lambda f: not f.to_execute,
}
CLOSING_REPORT = Guard(G.NO_CLOSING_REPORT, "结案须由执行岗起草结案报告，报负责人审批；本案没有待审批的结案报告", None,
                       lambda f: f.closing_report == "drafted")
CLOSING_GROUND_AGREES = Guard(
    G.CLOSING_GROUND_MISMATCH, "结案报告所列结案情形与案件情况不符（执行完毕、法院已受理强制执行申请或无须执行）", None,
    lambda f: f.closing_ground in CLOSING_GROUNDS and CLOSING_GROUNDS[f.closing_ground](f))


@dataclass(frozen=True)
class Step:
    """One action of the procedure: from which states, by whom, after which checks, into which state."""

    action: Action
    label: str
    sources: frozenset[CaseState]
    target: CaseState | None  # None: back to the state the case was suspended in
    roles: frozenset[str]
    post: str | None  # the post that acts; None when the head acts as head
    section: str | None
    guards: tuple[Guard, ...]
    basis: Citation | None
    stays: bool = False  # the step records something and leaves the case in its state (`target` unused)


def _s(*states: CaseState) -> frozenset[CaseState]:
    return frozenset(states)


PENALTY_STEPS: tuple[Step, ...] = (
    # 第五十四条第二款: 符合立案标准的，行政机关应当及时立案 — the head approves what 立案岗 proposed.
    Step(Action.APPROVE_FILING, "批准立案", _s(CaseState.PROPOSED), CaseState.FILED,
         frozenset({HEAD}), None, None, (TWO_OFFICERS, CERTIFICATES), penalty_law(54, 2)),
    Step(Action.REJECT_FILING, "不予立案", _s(CaseState.PROPOSED), CaseState.NOT_FILED,
         frozenset({HEAD}), None, None, (REASON,), penalty_law(54, 2)),
    Step(Action.START_INVESTIGATION, "开始调查", _s(CaseState.FILED), CaseState.INVESTIGATING,
         frozenset({OFFICER}), "调查岗", FUND_SUPERVISION, (TWO_OFFICERS, CERTIFICATES), penalty_law(54, 1)),
    Step(Action.FINISH_INVESTIGATION, "调查终结", _s(CaseState.INVESTIGATING), CaseState.UNDER_REVIEW,
         frozenset({OFFICER}), "调查岗", FUND_SUPERVISION, (TWO_OFFICERS, CERTIFICATES, REPORT),
         penalty_law(57, 1)),
    Step(Action.RETURN_FOR_INVESTIGATION, "退回补充调查", _s(CaseState.UNDER_REVIEW), CaseState.INVESTIGATING,
         frozenset({LEGAL_REVIEWER}), "审查岗", LEGAL_REVIEW, (REVIEWER_NOT_OFFICER, REASON), penalty_law(58, 1)),
    Step(Action.COMPLETE_REVIEW, "法制审核通过", _s(CaseState.UNDER_REVIEW), CaseState.UNDER_REVIEW,
         frozenset({LEGAL_REVIEWER}), "审查岗", LEGAL_REVIEW, (REVIEWER_NOT_OFFICER,), penalty_law(58, 1)),
    Step(Action.NOTIFY, "事先告知", _s(CaseState.UNDER_REVIEW), CaseState.NOTIFIED,
         frozenset({OFFICER}), "告知岗", FUND_SUPERVISION,
         (TWO_OFFICERS, CERTIFICATES, PROPOSAL_APPROVED, REVIEW_DONE), penalty_law(44)),
    Step(Action.REQUEST_HEARING, "当事人要求听证", _s(CaseState.NOTIFIED), CaseState.HEARING,
         frozenset({OFFICER}), "告知岗", FUND_SUPERVISION, (HEARING_RIGHT, HEARING_IN_TIME), penalty_law(64)),
    # 第五十八条第一款第（二）项: a case that went through a hearing is reviewed (again) before the decision.
    Step(Action.FINISH_HEARING, "听证结束", _s(CaseState.HEARING), CaseState.UNDER_REVIEW,
         frozenset({LEGAL_REVIEWER}), "审查岗", LEGAL_REVIEW, (REVIEWER_NOT_OFFICER, HEARING_RECORDED),
         penalty_law(65)),
    Step(Action.DECIDE, "作出决定", _s(CaseState.UNDER_REVIEW, CaseState.NOTIFIED), CaseState.DECIDED,
         frozenset({HEAD}), "决定岗", FUND_SUPERVISION,
         (DECIDED_BY_HEAD, NOTIFIED, STATEMENTS, HEARING_FIRST, REVIEW_DONE, DELIBERATION, NOT_HEAVIER,
          WITHIN_CASE_DEADLINE), penalty_law(57, 1)),
    Step(Action.SERVE, "送达", _s(CaseState.DECIDED), CaseState.SERVED,
         frozenset({OFFICER}), "送达岗", FUND_SUPERVISION, (SERVED_IN_TIME,), penalty_law(61, 1)),
    Step(Action.START_ENFORCEMENT, "开始执行", _s(CaseState.SERVED), CaseState.ENFORCING,
         frozenset({OFFICER}), "执行岗", FUND_SUPERVISION, (SOMETHING_TO_EXECUTE,), penalty_law(66, 1)),
    # 结案: 执行岗 drafts the closing report once executed (or nothing to execute); the head approves it by
    # closing the case, or returns it with the reason to be drafted again.
    Step(Action.DRAFT_CLOSING_REPORT, "起草结案报告", _s(CaseState.SERVED, CaseState.ENFORCING), None,
         frozenset({OFFICER}), "执行岗", FUND_SUPERVISION, (EXECUTED, CLOSING_GROUND_AGREES), None, stays=True),
    Step(Action.RETURN_CLOSING_REPORT, "退回结案报告", _s(CaseState.SERVED, CaseState.ENFORCING), None,
         frozenset({HEAD}), None, None, (CLOSING_REPORT, REASON), None, stays=True),
    Step(Action.CLOSE, "结案", _s(CaseState.SERVED, CaseState.ENFORCING), CaseState.CLOSED,
         frozenset({HEAD}), None, None, (CLOSING_REPORT, EXECUTED, CLOSING_GROUND_AGREES), None),
    Step(Action.SUSPEND, "中止调查", OPEN_BEFORE_DECISION, CaseState.SUSPENDED,
         frozenset({HEAD}), None, None, (REASON,), None),
    Step(Action.RESUME, "恢复调查", _s(CaseState.SUSPENDED), None,
         frozenset({HEAD}), None, None, (REASON,), None),
    Step(Action.TERMINATE, "终止调查", OPEN_BEFORE_DECISION | {CaseState.SUSPENDED}, CaseState.TERMINATED,
         frozenset({HEAD}), None, None, (REASON,), None),
    Step(Action.TRANSFER, "移送", _s(CaseState.FILED, CaseState.INVESTIGATING, CaseState.UNDER_REVIEW),
         CaseState.TRANSFERRED, frozenset({HEAD}), None, None, (REASON,), None),
    Step(Action.REVOKE_FILING, "撤销立案", OPEN_BEFORE_DECISION | {CaseState.SUSPENDED}, CaseState.REVOKED,
         frozenset({HEAD}), None, None, (REASON,), None),
)
STEPS: dict[Action, Step] = {s.action: s for s in PENALTY_STEPS}


# The summary procedure (简易程序, 第五十一、五十二条): a separate short path. Two officers decide on the spot (a
# warning, or a fine up to the limit for the party's type) and hand the numbered decision over at once; the
# bureau (its head) records it within its period; payment, then closing.
class SummaryAction(StrEnum):
    DECIDE_ON_SPOT = "decide_on_spot"
    FILE_SUMMARY = "file_summary"
    DRAFT_CLOSING_REPORT = "draft_closing_report"
    RETURN_CLOSING_REPORT = "return_closing_report"
    CLOSE = "close"


WITHIN_SUMMARY_LIMIT = Guard(
    G.SUMMARY_LIMIT_EXCEEDED, "当场处罚仅限警告或对公民二百元以下、对法人或者其他组织三千元以下罚款，超过的应适用普通程序",
    penalty_law(51), lambda f: f.proposed_fine is None or (f.summary_fine_limit is not None
                                                            and f.proposed_fine <= f.summary_fine_limit))
SUMMARY_FILED_IN_TIME = Guard(
    G.SUMMARY_FILING_LATE, "当场处罚决定应当在本局规定的期限内报所属行政机关备案；逾期的须写明原因", penalty_law(52, 3),
    lambda f: f.summary_filing_due is None or f.today <= f.summary_filing_due or bool(f.reason.strip()))

SUMMARY_STEPS: tuple[Step, ...] = (
    Step(SummaryAction.DECIDE_ON_SPOT, "当场作出处罚决定", _s(CaseState.PROPOSED), CaseState.SERVED,  # type: ignore[arg-type]
         frozenset({OFFICER}), None, None, (TWO_OFFICERS, CERTIFICATES, WITHIN_SUMMARY_LIMIT), penalty_law(52, 1)),
    Step(SummaryAction.FILE_SUMMARY, "当场处罚决定备案", _s(CaseState.SERVED), CaseState.ENFORCING,  # type: ignore[arg-type]
         frozenset({HEAD}), None, None, (SUMMARY_FILED_IN_TIME,), penalty_law(52, 3)),
    Step(SummaryAction.DRAFT_CLOSING_REPORT, "起草结案报告", _s(CaseState.ENFORCING), None,  # type: ignore[arg-type]
         frozenset({OFFICER}), "执行岗", FUND_SUPERVISION, (EXECUTED, CLOSING_GROUND_AGREES), None, stays=True),
    Step(SummaryAction.RETURN_CLOSING_REPORT, "退回结案报告", _s(CaseState.ENFORCING), None,  # type: ignore[arg-type]
         frozenset({HEAD}), None, None, (CLOSING_REPORT, REASON), None, stays=True),
    Step(SummaryAction.CLOSE, "结案", _s(CaseState.ENFORCING), CaseState.CLOSED,  # type: ignore[arg-type]
         frozenset({HEAD}), None, None, (CLOSING_REPORT, EXECUTED, CLOSING_GROUND_AGREES), None),
)
SUMMARY_TABLE: dict[SummaryAction, Step] = {s.action: s for s in SUMMARY_STEPS}  # type: ignore[misc]


class Refusal(Exception):
    """A step refused: a stable code, a Chinese message and the article it enforces."""

    def __init__(self, code: str, message: str, basis: Citation | None = None):
        super().__init__(message)
        self.code, self.message, self.basis = code, message, basis

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "basis": self.basis.label() if self.basis else None}


ROLE_LABELS = {OFFICER: "执法人员", LEGAL_REVIEWER: "法制审核人员", HEAD: "负责人"}


def step_for(state: CaseState, action: Action, role: str) -> Step:
    """Return the step, or raise Refusal when the case is not in a state for it or the role may not act."""
    step = STEPS[action]
    if state not in step.sources:
        raise Refusal("wrong_state", f"案件处于“{STATE_LABELS[state]}”状态，不能{step.label}")
    if role not in step.roles:
        who = "、".join(ROLE_LABELS[r] for r in sorted(step.roles))
        raise Refusal("wrong_role", f"{step.label}须由{who}办理")
    return step


def check(state: CaseState, action: Action, role: str, facts: CaseFacts) -> Step:
    """Check every rule of the step against the facts; raise the first Refusal, return the step."""
    step = step_for(state, action, role)
    for guard in step.guards:
        if not guard.passes(facts):
            raise Refusal(guard.code, guard.message_for(facts), guard.basis)
    return step


def allowed_actions(state: CaseState, role: str) -> list[Action]:
    """The actions a role may take on a case in this state (guards aside), in procedure order."""
    return [s.action for s in PENALTY_STEPS if state in s.sources and role in s.roles]


def check_summary(state: CaseState, action: SummaryAction, role: str, facts: CaseFacts) -> Step:
    """The summary table's step, or the first Refusal (state, role, then its guards)."""
    step = SUMMARY_TABLE[SummaryAction(action)]
    if state not in step.sources:
        raise Refusal("wrong_state", f"案件处于“{STATE_LABELS[state]}”状态，不能{step.label}")
    if role not in step.roles:
        raise Refusal("wrong_role", f"{step.label}须由{ROLE_LABELS[next(iter(step.roles))]}办理")
    for guard in step.guards:
        if not guard.passes(facts):
            raise Refusal(guard.code, guard.message_for(facts), guard.basis)
    return step
