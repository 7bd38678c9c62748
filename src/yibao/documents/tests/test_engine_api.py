"""Documents on the JSON API: list, preview, issue, download, correct; refusals in the one error shape."""

import pytest
from django.test import Client

from yibao.api.tokens import do_create_api_token

from .engine_support import filed_case, install_kinds, stand_in_pdf

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _, token = do_create_api_token(user, "测试", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def case(staff, file_input, monkeypatch, tmp_path, settings, jobs_inline):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    (tmp_path / "templates").mkdir()
    install_kinds(monkeypatch, tmp_path / "templates")
    stand_in_pdf(monkeypatch)
    return filed_case(staff, file_input)


def test_the_head_issues_through_the_api_and_downloads_the_pdf(staff, case):
    head = api(staff.head)
    issued = head.post(f"/api/v1/cases/{case.pk}/documents/issue", {"kind": "test_decision"},
                       content_type="application/json")
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["number"] == "栾医保罚〔2026〕1号" and body["status"] == "issued"
    listed = head.get(f"/api/v1/cases/{case.pk}/documents").json()
    assert [d["number"] for d in listed] == ["栾医保罚〔2026〕1号"]
    pdf = head.get(body["pdf_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_an_officer_previews_through_the_api_and_is_refused_issuing_in_the_error_shape(staff, case):
    officer = api(staff.officer1)
    preview = officer.post(f"/api/v1/cases/{case.pk}/documents/preview", {"kind": "test_decision"},
                           content_type="application/json")
    assert preview.status_code == 202 and preview.json()["number"] == ""
    refused = officer.post(f"/api/v1/cases/{case.pk}/documents/issue", {"kind": "test_decision"},
                           content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "wrong_role" and "负责人" in refused.json()["message"]
    unknown = officer.post(f"/api/v1/cases/{case.pk}/documents/preview", {"kind": "no_such_kind"},
                           content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_document_kind"


def test_a_correction_through_the_api_refers_to_the_corrected_document(staff, case):
    head = api(staff.head)
    first = head.post(f"/api/v1/cases/{case.pk}/documents/issue", {"kind": "test_decision"},
                      content_type="application/json").json()
    fixed = head.post(f"/api/v1/documents/{first['id']}/correct", {"reason": "金额笔误"},
                      content_type="application/json")
    assert fixed.status_code == 201 and fixed.json()["corrects"] == first["id"]
