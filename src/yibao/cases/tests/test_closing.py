"""结案: the closing report drafted by 执行岗, returned or approved by the head, in both procedures and on the API."""

import pytest

from yibao.cases import services as s
from yibao.cases.models import Case, CaseStep, ClosingReport
from yibao.cases.procedure import CaseState, GuardCode, ServiceCode
from yibao.cases.services.summary import do_decide_on_spot, do_file_summary
from yibao.core.models import AuditEvent

from .closing import drafted
from .test_execution import enforcing  # noqa: F401, F811 - a fixture the tests below take by name
from .test_services import fresh, investigated, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(staff, enforcing) -> Case:  # noqa: F811 - the fixture imported above
    """A penalty decided, served and paid in full: ready for the closing report."""
    return s.do_record_payment(enforcing, actor=staff.officer1, expected_version=enforcing.version)


def test_closing_without_a_drafted_report_is_refused_with_its_code(staff, paid):
    refusal = refused(s.do_close, paid, actor=staff.head, expected_version=paid.version)
    assert refusal.code == GuardCode.NO_CLOSING_REPORT and "结案报告" in refusal.message
    assert fresh(paid).state == CaseState.ENFORCING


def test_the_report_is_drafted_only_by_an_officer_of_the_case_at_the_execution_post(staff, paid):
    assert refused(drafted, paid, staff.head).code == "wrong_role"
    # The reviewer holds a 执行岗 too, in the legal section (for 封存): not the post of the penalty chain.
    assert refused(drafted, paid, staff.reviewer).code == "wrong_role"
    officer = staff.officer2.officer
    officer.posts.remove(*officer.posts.filter(name="执行岗"))
    refusal = refused(drafted, paid, staff.officer2)
    assert refusal.code == ServiceCode.WRONG_POST and "执行岗" in refusal.message
    assert not ClosingReport.objects.exists()
    assert [a for a, _ in s.available_actions(paid, staff.officer1)].count("draft_closing_report") == 1
    assert "draft_closing_report" not in [a for a, _ in s.available_actions(paid, staff.officer2)]


def test_a_ground_that_does_not_agree_with_the_case_is_refused_and_nothing_is_kept(staff, paid):
    for ground in ("court_accepted", "nothing_to_execute"):
        assert refused(drafted, paid, staff.officer1, ground).code == GuardCode.CLOSING_GROUND_MISMATCH
    assert refused(drafted, paid, staff.officer1, "settled").code == ServiceCode.INVALID_INPUT
    assert refused(drafted, paid, staff.officer1, summary=" ").code == ServiceCode.INVALID_INPUT
    assert not ClosingReport.objects.exists() and fresh(paid).version == paid.version


def test_the_head_returns_the_report_with_a_reason_and_closes_on_the_redraft(staff, paid, clock):
    case = drafted(paid, staff.officer1, execution="罚款已缴清")
    assert case.state == CaseState.ENFORCING
    assert {"return_closing_report", "close"} <= {a for a, _ in s.available_actions(case, staff.head)}
    kw = {"actor": staff.head}
    assert refused(s.do_return_closing_report, case, expected_version=case.version, reason="",
                   **kw).code == GuardCode.NO_REASON
    case = s.do_return_closing_report(case, expected_version=case.version, reason="请写明缴款凭证号", **kw)
    report = ClosingReport.objects.get(case=case)
    assert (report.status, report.returned_by, report.return_reason) == ("returned", staff.head, "请写明缴款凭证号")
    assert refused(s.do_close, case, expected_version=case.version, **kw).code == GuardCode.NO_CLOSING_REPORT

    case = drafted(case, staff.officer2, execution="罚款已缴清，缴款书 2026-0001")
    case = s.do_close(case, expected_version=case.version, reason="同意结案", **kw)
    assert case.state == CaseState.CLOSED and case.closed_on == clock.day
    report.refresh_from_db()
    assert (report.status, report.drafts, report.drafted_by, report.approved_by, report.approval_opinion) == \
        ("approved", 2, staff.officer2, staff.head, "同意结案")
    assert report.approved_on == clock.day

    steps = list(CaseStep.objects.filter(case=case).values_list("action", flat=True))
    assert steps[-4:] == ["draft_closing_report", "return_closing_report", "draft_closing_report", "close"]
    events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                       action__in=["case.draft_closing_report", "case.return_closing_report",
                                                   "case.close"]).order_by("id")
    # The history of the drafts is in the trail: each draft's ground and texts, the return's reason.
    assert [(e.action, e.data.get("draft")) for e in events] == [
        ("case.draft_closing_report", 1), ("case.return_closing_report", 1), ("case.draft_closing_report", 2),
        ("case.close", 2)]
    assert events[0].data["execution_summary"] == "罚款已缴清" and events[1].data["reason"] == "请写明缴款凭证号"
    assert events[3].data["ground"] == "executed"


def test_a_case_with_nothing_to_execute_is_closed_from_served(staff, file_input, clock):
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="not_established")
    case = s.do_serve(case, actor=staff.officer1, expected_version=case.version, method="mail", tracking_number="EMS1001")
    assert refused(drafted, case, staff.officer1, "executed").code == GuardCode.CLOSING_GROUND_MISMATCH
    case = drafted(fresh(case), staff.officer1, "nothing_to_execute")
    assert case.state == CaseState.SERVED
    assert s.do_close(case, actor=staff.head, expected_version=case.version).state == CaseState.CLOSED


