"""Service of the decision (送达): electronic only with the party's recorded consent, a receipt for each method,
and a public announcement that serves only when its thirty days have passed."""

import datetime as dt

import pytest

from yibao.cases import services as s
from yibao.cases.deadlines import board
from yibao.cases.models import Case
from yibao.cases.procedure import CaseState, GuardCode, Refusal
from yibao.cases.services.service import do_announce_service, do_record_service_address
from yibao.core.models import AuditEvent

from .reporting import finish

pytestmark = pytest.mark.django_db


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.fixture
def decided(staff, file_input, clock) -> Case:
    """A fine decided on Tuesday 10 March 2026, to be served by 19 March."""
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    case = s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    case = finish(case, actor=staff.officer2)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    clock.set(dt.date(2026, 3, 10))
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000")
    assert case.state == CaseState.DECIDED and case.service_due == dt.date(2026, 3, 19)
    return case


def serve(case: Case, staff, **kwargs) -> Case:
    return s.do_serve(case, actor=staff.officer2, expected_version=case.version, **kwargs)


def consent(case: Case, staff, electronic_address: str = "kangning@example.com") -> Case:
    return do_record_service_address(case, actor=staff.officer1, expected_version=case.version,
                                     party=case.parties.get().pk, address="栾川县城关镇君山路1号",
                                     electronic_address=electronic_address)


def test_electronic_service_without_the_partys_recorded_consent_is_refused_with_article_61(decided, staff):
    refusal = refused(serve, decided, staff, method="electronic", electronic_address="kangning@example.com")
    assert refusal.code == "no_electronic_consent" and "同意电子送达" in refusal.message
    assert refusal.as_dict()["basis"] == "《中华人民共和国行政处罚法》第六十一条第一款"
    # An address confirmed without agreeing to electronic service is no consent either.
    case = consent(decided, staff, electronic_address="")
    assert refused(serve, case, staff, method="electronic").code == "no_electronic_consent"


def test_electronic_service_with_the_recorded_consent_is_served_at_the_agreed_address(decided, staff):
    case = consent(decided, staff)
    party = case.parties.get()
    assert party.service_confirmed_on == dt.date(2026, 3, 10) and party.electronic_address == "kangning@example.com"
    assert AuditEvent.objects.filter(action="case.record_service_address").exists()
    other = refused(serve, case, staff, method="electronic", electronic_address="other@example.com")
    assert other.code == "no_electronic_consent"
    case = serve(case, staff, method="electronic")
    assert case.state == CaseState.SERVED and case.served_on == dt.date(2026, 3, 10)
    assert case.service_receipt == {"method": "electronic", "served_on": "2026-03-10",
                                    "electronic_address": "kangning@example.com"}


def test_the_address_for_service_is_recorded_only_by_an_officer_of_the_case(decided, staff):
    refusal = refused(do_record_service_address, decided, actor=staff.head, expected_version=decided.version,
                      party=decided.parties.get().pk, address="某地")
    assert refusal.code == "wrong_role"


@pytest.mark.parametrize(("method", "missing"), [("direct", "签收人"), ("left", "见证人或拍照、录像记录"),
                                                 ("mail", "邮件单号")])
def test_each_method_without_its_receipt_part_is_refused(decided, staff, method, missing):
    refusal = refused(serve, decided, staff, method=method)
    assert refusal.code == "no_service_receipt" and missing in refusal.message
    assert "民事诉讼法" in refusal.as_dict()["basis"]


def test_each_method_with_its_receipt_part_is_served_and_the_receipt_kept(decided, staff):
    case = serve(decided, staff, method="left", evidence_note="拍照录像：决定书留置于诊所前台，照片3张")
    assert case.service_receipt["evidence_note"].startswith("拍照录像")
    assert case.steps.last().data["evidence_note"].startswith("拍照录像")


