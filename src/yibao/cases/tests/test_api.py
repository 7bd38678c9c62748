"""Leads and cases on the JSON API: a lead walked to the closed case by the officers with their posts, the
head and the legal reviewer, each with a personal token; scope as on the pages; each refusal in the one
error shape with its status."""

import datetime as dt

import pytest
from django.test import Client

from yibao.api.tokens import do_create_api_token
from yibao.cases.models import Case, CaseStep
from yibao.cases.procedure import GuardCode, ServiceCode
from yibao.core.models import AuditEvent

from .reporting import add_physical_evidence

pytestmark = pytest.mark.django_db

PARTY = {"party_type": "institution", "name": "栾川县康宁诊所", "credit_code": "52410324MJY123456X",
         "address": "栾川县城关镇君山路1号", "legal_representative": "王某"}


class Caller:
    """A user calling the API with their own token."""

    def __init__(self, user):
        self.user = user
        _, self.token = do_create_api_token(user, "测试", actor=user)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, body: dict | None = None):
        return self.client.post(f"/api/v1{path}", body or {}, content_type="application/json")

    def act(self, case: dict, action: str, **body) -> dict:
        """Take an action on the version of the case the caller saw; assert it was taken."""
        answer = self.post(f"/cases/{case['id']}/{action}", {"expected_version": case["version"], **body})
        assert answer.status_code == 200, (action, answer.json())
        return answer.json()


@pytest.fixture
def api(staff):
    from types import SimpleNamespace

    return SimpleNamespace(**{name: Caller(getattr(staff, name))
                              for name in ("officer1", "officer2", "reviewer", "head", "auditor")})


def filing(staff, lead=None, **changes) -> dict:
    body = {"title": "栾川县康宁诊所串换药品案", "facts_summary": "串换药品、虚计诊疗项目，造成基金损失。",
            "parties": [PARTY], "officer_ids": [staff.officer1.officer.pk, staff.officer2.officer.pk],
            "act_end_on": "2025-12-31", "provisions": ["《医疗保障基金使用监督管理条例》第三十八条第（一）项"],
            "amount": "12000"}
    if lead is not None:
        body["lead_id"] = lead.pk
    return {**body, **changes}


def filed(api, staff, lead=None) -> dict:
    proposed = api.officer1.post("/cases", filing(staff, lead))
    assert proposed.status_code == 201, proposed.json()
    return api.head.act(proposed.json(), "approve_filing")


