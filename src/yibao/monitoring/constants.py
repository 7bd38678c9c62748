"""Choices of the monitoring app and the two-library review procedure (两库 疑点处理流程) as data.

A finding (疑点) moves through the national procedure: first review (初审), second review (复审),
the institution's appeal window (申诉期), verification of an appeal (核实), and handling (处理)
once it is part of a lead (线索). Every move is one row of TRANSITIONS; services.do_transition
checks the source state, the actor's role and the reason, and writes the history.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from yibao.cases.constants import LEAD_ROLES
from yibao.org.constants import Role

# Rows per bulk statement when findings, sightings and reference rows are stored.
BATCH_SIZE = 2000
ZERO = Decimal("0.00")


class Engine(models.TextChoices):
    DUCKDB = "duckdb", "DuckDB（单机）"
    SPARK = "spark", "Spark（集群）"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


# Runs still under way: a worker is (or should be) screening them.
ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class Severity(models.TextChoices):
    VIOLATION = "violation", "明确违规"
    SUSPECT = "suspect", "可疑"


class FindingStatus(models.TextChoices):
    NEW = "new", "待初审"
    SECOND_REVIEW = "second_review", "待复审"
    APPEAL_WINDOW = "appeal_window", "申诉期"
    APPEAL = "appeal", "已申诉待核实"
    CONFIRMED = "confirmed", "已确认违规"
    DISMISSED = "dismissed", "已排除"
    HANDLING = "handling", "处理中"


# Statuses a finding can still be worked on in (shown first, counted as open).
OPEN_STATUSES = (FindingStatus.NEW, FindingStatus.SECOND_REVIEW, FindingStatus.APPEAL_WINDOW,
                 FindingStatus.APPEAL, FindingStatus.CONFIRMED)


# Who may start a screening run (besides staff users).
RUN_ROLES = frozenset({Role.ANALYST, Role.HEAD})

# Days the institution has to appeal after the second review, in working days: a procedural default
# of this bureau's two-library process, not a number the law fixes.
APPEAL_WINDOW_WORKDAYS = 10


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    reason_required: bool = False
    stage: str = ""  # 初审 / 复审 / 申诉 / 核实 / 处理 / 恢复


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("first_confirm", "初审确认", (FindingStatus.NEW,), FindingStatus.SECOND_REVIEW,
                   frozenset({Role.ANALYST}), stage="初审"),
        Transition("first_dismiss", "初审排除", (FindingStatus.NEW,), FindingStatus.DISMISSED,
                   frozenset({Role.ANALYST}), reason_required=True, stage="初审"),
        # The second reviewer must not be the first (checked in the service).
        Transition("second_confirm", "复审确认", (FindingStatus.SECOND_REVIEW,), FindingStatus.APPEAL_WINDOW,
                   frozenset({Role.ANALYST, Role.AUDITOR, Role.HEAD}), stage="复审"),
        Transition("second_dismiss", "复审排除", (FindingStatus.SECOND_REVIEW,), FindingStatus.DISMISSED,
                   frozenset({Role.ANALYST, Role.AUDITOR, Role.HEAD}), reason_required=True, stage="复审"),
        # The institution appeals (申诉): record what it said and when.
        Transition("record_appeal", "登记申诉", (FindingStatus.APPEAL_WINDOW,), FindingStatus.APPEAL,
                   frozenset({Role.ANALYST, Role.AUDITOR, Role.HEAD, Role.OFFICER}), stage="申诉"),
        # No appeal: the window has passed, or the institution waived it (a reason is needed before the deadline).
        Transition("close_appeal_window", "申诉期结束", (FindingStatus.APPEAL_WINDOW,), FindingStatus.CONFIRMED,
                   frozenset({Role.ANALYST, Role.AUDITOR, Role.HEAD}), stage="申诉"),
        Transition("uphold", "核实维持", (FindingStatus.APPEAL,), FindingStatus.CONFIRMED,
                   frozenset({Role.HEAD, Role.LEGAL_REVIEWER}), stage="核实"),
        Transition("overturn", "申诉成立", (FindingStatus.APPEAL,), FindingStatus.DISMISSED,
                   frozenset({Role.HEAD, Role.LEGAL_REVIEWER}), reason_required=True, stage="核实"),
        # Part of a lead: done by services.do_create_leads, never by hand.
        Transition("handle", "纳入线索", (FindingStatus.CONFIRMED,), FindingStatus.HANDLING,
                   LEAD_ROLES, stage="处理"),
        # A dismissal is kept across runs (the whitelist); only the head can take one back.
        Transition("reopen", "恢复疑点", (FindingStatus.DISMISSED,), FindingStatus.NEW,
                   frozenset({Role.HEAD}), reason_required=True, stage="恢复"),
    )
}

# Transitions offered on the pages (handle happens through lead creation).
MANUAL_TRANSITIONS = tuple(name for name in TRANSITIONS if name != "handle")

REASON_REQUIRED_MESSAGE = "{label}须填写理由。"

# Evidence keys (engine column names without ev_) → Chinese labels for the readable table.
EVIDENCE_LABELS: dict[str, str] = {
    "admission_day": "入院日期",
    "age": "年龄",
    "billed_cnt": "结算数量",
    "brdy": "出生日期",
    "ceiling": "限价",
    "ceiling_source": "限价来源",
    "chrgitm_lv": "收费项目等级",
    "cnt": "数量",
    "death_date": "死亡日期",
    "discharge_day": "出院日期",
    "fee_day": "费用日期",
    "fee_ocur_time": "费用发生时间",
    "gend": "性别",
    "inpatient_settlements": "住院结算",
    "inscp_amt": "符合范围金额",
    "line_amount": "明细金额",
    "lines": "费用明细",
    "lmt_age_max": "限定年龄上限",
    "lmt_age_min": "限定年龄下限",
    "lmt_gend": "限定性别",
    "lmt_hosp_rank": "限定机构等级",
    "lmt_med_type": "限定就医方式",
    "main_diagnosis": "主诊断",
    "main_lines": "主项目明细",
    "max_cnt_per_day": "每日限量",
    "min_gap_days": "间隔天数",
    "opening_cnt": "期初库存",
    "other_psn_no": "另一人员编号",
    "overlap_days": "重叠天数",
    "overlapping_settlements": "重叠结算",
    "previous_day": "上次开药日期",
    "previous_line": "上次开药明细",
    "previous_prd_days": "上次用药天数",
    "previous_settlements": "前次住院结算",
    "pric": "单价",
    "purchase_cnt": "采购数量",
    "rank": "机构等级",
    "settlement_type": "结算类型",
    "stay_days": "住院天数",
    "sum_amount": "合计金额",
    "sum_cnt": "合计数量",
    "visit_day": "就诊日期",
    "windows": "重复收费判定窗口",
}
# Evidence keys that name other fee lines or settlements (the drill-down shows them).
EVIDENCE_LINE_KEYS = ("main_lines", "lines", "previous_line")
EVIDENCE_SETTLEMENT_KEYS = ("previous_settlements", "inpatient_settlements", "overlapping_settlements")

# Labels of the finding key columns.
KEY_LABELS: dict[str, str] = {
    "fixmedins_code": "定点医药机构编号",
    "psn_no": "人员编号",
    "setl_id": "结算ID",
    "feedetl_sn": "费用明细流水号",
    "med_list_codg": "医疗目录编码",
    "day": "日期",
    "month": "月份",
}

GENDER_LABELS = {"1": "男", "2": "女", "9": "未知"}
INSTITUTION_TYPE_LABELS = {"1": "定点医疗机构", "2": "定点零售药店"}
RANK_LABELS = {3: "三级", 2: "二级", 1: "一级", 0: "未定级"}
