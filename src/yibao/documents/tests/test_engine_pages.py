"""The 文书 section of the case page: preview, issue, download; the bureau's document settings page."""

import pytest

from yibao.core.models import AuditEvent
from yibao.documents.models import Document, DocumentSettings, DocumentStatus

from .engine_support import filed_case, install_kinds, stand_in_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(staff, file_input, monkeypatch, tmp_path, settings, jobs_inline):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    (tmp_path / "templates").mkdir()
    install_kinds(monkeypatch, tmp_path / "templates")
    stand_in_pdf(monkeypatch)
    return filed_case(staff, file_input)


def test_the_case_page_loads_its_documents_section(client, staff, case):
    client.force_login(staff.officer1)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/documents/cases/{case.pk}/" in page
    section = client.get(f"/documents/cases/{case.pk}/").content.decode()
    assert "测试处罚决定书" in section and "预览" in section
    assert "签发</button>" in section  # the officer may issue the internal form


def test_an_officer_previews_and_downloads_a_document_but_cannot_issue_a_decision(client, staff, case):
    client.force_login(staff.officer1)
    section = client.post(f"/documents/cases/{case.pk}/preview/test_decision/").content.decode()
    assert "已生成预览" in section and "（预览，未编号）" in section
    draft = Document.objects.get(case=case, status=DocumentStatus.DRAFT)
    download = client.get(f"/documents/{draft.pk}/download.docx")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    refused = client.post(f"/documents/cases/{case.pk}/issue/test_decision/").content.decode()
    assert "须由负责人签发" in refused
    assert not Document.objects.filter(status=DocumentStatus.ISSUED).exists()


def test_the_head_issues_from_the_page_and_the_number_shows(client, staff, case):
    client.force_login(staff.head)
    section = client.post(f"/documents/cases/{case.pk}/issue/test_decision/").content.decode()
    assert "已签发 测试处罚决定书 栾医保罚〔2026〕1号" in section and "核验码" in section
    doc = Document.objects.get(status=DocumentStatus.ISSUED)
    assert client.get(f"/documents/{doc.pk}/download.pdf").status_code == 200
    assert AuditEvent.objects.filter(action="document.download", object_id=str(doc.pk)).exists()


def test_someone_who_cannot_see_the_case_cannot_download_its_documents(client, staff, case):
    from yibao.documents import services

    doc = services.do_issue_document(case, "test_decision", actor=staff.head)
    client.force_login(staff.auditor)
    assert client.get(f"/documents/{doc.pk}/download.pdf").status_code == 403
    assert client.get(f"/documents/cases/{case.pk}/").status_code == 404


def test_the_head_sets_the_bureaus_document_settings_and_an_officer_may_not(client, staff, case):
    client.force_login(staff.officer1)
    assert client.get("/documents/settings/").status_code == 403
    client.force_login(staff.head)
    response = client.post("/documents/settings/", {
        "full_name": "栾川县医疗保障局", "abbreviation": "栾", "payment_account_name": "栾川县财政局",
        "payment_bank": "中国农业银行栾川县支行", "payment_account_number": "1234567890",
        "number_format": "{abbr}医保{kind_abbr}〔{year}〕{n}号", "signer_name": "张局长"})
    assert response.status_code == 302
    assert DocumentSettings.objects.get(bureau=case.bureau).payment_bank == "中国农业银行栾川县支行"
    bad = client.post("/documents/settings/", {"number_format": "{abbr}医保〔{year}〕号"}).content.decode()
    assert "文号格式须含序号" in bad


def test_a_seal_that_is_not_a_png_is_refused(client, staff, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff.head)
    page = client.post("/documents/settings/", {
        "number_format": "{abbr}医保{kind_abbr}〔{year}〕{n}号",
        "seal_image": SimpleUploadedFile("seal.png", b"GIF89a not a png", content_type="image/png")}).content.decode()
    assert "印章图片应为 PNG 文件" in page