def test_a_lead_becomes_a_closed_case_through_every_step_on_the_api(api, staff, lead, clock):
    seen = api.officer1.get(f"/leads/{lead.pk}")
    assert seen.status_code == 200 and seen.json()["status"] == "received"

    proposed = api.officer1.post("/cases", filing(staff, lead))
    assert proposed.status_code == 201
    case = proposed.json()
    assert case["state"] == "proposed" and case["number"] is None and case["lead_id"] == lead.pk
    assert api.officer1.get(f"/leads/{lead.pk}").json()["status"] == "assessing"
    assert [a["action"] for a in api.head.get(f"/cases/{case['id']}").json()["actions"]] == \
        ["approve_filing", "reject_filing"]

    case = api.head.act(case, "approve_filing")
    assert case["state"] == "filed" and case["number"] == "栾医保立〔2026〕1号"
    assert case["due_on"] == "2026-06-01" and case["deadlines"][0]["basis"]
    case = api.officer1.act(case, "start_investigation")
    evidence = api.officer2.client.post(f"/api/v1/cases/{case['id']}/evidence", {
        "kind": "physical", "title": "串换药品的包装盒", "source": "当事人", "collected_by": staff.officer2.officer.pk,
        "collected_on": "2026-03-02", "place": "当事人经营场所", "quantity": 1})
    assert evidence.status_code == 201, evidence.json()
    case = api.officer2.act(case, "finish_investigation", facts="经调查，该诊所串换药品38次，造成基金损失12000元。",
                            evidence=[evidence.json()["number"]], proposal="penalty", measures="罚款", fine="24000")
    assert case["state"] == "under_review"
    parts = case["investigation_report_parts"]
    assert parts["evidence"] == [1] and parts["proposal"] == "penalty" and parts["fine"] == "24000.00"
    assert parts["drafted_by"] == "officer2" and parts["superseded_reports"] == 0
    assert case["investigation_report"].startswith("三、违法事实：经调查")
    case = api.reviewer.act(case, "complete_review", opinion="agree")
    assert case["review_passed"] is True
    case = api.head.act(case, "approve_proposal", decision_kind="penalty", fine="24000")
    case = api.officer1.act(case, "notify")
    assert case["state"] == "notified" and case["statement_window_ends"] == "2026-03-09"
    case = api.officer1.act(case, "close_statements", text="当事人书面放弃陈述、申辩")
    case = api.head.act(case, "decide", decision_kind="penalty", fine="24000")
    assert case["state"] == "decided" and case["decided_fine"] == "24000.00"
    # Electronic service only with the party's consent, recorded from its 送达地址确认书.
    no_consent = api.officer2.post(f"/cases/{case['id']}/serve", {"expected_version": case["version"],
                                                                   "method": "electronic"})
    assert no_consent.status_code >= 400 and no_consent.json()["code"] == "no_electronic_consent"
    case = api.officer1.act(case, "record_service_address", party=case["parties"][0]["id"],
                            address="栾川县城关镇君山路1号", electronic_address="kangning@example.com")
    assert case["parties"][0]["electronic_address"] == "kangning@example.com"
    case = api.officer2.act(case, "serve", method="electronic")
    assert case["service_receipt"] == {"method": "electronic", "served_on": "2026-03-02",
                                       "electronic_address": "kangning@example.com"}
    case = api.officer1.act(case, "start_enforcement")
    case = api.officer1.act(case, "record_payment", reference="缴款书 2026-0001")
    case = api.officer1.act(case, "draft_closing_report", ground="executed",
                            handling_summary="立案、调查、审核、告知、决定、送达均已完成", execution_summary="罚款已缴清")
    assert case["state"] == "enforcing"
    case = api.head.act(case, "close", reason="同意结案")
    assert case["state"] == "closed" and case["closed_on"] == "2026-03-02"
    # A closed case may still be taken to 行政复议 or court within the periods: the head may record that.
    assert [a["action"] for a in case["actions"]] == ["record_remedy"]

    steps = [s["action"] for s in case["steps"]]
    assert steps == ["propose_filing", "approve_filing", "start_investigation", "add_evidence",
                     "finish_investigation", "complete_review", "approve_proposal", "notify", "close_statements", "decide",
                     "record_service_address", "serve", "start_enforcement", "record_payment", "draft_closing_report", "close"]
    actors = dict(CaseStep.objects.filter(case_id=case["id"]).values_list("action", "actor__username"))
    assert actors["approve_filing"] == "head" and actors["complete_review"] == "reviewer"
    assert actors["finish_investigation"] == "officer2"
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case["id"]),
                                     action__startswith="case.").count() == len(steps)
    assert api.officer1.get(f"/leads/{lead.pk}").json()["status"] == "filed"


def test_a_hearing_suspension_and_resumption_walk_on_the_api(api, staff, clock):
    case = filed(api, staff)
    case = api.head.act(case, "suspend", reason="等待司法鉴定结论")
    assert case["state"] == "suspended"
    case = api.head.act(case, "resume", reason="鉴定结论已出")
    assert case["state"] == "filed"
    case = api.officer1.act(case, "start_investigation")
    case = api.officer1.act(case, "finish_investigation", facts="调查终结",
                            evidence=[add_physical_evidence(Case.objects.get(pk=case["id"]), staff.officer1)],
                            proposal="penalty")
    case = api.reviewer.act(case, "complete_review", opinion="agree")
    case = api.head.act(case, "approve_proposal", decision_kind="penalty", fine="60000", hearing_right=True)
    case = api.officer1.act(case, "notify")
    case = api.officer1.act(case, "request_hearing")
    assert case["state"] == "hearing"
    case = api.head.act(case, "name_hearing_host", host_id=staff.reviewer.pk)
    case = api.reviewer.act(case, "schedule_hearing", hearing_on="2026-03-12", hearing_time="09:30",
                            place="栾川县医疗保障局听证室")
    assert case["hearing_time"] == "09:30" and case["hearing_noticed_on"] is None
    case = api.officer1.act(case, "notify_hearing", method="mail")
    assert case["hearing_noticed_on"] == "2026-03-02" and case["hearing_notice_method"] == "mail"
    clock.set(dt.date(2026, 3, 12))
    case = api.reviewer.act(case, "record_hearing", record="听证笔录……", host_opinion="事实清楚，建议维持")
    case = api.reviewer.act(case, "finish_hearing")
    assert case["state"] == "under_review" and case["review_passed"] is False
    case = api.reviewer.act(case, "complete_review", opinion="agree")
    case = api.head.act(case, "decide", decision_kind="penalty", fine="60000")
    assert case["state"] == "decided"


