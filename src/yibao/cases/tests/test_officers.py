"""The officers of a case: recusal asked and decided, reassignment, the minimum of officers and the actor's
certificate, each refusal with its code."""

import datetime as dt

import pytest
from django.urls import reverse

from yibao.cases.models import Case, RecusalRequest
from yibao.cases.procedure import GuardCode
from yibao.cases.services.officers import OfficerCode, do_ask_recusal, do_decide_recusal, do_reassign_officer
from yibao.core.models import AuditEvent
from yibao.org.models import Officer

from .test_services import filed_case, fresh, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(staff, file_input, clock) -> Case:
    return filed_case(staff, file_input)


@pytest.fixture
def third(county, clock) -> Officer:
    return Officer.objects.create(bureau=county, name="赵六", certificate_number="豫医保执 0009",
                                  certificate_expiry=dt.date(2027, 12, 31))


def active_names(case: Case) -> list[str]:
    return sorted(co.officer.name for co in case.officers.filter(recused_on__isnull=True).select_related("officer"))


def test_an_officer_asks_to_withdraw_and_the_head_grants_it_with_a_replacement(staff, case, third):
    case = do_ask_recusal(case, staff.officer1.officer, actor=staff.officer1, expected_version=case.version,
                          asked_by="officer", reason="当事人法定代表人系本人表兄")
    case = do_decide_recusal(case, actor=staff.head, expected_version=case.version, granted=True,
                             reason="有亲属关系，应当回避", replacement=third)
    assert active_names(case) == sorted([staff.officer2.officer.name, "赵六"])
    row = case.officers.get(officer=staff.officer1.officer)
    assert row.left_how == "recusal" and row.recused_on == dt.date(2026, 3, 2)
    request = RecusalRequest.objects.get(case=case)
    assert request.granted is True and request.decided_by == staff.head
    assert AuditEvent.objects.filter(action="case.decide_recusal", object_id=str(case.pk)).exists()


def test_a_recusal_that_would_leave_one_officer_is_refused_without_a_replacement(staff, case):
    case = do_ask_recusal(case, staff.officer2.officer, actor=staff.officer1, expected_version=case.version,
                          asked_by="party", reason="当事人称该执法人员曾与其有经济纠纷")
    e = refused(do_decide_recusal, case, actor=staff.head, expected_version=case.version, granted=True,
                reason="理由成立")
    assert e.code == GuardCode.TOO_FEW_OFFICERS
    assert len(active_names(fresh(case))) == 2


def test_a_refused_recusal_leaves_the_officer_on_the_case(staff, case):
    case = do_ask_recusal(case, staff.officer2.officer, actor=staff.officer1, expected_version=case.version,
                          asked_by="party", reason="当事人认为不公正")
    case = do_decide_recusal(case, actor=staff.head, expected_version=case.version, granted=False,
                             reason="无法定回避情形")
    assert len(active_names(case)) == 2
    assert RecusalRequest.objects.get(case=case).granted is False


def test_an_officer_may_ask_only_their_own_recusal(staff, case):
    e = refused(do_ask_recusal, case, staff.officer2.officer, actor=staff.officer1, expected_version=case.version,
                asked_by="officer", reason="……")
    assert e.code == OfficerCode.NOT_OWN


def test_a_recusal_without_a_reason_is_refused(staff, case):
    e = refused(do_ask_recusal, case, staff.officer1.officer, actor=staff.officer1, expected_version=case.version,
                asked_by="officer", reason=" ")
    assert e.code == OfficerCode.NO_REASON


def test_deciding_a_recusal_nobody_asked_for_is_refused(staff, case):
    e = refused(do_decide_recusal, case, actor=staff.head, expected_version=case.version, granted=True, reason="x")
    assert e.code == OfficerCode.NO_REQUEST


def test_an_officer_cannot_decide_a_recusal(staff, case):
    case = do_ask_recusal(case, staff.officer1.officer, actor=staff.officer1, expected_version=case.version,
                          asked_by="officer", reason="亲属关系")
    e = refused(do_decide_recusal, case, actor=staff.officer2, expected_version=case.version, granted=True,
                reason="x")
    assert e.code == "wrong_role"


def test_the_head_reassigns_with_a_reason_and_never_below_two_officers(staff, case, third):
    e = refused(do_reassign_officer, case, actor=staff.head, expected_version=case.version,
                remove=staff.officer2.officer, reason="工作调整")
    assert e.code == GuardCode.TOO_FEW_OFFICERS
    e = refused(do_reassign_officer, case, actor=staff.head, expected_version=case.version,
                remove=staff.officer2.officer, add=third, reason="")
    assert e.code == OfficerCode.NO_REASON
    e = refused(do_reassign_officer, case, actor=staff.officer1, expected_version=case.version,
                remove=staff.officer2.officer, add=third, reason="工作调整")
    assert e.code == "wrong_role"
    case = do_reassign_officer(case, actor=staff.head, expected_version=case.version, remove=staff.officer2.officer,
                               add=third, reason="工作调整")
    assert active_names(case) == sorted([staff.officer1.officer.name, "赵六"])
    assert case.officers.get(officer=staff.officer2.officer).left_how == "reassigned"


def test_an_officer_with_an_expired_certificate_is_refused_on_the_case(staff, case, clock):
    officer = staff.officer1.officer
    officer.certificate_expiry = dt.date(2026, 3, 10)
    officer.save()
    clock.set(dt.date(2026, 3, 11))
    e = refused(do_ask_recusal, case, officer, actor=staff.officer1, expected_version=case.version,
                asked_by="officer", reason="亲属关系")
    assert e.code == GuardCode.CERTIFICATE_INVALID
    assert "有效期至 2026-03-10" in e.message


def test_the_case_page_warns_of_a_certificate_ending_before_the_case_deadline(client, staff, case):
    officer = staff.officer2.officer
    officer.certificate_expiry = case.due_on - dt.timedelta(days=1)
    officer.save()
    client.force_login(staff.head)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "早于办案期限届满" in html
    assert 'data-action="reassign_officer"' in html


def test_recusal_on_the_api_and_its_refusal_code(staff, case, third):
    from .test_api import Caller

    officer, head = Caller(staff.officer1), Caller(staff.head)
    seen = head.get(f"/cases/{case.pk}").json()
    answer = officer.post(f"/cases/{case.pk}/ask_recusal", {
        "expected_version": seen["version"], "officer_id": staff.officer1.officer.pk, "asked_by": "officer",
        "reason": "亲属关系"})
    assert answer.status_code == 200, answer.json()
    assert "decide_recusal" in [a["action"] for a in head.get(f"/cases/{case.pk}").json()["actions"]]
    without = head.post(f"/cases/{case.pk}/decide_recusal", {
        "expected_version": answer.json()["version"], "granted": True, "reason": "亲属关系"})
    assert without.json()["code"] == GuardCode.TOO_FEW_OFFICERS
    done = head.post(f"/cases/{case.pk}/decide_recusal", {
        "expected_version": answer.json()["version"], "granted": True, "reason": "亲属关系",
        "replacement_id": third.pk})
    assert done.status_code == 200, done.json()
    assert [o["recused"] for o in done.json()["officers"] if o["officer_id"] == staff.officer1.officer.pk] == [True]
