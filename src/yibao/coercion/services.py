"""The acts of a seal (封存): each a do_…(…, *, actor) that checks who acts and what the law allows, changes the
seal, and writes its timeline event and the audit event in one transaction. Refusals are the cases app's
`Refusal` (code, Chinese message, article), so pages and the API show them the same way.

The normal path (行政强制法 第十八、二十四条): an officer proposes, the head approves (批准决定岗), 执行岗 of the
legal section carries it out with at least two certified officers, 告知岗 tells the party. The emergency path
(第十九条): officers seal on the spot, report to the head within 24 hours, the head approves afterwards or the
seal is lifted at once. The period (第二十五条): at most 30 days from the decision, extended once by at most 30
with the head's approval and a reason. Lifting (第二十八条) by the head, and forced when the case ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from yibao.cases.models import Case, CaseTransfer, TransferKind
from yibao.cases.procedure import FINAL_STATES, CaseState, GuardCode, Refusal, ServiceCode
from yibao.cases.services.access import (
    BUREAU_WIDE_ROLES,
    actor_role,
    check_case_officer,
    check_post,
    check_scope,
    role_refusal,
    visible_cases,
)
from yibao.cases.services.facts import today
from yibao.core.audit import record_event
from yibao.deadlines.calendar import CalendarMissing
from yibao.deadlines.periods import compute_statutory_deadline
from yibao.deadlines.services import load_calendar
from yibao.org.constants import Role
from yibao.org.models import Bureau, Officer
from yibao.org.permissions import get_profile, is_active_user, restrict

from .models import LiftReason, Seal, SealEvent
from .periods import Excluded, excluded_days, excluded_text
from .procedure import (
    CERTIFICATE_BASIS,
    DECISION_BASIS,
    EMERGENCY_BASIS,
    EXTENSION_MAX_DAYS,
    HANDOVER_BASIS,
    MAX_EXTENSIONS,
    MIN_SEAL_OFFICERS,
    OFFICERS_BASIS,
    PERIOD_BASIS,
    SEAL_BASIS,
    SEAL_PERIOD,
    SEAL_STEPS,
    STATUS_LABELS,
    SealCode,
    SealStatus,
    SealStep,
    check_period,
    post_for,
    report_due,
)

# Statuses in which a seal still binds the party's materials (or is about to): the end of a case closes them.
OPEN_STATUSES = (SealStatus.PROPOSED, SealStatus.APPROVED, SealStatus.ACTIVE)


def now() -> dt.datetime:
    """The moment an act is taken (tests move it, as they move `today`)."""
    return timezone.now()


# ---------------------------------------------------------------- checks


def check_step(actor: Any, bureau: Bureau, step: SealStep, seal: Seal | None = None) -> None:
    """Scope, status, role and the post seed 003 gives the step in the seal procedure."""
    rule = SEAL_STEPS[step]
    role = actor_role(actor)
    check_scope(actor, bureau)
    if seal is not None and seal.status not in rule.states:
        raise Refusal(SealCode.WRONG_STATUS,
                      f"{seal}处于“{STATUS_LABELS[seal.seal_status]}”状态，不能{rule.label}", rule.basis)
    if role not in rule.roles:
        raise role_refusal(rule.label, set(rule.roles))
    post = post_for(step)
    if post is not None:
        check_post(actor, bureau, post[0], post[1], rule.label)


def holds_seal_post(actor: Any, bureau: Bureau, step: SealStep) -> bool:
    """Whether the actor may take the step now as far as role, scope and post go (for showing the forms)."""
    try:
        check_step(actor, bureau, step)
    except Refusal:
        return False
    return True


def _check_officers(officers: list[Officer], bureau: Bureau, day: dt.date) -> None:
    """第十八条第（二）、（三）项: two or more officers of the bureau, each with a certificate valid on the day."""
    distinct = {o.pk: o for o in officers}.values()
    for o in distinct:
        if o.bureau_id != bureau.pk or not o.active:
            raise Refusal(ServiceCode.INVALID_INPUT, f"执法人员 {o} 不是{bureau.name}在岗的执法人员")
        if not o.has_valid_certificate(day):
            raise Refusal(GuardCode.CERTIFICATE_INVALID,
                          f"执法人员 {o} 的执法证在{day.isoformat()}无效，不能实施封存", CERTIFICATE_BASIS)
    if len(distinct) < MIN_SEAL_OFFICERS:
        raise Refusal(GuardCode.TOO_FEW_OFFICERS,
                      f"封存须由{MIN_SEAL_OFFICERS}名以上行政执法人员实施（现为{len(distinct)}名）", OFFICERS_BASIS)


def _check_seal_officer(actor: Any, seal: Seal, label: str) -> None:
    officer = seal.officers.filter(user=actor).first()
    if officer is None:
        raise Refusal(SealCode.NOT_SEAL_OFFICER, f"{label}须由实施封存的执法人员办理，您不是本次封存的执法人员")
    if not officer.has_valid_certificate(today()):
        raise Refusal(GuardCode.CERTIFICATE_INVALID, f"您的执法证今日无效，不能{label}", CERTIFICATE_BASIS)


def _check_case(case: Case | None, bureau: Bureau, actor: Any, label: str) -> None:
    if case is None:
        return
    case = Case.objects.get(pk=case.pk)  # its state now, not as the caller loaded it
    if case.bureau_id != bureau.pk:
        raise Refusal(ServiceCode.INVALID_INPUT, f"案件 {case} 不是{bureau.name}的案件")
    if case.case_state in FINAL_STATES or case.case_state == CaseState.PROPOSED:
        raise Refusal(SealCode.CASE_ENDED, f"案件 {case} 处于“{case.get_state_display()}”状态，不能{label}")
    check_case_officer(actor, case, label)


def _clean_items(items: Iterable[str]) -> list[str]:
    return [i.strip() for i in items if i and i.strip()]


def _check_content(party_name: str, items: list[str], place: str, reason: str, days: int) -> None:
    if not party_name.strip():
        raise Refusal(SealCode.NO_PARTY, "请填写当事人的姓名或者名称（封存决定书应当载明）", DECISION_BASIS)
    if not items:
        raise Refusal(SealCode.NO_ITEMS, "请列出封存的资料（名称、数量等，封存决定书和清单应当载明）", DECISION_BASIS)
    if not place.strip():
        raise Refusal(SealCode.NO_PLACE, "请填写封存地点", DECISION_BASIS)
    if not reason.strip():
        raise Refusal(GuardCode.NO_REASON, "请写明封存的理由（资料可能被转移、隐匿或者灭失的情况）", SEAL_BASIS)
    problem = check_period(days)
    if problem:
        raise Refusal(SealCode.PERIOD_TOO_LONG, problem, PERIOD_BASIS)


# ---------------------------------------------------------------- the period


def count_end(start: dt.date, days: int) -> tuple[dt.date, str, bool]:
    """(last day, why, provisional) of a seal of `days` calendar days decided on `start` (第二十五条, counted
    as the deadlines app counts every calendar-day period)."""
    period = replace(SEAL_PERIOD, days=days)
    try:
        deadline = compute_statutory_deadline(period, start, calendar=load_calendar())
    except CalendarMissing as missing:
        return start + dt.timedelta(days=days), f"{missing}。暂按日历日计算，届满日待定。", True
    return deadline.due, f"{deadline.explanation}（日历版本 {deadline.calendar_version}）", False


def _set_period(seal: Seal, start: dt.date) -> None:
    """The seal's last day: its days and any extension, moved on by the days of testing or appraisal
    (第二十五条第三款), with why."""
    seal.starts_on = start
    excluded = [Excluded(e.get_kind_display(), e.starts_on, e.ends_on, e.performed_by, e.told_on)
                for e in seal.exclusions.all()] if seal.pk else []
    seal.ends_on, why, seal.ends_provisional = count_end(start, seal.days + seal.extended_days
                                                         + excluded_days(excluded))
    seal.ends_explanation = " ".join(x for x in (why, excluded_text(excluded)) if x)


# ---------------------------------------------------------------- writing


def _next_number(bureau: Bureau, year: int) -> str:
    prefix = f"FC{bureau.code or bureau.pk}{year}"
    last = (Seal.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
            .first())
    n = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{n:04d}"


def _write(seal: Seal, action: str, label: str, actor: Any, note: str = "", data: dict | None = None) -> None:
    seal.version += 1
    seal.save()
    SealEvent.objects.create(seal=seal, action=action, label=label, actor=actor if getattr(actor, "pk", None) else None,
                             at=now(), note=note, data=data or {})
    record_event(f"seal.{action}", actor=actor, obj=seal, summary=f"{seal}：{label}（{STATUS_LABELS[seal.seal_status]}）",
                 data={"status": seal.status, "note": note, "version": seal.version,
                       "case": seal.case_id, **(data or {})})


def _lock(seal: Seal | int, expected_version: int | None) -> Seal:
    pk = seal.pk if isinstance(seal, Seal) else seal
    locked = Seal.objects.select_for_update(of=("self",)).select_related("bureau", "case").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise Refusal(ServiceCode.CONFLICT,
                      f"{locked}已被他人更新（您看到的是第{expected_version}版，现为第{locked.version}版），请刷新页面后再办理")
    return locked


def _act(seal: Seal | int, step: SealStep, *, actor: Any, expected_version: int | None,
         change: Callable[[Seal], dict | None], note: str = "") -> Seal:
    with transaction.atomic():
        seal = _lock(seal, expected_version)
        check_step(actor, seal.bureau, step, seal)
        data = change(seal) or {}
        _write(seal, step.value, SEAL_STEPS[step].label, actor, note, data)
    return seal


def _create(bureau: Bureau, step: SealStep, *, actor: Any, case: Case | None, party_name: str, party_address: str,
            items: Iterable[str], place: str, reason: str, days: int, officers: list[Officer],
            fill: Callable[[Seal], None]) -> Seal:
    label = SEAL_STEPS[step].label
    items = _clean_items(items)
    with transaction.atomic():
        check_step(actor, bureau, step)
        _check_case(case, bureau, actor, label)
        _check_content(party_name, items, place, reason, days)
        _check_officers(officers, bureau, today())
        if not any(o.user_id == actor.pk for o in officers):
            raise Refusal(SealCode.NOT_SEAL_OFFICER, f"{label}须由实施封存的执法人员办理：请把自己列为执法人员之一")
        day = today()
        seal = Seal(bureau=bureau, case=case, number=_next_number(bureau, day.year), party_name=party_name.strip(),
                    party_address=party_address.strip(), items=items, place=place.strip(), reason=reason.strip(),
                    basis=SEAL_BASIS.label(), days=days, proposed_by=actor, proposed_on=day, version=0)
        fill(seal)
        seal.save()
        seal.officers.set(officers)
        _write(seal, step.value, label, actor, reason.strip(),
               {"items": items, "days": days, "officers": sorted(o.pk for o in officers)})
    return seal


# ---------------------------------------------------------------- the acts


def do_propose_seal(bureau: Bureau, *, actor: Any, party_name: str, items: Iterable[str], place: str, reason: str,
                    days: int, officers: list[Officer], case: Case | None = None, party_address: str = "") -> Seal:
    """An officer asks the head to approve a seal (第十八条第（一）项: 实施前须向负责人报告并经批准)."""
    def fill(seal: Seal) -> None:
        seal.status = SealStatus.PROPOSED

    return _create(bureau, SealStep.PROPOSE, actor=actor, case=case, party_name=party_name,
                   party_address=party_address, items=items, place=place, reason=reason, days=days,
                   officers=officers, fill=fill)


def do_seal_on_site(bureau: Bureau, *, actor: Any, party_name: str, items: Iterable[str], place: str, reason: str,
                    days: int, officers: list[Officer], site_record: str, case: Case | None = None,
                    party_address: str = "") -> Seal:
    """情况紧急 (第十九条): officers seal at once; they must report to the head within 24 hours."""
    if not site_record.strip():
        raise Refusal(SealCode.NO_SITE_RECORD, "当场封存须制作现场笔录（第十八条第（七）项）", EMERGENCY_BASIS)

    def fill(seal: Seal) -> None:
        seal.status, seal.emergency = SealStatus.ACTIVE, True
        seal.sealed_at, seal.sealed_by, seal.site_record = now(), actor, site_record.strip()
        _set_period(seal, today())

    return _create(bureau, SealStep.SEAL_ON_SITE, actor=actor, case=case, party_name=party_name,
                   party_address=party_address, items=items, place=place, reason=reason, days=days,
                   officers=officers, fill=fill)


def do_report_emergency_seal(seal: Seal | int, *, actor: Any, expected_version: int | None, note: str = "") -> Seal:
    """The officers report a seal made on the spot to the head, within 24 hours of sealing (第十九条)."""
    def change(s: Seal) -> dict:
        _check_seal_officer(actor, s, SEAL_STEPS[SealStep.REPORT].label)
        if not s.emergency:
            raise Refusal(SealCode.NOT_EMERGENCY, f"{s}经负责人事先批准实施，无须补报", EMERGENCY_BASIS)
        if s.reported_at is not None:
            raise Refusal(SealCode.ALREADY_REPORTED, f"{s}已于{timezone.localtime(s.reported_at):%Y-%m-%d %H:%M}报告负责人",
                          EMERGENCY_BASIS)
        due = report_due(s.sealed_at)
        if now() > due:
            raise Refusal(SealCode.REPORT_LATE,
                          f"当场封存应在二十四小时内（{timezone.localtime(due):%Y-%m-%d %H:%M}前）向负责人报告，现已超过；"
                          "应当立即解除封存", EMERGENCY_BASIS)
        s.reported_at = now()
        return {"reported_at": s.reported_at.isoformat()}

    return _act(seal, SealStep.REPORT, actor=actor, expected_version=expected_version, change=change, note=note)


def _lift(s: Seal, reason: str, note: str, actor: Any) -> None:
    s.status, s.lifted_on, s.lifted_by = SealStatus.LIFTED, today(), actor if getattr(actor, "pk", None) else None
    s.lift_reason, s.lift_note = reason, note


def do_approve_seal(seal: Seal | int, *, actor: Any, expected_version: int | None, approved: bool, opinion: str = "",
                    days: int | None = None) -> Seal:
    """The head decides: a proposal is approved (its period runs from today, the decision) or refused; a seal made
    on the spot is approved afterwards, once reported, or lifted at once (第十九条)."""
    opinion = (opinion or "").strip()

    def change(s: Seal) -> dict:
        if s.emergency and s.approved_on is not None:
            raise Refusal(SealCode.WRONG_STATUS, f"{s}已经负责人批准", EMERGENCY_BASIS)
        if approved and s.emergency and s.reported_at is None:
            raise Refusal(SealCode.NOT_REPORTED, "当场封存尚未向负责人报告，不能补办批准；逾二十四小时未报告的，应当立即解除",
                          EMERGENCY_BASIS)
        if not approved and not opinion:
            raise Refusal(GuardCode.NO_REASON, "不予批准须写明理由", SEAL_STEPS[SealStep.APPROVE].basis)
        s.approved_by, s.approval_opinion = actor, opinion
        if not approved:
            if s.emergency:
                _lift(s, LiftReason.NOT_APPROVED, opinion, actor)
            else:
                s.status = SealStatus.REJECTED
            return {"approved": False}
        s.approved_on = today()
        if days is not None and not s.emergency:
            problem = check_period(days)
            if problem:
                raise Refusal(SealCode.PERIOD_TOO_LONG, problem, PERIOD_BASIS)
            s.days = days
        if not s.emergency:
            s.status = SealStatus.APPROVED
            _set_period(s, s.approved_on)
        return {"approved": True, "days": s.days, "ends_on": s.ends_on.isoformat() if s.ends_on else None}

    return _act(seal, SealStep.APPROVE, actor=actor, expected_version=expected_version, change=change, note=opinion)


def do_execute_seal(seal: Seal | int, *, actor: Any, expected_version: int | None, site_record: str) -> Seal:
    """执行岗 of the legal section carries out the approved seal with the officers named (seed 003 item 12)."""
    def change(s: Seal) -> dict:
        if not site_record.strip():
            raise Refusal(SealCode.NO_SITE_RECORD, "实施封存须制作现场笔录（第十八条第（七）项）",
                          SEAL_STEPS[SealStep.EXECUTE].basis)
        if s.ends_on is not None and s.ends_on < today():
            raise Refusal(SealCode.EXPIRED, f"封存期限已于{s.ends_on.isoformat()}届满，不能再实施", PERIOD_BASIS)
        _check_officers(list(s.officers.all()), s.bureau, today())
        s.status, s.sealed_at, s.sealed_by, s.site_record = SealStatus.ACTIVE, now(), actor, site_record.strip()
        return {"sealed_at": s.sealed_at.isoformat()}

    return _act(seal, SealStep.EXECUTE, actor=actor, expected_version=expected_version, change=change)


def do_notify_seal_party(seal: Seal | int, *, actor: Any, expected_version: int | None, statement: str = "") -> Seal:
    """告知岗 tells the party the reason, basis, rights and remedies, hands over the decision and the list, and
    records what the party said (第十八条第（五）、（六）项, 第二十四条); after an extension, tells the party of it in
    writing (第二十五条第二款)."""
    def change(s: Seal) -> dict:
        _check_seal_officer(actor, s, SEAL_STEPS[SealStep.NOTIFY].label)
        if s.party_notified_on is None:
            s.party_notified_on, s.party_statement = today(), statement.strip()
            return {"notified_on": s.party_notified_on.isoformat()}
        if s.extended_on is not None and s.extension_told_on is None:
            # 第二十五条第二款: the extension is told to the party in writing, with its reason.
            s.extension_told_on = today()
            return {"extension_told_on": s.extension_told_on.isoformat()}
        raise Refusal(SealCode.WRONG_STATUS, f"已于{s.party_notified_on.isoformat()}告知当事人")

    return _act(seal, SealStep.NOTIFY, actor=actor, expected_version=expected_version, change=change,
                note=statement.strip())


def do_extend_seal(seal: Seal | int, *, actor: Any, expected_version: int | None, days: int, reason: str) -> Seal:
    """The head extends a running seal once, by at most 30 days, for a complex case, with the reason (第二十五条);
    the party must be told in writing (第二款)."""
    reason = (reason or "").strip()

    def change(s: Seal) -> dict:
        if (1 if s.extended_on is not None else 0) >= MAX_EXTENSIONS:
            raise Refusal(SealCode.SECOND_EXTENSION,
                          f"封存期限已于{s.extended_on.isoformat() if s.extended_on else ''}延长过一次，不能再次延长", PERIOD_BASIS)
        if s.ends_on is not None and s.ends_on < today():
            raise Refusal(SealCode.EXPIRED, f"封存期限已于{s.ends_on.isoformat()}届满，不能延长，应当解除封存", PERIOD_BASIS)
        if not reason:
            raise Refusal(GuardCode.NO_REASON, "延长封存期限须写明理由（情况复杂的情形）", PERIOD_BASIS)
        if days < 1 or days > EXTENSION_MAX_DAYS:
            raise Refusal(SealCode.EXTENSION_TOO_LONG,
                          f"延长期限不得超过{EXTENSION_MAX_DAYS}日（申请{days}日）", PERIOD_BASIS)
        s.extended_days, s.extension_reason, s.extended_by, s.extended_on = days, reason, actor, today()
        _set_period(s, s.starts_on or s.approved_on or today())
        return {"days": days, "ends_on": s.ends_on.isoformat()}

    return _act(seal, SealStep.EXTEND, actor=actor, expected_version=expected_version, change=change, note=reason)


def do_lift_seal(seal: Seal | int, *, actor: Any, expected_version: int | None, reason: str, note: str = "") -> Seal:
    """The head decides to lift the seal on one of 第二十八条's grounds."""
    note = (note or "").strip()

    def change(s: Seal) -> dict:
        if reason not in LiftReason.values or reason in (LiftReason.NOT_APPROVED, LiftReason.CASE_ENDED):
            raise Refusal(ServiceCode.INVALID_INPUT, "请选择第二十八条规定的解除理由")
        if reason == LiftReason.NO_LONGER_NEEDED and not note:
            raise Refusal(GuardCode.NO_REASON, "“其他不再需要封存的情形”须写明具体情况", SEAL_STEPS[SealStep.LIFT].basis)
        _lift(s, reason, note, actor)
        return {"reason": reason}

    return _act(seal, SealStep.LIFT, actor=actor, expected_version=expected_version, change=change,
                note=note or LiftReason(reason).label)