def test_the_head_may_decline_a_filing_and_transfer_a_case_on_the_api(api, staff, clock):
    proposed = api.officer1.post("/cases", filing(staff)).json()
    declined = api.head.act(proposed, "reject_filing", reason="不属于本局管辖")
    assert declined["state"] == "not_filed"
    case = filed(api, staff)
    assert api.head.act(case, "transfer", reason="涉嫌犯罪，移送公安机关", kind="judiciary", to_authority="栾川县公安局",
                        letter_number="栾医保移〔2026〕1号")["state"] == "transferred"


def test_a_stale_version_is_a_conflict_and_changes_nothing(api, staff, clock):
    case = filed(api, staff)
    api.officer1.act(case, "start_investigation")
    again = api.officer1.post(f"/cases/{case['id']}/start_investigation", {"expected_version": case["version"]})
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == ServiceCode.CONFLICT and "第" in body["message"] and body["basis"] is None
    assert Case.objects.get(pk=case["id"]).version == case["version"] + 1


def test_a_step_the_law_forbids_now_is_refused_with_its_article(api, staff, clock):
    case = filed(api, staff)
    case = api.officer1.act(case, "start_investigation")
    refused = api.officer1.post(f"/cases/{case['id']}/finish_investigation",
                                {"expected_version": case["version"], "facts": " "})
    assert refused.status_code == 422
    assert refused.json() == {"code": GuardCode.NO_INVESTIGATION_REPORT,
                              "message": "调查终结报告缺少违法事实、证据、处理意见，请补全后再办理调查终结",
                              "basis": "《中华人民共和国行政处罚法》第五十七条第一款"}
    wrong_state = api.head.post(f"/cases/{case['id']}/decide",
                                {"expected_version": case["version"], "decision_kind": "no_penalty"})
    assert wrong_state.status_code == 422 and wrong_state.json()["code"] == "wrong_state"


@pytest.mark.parametrize(("who", "action", "body", "code"), [
    ("officer2", "approve_filing", {}, "wrong_role"),
    ("reviewer", "approve_filing", {}, "wrong_role"),
    ("head", "start_investigation", {}, "wrong_role"),
])
def test_the_wrong_role_is_refused_with_403(api, staff, clock, who, action, body, code):
    proposed = api.officer1.post("/cases", filing(staff)).json()
    case = proposed if action == "approve_filing" else api.head.act(proposed, "approve_filing")
    refused = getattr(api, who).post(f"/cases/{case['id']}/{action}", {"expected_version": case["version"], **body})
    assert refused.status_code == 403 and refused.json()["code"] == code
    assert refused.json()["message"]


def test_an_officer_without_the_post_is_refused_with_403(api, staff, clock):
    case = filed(api, staff)
    staff.officer1.officer.posts.remove(*staff.officer1.officer.posts.filter(name="调查岗"))
    refused = api.officer1.post(f"/cases/{case['id']}/start_investigation", {"expected_version": case["version"]})
    assert refused.status_code == 403 and refused.json()["code"] == ServiceCode.WRONG_POST


def test_a_user_who_may_not_file_is_refused(api, staff, lead, clock):
    for body in (filing(staff, lead), filing(staff)):
        refused = api.auditor.post("/cases", body)
        assert refused.status_code == 403 and refused.json()["code"] == "wrong_role"
        assert "执法人员、负责人" in refused.json()["message"]
    assert not Case.objects.exists()


