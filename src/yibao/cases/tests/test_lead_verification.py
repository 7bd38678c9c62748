"""Lead verification: 立案岗 verifies, the head decides not to file or to transfer, within the bureau's period,
extended once by the head with a reason; each refusal with its code."""

import datetime as dt

import pytest

from yibao.cases import services as s
from yibao.cases.constants import LeadStatus
from yibao.cases.procedure import Refusal
from yibao.cases.services.lead_verification import (
    do_decide_lead,
    do_extend_lead_verification,
    do_verify_lead,
    verification_deadline,
)

pytestmark = pytest.mark.django_db


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    return caught.value


def test_the_period_is_the_bureaus_lead_verification_days_from_receipt(lead):
    due = verification_deadline(lead)
    assert due.due > lead.received_date + dt.timedelta(days=15)  # fifteen working days, not calendar days
    assert "医疗保障行政处罚程序暂行规定" in due.basis


def test_an_officer_of_the_filing_post_verifies_and_the_lead_is_under_assessment(staff, lead):
    lead = do_verify_lead(lead, actor=staff.officer1, note="调取结算数据，疑点属实")
    assert lead.status == LeadStatus.ASSESSING and lead.verified_by == staff.officer1
    assert lead.verification_due == verification_deadline(lead).due


def test_verification_by_the_head_is_refused_as_the_wrong_role(staff, lead):
    assert refused(do_verify_lead, lead, actor=staff.head, note="核查").code == "wrong_role"


def test_a_decision_before_verification_is_refused(staff, lead):
    got = refused(do_decide_lead, lead, LeadStatus.NOT_FILED, actor=staff.head, reason="证据不足")
    assert got.code == "lead_not_verified"


def test_the_head_decides_not_to_file_with_the_reason(staff, lead):
    do_verify_lead(lead, actor=staff.officer1, note="核查")
    assert refused(do_decide_lead, lead, LeadStatus.NOT_FILED, actor=staff.head, reason=" ").code == "no_reason"
    lead = do_decide_lead(lead, LeadStatus.NOT_FILED, actor=staff.head, reason="违法事实不成立")
    assert lead.status == LeadStatus.NOT_FILED and lead.status_note == "违法事实不成立"


def test_a_transfer_names_the_authority(staff, lead):
    do_verify_lead(lead, actor=staff.officer1, note="涉及药品质量问题")
    assert refused(do_decide_lead, lead, LeadStatus.TRANSFERRED, actor=staff.head,
                   reason="不属本局管辖").code == "invalid_input"
    lead = do_decide_lead(lead, LeadStatus.TRANSFERRED, actor=staff.head, reason="不属本局管辖",
                          transferred_to="栾川县市场监督管理局")
    assert lead.status == LeadStatus.TRANSFERRED and lead.transferred_to == "栾川县市场监督管理局"


def test_an_officer_may_not_decide_on_a_lead(staff, lead):
    do_verify_lead(lead, actor=staff.officer1, note="核查")
    assert refused(do_decide_lead, lead, LeadStatus.NOT_FILED, actor=staff.officer1,
                   reason="x").code == "wrong_role"


def test_verification_after_the_period_is_refused(staff, lead, clock):
    clock.set(verification_deadline(lead).due + dt.timedelta(days=1))
    assert refused(do_verify_lead, lead, actor=staff.officer1, note="核查").code == "lead_verification_passed"


def test_filing_from_a_lead_after_its_period_is_refused(staff, lead, file_input, clock):
    clock.set(verification_deadline(lead).due + dt.timedelta(days=1))
    assert refused(s.do_file_case, file_input(), actor=staff.officer1).code == "lead_verification_passed"


def test_the_head_extends_once_with_a_reason_and_the_period_grows(staff, lead, clock):
    first = verification_deadline(lead).due
    assert refused(do_extend_lead_verification, lead, actor=staff.head, reason="").code == "no_reason"
    assert refused(do_extend_lead_verification, lead, actor=staff.officer1, reason="案情复杂").code == "wrong_role"
    lead = do_extend_lead_verification(lead, actor=staff.head, reason="需调取外省结算数据")
    assert verification_deadline(lead).due > first and lead.verification_due == verification_deadline(lead).due
    clock.set(first + dt.timedelta(days=1))
    do_verify_lead(lead, actor=staff.officer1, note="核查")  # inside the extended period
    got = refused(do_extend_lead_verification, lead, actor=staff.head, reason="再延长")
    assert got.code == "verification_already_extended"


def test_an_extension_after_the_period_ended_is_refused(staff, lead, clock):
    clock.set(verification_deadline(lead).due + dt.timedelta(days=1))
    got = refused(do_extend_lead_verification, lead, actor=staff.head, reason="案情复杂")
    assert got.code == "lead_verification_passed"


def test_a_lead_is_verified_and_transferred_on_the_api(staff, lead):
    from yibao.cases.tests.test_api import Caller

    officer, head = Caller(staff.officer1), Caller(staff.head)
    early = head.post(f"/leads/{lead.pk}/decide", {"decision": "not_filed", "reason": "证据不足"})
    assert early.status_code == 422 and early.json()["code"] == "lead_not_verified"
    assert officer.post(f"/leads/{lead.pk}/verify", {"note": "核查属实"}).status_code == 200
    wrong = officer.post(f"/leads/{lead.pk}/extend-verification", {"reason": "复杂"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_role"
    assert head.post(f"/leads/{lead.pk}/extend-verification", {"reason": "需调取外省数据"}).status_code == 200
    done = head.post(f"/leads/{lead.pk}/decide", {"decision": "transferred", "reason": "不属本局管辖",
                                                  "transferred_to": "栾川县市场监督管理局"})
    assert done.status_code == 200 and done.json()["status"] == "transferred"
