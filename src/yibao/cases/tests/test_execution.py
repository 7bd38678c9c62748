"""Execution: deferral and instalments, the penalty surcharge, court enforcement after the remedy periods and a
催告, and the outcome of 行政复议 or 行政诉讼; each refusal's code."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.models import Case
from yibao.cases.procedure import CaseState
from yibao.cases.services.execution import (
    ExecutionCode,
    do_apply_court_enforcement,
    do_arrange_payment,
    do_record_court_acceptance,
    do_record_remedy,
    do_record_remedy_outcome,
    do_serve_reminder,
    remedy_periods_end,
    surcharge,
)

from .closing import closed, drafted
from .test_services import fresh, investigated, refused

pytestmark = pytest.mark.django_db
PAYMENT_DUE = dt.date(2026, 3, 17)  # 15 days after service on Monday 2 March


@pytest.fixture
def enforcing(staff, file_input, clock) -> Case:
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="放弃陈述申辩")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000")
    case = s.do_serve(case, actor=staff.officer2, expected_version=case.version, method="direct", signed_by="张三")
    case = s.do_start_enforcement(case, actor=staff.officer1, expected_version=case.version)
    assert case.payment_due == PAYMENT_DUE
    return case


def test_the_head_defers_payment_once_before_it_falls_due(staff, enforcing, clock):
    case = enforcing
    kw = {"expected_version": case.version, "kind": "deferral", "reason": "当事人经营困难，申请暂缓"}
    assert refused(do_arrange_payment, case, actor=staff.officer1, until=dt.date(2026, 4, 17),
                   **kw).code == "wrong_role"
    assert refused(do_arrange_payment, case, actor=staff.head, until=dt.date(2026, 12, 31),
                   **kw).code == ExecutionCode.ARRANGEMENT_TOO_LONG
    assert refused(do_arrange_payment, case, actor=staff.head, until=dt.date(2026, 4, 17),
                   **{**kw, "reason": ""}).code == ExecutionCode.NO_REASON
    case = do_arrange_payment(case, actor=staff.head, until=dt.date(2026, 4, 17), **kw)
    assert case.payment_due == dt.date(2026, 4, 17)
    assert refused(do_arrange_payment, case, actor=staff.head, until=dt.date(2026, 5, 17),
                   **{**kw, "expected_version": case.version}).code == ExecutionCode.ARRANGEMENT_EXISTS


def test_an_arrangement_after_the_payment_period_is_refused(staff, enforcing, clock):
    clock.set(PAYMENT_DUE + dt.timedelta(days=1))
    e = refused(do_arrange_payment, enforcing, actor=staff.head, expected_version=enforcing.version,
                kind="deferral", until=dt.date(2026, 5, 1), reason="困难")
    assert e.code == ExecutionCode.PAYMENT_DUE_PASSED


def test_instalments_must_add_up_to_the_fine(staff, enforcing):
    kw = {"actor": staff.head, "expected_version": enforcing.version, "kind": "instalments",
          "until": dt.date(2026, 5, 17), "reason": "分期"}
    bad = [(dt.date(2026, 4, 17), "10000"), (dt.date(2026, 5, 17), "10000")]
    assert refused(do_arrange_payment, enforcing, instalments=bad, **kw).code == ExecutionCode.INSTALMENTS_DO_NOT_ADD_UP
    good = [(dt.date(2026, 4, 17), "12000"), (dt.date(2026, 5, 17), "12000")]
    case = do_arrange_payment(enforcing, instalments=good, **kw)
    assert case.payment_arrangement.instalments == [["2026-04-17", "12000.00"], ["2026-05-17", "12000.00"]]


def test_the_surcharge_runs_from_the_day_after_the_payment_period_and_shows_on_the_case(client, staff, enforcing,
                                                                                       clock):
    clock.set(PAYMENT_DUE + dt.timedelta(days=10))
    due = surcharge(fresh(enforcing))
    assert due.amount == Decimal("7200.00")  # 24,000 × 3% × 10
    client.force_login(staff.head)
    assert "加处罚款：7200.00 元" in client.get(reverse("cases:case_detail", args=[enforcing.pk])).content.decode()


def test_court_enforcement_waits_for_the_remedy_periods_a_pending_remedy_and_the_reminder(staff, enforcing, clock):
    case = enforcing
    assert refused(do_serve_reminder, case, actor=staff.officer1,
                   expected_version=case.version).code == ExecutionCode.PAYMENT_NOT_OVERDUE
    clock.set(dt.date(2026, 3, 20))
    case = do_serve_reminder(case, actor=staff.officer1, expected_version=case.version)
    assert remedy_periods_end(case) == dt.date(2026, 9, 2)  # six months after service outlast sixty days
    assert refused(do_apply_court_enforcement, case, actor=staff.head,
                   expected_version=case.version).code == ExecutionCode.REMEDY_PERIOD_RUNNING
    clock.set(dt.date(2026, 4, 1))
    case = do_record_remedy(case, actor=staff.reviewer, expected_version=case.version, kind="reconsideration",
                            body="洛阳市医疗保障局")
    clock.set(dt.date(2026, 9, 3))
    assert refused(do_apply_court_enforcement, case, actor=staff.head,
                   expected_version=case.version).code == ExecutionCode.REMEDY_PENDING
    case = do_record_remedy_outcome(case, actor=staff.reviewer, expected_version=case.version, outcome="upheld",
                                    decided_on=dt.date(2026, 5, 20))
    assert refused(do_apply_court_enforcement, case, actor=staff.officer1,
                   expected_version=case.version).code == "wrong_role"
    case = do_apply_court_enforcement(case, actor=staff.head, expected_version=case.version)
    assert refused(drafted, case, staff.officer1, "court_accepted").code == "not_executed"
    case = do_record_court_acceptance(case, actor=staff.head, expected_version=case.version)
    case = closed(case, drafter=staff.officer1, head=staff.head, ground="court_accepted")
    assert case.state == CaseState.CLOSED


def test_court_enforcement_needs_a_reminder_ten_days_old_and_comes_within_three_months(staff, enforcing, clock):
    clock.set(dt.date(2026, 9, 3))
    kw = {"actor": staff.head, "expected_version": enforcing.version}
    assert refused(do_apply_court_enforcement, enforcing, **kw).code == ExecutionCode.NO_REMINDER
    Case.objects.filter(pk=enforcing.pk).update(reminder_served_on=dt.date(2026, 8, 25))
    assert refused(do_apply_court_enforcement, enforcing, **kw).code == ExecutionCode.REMINDER_TOO_RECENT
    clock.set(dt.date(2026, 12, 3))  # three months after 2 September ended on 2 December
    assert refused(do_apply_court_enforcement, enforcing, **kw).code == ExecutionCode.COURT_APPLICATION_LATE
    assert refused(do_record_court_acceptance, enforcing, **kw).code == ExecutionCode.NOT_APPLIED


def test_a_revoked_decision_leaves_nothing_to_execute_and_a_changed_one_the_new_fine(staff, enforcing, clock):
    case = do_record_remedy(enforcing, actor=staff.head, expected_version=enforcing.version, kind="litigation",
                            body="栾川县人民法院")
    case = do_record_remedy_outcome(case, actor=staff.head, expected_version=case.version, outcome="changed",
                                    changed_fine="12000")
    assert case.decided_fine == Decimal("12000.00") and case.to_execute
    assert refused(do_record_remedy_outcome, case, actor=staff.head, expected_version=case.version,
                   outcome="revoked").code == ExecutionCode.NO_PENDING_REMEDY
    case = do_record_remedy(case, actor=staff.head, expected_version=case.version, kind="litigation",
                            body="洛阳市中级人民法院")
    case = do_record_remedy_outcome(case, actor=staff.head, expected_version=case.version, outcome="revoked")
    assert not case.to_execute
    case = closed(case, drafter=staff.officer1, head=staff.head, ground="nothing_to_execute", reason="处罚决定被撤销")
    assert case.state == CaseState.CLOSED
