"""Choices and default tables of the organisation app.

The default departments and posts follow a county bureau's post-responsibility
system (岗责体系): the fund-supervision section does every step except the legal
review, which the legal section (法制机构) does; the legal section also carries out
coercive measures (行政强制) once the head has approved them.
"""

from django.db import models


class BureauLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Stage(models.TextChoices):
    """The case step a post performs."""

    FILE = "file", "立案"
    INVESTIGATE = "investigate", "调查"
    REVIEW = "review", "审查"
    NOTIFY = "notify", "告知"
    DECIDE = "decide", "决定"
    SERVE = "serve", "送达"
    ENFORCE = "enforce", "执行"
    INSPECT = "inspect", "检查"
    HANDLE = "handle", "处置"
    APPROVE = "approve", "批准决定"
    SUPERVISE = "supervise", "事后监管"
    OTHER = "other", "其他"


class Role(models.TextChoices):
    OFFICER = "officer", "执法人员"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核人员"
    HEAD = "head", "负责人"
    AUDITOR = "auditor", "经办稽核人员"
    ANALYST = "analyst", "数据分析人员"
    ADMIN = "admin", "系统管理员"
    # 三权分立: accounts, roles, passwords and second factors, and nothing of cases or the trail (accounts.py).
    SECURITY_ADMIN = "security_admin", "安全管理员"
    # 三权分立: reads the audit trail and nothing else (core/auditlog/views.py, middleware.py).
    AUDIT_ADMIN = "audit_admin", "审计管理员"


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRING = "expiring", "即将到期"
    EXPIRED = "expired", "已过期"
    MISSING = "missing", "无执法证"


# A certificate expiring within this many days is flagged as expiring.
CERTIFICATE_WARNING_DAYS = 30

# Roles that may see unmasked personal data (names, ID numbers, phone numbers).
PII_ROLES = frozenset({Role.HEAD, Role.LEGAL_REVIEWER, Role.ADMIN})

# Roles that must sign in with a second factor (GB/T 22239-2019 8.1.4.1 d: administrators and those who
# sign decisions). The three administrators' roles are named by their GLOSSARY values, so the rule holds
# as soon as those roles exist.
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.HEAD, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Roles that may change the organisation (bureaus, departments, posts, officers).
ORG_ADMIN_ROLES = frozenset({Role.ADMIN})

# The one superuser: the command line's system account (documents/cli.py), without a usable password, so
# the trail names who acted when a script runs without --user. `serve --production` refuses any other.
SYSTEM_USERNAME = "yibao-system"

# 三权分立 (GB/T 22239-2019 8.1.4.2 d): the three administrators; one account holds at most one of them.
ADMINISTRATOR_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that may create, change and disable accounts, reset passwords and second factors, unlock.
ACCOUNT_ADMIN_ROLES = frozenset({Role.SECURITY_ADMIN})

# The pages an administrator confined to their duty reaches (the first is their home page), besides
# signing in and out, their own account (/account/) and static files; every other page answers 403.
CONFINED_ROLE_PATHS: dict[str, tuple[str, ...]] = {
    Role.AUDIT_ADMIN: ("/audit/",),
    Role.SECURITY_ADMIN: ("/admin/",),
}

# What each administrator may do in the Django admin (/admin/): "app_label.model" or "app_label.*".
# Django permissions come from this table alone (org/auth/roles.py): groups and per-user permissions are
# not read, and the one superuser is the command line's system account, which cannot sign in.
ADMIN_SITE_DUTIES: dict[str, frozenset[str]] = {
    # Organisation, system settings (calendar, documents' settings and templates) and background jobs.
    Role.ADMIN: frozenset({
        "org.bureau", "org.department", "org.post", "org.officer",
        "deadlines.calendaryear", "documents.documentsettings", "documents.documenttemplate", "django_q.*",
    }),
    # Accounts and their roles, bureaus and posts; second factors; lockouts (deleting an attempt unlocks).
    Role.SECURITY_ADMIN: frozenset({
        "auth.user", "org.userprofile", "otp_totp.totpdevice", "org.recoverycodedevice",
        "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog",
    }),
}