def test_a_summary_case_is_closed_on_the_report_of_its_execution_post(staff, clock):
    from .test_summary import spot

    case = do_decide_on_spot(spot(staff, fine=None), actor=staff.officer1)  # a warning
    case = do_file_summary(case, actor=staff.head, expected_version=case.version)
    assert refused(s.do_close, case, actor=staff.head, expected_version=case.version).code == \
        GuardCode.NO_CLOSING_REPORT
    assert "draft_closing_report" in [a for a, _ in s.available_actions(case, staff.officer1)]
    assert refused(drafted, case, staff.head, "nothing_to_execute").code == "wrong_role"
    assert refused(drafted, case, staff.officer1, "executed").code == GuardCode.CLOSING_GROUND_MISMATCH
    case = drafted(fresh(case), staff.officer1, "nothing_to_execute")
    assert [a for a, _ in s.available_actions(case, staff.head)] == ["return_closing_report", "close"]
    case = s.do_return_closing_report(case, actor=staff.head, expected_version=case.version, reason="请补充执行情况")
    case = drafted(case, staff.officer1, "nothing_to_execute", execution="警告已随决定书当场送达")
    case = s.do_close(case, actor=staff.head, expected_version=case.version)
    assert case.state == CaseState.CLOSED and case.closing_report.drafts == 2


def test_the_report_is_drafted_returned_and_approved_on_the_api(staff, paid):
    from .test_api import Caller

    officer, head = Caller(staff.officer1), Caller(staff.head)
    case = officer.get(f"/cases/{paid.pk}").json()
    assert "draft_closing_report" in [a["action"] for a in case["actions"]]
    body = {"expected_version": case["version"], "ground": "court_accepted", "handling_summary": "已缴清"}
    mismatch = officer.post(f"/cases/{paid.pk}/draft_closing_report", body)
    assert mismatch.status_code == 422 and mismatch.json()["code"] == GuardCode.CLOSING_GROUND_MISMATCH
    assert case["closing_report"] is None
    case = officer.act(case, "draft_closing_report", ground="executed", handling_summary="已缴清")
    assert (case["closing_report"]["status"], case["closing_report"]["drafted_by"]) == ("drafted", "officer1")
    case = head.act(case, "return_closing_report", reason="请写明缴款日期")
    assert case["closing_report"]["return_reason"] == "请写明缴款日期"
    early = head.post(f"/cases/{paid.pk}/close", {"expected_version": case["version"]})
    assert early.status_code == 422 and early.json()["code"] == GuardCode.NO_CLOSING_REPORT
    case = officer.act(case, "draft_closing_report", ground="executed", handling_summary="已于3月2日缴清")
    case = head.act(case, "close", reason="同意结案")
    assert case["state"] == "closed"
    assert {k: case["closing_report"][k] for k in ("status", "drafts", "approved_by", "ground_label")} == {
        "status": "approved", "drafts": 2, "approved_by": "head", "ground_label": "行政处罚决定执行完毕"}


def test_the_workbench_asks_for_the_report_then_for_the_heads_approval_and_the_case_page_shows_it(client, staff,
                                                                                                   paid):
    from yibao.cases.views_workbench import CLOSE_LABEL, work_for

    def todo(user, section):
        return [(i.action, i.pk) for i in work_for(user).sections.get(section, [])]

    assert ("起草结案报告", paid.pk) in todo(staff.officer1, "at_post")
    assert (CLOSE_LABEL, paid.pk) not in todo(staff.head, "approvals")
    case = drafted(paid, staff.officer1, execution="罚款已缴清")
    assert ("起草结案报告", paid.pk) not in todo(staff.officer1, "at_post")
    assert (CLOSE_LABEL, paid.pk) in todo(staff.head, "approvals")
    client.force_login(staff.head)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="closing-report"' in page and "行政处罚决定执行完毕" in page and "待负责人审批" in page
    case = s.do_return_closing_report(case, actor=staff.head, expected_version=case.version, reason="请写明缴款日期")
    assert ("起草结案报告", paid.pk) in todo(staff.officer1, "at_post")
    assert "请写明缴款日期" in client.get(case.get_absolute_url()).content.decode()


def test_the_closing_approval_form_is_filled_from_the_report_and_the_heads_approval(staff, paid):
    import datetime as dt

    from yibao.documents.context.base import DocumentContextInput
    from yibao.documents.kinds import KINDS
    from yibao.documents.tests.test_templates import SETTINGS, render

    def form(case):
        return KINDS["closing_approval"].build_context(case, DocumentContextInput(SETTINGS, "", dt.date(2026, 3, 20), {}))

    assert form(paid)["closing_ground"] == form(paid)["drafted_by"] == ""  # blank, to be filled in by hand
    case = drafted(paid, staff.officer1, summary="立案后调查终结，依法作出处罚决定并送达", execution="罚款已缴清")
    text = render("closing_approval", form(case))
    assert "行政处罚决定执行完毕" in text and "依法作出处罚决定并送达" in text and "罚款已缴清" in text
    assert "张建国" in text and "赵志强" not in text and "None" not in text
    case = s.do_close(case, actor=staff.head, expected_version=case.version, reason="同意结案，归档")
    assert "同意结案，归档　赵志强" in render("closing_approval", form(case))