def test_another_bureau_sees_none_of_the_cases_or_leads_and_may_not_act(api, staff, lead, clock):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau, ensure_demo_users

    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    users = {u.username: u for u in ensure_demo_users(other, username_prefix="song.")}
    head, officer = Caller(users["song.head"]), Caller(users["song.officer1"])
    case = api.officer1.post("/cases", filing(staff, lead)).json()

    assert head.get("/cases").json()["count"] == 0
    assert head.get("/leads").json()["count"] == 0
    for caller, path in ((head, f"/cases/{case['id']}"), (head, f"/leads/{lead.pk}")):
        missing = caller.get(path)
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    refused = head.post(f"/cases/{case['id']}/approve_filing", {"expected_version": case["version"]})
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert officer.post("/cases", filing(staff, lead)).status_code == 404
    status = head.post(f"/leads/{lead.pk}/status", {"status": "not_filed", "reason": "x"})
    assert status.status_code == 404
    assert Case.objects.get(pk=case["id"]).state == "proposed"


def test_officers_see_only_their_cases_and_heads_their_bureau(api, staff, clock, make_user, county):
    case = filed(api, staff)
    outsider = Caller(make_user("officer9", "officer", county))
    assert outsider.get("/cases").json()["count"] == 0
    assert outsider.get(f"/cases/{case['id']}").status_code == 404
    assert [c["id"] for c in api.officer2.get("/cases").json()["items"]] == [case["id"]]
    assert api.head.get("/cases", state="filed").json()["count"] == 1
    assert api.head.get("/cases", state="closed").json()["count"] == 0


def test_a_lead_is_registered_and_moved_on_the_api(api, staff, clock):
    created = api.officer1.post("/leads", {"source": "complaint", "party_type": "institution",
                                           "party_code": "H41032400002", "party_name": "栾川县某药房",
                                           "summary": "举报：串换药品", "suspected_loss": "3000"})
    assert created.status_code == 201, created.json()
    lead = created.json()
    assert lead["number"].startswith("XS410324") and lead["bureau"] == "栾川县医疗保障局"
    assert AuditEvent.objects.filter(action="lead.create", object_id=str(lead["id"])).exists()
    refused = api.officer1.post(f"/leads/{lead['id']}/status", {"status": "not_filed"})
    assert refused.status_code == 400 and "理由" in refused.json()["message"]
    moved = api.officer1.post(f"/leads/{lead['id']}/status", {"status": "not_filed", "reason": "查无实据"})
    assert moved.status_code == 200 and moved.json()["status"] == "not_filed"
    by_auditor = api.auditor.post("/leads", {"source": "complaint", "party_type": "institution", "summary": "x"})
    assert by_auditor.status_code == 403 and by_auditor.json()["code"] == "forbidden"


def test_bad_input_names_the_field_in_chinese(api, staff, clock):
    case = filed(api, staff)
    missing = api.head.post(f"/cases/{case['id']}/decide", {"expected_version": case["version"]})
    assert missing.status_code == 400
    assert missing.json() == {"code": "invalid_input", "message": "请求数据有误：decision_kind：缺少必填项", "basis": None}
    wrong = api.head.post(f"/cases/{case['id']}/decide",
                          {"expected_version": case["version"], "decision_kind": "penalty", "fine": "很多"})
    assert wrong.status_code == 400 and "fine：应为数字" in wrong.json()["message"]
    choice = api.officer1.post("/cases", filing(staff, parties=[{**PARTY, "party_type": "company"}]))
    assert choice.status_code == 400 and "parties[0].party_type：取值不在允许的范围内" in choice.json()["message"]
    no_officer = api.officer1.post("/cases", filing(staff, officer_ids=[staff.officer1.officer.pk, 999999]))
    assert no_officer.status_code == 400 and "999999" in no_officer.json()["message"]
    no_version = api.officer1.post(f"/cases/{case['id']}/start_investigation", {})
    assert no_version.status_code == 400 and "expected_version" in no_version.json()["message"]


