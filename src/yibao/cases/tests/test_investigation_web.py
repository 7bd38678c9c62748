"""The investigation through the pages (Django client) and the JSON API: records and evidence round-trip, files
stream to disk through the evidence handler, downloads are audited, refusals come back with their code."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yibao.api.tokens import do_create_api_token
from yibao.cases.models import Attachment, Evidence, InquiryRecord
from yibao.cases.services import do_start_investigation
from yibao.cases.services.evidence import EvidenceUploadHandler, HashedUploadedFile
from yibao.core.models import AuditEvent

from .test_services import filed_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.YIBAO_EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.YIBAO_EVIDENCE_ROOT


@pytest.fixture
def case(staff, file_input, clock):
    filed = filed_case(staff, file_input)
    return do_start_investigation(filed, actor=staff.officer1, expected_version=filed.version)


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user) -> Client:
    _, token = do_create_api_token(user, "测试", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


RECORD_FORM = {"started_at": "2026-03-02 09:00", "ended_at": "2026-03-02 10:00", "place": "诊所办公室",
               "certificates_shown": "1", "person_name": "王某", "person_relation": "法定代表人",
               "qa": "问：你是否知道串换药品？\n答：知道。\n问：涉及多少次？\n答：三十多次，\n都在2025年。",
               "signature": "signed", "page_count": "2"}


def test_an_inquiry_record_made_on_the_page_shows_its_questions_in_order(staff, case):
    officers = [staff.officer1.officer.pk, staff.officer2.officer.pk]
    client = browser(staff.officer1)
    answer = client.post(f"/cases/{case.pk}/investigation/record_inquiry/", {**RECORD_FORM, "officers": officers})
    assert answer.status_code == 302
    record = InquiryRecord.objects.get(case=case)
    assert [p["question"] for p in record.qa] == ["你是否知道串换药品？", "涉及多少次？"]
    assert record.qa[1]["answer"] == "三十多次，\n都在2025年。"
    page = client.get(f"/cases/{case.pk}/investigation/records/inquiry_record/{record.pk}/").content.decode()
    assert "涉及多少次？" in page and staff.officer2.officer.certificate_number in page
    assert "询问笔录 1 份" in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_record_with_one_officer_is_refused_on_the_page_with_its_code(staff, case):
    client = browser(staff.officer1)
    answer = client.post(f"/cases/{case.pk}/investigation/record_inquiry/",
                         {**RECORD_FORM, "officers": [staff.officer1.officer.pk]})
    assert answer.status_code == 422
    assert "too_few_officers" in answer.content.decode() and "第四十二条" in answer.content.decode()
    assert not InquiryRecord.objects.filter(case=case).exists()


def evidence_form(staff, **changes) -> dict:
    return {"kind": "audiovisual", "title": "现场检查录像", "source": "执法记录仪", "collected_by":
            str(staff.officer1.officer.pk), "collected_on": "2026-03-02", "place": "诊所药房", "quantity": "1",
            **changes}


def test_a_multi_megabyte_video_streams_through_the_evidence_handler_in_chunks(staff, case, evidence_root,
                                                                               monkeypatch):
    chunks: list[int] = []
    receive = EvidenceUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        chunks.append(len(raw_data))
        return receive(self, raw_data, start)

    monkeypatch.setattr(EvidenceUploadHandler, "receive_data_chunk", spy)
    content = bytes(range(256)) * (5 * 4096 + 7)  # about 5 MB
    video = SimpleUploadedFile("录像.mp4", content, "video/mp4")
    answer = browser(staff.officer1).post(f"/cases/{case.pk}/investigation/evidence/",
                                          {**evidence_form(staff), "files": video})
    assert answer.status_code == 302, answer.content.decode()[:500]
    attachment = Attachment.objects.get(evidence__case=case)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest() and attachment.size == len(content)
    # Never whole in memory: it came in many chunks, none larger than the handler's.
    assert len(chunks) > 10 and max(chunks) <= EvidenceUploadHandler.chunk_size
    assert (evidence_root / attachment.path).read_bytes() == content
    assert not any((evidence_root / "incoming").iterdir())


def test_a_file_over_the_limit_is_stopped_with_a_chinese_message(staff, case, settings, evidence_root):
    settings.YIBAO_EVIDENCE_MAX_BYTES = 1024 * 1024
    video = SimpleUploadedFile("大文件.mp4", b"v" * (2 * 1024 * 1024), "video/mp4")
    answer = browser(staff.officer1).post(f"/cases/{case.pk}/investigation/evidence/",
                                          {**evidence_form(staff), "files": video})
    page = answer.content.decode()
    assert answer.status_code == 422 and "evidence_too_large" in page and "超过" in page
    assert not Evidence.objects.filter(case=case).exists()
    assert not any((evidence_root / "incoming").iterdir())


def test_the_upload_form_still_needs_its_csrf_token(staff, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff.officer1)
    answer = client.post(f"/cases/{case.pk}/investigation/evidence/",
                         {**evidence_form(staff), "files": SimpleUploadedFile("a.mp4", b"1")})
    assert answer.status_code == 403 and not Evidence.objects.exists()


def test_evidence_downloads_are_audited_and_hidden_from_those_who_cannot_see_the_case(staff, case, make_user):
    browser(staff.officer1).post(f"/cases/{case.pk}/investigation/evidence/",
                                 {**evidence_form(staff, kind="documentary"),
                                  "files": SimpleUploadedFile("明细.pdf", b"%PDF-1.4 test", "application/pdf")})
    attachment = Attachment.objects.get()
    answer = browser(staff.head).get(f"/cases/evidence/files/{attachment.pk}/")
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == b"%PDF-1.4 test"
    event = AuditEvent.objects.filter(action="case.download_evidence").get()
    assert event.actor == staff.head and event.data["sha256"] == attachment.sha256
    assert browser(staff.auditor).get(f"/cases/evidence/files/{attachment.pk}/").status_code == 404


def test_the_case_page_lists_the_evidence(staff, case):
    browser(staff.officer1).post(f"/cases/{case.pk}/investigation/evidence/",
                                 {**evidence_form(staff, kind="physical", title="药品包装盒")})
    page = browser(staff.head).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-evidence"' in page and "药品包装盒" in page


# ---------------------------------------------------------------- API

def test_records_and_evidence_round_trip_through_the_api(staff, case):
    api = bearer(staff.officer1)
    body = {"kind": "inspection_record", "started_at": "2026-03-02T09:00:00+08:00",
            "ended_at": "2026-03-02T10:00:00+08:00", "place": "诊所药房",
            "officer_ids": [staff.officer1.officer.pk, staff.officer2.officer.pk], "certificates_shown": True,
            "person_name": "张某", "person_relation": "药房负责人", "findings": "库存与系统不符",
            "qa": [{"question": "库存为何不符？", "answer": "不清楚。"}], "signature": "signed", "page_count": 2}
    answer = api.post(f"/api/v1/cases/{case.pk}/records", body, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["qa"] == [{"question": "库存为何不符？", "answer": "不清楚。"}]
    assert [r["kind"] for r in api.get(f"/api/v1/cases/{case.pk}/records").json()] == ["inspection_record"]

    content = b"frame" * 300_000
    answer = api.post(f"/api/v1/cases/{case.pk}/evidence",
                      {**evidence_form(staff), "files": SimpleUploadedFile("v.mp4", content, "video/mp4")})
    assert answer.status_code == 201, answer.json()
    [attachment] = answer.json()["attachments"]
    assert attachment["sha256"] == hashlib.sha256(content).hexdigest()
    got = api.get(attachment["download_url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == content
    listed = api.get(f"/api/v1/cases/{case.pk}/evidence").json()
    assert [e["number"] for e in listed] == [1]


def test_api_refusals_carry_their_code_and_basis(staff, case, settings):
    head = bearer(staff.head)
    body = {"kind": "inquiry_record", "started_at": "2026-03-02T09:00:00+08:00",
            "ended_at": "2026-03-02T10:00:00+08:00", "place": "诊所", "officer_ids": [staff.officer1.officer.pk],
            "certificates_shown": True, "person_name": "王某", "person_relation": "法定代表人",
            "qa": [{"question": "问题", "answer": "回答"}], "signature": "signed", "page_count": 1}
    answer = head.post(f"/api/v1/cases/{case.pk}/records", body, content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "wrong_role"
    officer = bearer(staff.officer1)
    answer = officer.post(f"/api/v1/cases/{case.pk}/records", body, content_type="application/json")
    assert answer.status_code == 422 and answer.json()["code"] == "too_few_officers"
    assert "第四十二条" in answer.json()["basis"]
    settings.YIBAO_EVIDENCE_MAX_BYTES = 100
    answer = officer.post(f"/api/v1/cases/{case.pk}/evidence",
                          {**evidence_form(staff), "files": SimpleUploadedFile("v.mp4", b"x" * 1000)})
    assert answer.status_code == 422 and answer.json()["code"] == "evidence_too_large"
    assert bearer(staff.auditor).get(f"/api/v1/cases/{case.pk}/evidence").status_code == 404


def test_preservation_and_assistance_through_the_api(staff, case, clock):
    officer, head = bearer(staff.officer1), bearer(staff.head)
    p = officer.post(f"/api/v1/cases/{case.pk}/preservations",
                     {"items": [{"name": "处方笺", "quantity": "3本"}], "reason": "可能被销毁", "place": "药房"},
                     content_type="application/json").json()
    answer = officer.post(f"/api/v1/cases/preservations/{p['id']}/register", {}, content_type="application/json")
    assert answer.json()["code"] == "preservation_not_approved"
    head.post(f"/api/v1/cases/preservations/{p['id']}/approve", {"approve": True}, content_type="application/json")
    p = officer.post(f"/api/v1/cases/preservations/{p['id']}/register", {"notice_number": "先保1号"},
                     content_type="application/json").json()
    assert p["due_on"] == "2026-03-11"
    clock.set(dt.date(2026, 3, 12))
    answer = head.post(f"/api/v1/cases/preservations/{p['id']}/decide", {"outcome": "return"},
                       content_type="application/json")
    assert answer.status_code == 422 and answer.json()["code"] == "preservation_decision_late"
    assert officer.get(f"/api/v1/cases/{case.pk}/preservations").json()[0]["overdue"] is True

    clock.set(dt.date(2026, 3, 2))
    letter = officer.post(f"/api/v1/cases/{case.pk}/assistance-requests",
                          {"to_authority": "洛阳市医疗保障局", "matters": "协查结算记录"},
                          content_type="application/json").json()
    assert letter["reply_due"] == "2026-03-23"
    kinds = [d["kind"] for d in officer.get(f"/api/v1/cases/{case.pk}/investigation-deadlines").json()]
    assert kinds == ["preservation", "assistance_reply"]
    answer = officer.post(f"/api/v1/cases/assistance-requests/{letter['id']}/reply", {"reply": "已查"},
                          content_type="application/json")
    assert answer.status_code == 200 and answer.json()["replied_on"] == "2026-03-02"


def test_the_openapi_document_describes_the_investigation_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/cases/{case_id}/evidence" in paths
    upload = paths["/api/v1/cases/{case_id}/evidence"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "/api/v1/cases/preservations/{preservation_id}/decide" in paths


def test_a_hashed_upload_removes_its_temporary_file_when_closed(tmp_path):
    path = tmp_path / "x.part"
    path.write_bytes(b"1")
    HashedUploadedFile(str(path), "x", "text/plain", 1, None, "h").close()
    assert not path.exists()


def test_preservation_and_a_letter_go_through_the_page_forms(staff, case, clock):
    from yibao.cases.models import AssistanceRequest, Preservation

    officer, head = browser(staff.officer1), browser(staff.head)
    url = f"/cases/{case.pk}/investigation/"
    assert officer.post(url + "propose_preservation/", {"items": "处方笺，2025年，3本，诊所\n药品，阿莫西林，20盒",
                                                        "reason": "可能被销毁", "place": "药房"}).status_code == 302
    p = Preservation.objects.get(case=case)
    assert [i["quantity"] for i in p.items] == ["3本", "20盒"]
    answer = officer.post(url + "register_preservation/", {"preservation": p.pk})
    assert answer.status_code == 422 and "preservation_not_approved" in answer.content.decode()
    assert head.post(url + "approve_preservation/", {"preservation": p.pk, "approve": "1"}).status_code == 302
    assert officer.post(url + "register_preservation/", {"preservation": p.pk}).status_code == 302
    assert head.post(url + "decide_preservation/", {"preservation": p.pk, "outcome": "return"}).status_code == 302
    assert Preservation.objects.get(pk=p.pk).outcome == "return"

    assert officer.post(url + "send_assistance_request/", {"to_authority": "洛阳市医疗保障局",
                                                           "matters": "协查结算记录"}).status_code == 302
    letter = AssistanceRequest.objects.get(case=case)
    clock.set(dt.date(2026, 3, 24))
    page = officer.get(url).content.decode()
    assert "逾期未复" in page and "2026-03-23" in page
    assert officer.post(url + "record_assistance_reply/", {"request": letter.pk, "reply": "查无记录"}).status_code == 302
    assert AssistanceRequest.objects.get(pk=letter.pk).replied_on == dt.date(2026, 3, 24)
