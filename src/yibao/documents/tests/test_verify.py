"""Verification: the public page and endpoint check a code against the record (never showing content);
a file whose bytes changed no longer matches; `yibao documents verify FILE` says the same."""

import pytest
from django.test import Client

from yibao.documents import services, verification

from .engine_support import filed_case, install_kinds, stand_in_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(staff, file_input, monkeypatch, tmp_path, settings, jobs_inline):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    (tmp_path / "templates").mkdir()
    install_kinds(monkeypatch, tmp_path / "templates")
    stand_in_pdf(monkeypatch)
    return services.do_issue_document(filed_case(staff, file_input), "test_decision", actor=staff.head)


def test_the_public_page_shows_number_bureau_date_and_hashes_without_signing_in(issued):
    page = Client().get("/verify/", {"code": issued.verification_code})
    text = page.content.decode()
    assert page.status_code == 200
    for expected in (issued.number, "栾川县医疗保障局", "测试处罚决定书", issued.pdf_sha256, issued.docx_sha256,
                     "2026-03-02"):
        assert expected in text
    assert "栾川县康宁诊所" not in text  # the party is content: never shown


def test_a_code_typed_with_full_width_letters_and_spaces_is_still_recognised(issued):
    number, key = issued.verification_code.rsplit("-", 1)
    typed = f" {number} －{key.upper()} ".replace("A", "Ａ")
    assert verification.find_by_code(typed) == issued


def test_an_unknown_or_malformed_code_gets_a_clear_chinese_message(issued):
    unknown = Client().get("/verify/", {"code": issued.number + "-000000000000"}).content.decode()
    assert "未找到与该核验码相符的已签发文书" in unknown and issued.pdf_sha256 not in unknown
    wrong_number = issued.verification_code.replace("1号", "2号")
    assert verification.find_by_code(wrong_number) is None
    malformed = Client().get("/verify/", {"code": "abc"}).content.decode()
    assert "核验码格式不正确" in malformed


def test_the_verification_endpoint_is_public_and_answers_in_the_api_error_shape(issued):
    found = Client().get("/api/v1/verify", {"code": issued.verification_code})
    assert found.status_code == 200
    assert found.json()["number"] == issued.number and found.json()["pdf_sha256"] == issued.pdf_sha256
    missing = Client().get("/api/v1/verify", {"code": issued.number + "-ffffffffffff"})
    assert missing.status_code == 404
    assert set(missing.json()) == {"code", "message", "basis"} and "未找到" in missing.json()["message"]


def test_an_uploaded_file_matches_only_while_unchanged(issued):
    original = services.file_path(issued, "pdf").read_bytes()
    same = Client().post("/verify/", {"file": _upload("a.pdf", original)}).content.decode()
    assert "文件与登记记录一致" in same
    tampered = original[:-1] + bytes([original[-1] ^ 1])
    changed = Client().post("/verify/", {"file": _upload("a.pdf", tampered)}).content.decode()
    assert "不一致" in changed and issued.number not in changed


def test_lookups_beyond_the_per_minute_limit_are_answered_politely(issued, settings):
    from django.core.cache import cache

    cache.clear()
    client = Client()
    for _ in range(verification.LOOKUPS_PER_MINUTE):
        assert client.get("/verify/", {"code": issued.verification_code}).status_code == 200
    refused = client.get("/verify/", {"code": issued.verification_code})
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()
    cache.clear()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")