def test_mail_service_counts_payment_from_the_day_the_mail_was_received(decided, staff, clock):
    clock.set(dt.date(2026, 3, 13))
    case = serve(decided, staff, method="mail", tracking_number="EMS1001", on=dt.date(2026, 3, 12))
    assert case.served_on == dt.date(2026, 3, 12) and case.service_receipt["tracking_number"] == "EMS1001"
    assert case.payment_due == dt.date(2026, 3, 27)


def test_an_announcement_needs_the_reason_other_ways_failed(decided, staff):
    refusal = refused(do_announce_service, decided, actor=staff.officer2, expected_version=decided.version,
                      reason="", where="本局门户网站")
    assert refusal.code == "no_reason" and "下落不明" in refusal.message


def test_an_announced_decision_is_served_only_when_its_thirty_days_end_and_payment_counts_from_then(
        decided, staff, clock, county):
    case = do_announce_service(decided, actor=staff.officer2, expected_version=decided.version,
                               reason="当事人下落不明，直接送达、邮寄送达均未成功", where="本局门户网站")
    # Thirty days after 10 March 2026: 9 April, a Thursday.
    assert case.state == CaseState.DECIDED and case.announcement_ends == dt.date(2026, 4, 9)
    assert case.served_on is None

    [row] = board([county.pk], today=clock.day, kinds=["announcement"], near=60).rows
    assert row.due == dt.date(2026, 4, 9) and "民事诉讼法" in row.basis and "公告之日" in row.why
    # The announcement met the seven days: the service deadline no longer runs.
    assert board([county.pk], today=clock.day, kinds=["service"], near=60).rows == []
    assert any(d.key == "announce_service" for d in s.case_deadlines(case))

    clock.set(dt.date(2026, 4, 8))
    refusal = refused(serve, case, staff, method="announcement")
    assert refusal.code == "announcement_running" and "2026年4月9日" in refusal.message

    # Served on the day the period ended, recorded later without a reason: the announcement was in time.
    clock.set(dt.date(2026, 4, 13))
    case = serve(Case.objects.get(pk=case.pk), staff, method="announcement")
    assert case.state == CaseState.SERVED and case.served_on == dt.date(2026, 4, 9)
    assert case.service_receipt["where"] == "本局门户网站"
    # Fifteen days from 9 April: Friday 24 April.
    assert case.payment_due == dt.date(2026, 4, 24)


def test_an_announcement_published_after_the_seven_days_needs_the_reason_when_served(decided, staff, clock):
    clock.set(dt.date(2026, 3, 23))
    case = do_announce_service(decided, actor=staff.officer2, expected_version=decided.version,
                               reason="当事人下落不明", where="本局门户网站")
    clock.set(case.announcement_ends)
    assert refused(serve, case, staff, method="announcement").code == GuardCode.LATE_WITHOUT_REASON
    case = serve(Case.objects.get(pk=case.pk), staff, method="announcement", reason="多次寻找当事人未果")
    assert case.state == CaseState.SERVED


def test_the_case_page_shows_the_consent_and_the_receipt_and_the_receipt_document_reads_it(decided, staff, client):
    from django.urls import reverse

    from yibao.documents.context.base import DocumentContextInput
    from yibao.documents.kinds import KINDS
    from yibao.documents.tests.test_templates import SETTINGS

    def context(kind: str, **params) -> dict:
        return KINDS[kind].build_context(case, DocumentContextInput(SETTINGS, "栾医保〔2026〕1号", dt.date(2026, 3, 20),
                                                                    params))

    case = serve(consent(decided, staff), staff, method="direct", signed_by="王某（法定代表人）")
    client.force_login(staff.officer1)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "同意电子送达" in page and "签收人 王某（法定代表人）" in page
    ctx = context("service_receipt", served={"title": "行政处罚决定书", "number": "栾医保罚〔2026〕1号"})
    assert ctx["signed_by"] == "王某（法定代表人）" and ctx["tracking_number"] == ""
    confirmation = context("service_address_confirmation")
    assert confirmation["electronic_address"] == "kangning@example.com" and confirmation["confirmed_on"]
