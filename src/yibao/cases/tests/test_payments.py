"""Payments one by one (instalments, parts, the whole rest), the surcharge on a missed instalment, and the periods a
行政复议 or 行政诉讼 outcome moves: the court application and the board's 催告 and court rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from yibao.cases.case_deadlines import open_deadlines
from yibao.cases.models import Payment
from yibao.cases.services.execution import (
    ExecutionCode,
    do_apply_court_enforcement,
    do_arrange_payment,
    do_record_remedy,
    do_record_remedy_outcome,
    do_serve_reminder,
    remedy_periods_end,
    surcharge,
)
from yibao.cases.services.payments import (
    PaymentCode,
    do_record_payment,
    next_instalment,
    refund_due,
    remaining,
)

from .test_api import Caller
from .test_execution import enforcing  # noqa: F401 - the fixture: a 24,000 yuan fine served on 2 March 2026
from .test_services import fresh, refused

pytestmark = pytest.mark.django_db
PLAN = [(dt.date(2026, 4, 17), "8000"), (dt.date(2026, 5, 17), "8000"), (dt.date(2026, 6, 17), "8000")]


def pay(case, staff, amount=None, on=None):
    return do_record_payment(case, actor=staff.officer1, expected_version=case.version, amount=amount, paid_on=on,
                             reference="缴款书 0001")


def in_instalments(case, staff):
    return do_arrange_payment(case, actor=staff.head, expected_version=case.version, kind="instalments",
                              until=dt.date(2026, 6, 17), reason="确有经济困难", instalments=PLAN)


def rows(case, kind, today):
    return [d for d in open_deadlines(fresh(case), today=today) if d.kind == kind]


def test_a_fine_is_paid_in_parts_and_executed_when_the_payments_cover_it(staff, enforcing):  # noqa: F811
    case = pay(enforcing, staff, "10000.50")
    assert not case.executed and remaining(case) == Decimal("13999.50")
    case = pay(case, staff)  # no amount: the whole rest
    assert case.executed and case.paid_on is not None
    assert [p.amount for p in Payment.objects.filter(case=case)] == [Decimal("10000.50"), Decimal("13999.50")]
    assert Payment.objects.filter(case=case).first().recorded_by == staff.officer1


def test_a_payment_above_what_is_owed_is_refused(staff, enforcing):  # noqa: F811
    assert refused(pay, enforcing, staff, "24000.01").code == PaymentCode.EXCEEDS_OWED
    assert refused(pay, enforcing, staff, "0.001").code == "invalid_input"
    case = pay(enforcing, staff, "20000")
    assert refused(pay, case, staff, "5000").code == PaymentCode.EXCEEDS_OWED
    case = pay(case, staff, "4000")
    assert refused(pay, case, staff, "1").code == PaymentCode.NOTHING_TO_EXECUTE
    assert remaining(case) == 0 and Payment.objects.filter(case=case).count() == 2


def test_instalments_paid_one_by_one_move_the_board_to_the_next_and_execute_the_fine(client, staff, enforcing,  # noqa: F811
                                                                                   clock):
    case = in_instalments(enforcing, staff)
    today = dt.date(2026, 4, 10)
    clock.set(today)
    assert [(r.label, r.due) for r in rows(case, "instalment", today)] == [("分期缴款期限（第1期）", dt.date(2026, 4, 17))]
    case = pay(case, staff, "8000")
    assert [(r.label, r.due) for r in rows(case, "instalment", today)] == [("分期缴款期限（第2期）", dt.date(2026, 5, 17))]
    case = pay(case, staff, "5000")  # part of the second: it stays next, with what it still lacks
    assert next_instalment(case).number == 2 and next_instalment(case).unpaid == Decimal("3000.00")
    client.force_login(staff.head)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "已缴 13000.00 元，尚欠 <strong>11000.00</strong> 元" in page and "已缴清" in page
    case = pay(case, staff, "11000")
    assert case.executed and rows(case, "instalment", today) == []


def test_a_missed_instalment_carries_the_surcharge_on_what_it_lacks_from_its_date(staff, enforcing, clock):  # noqa: F811
    case = in_instalments(enforcing, staff)
    clock.set(dt.date(2026, 4, 27))  # ten days after the first instalment's date
    due = surcharge(fresh(case))
    assert due.amount == Decimal("2400.00")  # 8,000 × 3% × 10 (行政处罚法 第七十二条第一款第（一）项)
    assert "第1期" in due.explanation and any(c.article == 72 for c in due.citations)
    case = pay(case, staff, "3000")
    assert surcharge(fresh(case)).amount == Decimal("1500.00")  # on the 5,000 still lacking
    row, = rows(case, "instalment", dt.date(2026, 4, 27))
    assert row.due == dt.date(2026, 4, 17) and "加处罚款1500.00元" in row.why


def upheld_reconsideration(case, staff, clock, *, received_on):
    clock.set(dt.date(2026, 3, 20))
    case = do_serve_reminder(case, actor=staff.officer1, expected_version=case.version)
    clock.set(dt.date(2026, 4, 1))
    case = do_record_remedy(case, actor=staff.reviewer, expected_version=case.version, kind="reconsideration",
                            body="洛阳市医疗保障局")
    clock.set(dt.date(2026, 5, 25))
    return do_record_remedy_outcome(case, actor=staff.reviewer, expected_version=case.version, outcome="upheld",
                                    decided_on=dt.date(2026, 5, 20), received_on=received_on)


def test_the_court_application_after_an_upheld_reconsideration_waits_fifteen_days_from_its_receipt(staff,
                                                                                                  enforcing,  # noqa: F811
                                                                                                  clock):
    case = upheld_reconsideration(enforcing, staff, clock, received_on=dt.date(2026, 5, 22))
    assert remedy_periods_end(fresh(case)) == dt.date(2026, 6, 6)  # 行政诉讼法 第四十五条: 15 days to sue
    clock.set(dt.date(2026, 6, 6))
    e = refused(do_apply_court_enforcement, case, actor=staff.head, expected_version=case.version)
    assert e.code == ExecutionCode.REMEDY_PERIOD_RUNNING and "维持" in e.message and "第四十五条" in e.message
    clock.set(dt.date(2026, 6, 7))
    case = do_apply_court_enforcement(case, actor=staff.head, expected_version=case.version)
    assert case.court_applied_on == dt.date(2026, 6, 7)


def test_a_first_instance_judgment_leaves_fifteen_days_to_appeal_and_a_final_one_none(staff, enforcing, clock):  # noqa: F811
    case = do_record_remedy(enforcing, actor=staff.head, expected_version=enforcing.version, kind="litigation",
                            body="栾川县人民法院")
    clock.set(dt.date(2026, 6, 15))
    case = do_record_remedy_outcome(case, actor=staff.head, expected_version=case.version,
                                    outcome="confirmed_unlawful", decided_on=dt.date(2026, 6, 10))
    assert remedy_periods_end(fresh(case)) == dt.date(2026, 6, 25)  # 第八十五条, from the judgment's date
    clock.set(dt.date(2026, 6, 20))
    case = do_record_remedy(case, actor=staff.head, expected_version=case.version, kind="litigation",
                            body="洛阳市中级人民法院")
    clock.set(dt.date(2026, 7, 1))
    assert remedy_periods_end(fresh(case)) is None  # the appeal is pending
    case = do_record_remedy_outcome(case, actor=staff.head, expected_version=case.version, outcome="upheld",
                                    decided_on=dt.date(2026, 6, 28), received_on=dt.date(2026, 6, 30), final=True)
    assert remedy_periods_end(fresh(case)) == dt.date(2026, 6, 30)


def test_the_board_counts_the_reminder_and_the_court_application_from_the_outcome(staff, enforcing, clock):  # noqa: F811
    today = dt.date(2026, 4, 1)
    clock.set(today)
    assert [r.due for r in rows(enforcing, "court_enforcement", today)] == [dt.date(2026, 12, 2)]
    case = do_record_remedy(enforcing, actor=staff.reviewer, expected_version=enforcing.version,
                            kind="reconsideration", body="洛阳市医疗保障局")
    assert rows(case, "court_enforcement", today) == [] and rows(case, "reminder", today) == []  # pending
    clock.set(dt.date(2026, 5, 25))
    case = do_record_remedy_outcome(case, actor=staff.reviewer, expected_version=case.version, outcome="upheld",
                                    decided_on=dt.date(2026, 5, 20), received_on=dt.date(2026, 5, 22))
    court, = rows(case, "court_enforcement", today)
    reminder, = rows(case, "reminder", today)
    assert court.due == dt.date(2026, 9, 6) and reminder.due == dt.date(2026, 8, 27)  # 3 months after 6 June
    assert "维持" in court.why and "第四十五条" in court.why


def test_a_revoked_decision_shows_the_paid_fine_to_refund_and_a_lowered_one_is_executed(client, staff,
                                                                                       enforcing):  # noqa: F811
    case = pay(enforcing, staff, "15000")
    case = do_record_remedy(case, actor=staff.head, expected_version=case.version, kind="litigation",
                            body="栾川县人民法院")
    case = do_record_remedy_outcome(case, actor=staff.head, expected_version=case.version, outcome="changed",
                                    changed_fine="12000")
    assert case.executed and refund_due(case) == Decimal("3000.00")
    case = do_record_remedy(case, actor=staff.head, expected_version=case.version, kind="litigation",
                            body="洛阳市中级人民法院")
    case = do_record_remedy_outcome(case, actor=staff.head, expected_version=case.version, outcome="revoked",
                                    final=True)
    assert not case.to_execute and refund_due(case) == Decimal("15000.00")
    client.force_login(staff.head)
    assert "应退还 15000.00 元" in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()


def test_a_payment_is_recorded_on_the_api_with_its_amount(staff, enforcing):  # noqa: F811
    answer = Caller(staff.officer1).post(f"/cases/{enforcing.pk}/record_payment",
                                         {"expected_version": enforcing.version, "amount": "9000.00",
                                          "reference": "缴款书 2026-0002"})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["executed"] is False and answer.json()["remaining"] == "15000.00"
    assert remaining(fresh(enforcing)) == Decimal("15000.00")
    too_much = Caller(staff.officer1).post(f"/cases/{enforcing.pk}/record_payment",
                                           {"expected_version": answer.json()["version"], "amount": "15000.01"})
    assert too_much.status_code == 422 and too_much.json()["code"] == PaymentCode.EXCEEDS_OWED
