"""Leads (线索): numbered, created from monitoring's confirmed findings or registered by hand, moved
through their statuses, and filed as cases. Monitoring calls do_create_leads; filing calls do_follow_filing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from yibao.core.audit import record_event
from yibao.monitoring.constants import BATCH_SIZE, ZERO, FindingStatus
from yibao.monitoring.engine.rules import RULES
from yibao.monitoring.models import Finding, Institution, InsuredPerson
from yibao.monitoring.services.fines import assess_fine, basis_citation, deduped_loss, rule_basis
from yibao.monitoring.services.review import do_transition, finding_ids, status_label
from yibao.org.masking import mask_name
from yibao.org.models import Bureau
from yibao.org.permissions import has_role, is_active_user, role_refusal_message

from ..constants import (
    LEAD_REASON_REQUIRED,
    LEAD_REGISTER_ROLES,
    LEAD_ROLES,
    LEAD_TRANSITIONS,
    PERSON_PARTIES,
    LeadSource,
    LeadStatus,
    PartyType,
)
from ..models import Lead, LeadFinding

# Leads a case may be filed from: not yet decided either way (LEAD_TRANSITIONS).
FILABLE_LEAD_STATUSES = (LeadStatus.RECEIVED, LeadStatus.ASSESSING)


def next_lead_number(bureau: Bureau, on: dt.date) -> str:
    """XS + region code (or bureau id) + year + a five-digit sequence, e.g. XS410324202500001."""
    prefix = f"XS{bureau.code or f'{bureau.pk:06d}'}{on.year}"
    last = Lead.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:05d}"


def _party_names(bureau: Bureau, party_type: str, codes: set[str]) -> dict[str, str]:
    if party_type == PartyType.INSTITUTION:
        return dict(Institution.objects.filter(bureau=bureau, code__in=codes).values_list("code", "name"))
    return dict(InsuredPerson.objects.filter(psn_no__in=codes).values_list("psn_no", "name"))


def do_create_leads(
    findings: Iterable[Finding | int] | QuerySet,
    *,
    group_by: str = "institution",
    by_rule: bool = True,
    actor: Any,
) -> list[Lead]:
    """Group confirmed findings by institution (or person) and rule into leads (线索).

    Each lead gets the suspected loss (deduped_loss; a fee line or settlement already counted in
    another lead of the bureau, or in an earlier lead of this call, is not counted again), the
    provisions of its rules' bases and the calculator's fine range. The findings move to handling.
    A finding already in a lead is refused: the same finding never becomes two leads.
    """
    if group_by not in ("institution", "person"):
        raise ValueError(f"unknown group_by {group_by!r}")
    ids = finding_ids(findings)
    if not ids:
        raise ValidationError("请选择要归集为线索的疑点。")
    if not is_active_user(actor):
        raise PermissionDenied("请先登录。")
    today = timezone.localdate()
    party_type = PartyType.INSTITUTION if group_by == "institution" else PartyType.INSURED_PERSON
    key_field = "fixmedins_code" if group_by == "institution" else "psn_no"
    with transaction.atomic():
        rows = list(Finding.objects.select_for_update().filter(pk__in=ids).select_related("bureau").order_by("id"))
        if len(rows) != len(ids):
            raise ValidationError("部分疑点不存在。")
        bureaus = {f.bureau for f in rows}
        if len(bureaus) > 1:
            raise ValidationError("一次只能归集同一单位的疑点。")
        bureau = rows[0].bureau
        if not has_role(actor, LEAD_ROLES, bureau):
            raise PermissionDenied(role_refusal_message("将疑点归集为线索", LEAD_ROLES))
        taken = list(LeadFinding.objects.filter(finding_id__in=ids).select_related("lead").order_by("finding_id"))
        if taken:
            raise ValidationError(f"{len(taken)} 条疑点已纳入线索（如疑点 #{taken[0].finding_id} 已在线索 {taken[0].lead.number} 中），"
                                  "同一疑点不能形成两条线索。")
        wrong = [f for f in rows if f.status != FindingStatus.CONFIRMED]
        if wrong:
            raise ValidationError(f"只有“已确认违规”的疑点可以归集为线索：{len(wrong)} 条疑点状态不符"
                                  f"（如疑点 #{wrong[0].pk} 为“{status_label(wrong[0].status)}”）。")
        keyless = [f for f in rows if not getattr(f, key_field)]
        if keyless:
            what = "定点医药机构编号" if group_by == "institution" else "人员编号"
            raise ValidationError(f"{len(keyless)} 条疑点没有{what}，不能按{'机构' if group_by == 'institution' else '人员'}归集"
                                  f"（如疑点 #{keyless[0].pk}，规则 {keyless[0].rule_id}）。")
        groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for f in rows:
            groups[(getattr(f, key_field), f.rule_id if by_rule else "")].append(f)
        names = _party_names(bureau, party_type, {k[0] for k in groups})
        # Findings already in leads that share a settlement or a fee line with these: their loss is counted.
        setl_ids = {f.setl_id for f in rows if f.setl_id}
        line_ids = {f.feedetl_sn for f in rows if f.feedetl_sn}
        counted: list[Finding] = list(
            Finding.objects.filter(bureau=bureau, lead_links__isnull=False)
            .filter(Q(setl_id__in=setl_ids) | Q(feedetl_sn__in=line_ids))
        ) if setl_ids or line_ids else []
        leads: list[Lead] = []
        for (code, rule_id), members in sorted(groups.items()):
            own = deduped_loss(members)
            before = deduped_loss(counted).total
            loss = deduped_loss([*counted, *members]).total - before
            counted += members
            rule_ids = sorted({f.rule_id for f in members})
            provisions = list(dict.fromkeys(basis_citation(rule_basis(r)) for r in rule_ids))
            fine = assess_fine(party_type, provisions, loss, bureau)
            name = names.get(code, "")
            rules_text = "、".join(f"{r}{RULES[r].name if r in RULES else ''}" for r in rule_ids)
            party_label = PartyType(party_type).label
            shown = name if party_type not in PERSON_PARTIES else (mask_name(name) if name else "")
            summary = (f"智能监控筛查发现{party_label}{shown}（{code}）{rules_text}疑点 {len(members)} 条，"
                       f"经初审、复审确认，涉及结算 {len({f.setl_id for f in members if f.setl_id})} 笔，"
                       f"涉嫌造成医疗保障基金损失 {loss} 元。")
            if own.total != loss:
                summary += f"其中 {own.total - loss} 元的费用已计入其他线索，未重复计算。"
            evidence = {
                "rules": {r: {"name": RULES[r].name if r in RULES else "", "basis": RULES[r].basis_text if r in RULES else "",
                              "count": sum(1 for f in members if f.rule_id == r),
                              "amount": str(sum((f.amount for f in members if f.rule_id == r), ZERO))}
                          for r in rule_ids},
                "loss": {"counted": str(loss), "deduped": str(own.total), "gross": str(own.gross),
                         "counted_elsewhere": str(own.total - loss), "settlements": own.settlements,
                         "lines": own.lines},
                "finding_ids": [f.pk for f in members],
                "settlements": sorted({f.setl_id for f in members if f.setl_id})[:500],
                "runs": sorted({f.last_seen_run_id for f in members}),
            }
            lead = Lead.objects.create(
                bureau=bureau, number=next_lead_number(bureau, today), source=LeadSource.MONITORING,
                party_type=party_type, party_code=code, party_name=name, rule_id=rule_id, summary=summary,
                suspected_loss=loss, provisions=provisions, fine_min=fine["fine_min"], fine_max=fine["fine_max"],
                fine_note=fine["note"], assessment=fine["assessment"], evidence=evidence,
                status=LeadStatus.RECEIVED, received_date=today, created_by=actor,
            )
            LeadFinding.objects.bulk_create([LeadFinding(lead=lead, finding=f) for f in members], batch_size=BATCH_SIZE)
            do_transition(members, "handle", actor=actor, reason=f"纳入线索 {lead.number}",
                          data={"lead": lead.pk, "lead_number": lead.number})
            record_event(
                "lead.create", actor=actor, obj=lead,
                summary=f"由 {len(members)} 条疑点生成线索 {lead.number}（{party_label} {code}，{rules_text}），"
                        f"涉嫌损失 {loss} 元",
                data={"lead": lead.pk, "number": lead.number, "findings": [f.pk for f in members],
                      "suspected_loss": str(loss), "provisions": provisions,
                      "fine": [str(fine["fine_min"]), str(fine["fine_max"])] if fine["fine_min"] is not None else None},
            )
            leads.append(lead)
    return leads


def do_register_lead(
    bureau: Bureau,
    *,
    source: str,
    party_type: str,
    party_code: str = "",
    party_name: str = "",
    summary: str,
    suspected_loss: Decimal = ZERO,
    provisions: list[str] | None = None,
    received_date: dt.date | None = None,
    evidence: dict | None = None,
    actor: Any,
) -> Lead:
    """Register a lead from a source other than monitoring (LeadSource); fine range from the calculator."""
    if source not in LeadSource.values or party_type not in PartyType.values:
        raise ValueError("unknown source or party type")
    if not has_role(actor, LEAD_REGISTER_ROLES, bureau):
        raise PermissionDenied(role_refusal_message("登记线索", LEAD_REGISTER_ROLES))
    if not summary.strip():
        raise ValidationError("请填写线索摘要。")
    provisions = list(provisions or [])
    fine = assess_fine(party_type, provisions, suspected_loss, bureau) if provisions else {
        "fine_min": None, "fine_max": None, "note": "未指定适用条款，未计算罚款幅度。", "assessment": {}}
    with transaction.atomic():
        received = received_date or timezone.localdate()
        lead = Lead.objects.create(
            bureau=bureau, number=next_lead_number(bureau, received), source=source, party_type=party_type,
            party_code=party_code, party_name=party_name, summary=summary.strip(), suspected_loss=suspected_loss,
            provisions=provisions, fine_min=fine["fine_min"], fine_max=fine["fine_max"], fine_note=fine["note"],
            assessment=fine["assessment"], evidence=evidence or {}, received_date=received, created_by=actor,
        )
        record_event("lead.create", actor=actor, obj=lead,
                     summary=f"登记线索 {lead.number}（{LeadSource(source).label}）",
                     data={"lead": lead.pk, "number": lead.number, "source": source, "party_type": party_type,
                           "suspected_loss": str(suspected_loss)})
    return lead


def do_change_lead_status(lead: Lead, status: str, *, actor: Any, reason: str = "") -> Lead:
    """Move a lead (已接收 → 评估中 → 已立案 / 不予立案 / 已移送); not filing or transferring needs a reason."""
    if status not in LeadStatus.values:
        raise ValueError(f"unknown lead status {status!r}")
    reason = (reason or "").strip()
    with transaction.atomic():
        lead = Lead.objects.select_for_update().select_related("bureau").get(pk=lead.pk)
        if not has_role(actor, LEAD_REGISTER_ROLES, lead.bureau):
            raise PermissionDenied(role_refusal_message("变更线索状态", LEAD_REGISTER_ROLES))
        if status not in LEAD_TRANSITIONS.get(lead.status, ()):
            raise ValidationError(f"线索当前为“{lead.get_status_display()}”，不能变更为“{LeadStatus(status).label}”。")
        if status in LEAD_REASON_REQUIRED and not reason:
            raise ValidationError(f"变更为“{LeadStatus(status).label}”须填写理由。")
        _move(lead, status, reason, actor=actor)
    return lead


def _move(lead: Lead, status: str, reason: str, *, actor: Any, data: dict | None = None) -> None:
    """Set a locked lead's status and write lead.status; the caller has checked the move."""
    before = lead.status
    lead.status = status
    lead.status_note = reason
    lead.save(update_fields=["status", "status_note"])
    record_event("lead.status", actor=actor, obj=lead,
                 summary=f"线索 {lead.number}：{LeadStatus(before).label} → {LeadStatus(status).label}"
                         + (f"；理由：{reason}" if reason else ""),
                 data={"from": before, "to": status, "reason": reason, **(data or {})})


def do_follow_filing(lead: Lead, status: str, note: str, *, actor: Any, case_number: str | None = None) -> bool:
    """The lead follows its case's filing: 评估中 when an officer proposes the filing, 已立案 when the case is filed
    (by the head's approval or directly, so from 已接收 too). The case service has checked the actor; a lead
    already past that point stays as it is. Returns whether the lead moved."""
    sources = FILABLE_LEAD_STATUSES if status == LeadStatus.FILED else (LeadStatus.RECEIVED,)
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.status not in sources:
            return False
        _move(lead, status, note, actor=actor, data={"via": "cases", "case": case_number})
    return True
