"""Leads (线索) from confirmed findings: grouping, the loss counted once, the fine range, refusals."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.cases.constants import LeadSource, LeadStatus, PartyType
from yibao.cases.models import Lead, LeadFinding
from yibao.cases.services.leads import do_change_lead_status, do_create_leads, do_register_lead
from yibao.core.models import AuditEvent
from yibao.monitoring.constants import FindingStatus
from yibao.monitoring.engine.rules import RULES
from yibao.monitoring.models import Finding
from yibao.monitoring.services import (
    assess_fine,
    basis_citation,
    deduped_loss,
    do_close_appeal_window,
    do_confirm_first_review,
    do_confirm_second_review,
)
from yibao.org.constants import Role


@pytest.fixture
def analyst2(make_user, county):
    return make_user("analyst2", Role.ANALYST, county)


def confirm(findings, first, second) -> None:
    do_confirm_first_review(findings, actor=first)
    do_confirm_second_review(findings, actor=second)
    do_close_appeal_window(findings, actor=first, reason="机构书面放弃申诉")


@pytest.fixture
def confirmed(run, county, analyst, analyst2):
    findings = list(Finding.objects.filter(bureau=county).order_by("id"))
    confirm(findings, analyst, analyst2)
    return findings


def by_key(leads) -> dict[tuple[str, str], Lead]:
    return {(lead.party_code, lead.rule_id): lead for lead in leads}


def f(amount, feedetl_sn=None, setl_id=None, med_list_codg=None, key="x"):
    return SimpleNamespace(amount=Decimal(amount), feedetl_sn=feedetl_sn, setl_id=setl_id,
                           med_list_codg=med_list_codg, identity_hash=key)


# ---------------------------------------------------------------- the loss

def test_a_fee_line_flagged_by_two_rules_counts_once_at_the_larger_amount():
    loss = deduped_loss([f("30", "L7", "S5", "X002"), f("130", "L7", "S5", "X002")])
    assert (loss.total, loss.gross, loss.lines) == (Decimal("130.00"), Decimal("160.00"), 1)


def test_a_settlement_level_finding_covers_the_line_findings_of_the_same_settlement():
    whole = f("150", setl_id="S4")
    line = f("120", "L6", "S4", "X003")
    assert deduped_loss([whole, line]).total == Decimal("150.00")
    # Lines adding up to more than the settlement's fund payment: the larger counts, never both.
    assert deduped_loss([f("100", setl_id="S4"), line]).total == Decimal("120.00")


def test_settlement_items_and_lines_of_the_same_item_count_once_and_other_findings_add_up():
    r08 = f("90", setl_id="S2", med_list_codg="BED")
    bed_line = f("40", "L9", "S2", "BED")
    other_line = f("10", "L10", "S2", "X003")
    r15 = f("55", key="r15")
    assert deduped_loss([r08, bed_line, other_line, r15]).total == Decimal("155.00")


# ---------------------------------------------------------------- leads

def test_leads_group_confirmed_findings_by_institution_and_rule(confirmed, analyst, county):
    leads = do_create_leads(confirmed, group_by="institution", actor=analyst)
    assert sorted(by_key(leads)) == [("H001", "R01"), ("H001", "R05"), ("H001", "R09"), ("H001", "R14"),
                                     ("H002", "R05"), ("H002", "R12"), ("H002", "R14")]
    lead = by_key(leads)[("H001", "R09")]
    assert lead.party_type == PartyType.INSTITUTION and lead.party_name == "栾川县人民医院"
    assert lead.source == LeadSource.MONITORING and lead.status == LeadStatus.RECEIVED
    assert lead.received_date == timezone.localdate() and lead.created_by == analyst
    assert lead.suspected_loss == Decimal("1600.00")
    assert lead.provisions == ["《医疗保障基金使用监督管理条例》第三十八条第（一）项"]
    assert "栾川县人民医院（H001）R09分解住院疑点 1 条" in lead.summary
    assert lead.number.startswith(f"XS410324{timezone.localdate().year}")
    assert Lead.objects.filter(bureau=county).count() == 7


def test_a_line_counted_in_one_lead_is_not_counted_again_in_another(confirmed, analyst):
    leads = by_key(do_create_leads(confirmed, group_by="institution", actor=analyst))
    assert leads[("H002", "R05")].suspected_loss == Decimal("30.00")
    assert leads[("H002", "R12")].suspected_loss == Decimal("150.00")
    # R14 flags L6 (inside S4, already covered by R12) and L7 (already counted at 30 by R05): 250 own, 100 new.
    r14 = leads[("H002", "R14")]
    assert r14.suspected_loss == Decimal("100.00")
    assert r14.evidence["loss"] == {"counted": "100.00", "deduped": "250.00", "gross": "250.00",
                                    "counted_elsewhere": "150.00", "settlements": 2, "lines": 2}
    assert "其中 150.00 元的费用已计入其他线索" in r14.summary
    assert sum(lead.suspected_loss for lead in leads.values() if lead.party_code == "H002") == Decimal("280.00")


def test_one_lead_per_institution_counts_each_line_and_settlement_once(confirmed, analyst):
    leads = by_key(do_create_leads(confirmed, group_by="institution", by_rule=False, actor=analyst))
    assert set(leads) == {("H001", ""), ("H002", "")}
    assert leads[("H001", "")].suspected_loss == Decimal("1900.00")  # S1: 120 + 100 + 80; S3: 1600
    h002 = leads[("H002", "")]
    assert h002.suspected_loss == Decimal("280.00")  # S4: max(150, 120); S5: L7 once at 130
    assert h002.provisions == ["《医疗保障基金使用监督管理条例》第三十八条第（三）项",
                               "《医疗保障基金使用监督管理条例》第四十条第一款第（三）项",
                               "《医疗保障基金使用监督管理条例》第三十八条第（六）项"]
    assert h002.lead_findings.count() == 4


def test_the_fine_range_comes_from_the_calculator_with_the_loss_as_amount(confirmed, analyst):
    leads = by_key(do_create_leads(confirmed, group_by="institution", actor=analyst))
    r09 = leads[("H001", "R09")]
    assert (r09.fine_min, r09.fine_max) == (Decimal("1600.00"), Decimal("3200.00"))  # 1 to 2 times the loss
    assert r09.assessment["fine"] == {"min": "1600.00", "max": "3200.00"}
    r12 = leads[("H002", "R12")]
    assert (r12.fine_min, r12.fine_max) == (Decimal("300.00"), Decimal("750.00"))  # 2 to 5 times


def test_a_provision_the_calculator_cannot_apply_leaves_the_range_empty_with_the_reason(confirmed, analyst):
    r12 = Finding.objects.filter(rule_id="R12")
    lead = do_create_leads(r12, group_by="person", actor=analyst)[0]
    assert lead.party_type == PartyType.INSURED_PERSON and lead.party_code == "P0003"
    assert lead.party_name == "王五福" and "王**" in lead.summary and "王五福" not in lead.summary
    assert lead.fine_min is None and lead.fine_max is None
    assert lead.fine_note.startswith("无法计算罚款幅度：")


def test_a_basis_without_an_encoded_provision_gives_no_range_and_says_why(county):
    citation = basis_citation(RULES["R17"].basis)
    assert citation == "《医疗保障基金使用监督管理条例》第二十五条"
    fine = assess_fine(PartyType.INSTITUTION, [citation], Decimal("1000"), county)
    assert fine["fine_min"] is None and "没有编码的罚则" in fine["note"]
    assert basis_citation(RULES["R10"].basis) == "《医疗保障基金使用监督管理条例》第三十八条第（一）项"


def test_the_findings_move_to_handling_with_the_lead_number_in_their_history(confirmed, analyst):
    lead = do_create_leads([confirmed[0]], actor=analyst)[0]
    finding = Finding.objects.get(pk=confirmed[0].pk)
    assert finding.status == FindingStatus.HANDLING
    event = finding.events.last()
    assert event.transition == "handle" and event.reason == f"纳入线索 {lead.number}"
    assert AuditEvent.objects.filter(action="lead.create", object_id=str(lead.pk)).exists()


def test_a_finding_already_in_a_lead_is_refused(confirmed, analyst):
    first = do_create_leads(confirmed[:1], actor=analyst)[0]
    with pytest.raises(ValidationError, match=f"已在线索 {first.number} 中"):
        do_create_leads(confirmed[:2], actor=analyst)
    assert Lead.objects.count() == 1
    assert Finding.objects.get(pk=confirmed[1].pk).status == FindingStatus.CONFIRMED


def test_the_database_refuses_a_second_link_of_the_same_finding(confirmed, analyst):
    first, second = do_create_leads(confirmed[:2], actor=analyst)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeadFinding.objects.create(lead=second, finding=confirmed[0])


def test_only_confirmed_findings_become_leads(run, county, analyst):
    finding = Finding.objects.filter(bureau=county).first()
    with pytest.raises(ValidationError, match="只有“已确认违规”的疑点可以归集为线索"):
        do_create_leads([finding], actor=analyst)


def test_grouping_by_person_refuses_findings_without_a_person(confirmed, analyst):
    r05 = Finding.objects.get(rule_id="R05", feedetl_sn="L2")
    Finding.objects.filter(pk=r05.pk).update(psn_no=None)
    with pytest.raises(ValidationError, match="没有人员编号"):
        do_create_leads([r05], group_by="person", actor=analyst)


def test_auditors_and_officers_may_not_create_leads(confirmed, make_user, county):
    for role in (Role.AUDITOR, Role.OFFICER):
        with pytest.raises(PermissionDenied):
            do_create_leads(confirmed[:1], actor=make_user(f"u-{role}", role, county))


def test_a_lead_moves_from_received_to_assessing_and_not_filing_needs_a_reason(confirmed, analyst, make_user, county):
    lead = do_create_leads(confirmed[:1], actor=analyst)[0]
    head = make_user("head", Role.HEAD, county)
    do_change_lead_status(lead, LeadStatus.ASSESSING, actor=head)
    with pytest.raises(ValidationError, match="须填写理由"):
        do_change_lead_status(lead, LeadStatus.NOT_FILED, actor=head)
    with pytest.raises(ValidationError, match="不能变更为"):
        do_change_lead_status(lead, LeadStatus.RECEIVED, actor=head)
    lead = do_change_lead_status(lead, LeadStatus.FILED, actor=head)
    assert lead.status == LeadStatus.FILED
    assert AuditEvent.objects.filter(action="lead.status", object_id=str(lead.pk)).count() == 2


def test_a_lead_from_a_report_is_registered_by_hand_with_its_fine_range(county, make_user):
    officer = make_user("officer1", Role.OFFICER, county)
    lead = do_register_lead(
        county, source=LeadSource.COMPLAINT, party_type=PartyType.INSTITUTION, party_code="H009",
        party_name="某诊所", summary="群众举报某诊所虚开检查项目", suspected_loss=Decimal("5000"),
        provisions=["《医疗保障基金使用监督管理条例》第三十八条第（三）项"], actor=officer)
    assert lead.number.startswith("XS410324")
    assert (lead.fine_min, lead.fine_max) == (Decimal("5000.00"), Decimal("10000.00"))
    assert lead.get_source_display() == "举报投诉"
