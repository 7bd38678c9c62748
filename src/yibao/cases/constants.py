"""Choices of case handling that pages and models share: leads (线索) and the party types.

A lead comes from monitoring, a complaint, an inspection, a referral…; monitoring creates its leads
through `cases.services.leads`, and imports these names from here.
"""

from django.db import models

from yibao.law.parties import LEAD_PARTIES, NATURAL_PERSONS, PARTY_LABELS
from yibao.org.constants import Role


class LeadSource(models.TextChoices):
    """Where a lead came from: the incoming sources of 《医疗保障基金使用监督管理条例》第十六条第二款, then the
    bureau's own inspections. Incoming referrals are not `transfer`, which is the outgoing 移送."""

    MONITORING = "monitoring", "智能监控"  # 医疗保障数据监控
    RISK_ASSESSMENT = "risk_assessment", "风险评估"
    COMPLAINT = "complaint", "举报投诉"
    ASSIGNMENT = "assignment", "上级交办"
    MEDIA = "media", "新闻媒体曝光"
    AGENCY_REFERRAL = "agency_referral", "经办机构移送"
    DEPARTMENT_REFERRAL = "department_referral", "其他部门移送"
    INSPECTION = "inspection", "监督检查"
    OTHER = "other", "其他"


# The party types of the glossary: the calculator's parties (law/parties.py) a lead or a case may name.
PartyType = models.TextChoices("PartyType", [(code.upper(), (code, PARTY_LABELS[code])) for code in LEAD_PARTIES])

# Party types that are natural persons: their names are personal data.
PERSON_PARTIES = frozenset(PartyType(code) for code in LEAD_PARTIES if code in NATURAL_PERSONS)


class LeadStatus(models.TextChoices):
    RECEIVED = "received", "已接收"
    ASSESSING = "assessing", "评估中"
    FILED = "filed", "已立案"
    NOT_FILED = "not_filed", "不予立案"
    TRANSFERRED = "transferred", "已移送"


# Lead status moves: from → allowed targets. Filing itself is case handling's (services/filing.py).
LEAD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    LeadStatus.RECEIVED: (LeadStatus.ASSESSING, LeadStatus.NOT_FILED, LeadStatus.TRANSFERRED),
    LeadStatus.ASSESSING: (LeadStatus.FILED, LeadStatus.NOT_FILED, LeadStatus.TRANSFERRED),
    LeadStatus.FILED: (),
    LeadStatus.NOT_FILED: (),
    LeadStatus.TRANSFERRED: (),
}
# Moving a lead to these needs a reason.
LEAD_REASON_REQUIRED = frozenset({LeadStatus.NOT_FILED, LeadStatus.TRANSFERRED})

# Who may turn confirmed findings into leads, who may move a lead's status, and who may register or
# change a lead by hand (either).
LEAD_ROLES = frozenset({Role.ANALYST, Role.HEAD})
LEAD_STATUS_ROLES = frozenset({Role.HEAD, Role.OFFICER, Role.LEGAL_REVIEWER})
LEAD_REGISTER_ROLES = LEAD_STATUS_ROLES | LEAD_ROLES
