"""Who may act on a case: the actor's role, post, bureau scope and place on the case.

Each check raises `procedure.Refusal` with a stable code and a Chinese message, as the table's guards do,
so a page or an API shows every refusal the same way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from yibao.org.constants import Role, department_name
from yibao.org.models import Bureau
from yibao.org.permissions import (
    get_profile,
    holds_post,
    in_scope,
    is_active_user,
    roles_text,
    visible_bureau_ids,
)

from ..models import Case, CaseOfficer
from ..procedure import GuardCode, Refusal, ServiceCode, Step, penalty_law

# Roles that see every case of their bureau and the bureaus below (officers see the cases they are on).
BUREAU_WIDE_ROLES = frozenset({Role.HEAD, Role.LEGAL_REVIEWER, Role.ADMIN})


def actor_role(actor: Any) -> str:
    """The actor's role; refused for a user without a bureau profile (the acting person must be staff)."""
    profile = get_profile(actor)
    if profile is None or not actor.is_active:
        raise Refusal(ServiceCode.OUT_OF_SCOPE, "您的账号未关联医疗保障局，不能办理案件")
    return profile.role


def check_scope(actor: Any, bureau: Bureau) -> None:
    """The actor's bureau must be the case's bureau or one above it."""
    if not in_scope(actor, bureau):
        raise Refusal(ServiceCode.OUT_OF_SCOPE, f"{bureau.name}的案件不在您单位的管辖范围内")


def check_post(actor: Any, bureau: Bureau, post: str, section: str, label: str) -> None:
    if not holds_post(actor, post, section, bureau):
        where = f"{bureau.name}{department_name(section, bureau.level)}"
        raise Refusal(ServiceCode.WRONG_POST, f"{label}须由{where}的{post}人员办理，您不在该岗位")


def check_case_officer(actor: Any, case: Case, label: str) -> None:
    row = case.officers.filter(officer__user=actor, recused_on__isnull=True).select_related("officer").first()
    if row is None:
        raise Refusal(ServiceCode.NOT_CASE_OFFICER, f"{label}须由本案的办案人员办理，您不是本案的执法人员")
    # 第四十二条第一款: only a holder of a valid certificate acts; an expired one blocks the officer, not the case.
    if not row.officer.has_valid_certificate(timezone.localdate()):
        raise Refusal(GuardCode.CERTIFICATE_INVALID, f"您的执法证今日无效（有效期至 {row.officer.certificate_expiry or '—'}），"
                      f"不能{label}", penalty_law(42, 1))


def check_actor(actor: Any, case: Case, step: Step) -> None:
    """Post and place on the case, once the table has accepted the state and the role."""
    if step.post is not None and step.section is not None:
        check_post(actor, case.bureau, step.post, step.section, step.label)
    if step.roles == {Role.OFFICER}:
        check_case_officer(actor, case, step.label)


def role_refusal(label: str, roles: set[str]) -> Refusal:
    return Refusal("wrong_role", f"{label}须由{roles_text(roles)}办理")


def visible_cases(user: Any) -> QuerySet[Case]:
    """Cases the user may see: officers the cases they are on (or proposed), heads, legal reviewers and
    administrators their bureau's and the bureaus below; superusers without a profile every case."""
    cases = Case.objects.all()
    if not is_active_user(user):
        return cases.none()
    profile = get_profile(user)
    if profile is None:
        return cases if user.is_superuser else cases.none()
    if profile.role in BUREAU_WIDE_ROLES:
        ids = visible_bureau_ids(user)
        return cases if ids is None else cases.filter(bureau_id__in=ids)
    if profile.role == Role.OFFICER:
        # A subquery, not a join with DISTINCT: the list pages sort and slice this without deduplicating.
        on_case = CaseOfficer.objects.filter(officer__user=user).values("case_id")
        return cases.filter(Q(pk__in=on_case) | Q(proposed_by=user))
    return cases.none()