# Post name → stage. A post whose name is not listed gets a blank stage.
POST_STAGES: dict[str, str] = {
    "立案岗": Stage.FILE,
    "调查岗": Stage.INVESTIGATE,
    "审查岗": Stage.REVIEW,
    "告知岗": Stage.NOTIFY,
    "决定岗": Stage.DECIDE,
    "送达岗": Stage.SERVE,
    "执行岗": Stage.ENFORCE,
    "检查岗": Stage.INSPECT,
    "处置岗": Stage.HANDLE,
    "批准决定岗": Stage.APPROVE,
    "事后监管岗": Stage.SUPERVISE,
    "其他": Stage.OTHER,
}

# What a section is called at each level: 处 in a province, 科 in a city, 股 in a county.
DEPARTMENT_SUFFIX: dict[str, str] = {
    BureauLevel.PROVINCE: "处",
    BureauLevel.CITY: "科",
    BureauLevel.COUNTY: "股",
}

FUND_SUPERVISION = "基金监管"
LEGAL_REVIEW = "法制审核"

# Default sections (name without the level suffix) and their posts, in case order.
DEFAULT_DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        FUND_SUPERVISION,
        (
            "立案岗",
            "调查岗",
            "告知岗",
            "决定岗",
            "送达岗",
            "执行岗",
            "检查岗",
            "处置岗",
            "批准决定岗",
            "事后监管岗",
            "其他",
        ),
    ),
    (
        LEGAL_REVIEW,
        (
            "审查岗",
            "执行岗",
        ),
    ),
)

# Demo users, one per role; officers need two because enforcement needs two.
# It meets the password rules (settings.YIBAO_PASSWORD_*) so the demo signs in as production would;
# `serve --production` refuses a database where any user still has it.
DEMO_PASSWORD = "Yibao-demo-2026"

# Roles whose demo user also gets an Officer record with a certificate.
DEMO_OFFICER_ROLES = frozenset({Role.OFFICER, Role.LEGAL_REVIEWER, Role.HEAD})

# username, role, full name, section (stem, see DEFAULT_DEPARTMENTS), posts in that section.
DEMO_USERS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "officer1",
        Role.OFFICER,
        "张建国",
        FUND_SUPERVISION,
        ("立案岗", "调查岗", "告知岗", "送达岗", "执行岗", "检查岗", "处置岗", "事后监管岗"),
    ),
    (
        "officer2",
        Role.OFFICER,
        "李卫东",
        FUND_SUPERVISION,
        ("立案岗", "调查岗", "告知岗", "送达岗", "执行岗", "检查岗", "处置岗", "事后监管岗"),
    ),
    ("reviewer", Role.LEGAL_REVIEWER, "王丽华", LEGAL_REVIEW, ("审查岗", "执行岗")),
    # The head signs decisions and approves coercive measures; posts in the supervision section.
    ("head", Role.HEAD, "赵志强", FUND_SUPERVISION, ("决定岗", "批准决定岗")),
    ("auditor", Role.AUDITOR, "孙晓梅", "", ()),
    ("analyst", Role.ANALYST, "周明", "", ()),
    ("admin", Role.ADMIN, "系统管理员", "", ()),
    # 三权分立: accounts and roles only (org/accounts.py, the admin's 用户 pages), no cases, no audit trail.
    ("security_admin", Role.SECURITY_ADMIN, "安全管理员", "", ()),
    # 三权分立: reads the audit trail only (core/auditlog), no business pages and no superuser rights.
    ("audit_admin", Role.AUDIT_ADMIN, "审计管理员", "", ()),
)
# Roles of which the demo has one account for all bureaus (the first bureau's), not one per bureau.
DEMO_SYSTEM_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def department_name(stem: str, level: str) -> str:
    """Return a section's name at a level, e.g. 基金监管 at county level → 基金监管股."""
    return stem + DEPARTMENT_SUFFIX.get(level, DEPARTMENT_SUFFIX[BureauLevel.COUNTY])


def stage_for_post(name: str) -> str:
    """Return the stage code a post name implies, or '' if it implies none."""
    return POST_STAGES.get(name.strip(), "")
