"""Seals on the JSON API: the normal path by the posts of seed 003 item 12, refusals in the one error shape."""

import pytest

from yibao.cases.tests.test_api import Caller

pytestmark = pytest.mark.django_db


def body(staff, **changes) -> dict:
    data = {"party_name": "栾川县康宁诊所", "items": ["门诊处方 3 册"], "place": "药房", "reason": "可能被销毁",
            "days": 30, "officer_ids": [staff.officer1.officer.pk, staff.officer2.officer.pk]}
    data.update(changes)
    return data


def test_a_seal_is_proposed_approved_executed_extended_and_lifted_on_the_api(staff):
    officer, head, reviewer = Caller(staff.officer1), Caller(staff.head), Caller(staff.reviewer)
    answer = officer.post("/seals", body(staff))
    assert answer.status_code == 201, answer.json()
    seal = answer.json()
    assert seal["status"] == "proposed"

    def act(caller, action, **kw):
        nonlocal seal
        got = caller.post(f"/seals/{seal['id']}/{action}", {"expected_version": seal["version"], **kw})
        assert got.status_code == 200, (action, got.json())
        seal = got.json()

    act(head, "approve", approved=True)
    wrong = officer.post(f"/seals/{seal['id']}/execute", {"expected_version": seal["version"], "site_record": "x"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_post"
    act(reviewer, "execute", site_record="已贴封条")
    act(officer, "notify", statement="无异议")
    act(head, "extend", days=30, reason="需调取银行流水")
    again = head.post(f"/seals/{seal['id']}/extend", {"expected_version": seal["version"], "days": 1, "reason": "r"})
    assert again.status_code == 422 and again.json()["code"] == "seal_second_extension"
    assert "第二十五条" in again.json()["basis"]
    act(head, "lift", reason="unrelated")
    assert seal["status"] == "lifted"
    assert [s["id"] for s in officer.get("/seals").json()] == [seal["id"]]


def test_thirty_one_days_are_refused_on_the_api(staff):
    answer = Caller(staff.officer1).post("/seals", body(staff, days=31))
    assert answer.status_code == 422 and answer.json()["code"] == "seal_period_too_long"


def test_the_openapi_document_describes_the_seal_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/seals" in paths and "/api/v1/seals/{seal_id}/lift" in paths


def test_an_officer_of_the_case_not_among_the_seals_officers_is_refused_with_403_and_others_see_nothing(
        staff, make_user, county, case, clock):
    import datetime as dt

    from yibao.cases.models import CaseOfficer
    from yibao.org.constants import Role
    from yibao.org.models import Officer

    seal = Caller(staff.officer1).post("/seals", body(staff, case_id=case.pk, emergency=True,
                                                       site_record="紧急")).json()
    third = make_user("officer3", Role.OFFICER, county)
    officer = Officer.objects.create(bureau=county, name="王三", certificate_number="YB4103240009",
                                     certificate_expiry=clock.day + dt.timedelta(days=365), user=third)
    stranger = Caller(make_user("officer4", Role.OFFICER, county))
    assert stranger.get(f"/seals/{seal['id']}").status_code == 404
    CaseOfficer.objects.create(case=case, officer=officer, assigned_on=clock.day)
    answer = Caller(third).post(f"/seals/{seal['id']}/report", {"expected_version": seal["version"]})
    assert answer.status_code == 403 and answer.json()["code"] == "seal_not_seal_officer"


def test_an_appraisal_period_told_in_writing_moves_the_end_on_the_api(staff):
    officer, head, reviewer = Caller(staff.officer1), Caller(staff.head), Caller(staff.reviewer)
    seal = officer.post("/seals", body(staff)).json()
    seal = head.post(f"/seals/{seal['id']}/approve", {"expected_version": seal["version"], "approved": True}).json()
    seal = reviewer.post(f"/seals/{seal['id']}/execute",
                         {"expected_version": seal["version"], "site_record": "已贴封条"}).json()
    period = {"kind": "appraisal", "subject": "门诊处方 3 册", "performed_by": "河南某司法鉴定所",
              "starts_on": "2026-03-02", "ends_on": "2026-03-11"}
    untold = officer.post(f"/seals/{seal['id']}/exclusions", {"expected_version": seal["version"], **period})
    assert untold.status_code == 422 and untold.json()["code"] == "seal_exclusion_not_told"
    moved = officer.post(f"/seals/{seal['id']}/exclusions",
                         {"expected_version": seal["version"], **period, "told_on": "2026-03-02"})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["ends_on"] > seal["ends_on"] and "共10日" in moved.json()["ends_explanation"]
