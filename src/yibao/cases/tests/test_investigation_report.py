"""调查终结报告 in its parts: the guard names the missing parts, a redraft supersedes the earlier report, the case
keeps the current report's text, and the case page asks for the parts."""

import datetime as dt

import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.models import Evidence, InvestigationReport
from yibao.cases.models.investigation import ImmutableRecord
from yibao.cases.procedure import CaseState, GuardCode, ServiceCode
from yibao.cases.services.evidence import do_withdraw_evidence
from yibao.cases.services.report import ReportInput, do_finish_investigation

from .reporting import add_physical_evidence, finish
from .test_services import filed_case, fresh, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(staff, file_input, clock):
    filed = filed_case(staff, file_input)
    return s.do_start_investigation(filed, actor=staff.officer1, expected_version=filed.version)


def test_a_report_without_facts_evidence_or_proposal_is_refused_naming_each_missing_part(staff, case):
    r = refused(do_finish_investigation, case, actor=staff.officer1, expected_version=case.version,
                report=ReportInput(process="调取了收费明细"))
    assert r.code == GuardCode.NO_INVESTIGATION_REPORT
    assert r.message == "调查终结报告缺少违法事实、证据、处理意见，请补全后再办理调查终结"
    assert r.basis.label() == "《中华人民共和国行政处罚法》第五十七条第一款"
    r = refused(finish, fresh(case), actor=staff.officer1, evidence=[], facts="串换药品38次")
    assert r.message == "调查终结报告缺少证据，请补全后再办理调查终结"
    assert not InvestigationReport.objects.exists() and fresh(case).investigation_report == ""
    assert fresh(case).state == CaseState.INVESTIGATING


def test_facts_not_established_need_no_evidence(staff, case):
    done = do_finish_investigation(case, actor=staff.officer1, expected_version=case.version, report=ReportInput(
        facts="举报所称串换药品经查不属实", proposal="not_established"))
    assert done.state == CaseState.UNDER_REVIEW
    assert "六、处理意见：违法事实不能成立" in done.investigation_report


def test_the_report_relies_only_on_evidence_of_the_case_not_withdrawn(staff, case):
    number = add_physical_evidence(case, staff.officer1)
    do_withdraw_evidence(Evidence.objects.get(case=case, number=number), actor=staff.officer1, reason="与本案无关")
    for numbers in ([number], [99]):
        r = refused(do_finish_investigation, case, actor=staff.officer1, expected_version=case.version,
                    report=ReportInput(facts="串换药品", evidence=numbers, proposal="penalty"))
        assert r.code == ServiceCode.INVALID_INPUT and str(numbers[0]) in r.message


def test_the_report_is_kept_in_its_parts_and_as_the_case_text(staff, case):
    done = finish(case, actor=staff.officer2, fine="24000", measures="罚款", discretion="初次违法，积极配合调查")
    report = InvestigationReport.objects.get(case=done)
    assert report.current and report.drafted_by == staff.officer2 and report.drafted_on == dt.date(2026, 3, 2)
    assert [e.number for e in report.evidence.all()] == [1]
    assert report.basis == done.provisions and report.grade == (done.assessment.get("grade") or {})
    text = done.investigation_report
    assert text.startswith("一、案件来源与立案情况：智能监控线索")
    assert "三、违法事实：经调查" in text and "四、证据：证据1：串换药品的包装盒" in text
    assert "六、处理意见：给予行政处罚，罚款，罚款 24000.00 元" in text and "初次违法，积极配合调查" in text
    step = done.steps.get(action="finish_investigation")
    assert step.data["report"] == report.pk and step.data["evidence"] == [1]
    report.facts = "改写"
    with pytest.raises(ImmutableRecord):
        report.save()


def test_a_redraft_after_further_investigation_supersedes_the_earlier_report_which_stays(staff, case):
    first = finish(case, actor=staff.officer1, facts="串换药品30次")
    returned = s.do_complete_review(first, actor=staff.reviewer, expected_version=first.version,
                                    opinion="investigate_further", text="补充调取进销存记录")
    assert returned.state == CaseState.INVESTIGATING
    second = finish(returned, actor=staff.officer1, facts="串换药品38次")
    old, new = InvestigationReport.objects.filter(case=case).order_by("id")
    assert old.superseded_at is not None and old.superseded_by == new and old.facts == "串换药品30次"
    assert new.current and [e.number for e in new.evidence.all()] == [2]
    assert "串换药品38次" in second.investigation_report and "30次" not in second.investigation_report


def test_the_case_page_asks_for_the_report_in_its_parts_and_the_investigation_page_shows_every_draft(
        client, staff, case):
    add_physical_evidence(case, staff.officer1, title="收费明细")
    client.force_login(staff.officer1)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    form = html[html.index('data-action="finish_investigation"'):]
    form = form[:form.index("</form>")]
    assert 'name="facts"' in form and 'name="proposal"' in form and "证据1：收费明细" in form
    posted = client.post(reverse("cases:case_act", args=[case.pk, "finish_investigation"]), {
        "version": case.version, "facts": "串换药品38次", "evidence": ["1"], "proposal": "penalty",
        "fine": "24000"})
    assert posted.status_code == 302, posted.content.decode()
    assert fresh(case).state == CaseState.UNDER_REVIEW
    page = client.get(reverse("cases:investigation", args=[case.pk])).content.decode()
    assert 'id="investigation-reports"' in page and "串换药品38次" in page and "证据1：收费明细" in page
