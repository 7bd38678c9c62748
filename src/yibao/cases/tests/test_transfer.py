"""移送: to the judiciary or another authority with the letter, then the receipt; each refusal's code."""

import datetime as dt

import pytest

from yibao.cases.models import CaseTransfer
from yibao.cases.procedure import CaseState, GuardCode
from yibao.cases.services.transfer import TransferCode, do_record_transfer_receipt, do_transfer

from .test_services import filed_case, refused

pytestmark = pytest.mark.django_db

LETTER = {"kind": "judiciary", "to_authority": "栾川县公安局", "letter_number": "栾医保移〔2026〕1号",
          "reason": "涉嫌诈骗医保基金，数额较大"}


@pytest.fixture
def case(staff, file_input, clock):
    return filed_case(staff, file_input)


def test_a_suspected_crime_goes_to_the_judiciary_with_the_letter_and_its_receipt(staff, case, clock):
    case = do_transfer(case, actor=staff.head, expected_version=case.version, **LETTER)
    assert case.state == CaseState.TRANSFERRED
    transfer = CaseTransfer.objects.get(case=case)
    assert transfer.kind == "judiciary" and transfer.sent_on == dt.date(2026, 3, 2)
    clock.set(dt.date(2026, 3, 4))
    case = do_record_transfer_receipt(case, actor=staff.officer1, expected_version=case.version,
                                      received_on=dt.date(2026, 3, 3), note="公安局已接收，回执编号 123")
    transfer.refresh_from_db()
    assert transfer.receipt_on == dt.date(2026, 3, 3)
    assert refused(do_record_transfer_receipt, case, actor=staff.officer1, expected_version=case.version,
                   received_on=None).code == TransferCode.RECEIPT_RECORDED


def test_a_transfer_without_the_letter_reason_or_head_is_refused(staff, case):
    kw = {"expected_version": case.version}
    assert refused(do_transfer, case, actor=staff.head, **kw, **{**LETTER, "letter_number": ""}).code == \
        "invalid_input"
    assert refused(do_transfer, case, actor=staff.head, **kw, **{**LETTER, "reason": ""}).code == GuardCode.NO_REASON
    assert refused(do_transfer, case, actor=staff.officer1, **kw, **LETTER).code == "wrong_role"


def test_a_receipt_before_the_letter_or_before_a_transfer_is_refused(staff, case, clock):
    assert refused(do_record_transfer_receipt, case, actor=staff.officer1, expected_version=case.version,
                   received_on=None).code == "wrong_state"
    case = do_transfer(case, actor=staff.head, expected_version=case.version,
                       **{**LETTER, "kind": "authority", "to_authority": "洛阳市卫生健康委员会"})
    assert refused(do_record_transfer_receipt, case, actor=staff.officer1, expected_version=case.version,
                   received_on=dt.date(2026, 3, 1)).code == "invalid_input"


def test_a_decided_case_cannot_be_transferred(staff, case):
    from yibao.cases.models import Case

    Case.objects.filter(pk=case.pk).update(state=CaseState.DECIDED)
    assert refused(do_transfer, case, actor=staff.head, expected_version=case.version, **LETTER).code == "wrong_state"