# A valid body for every action, so that what is refused is the caller, not the request.
BODIES = {"reject_filing": {"reason": "理由"}, "finish_investigation": {"facts": "调查终结", "proposal": "not_established"},
          "complete_review": {"opinion": "agree"}, "approve_proposal": {"decision_kind": "penalty", "fine": "1000"},
          "close_statements": {"text": "放弃陈述"}, "record_hearing": {"record": "笔录", "host_opinion": "意见"},
          "decide": {"decision_kind": "no_penalty"}, "serve": {"method": "direct", "signed_by": "张三"},
          "announce_service": {"reason": "下落不明", "where": "本局网站"},
          "record_service_address": {"party": 1, "address": "某地"},
          **{a: {"reason": "理由"} for a in ("close", "suspend", "resume", "terminate")},
          "transfer": {"reason": "理由", "kind": "authority", "to_authority": "某局", "letter_number": "1"},
          "record_transfer_receipt": {},
          "arrange_payment": {"kind": "deferral", "until": "2026-06-01", "reason": "理由"}, "serve_reminder": {},
          "apply_court_enforcement": {}, "record_court_acceptance": {},
          "record_remedy": {"kind": "reconsideration", "body": "某局"}, "record_remedy_outcome": {"outcome": "upheld"},
          "ask_recusal": {"officer_id": 1, "asked_by": "party", "reason": "理由"},
          "decide_recusal": {"granted": False, "reason": "理由"}, "reassign_officer": {"reason": "理由"},
          "revoke_filing": {"reason": "理由"}, "extend_deadline": {"reason": "理由"},
          "record_excluded_period": {"kind": "testing", "start": "2026-03-02", "reason": "理由"},
          "end_excluded_period": {"end": "2026-03-02"}, "mark_complex": {"reason": "理由"},
          "record_deliberation": {"attendees": ["甲"], "conclusion": "结论"}, "name_hearing_host": {"host_id": 1},
          "schedule_hearing": {"hearing_on": "2026-03-20", "place": "听证室"},
          "notify_hearing": {"method": "direct"}, "file_summary": {},
          "draft_closing_report": {"ground": "executed", "handling_summary": "经过"},
          "return_closing_report": {"reason": "理由"}}


def _action_cells():
    from yibao.cases.procedure import STEPS, SUMMARY_TABLE, Action
    from yibao.cases.services.actions import SIDE_STEPS
    from yibao.cases.services.handling import RECORD_STEPS
    from yibao.cases.services.registry import CASE_ACTIONS

    for key in CASE_ACTIONS:
        spec = (RECORD_STEPS.get(str(key)) or SIDE_STEPS.get(str(key)) or SUMMARY_TABLE.get(str(key))
                or STEPS[Action(key)])
        state = sorted(spec.states if hasattr(spec, "states") else spec.sources)[0]
        yield pytest.param(str(key), str(state), sorted(spec.roles), id=str(key))


@pytest.mark.parametrize(("action", "state", "roles"), list(_action_cells()))
def test_every_action_refuses_the_wrong_role_and_another_bureau(api, staff, clock, action, state, roles):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau, ensure_demo_users

    case = api.officer1.post("/cases", filing(staff)).json()
    summary = action == "file_summary"  # the summary path's own step, on a summary case
    Case.objects.filter(pk=case["id"]).update(state=state, procedure="summary" if summary else "ordinary")
    body = {"expected_version": case["version"], **BODIES.get(action, {})}
    # Someone of the bureau who sees the case but whose role the step does not admit.
    wrong = api.officer1 if "officer" not in roles else (api.head if "head" not in roles else api.reviewer)
    refused = wrong.post(f"/cases/{case['id']}/{action}", body)
    assert refused.status_code == 403 and refused.json()["code"] == "wrong_role", refused.json()

    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    stranger = Caller({u.username: u for u in ensure_demo_users(other, username_prefix="song.")}[
        "song." + {"officer": "officer1", "legal_reviewer": "reviewer", "head": "head"}[roles[0]]])
    outside = stranger.post(f"/cases/{case['id']}/{action}", body)
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    assert Case.objects.get(pk=case["id"]).version == case["version"]
