"""The fine, the refund to the fund (责令退回) and the confiscation decided and paid apart: each item owed, paid and
refunded on its own, the surcharge on the fine only, the case executed when all three are covered."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.models import Case, Payment, PaymentItem
from yibao.cases.services.execution import ExecutionCode, do_arrange_payment, surcharge
from yibao.cases.services.payments import PaymentCode, do_record_payment, owed, paid, remaining

from .test_api import Caller
from .test_execution import PAYMENT_DUE, enforcing  # noqa: F401 - the fixture: a 24,000 yuan fine alone
from .test_services import fresh, investigated, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(staff, file_input, clock) -> Case:
    """A decision of a 24,000 yuan fine, 50,000 yuan to refund to the fund and 3,000 yuan confiscated, served."""
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="放弃陈述申辩")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000",
                       refund="50000.25", confiscation="3000")
    case = s.do_serve(case, actor=staff.officer2, expected_version=case.version, method="direct", signed_by="张三")
    return s.do_start_enforcement(case, actor=staff.officer1, expected_version=case.version)


def pay(case, staff, item, amount=None):
    return do_record_payment(case, actor=staff.officer1, expected_version=case.version, amount=amount, item=item,
                             reference="缴款书 0002")


def test_a_decision_records_the_fine_the_refund_and_the_confiscation_apart(three):
    case = fresh(three)
    assert (case.decided_fine, case.decided_refund, case.decided_confiscation) == (
        Decimal("24000.00"), Decimal("50000.25"), Decimal("3000.00"))
    assert case.to_execute and case.payment_due == PAYMENT_DUE
    assert owed(case) == Decimal("77000.25") and owed(case, PaymentItem.REFUND) == Decimal("50000.25")


def test_paying_the_refund_does_not_execute_the_case_while_the_fine_is_unpaid(staff, three):
    case = pay(three, staff, PaymentItem.REFUND)  # no amount: the refund's whole rest
    assert not case.executed and remaining(case, PaymentItem.REFUND) == 0
    assert remaining(case, PaymentItem.FINE) == Decimal("24000.00") and remaining(case) == Decimal("27000.00")
    assert Payment.objects.get(case=case).item == PaymentItem.REFUND


def test_the_surcharge_runs_on_the_unpaid_fine_only(staff, three, clock):
    case = pay(three, staff, PaymentItem.REFUND, "10000")
    clock.set(PAYMENT_DUE + dt.timedelta(days=10))
    assert surcharge(fresh(case)).amount == Decimal("7200.00")  # 24,000 × 3% × 10, nothing on refund or confiscation
    case = pay(case, staff, PaymentItem.FINE)
    assert surcharge(fresh(case)) is None  # the refund still owed carries no 加处罚款


def test_the_case_is_executed_when_all_three_are_paid(staff, three):
    case = pay(three, staff, PaymentItem.FINE)
    case = pay(case, staff, PaymentItem.CONFISCATION, "3000")
    assert not case.executed
    case = pay(case, staff, PaymentItem.REFUND, "50000.25")
    assert case.executed and case.paid_on is not None and remaining(case) == 0
    assert paid(case) == Decimal("77000.25") and paid(case, PaymentItem.FINE) == Decimal("24000.00")


def test_a_payment_above_what_is_owed_of_its_item_is_refused_though_another_item_is_owed(staff, three):
    assert refused(pay, three, staff, PaymentItem.CONFISCATION, "3000.01").code == PaymentCode.EXCEEDS_OWED
    case = pay(three, staff, PaymentItem.CONFISCATION)
    e = refused(pay, case, staff, PaymentItem.CONFISCATION, "1")
    assert e.code == PaymentCode.NOTHING_TO_EXECUTE and "没收违法所得" in e.message
    assert refused(pay, case, staff, "penalty", "1").code == "invalid_input"


def test_a_fine_only_decision_is_paid_as_before_without_naming_the_item(staff, enforcing):  # noqa: F811
    case = do_record_payment(enforcing, actor=staff.officer1, expected_version=enforcing.version)
    assert case.executed and Payment.objects.get(case=case).item == PaymentItem.FINE


def test_the_api_and_the_case_page_show_the_three_amounts_apart(client, staff, three):
    answer = Caller(staff.officer1).post(f"/cases/{three.pk}/record_payment",
                                         {"expected_version": three.version, "item": "refund", "amount": "50000.25"})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["decided_fine"], body["decided_refund"], body["decided_confiscation"]) == (
        "24000.00", "50000.25", "3000.00")
    items = {i["item"]: i for i in body["payment_items"]}
    assert items["refund"]["paid"] == "50000.25" and items["refund"]["remaining"] == "0.00"
    assert items["fine"]["remaining"] == "24000.00" and items["confiscation"]["label"] == "没收违法所得"
    assert body["remaining"] == "27000.00" and body["executed"] is False
    client.force_login(staff.head)
    page = client.get(reverse("cases:case_detail", args=[three.pk])).content.decode()
    assert 'id="case-payment-items"' in page and "责令退回医保基金 50000.25 元" in page and "退回基金" in page



def test_instalments_are_refused_once_the_fine_is_paid_though_the_refund_is_still_owed(staff, three):
    case = pay(three, staff, PaymentItem.FINE)
    e = refused(do_arrange_payment, case, actor=staff.head, expected_version=case.version, kind="deferral",
                until=PAYMENT_DUE + dt.timedelta(days=30), reason="确有经济困难")
    assert e.code == ExecutionCode.NOTHING_TO_EXECUTE and "只适用于罚款" in e.message