def lift_seals_for_case(case: Case, *, actor: Any, reason: str) -> list[Seal]:
    """Lift every open seal of a case that has ended (closed, terminated, transferred, revoked): nothing is left
    to seal for. A case sent to the judiciary takes its sealed materials with it instead (第二十一条), and the
    party must be told in writing. A proposal not yet decided is withdrawn. No role check: the end of the case
    decides it, in the transaction of the step that ended it, by the actor of that step."""
    to_judiciary = (case.state == CaseState.TRANSFERRED
                    and CaseTransfer.objects.filter(case=case, kind=TransferKind.JUDICIARY).exists())
    lifted = []
    for seal in Seal.objects.select_for_update().filter(case=case, status__in=OPEN_STATUSES):
        note = f"案件 {case} {case.get_state_display()}：{reason}".strip("：")
        if seal.status == SealStatus.PROPOSED:
            seal.status, seal.approval_opinion = SealStatus.REJECTED, note
            _write(seal, "withdraw", "随案撤回封存申请", actor, note, {"forced": True})
        elif to_judiciary and seal.status == SealStatus.ACTIVE:
            seal.status, seal.lifted_on, seal.lift_note = SealStatus.HANDED_OVER, today(), note
            seal.lifted_by = actor if getattr(actor, "pk", None) else None
            _write(seal, "hand_over", "封存的资料随案移送司法机关", actor, note,
                   {"forced": True, "basis": HANDOVER_BASIS.label()})
        else:
            _lift(seal, LiftReason.CASE_ENDED, note, actor)
            _write(seal, SealStep.LIFT.value, "随案解除封存", actor, note, {"forced": True, "reason": LiftReason.CASE_ENDED})
        lifted.append(seal)
    return lifted


def visible_seals(user: Any) -> QuerySet[Seal]:
    """Seals the user may see, as cases are seen (cases.services.access.visible_cases): officers the seals they
    carry out, proposed, or of the cases they are on; heads, legal reviewers and administrators their bureau's
    and the bureaus below; superusers without a profile every seal."""
    seals = Seal.objects.select_related("bureau", "case")
    if not is_active_user(user):
        return seals.none()
    profile = get_profile(user)
    if profile is None:
        return seals if user.is_superuser else seals.none()
    if profile.role in BUREAU_WIDE_ROLES:
        return restrict(seals, user)
    if profile.role == Role.OFFICER:
        mine = Seal.objects.filter(Q(officers__user=user) | Q(proposed_by=user)).values("pk")
        return seals.filter(Q(pk__in=mine) | Q(case__in=visible_cases(user).values("pk")))
    return seals.none()
