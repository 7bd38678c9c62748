"""The investigation's records, evidence, 先行登记保存 and 协查 letters: what is recorded, and each refusal's code."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yibao.cases.models import (
    AssistanceRequest,
    Attachment,
    Case,
    Evidence,
    InquiryRecord,
    Preservation,
    PreservationStatus,
)
from yibao.cases.models.investigation import ImmutableRecord
from yibao.cases.procedure import CaseState, GuardCode
from yibao.cases.services import do_start_investigation
from yibao.cases.services.evidence import EvidenceInput, do_add_evidence, do_withdraw_evidence
from yibao.cases.services.investigation import (
    InvestigationCode,
    RecordInput,
    do_approve_preservation,
    do_decide_preservation,
    do_propose_preservation,
    do_record_assistance_reply,
    do_record_inquiry,
    do_record_inspection,
    do_register_preservation,
    do_send_assistance_request,
    investigation_deadlines,
    investigation_deadlines_until,
)
from yibao.core.models import AuditEvent

from .test_services import filed_case, refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.YIBAO_EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.YIBAO_EVIDENCE_ROOT


@pytest.fixture
def case(staff, file_input, clock):
    filed = filed_case(staff, file_input)
    return do_start_investigation(filed, actor=staff.officer1, expected_version=filed.version)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def inquiry(staff, **changes) -> RecordInput:
    data = RecordInput(
        started_at=at(dt.date(2026, 3, 2), 9), ended_at=at(dt.date(2026, 3, 2), 10, 30), place="栾川县康宁诊所办公室",
        officer_ids=[staff.officer1.officer.pk, staff.officer2.officer.pk], certificates_shown=True,
        person_name="王某", person_id_number="410324198001011234", person_relation="法定代表人",
        qa=[("你是否知道诊所串换药品？", "知道，是收费员操作的。"), ("涉及多少次？", "大约三十多次。")],
        signature="signed", page_count=3)
    for k, v in changes.items():
        setattr(data, k, v)
    return data


def evidence(staff, **changes) -> EvidenceInput:
    data = EvidenceInput(kind="documentary", title="2025年门诊收费明细", source="栾川县康宁诊所",
                         collected_by=staff.officer1.officer.pk, collected_on=dt.date(2026, 3, 2),
                         place="栾川县康宁诊所", quantity=12, description="证明串换药品的收费记录")
    for k, v in changes.items():
        setattr(data, k, v)
    return data


def test_an_inquiry_record_keeps_the_officers_certificates_and_the_questions_in_order(staff, case, clock):
    events = AuditEvent.objects.count()
    record = do_record_inquiry(case, inquiry(staff), actor=staff.officer1)
    record = InquiryRecord.objects.get(pk=record.pk)
    assert [qa["question"] for qa in record.qa] == ["你是否知道诊所串换药品？", "涉及多少次？"]
    assert {c["certificate_number"] for c in record.officer_certificates} == {
        staff.officer1.officer.certificate_number, staff.officer2.officer.certificate_number}
    assert record.certificates_shown and record.kind == "inquiry_record"
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").action == "case.record_inquiry"
    # Written once: the record refuses a change, and the case's version is not bumped by it.
    record.place = "别处"
    with pytest.raises(ImmutableRecord):
        record.save()
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_record_with_one_officer_or_certificates_not_shown_is_refused(staff, case):
    one = inquiry(staff, officer_ids=[staff.officer1.officer.pk])
    assert refused(do_record_inquiry, case, one, actor=staff.officer1).code == GuardCode.TOO_FEW_OFFICERS
    hidden = inquiry(staff, certificates_shown=False)
    r = refused(do_record_inquiry, case, hidden, actor=staff.officer1)
    assert r.code == InvestigationCode.CERTIFICATES_NOT_SHOWN and "第五十五条第一款" in r.basis.label()
    assert refused(do_record_inquiry, case, inquiry(staff, qa=[]), actor=staff.officer1).code == \
        InvestigationCode.NO_QUESTIONS
    unsigned = inquiry(staff, signature="refused")
    assert refused(do_record_inquiry, case, unsigned, actor=staff.officer1).code == \
        InvestigationCode.REFUSAL_WITHOUT_WITNESS


def test_an_officer_whose_certificate_expired_that_day_cannot_be_counted_present(staff, case):
    officer = staff.officer2.officer
    officer.certificate_expiry = dt.date(2026, 3, 1)
    officer.save()
    assert refused(do_record_inquiry, case, inquiry(staff), actor=staff.officer1).code == GuardCode.CERTIFICATE_INVALID


def test_records_are_made_by_an_officer_of_the_case_while_it_is_investigated(staff, case):
    assert refused(do_record_inquiry, case, inquiry(staff), actor=staff.head).code == "wrong_role"
    assert refused(do_record_inquiry, case, inquiry(staff), actor=staff.reviewer).code == "wrong_role"
    Case.objects.filter(pk=case.pk).update(state=CaseState.UNDER_REVIEW)
    assert refused(do_record_inquiry, case, inquiry(staff), actor=staff.officer1).code == "wrong_state"


def test_an_inspection_record_needs_what_was_found(staff, case):
    data = inquiry(staff, qa=[], findings="")
    assert refused(do_record_inspection, case, data, actor=staff.officer2).code == "invalid_input"
    data.findings = "药房库存与进销存系统不符：阿莫西林少 20 盒。"
    record = do_record_inspection(case, data, actor=staff.officer2)
    assert record.kind == "inspection_record" and record.officers.count() == 2


def test_evidence_is_numbered_hashed_stored_and_never_changed(staff, case, evidence_root):
    content = b"receipt " * 1000
    item = do_add_evidence(case, evidence(staff), [SimpleUploadedFile("明细.pdf", content, "application/pdf")],
                           actor=staff.officer1)
    attachment = Attachment.objects.get(evidence=item)
    assert item.number == 1
    assert attachment.sha256 == hashlib.sha256(content).hexdigest() and attachment.size == len(content)
    assert (evidence_root / attachment.path).read_bytes() == content
    assert not any((evidence_root / "incoming").iterdir())
    item.title = "改过的名称"
    with pytest.raises(ImmutableRecord):
        item.save()
    with pytest.raises(ImmutableRecord):
        item.delete()


def test_a_correction_is_a_new_item_and_a_withdrawal_keeps_the_file(staff, case, evidence_root):
    first = do_add_evidence(case, evidence(staff), [SimpleUploadedFile("a.pdf", b"one")], actor=staff.officer1)
    second = do_add_evidence(case, evidence(staff, corrects=first.pk, title="更正后的收费明细"),
                             [SimpleUploadedFile("b.pdf", b"two")], actor=staff.officer2)
    assert second.number == 2 and second.corrects == first
    assert refused(do_withdraw_evidence, first, actor=staff.officer1, reason="").code == InvestigationCode.NO_REASON
    do_withdraw_evidence(first, actor=staff.officer1, reason="复印件不清晰，已由证据2更正")
    first = Evidence.objects.get(pk=first.pk)
    assert first.withdrawn and first.title == "2025年门诊收费明细"
    assert (evidence_root / first.attachments.get().path).exists()
    assert refused(do_withdraw_evidence, first, actor=staff.officer1, reason="再次").code == \
        InvestigationCode.EVIDENCE_WITHDRAWN


def test_evidence_without_a_file_or_over_the_limit_is_refused(staff, case, settings, evidence_root):
    assert refused(do_add_evidence, case, evidence(staff), [], actor=staff.officer1).code == \
        InvestigationCode.EVIDENCE_WITHOUT_FILE
    assert do_add_evidence(case, evidence(staff, kind="physical", title="药品包装盒"), [], actor=staff.officer1).number == 1
    settings.YIBAO_EVIDENCE_MAX_BYTES = 1000
    big = SimpleUploadedFile("video.mp4", b"x" * 1001, "video/mp4")
    r = refused(do_add_evidence, case, evidence(staff, kind="audiovisual"), [big], actor=staff.officer1)
    assert r.code == InvestigationCode.EVIDENCE_TOO_LARGE and "上限" in r.message
    assert Evidence.objects.filter(case=case).count() == 1
    assert not any((evidence_root / "incoming").iterdir())


def test_a_failed_evidence_write_leaves_no_file_it_stored_but_keeps_a_file_others_own(staff, case, evidence_root,
                                                                                       monkeypatch):
    kept = do_add_evidence(case, evidence(staff), [SimpleUploadedFile("a.pdf", b"already here")],
                           actor=staff.officer1).attachments.get()
    create, calls = Attachment.objects.create, []

    def create_then_fail(**kwargs):
        calls.append(kwargs["path"])
        if len(calls) == 2:
            raise RuntimeError("数据库写入失败")
        return create(**kwargs)

    monkeypatch.setattr(Attachment.objects, "create", create_then_fail)
    files = [SimpleUploadedFile("new.pdf", b"brand new"), SimpleUploadedFile("same.pdf", b"already here")]
    with pytest.raises(RuntimeError):
        do_add_evidence(case, evidence(staff, title="第二份"), files, actor=staff.officer1)
    new_path = f"{case.pk}/{hashlib.sha256(b'brand new').hexdigest()}"
    assert calls == [new_path, kept.path]
    assert not (evidence_root / new_path).exists()
    assert (evidence_root / kept.path).read_bytes() == b"already here"
    assert not any((evidence_root / "incoming").iterdir())
    assert Evidence.objects.filter(case=case).count() == 1


def test_evidence_collected_by_someone_not_on_the_case_is_refused(staff, case):
    from yibao.org.models import Officer

    stranger = Officer.objects.create(bureau=case.bureau, name="李某", certificate_number="X1",
                                      certificate_expiry=dt.date(2030, 1, 1))
    data = evidence(staff, collected_by=stranger.pk)
    assert refused(do_add_evidence, case, data, [SimpleUploadedFile("a.pdf", b"1")], actor=staff.officer1).code == \
        InvestigationCode.NOT_ON_CASE


ITEMS = [{"name": "处方笺", "specification": "2025年1-6月", "quantity": "3本", "holder": "栾川县康宁诊所"}]


def test_preservation_needs_the_heads_approval_before_the_items_are_registered(staff, case):
    p = do_propose_preservation(case, actor=staff.officer1, items=ITEMS, reason="处方笺可能被销毁", place="诊所药房")
    assert refused(do_register_preservation, p, actor=staff.officer1).code == InvestigationCode.PRESERVATION_NOT_APPROVED
    assert refused(do_approve_preservation, p, actor=staff.officer1, approve=True).code == "wrong_role"
    do_approve_preservation(p, actor=staff.head, approve=True)
    assert refused(do_register_preservation, p, actor=staff.officer1, preserved_on=dt.date(2026, 3, 1)).code == \
        InvestigationCode.PRESERVATION_BEFORE_APPROVAL
    p = do_register_preservation(p, actor=staff.officer1, notice_number="栾医保先保〔2026〕1号")
    # Monday 2 March 2026 + 7 working days = Wednesday 11 March.
    assert p.status == PreservationStatus.PRESERVED and p.due_on == dt.date(2026, 3, 11)
    assert "第五十六条" in investigation_deadlines(case)[0].basis


def test_a_preservation_decided_after_seven_working_days_is_refused_and_shows_overdue(staff, case, clock):
    p = do_propose_preservation(case, actor=staff.officer1, items=ITEMS, reason="可能被转移", place="诊所药房")
    do_approve_preservation(p, actor=staff.head, approve=True)
    p = do_register_preservation(p, actor=staff.officer1)
    clock.set(dt.date(2026, 3, 12))
    r = refused(do_decide_preservation, p, actor=staff.head, outcome="return")
    assert r.code == InvestigationCode.PRESERVATION_DECISION_LATE and "第五十六条" in r.basis.label()
    assert Preservation.objects.get(pk=p.pk).overdue(dt.date(2026, 3, 12))
    [deadline] = investigation_deadlines_until(dt.date(2026, 3, 12), [case.bureau_id])
    assert deadline.overdue(dt.date(2026, 3, 12))


def test_a_preservation_decided_in_time_closes_its_deadline(staff, case, clock):
    p = do_propose_preservation(case, actor=staff.officer1, items=ITEMS, reason="可能被转移", place="诊所药房")
    do_approve_preservation(p, actor=staff.head, approve=True)
    do_register_preservation(p, actor=staff.officer1)
    clock.set(dt.date(2026, 3, 11))
    assert refused(do_decide_preservation, p, actor=staff.head, outcome="transfer").code == "invalid_input"
    p = do_decide_preservation(p, actor=staff.head, outcome="return", note="")
    assert p.status == PreservationStatus.DECIDED and investigation_deadlines(case) == []


def test_an_assistance_letter_has_its_reply_due_and_is_overdue_without_a_reply(staff, case, clock):
    letter = do_send_assistance_request(case, actor=staff.officer1, to_authority="洛阳市医疗保障局",
                                        matters="请协查王某在贵局辖区的就医结算记录", document_number="栾医保协〔2026〕1号")
    # 15 working days (the bureau's default; no law fixes it) after Monday 2 March: Monday 23 March.
    assert letter.reply_due == dt.date(2026, 3, 23)
    assert [d.kind for d in investigation_deadlines(case)] == ["assistance_reply"]
    assert AssistanceRequest.objects.get(pk=letter.pk).overdue(dt.date(2026, 3, 24))
    clock.set(dt.date(2026, 3, 25))
    letter = do_record_assistance_reply(letter, actor=staff.officer2, reply="查无结算记录")
    assert letter.replied_on == dt.date(2026, 3, 25) and investigation_deadlines(case) == []
    assert refused(do_record_assistance_reply, letter, actor=staff.officer2, reply="再次").code == \
        InvestigationCode.REPLY_RECORDED


def test_an_officer_of_the_case_without_the_investigation_post_may_not_record(staff, case):
    officer = staff.officer1.officer
    officer.posts.remove(*officer.posts.filter(name="调查岗"))
    r = refused(do_record_inquiry, case, inquiry(staff), actor=staff.officer1)
    assert r.code == "wrong_post" and "调查岗" in r.message


def test_an_officer_with_the_post_but_not_on_the_case_may_not_add_evidence(staff, case, make_user):
    from yibao.org.models import Officer

    other = make_user("officer3", "officer", case.bureau)
    twin = Officer.objects.create(bureau=case.bureau, name="赵某", certificate_number="豫执41032499",
                                  certificate_expiry=dt.date(2030, 1, 1), user=other)
    twin.posts.set(staff.officer1.officer.posts.all())
    r = refused(do_add_evidence, case, evidence(staff), [SimpleUploadedFile("a.pdf", b"1")], actor=other)
    assert r.code == "not_case_officer"
