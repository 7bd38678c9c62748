"""A bureau's own templates (文书设置 → 文书模板): an upload is checked before it is kept, used for the next
rendering, audited, and can be taken back; a wrong file, an oversized one, a zip bomb or an unknown field is
refused in Chinese with nothing stored; another bureau's head cannot touch them."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as Docx

from yibao.core.models import AuditEvent
from yibao.documents import bureau_templates, services
from yibao.documents.kinds import KINDS
from yibao.documents.models import DocumentTemplate

from .engine_support import build_template, filed_case, install_kinds, stand_in_pdf

pytestmark = pytest.mark.django_db
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    return settings.MEDIA_ROOT


@pytest.fixture
def kinds(monkeypatch, tmp_path, media, jobs_inline):
    (tmp_path / "templates").mkdir()
    stand_in_pdf(monkeypatch)
    return install_kinds(monkeypatch, tmp_path / "templates")


def template_with(tmp_path: Path, *lines: str) -> bytes:
    """The test kind's template with these paragraphs added."""
    path = build_template(tmp_path / "own.docx")
    doc = Docx(str(path))
    for line in lines:
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "本局模板.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=DOCX_TYPE)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_repository_template_passes_the_check_an_upload_must_pass(kind):
    path = services.TEMPLATES_DIR / KINDS[kind].template
    checked = bureau_templates.check_template(KINDS[kind], path.read_bytes(), path.name)
    assert len(checked.sha256) == 64


def test_an_upload_is_kept_with_its_hash_and_used_for_the_next_rendering(client, staff, file_input, kinds, media):
    case = filed_case(staff, file_input)
    data = template_with(media.parent, "本局自定义的落款：{{ bureau_name }}")
    client.force_login(staff.head)
    response = client.post(f"/documents/settings/templates/{case.bureau.pk}/test_decision/upload/",
                           {"file": upload(data)})
    assert response.status_code == 302
    row = DocumentTemplate.objects.get(bureau=case.bureau, kind="test_decision")
    assert row.sha256 == services.rendering.sha256_bytes(data) and row.uploaded_by == staff.head
    assert row.original_name == "本局模板.docx" and Path(row.file.path).read_bytes() == data

    page = client.get(response["Location"]).content.decode()
    assert "本局模板" in page and row.sha256 in page and "已签发的文书不受影响" in page
    download = client.get(f"/documents/settings/templates/{case.bureau.pk}/test_decision/template.docx")
    assert b"".join(download.streaming_content) == data

    document = services.do_request_preview(case, "test_decision", actor=staff.officer1)
    text = "\n".join(p.text for p in Docx(str(services.file_path(document, "docx"))).paragraphs)
    assert "本局自定义的落款：栾川县医疗保障局" in text
    event = AuditEvent.objects.get(action="document_template.upload")
    assert event.data["sha256"] == row.sha256 and event.data["kind"] == "test_decision"


def test_a_second_upload_replaces_the_first_and_its_file(client, staff, county, kinds, media,
                                                         django_capture_on_commit_callbacks):
    client.force_login(staff.head)
    url = f"/documents/settings/templates/{county.pk}/test_decision/upload/"
    client.post(url, {"file": upload(template_with(media.parent, "第一版"))})
    first = DocumentTemplate.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": upload(template_with(media.parent, "第二版"))})
    second = DocumentTemplate.objects.get()
    assert second.sha256 != first.sha256 and stored_files(media) == [Path(second.file.path)]
    event = AuditEvent.objects.filter(action="document_template.upload").order_by("-id").first()
    assert event.data["replaced"]["sha256"] == first.sha256


def test_going_back_to_the_default_removes_the_bureaus_file_and_is_audited(
        client, staff, file_input, kinds, media, django_capture_on_commit_callbacks):
    case = filed_case(staff, file_input)
    client.force_login(staff.head)
    url = f"/documents/settings/templates/{case.bureau.pk}/test_decision/"
    client.post(url + "upload/", {"file": upload(template_with(media.parent, "本局自定义"))})
    own = Path(DocumentTemplate.objects.get(kind="test_decision").file.path)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the row's removal commits
        assert client.post(url + "revert/").status_code == 302
    assert not DocumentTemplate.objects.exists() and not own.exists()
    assert services.template_for(case.bureau, kinds["test_decision"]) == services.TEMPLATES_DIR / "test_decision.docx"
    assert AuditEvent.objects.filter(action="document_template.revert").count() == 1
    again = client.post(url + "revert/").content.decode()
    assert "已在使用默认模板" in again


def padded(tmp_path: Path, padding: bytes) -> bytes:
    """A valid template with one more member holding `padding` (deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template_with(tmp_path))) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/media/padding.bin", padding)
    return out.getvalue()


@pytest.mark.parametrize(("case_name", "make", "message"), [
    ("a pdf", lambda tmp: (b"%PDF-1.4 not a template", "模板.pdf"), "不是 Word 文档（.docx）"),
    ("an old .doc", lambda tmp: (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 doc", "模板.doc"), "不支持 .doc"),
    ("a zip that is no docx", lambda tmp: (zip_of({"readme.txt": b"hi"}), "模板.docx"), "不是完整的 Word 文档"),
    # 3 MB of zeros deflate to a few KB: the file is small, what it unpacks to is not.
    ("a zip bomb", lambda tmp: (padded(tmp, bytes(3 * 1024 * 1024)), "模板.docx"), "解压后超过"),
    ("an oversized file", lambda tmp: (padded(tmp, os.urandom(100 * 1024)), "模板.docx"), "模板文件过大"),
    ("an unknown field", lambda tmp: (template_with(tmp, "{{ party_secret }}{{ fine }}"), "模板.docx"),
     "模板使用了测试处罚决定书没有的字段：party_secret"),
    ("a broken tag", lambda tmp: (template_with(tmp, "{% if fine %}没有结束"), "模板.docx"), "填写标记有误"),
])
def test_a_file_that_may_not_be_a_template_is_refused_in_chinese_and_nothing_is_stored(
        client, staff, county, kinds, media, settings, case_name, make, message):
    settings.YIBAO_UPLOAD_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    settings.YIBAO_DOCUMENT_TEMPLATE_MAX_BYTES = 60 * 1024
    data, name = make(media.parent)
    client.force_login(staff.head)
    response = client.post(f"/documents/settings/templates/{county.pk}/test_decision/upload/",
                           {"file": upload(data, name)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DocumentTemplate.objects.exists()
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(action="document_template.upload").exists()


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_nothing_half_written_stays_when_the_row_cannot_be_saved(staff, county, kinds, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(bureau_templates, "record_event", fail)
    with pytest.raises(RuntimeError):
        bureau_templates.do_upload_template(county, "test_decision", upload(template_with(media.parent)),
                                            actor=staff.head)
    assert not DocumentTemplate.objects.exists() and stored_files(media) == []


def test_an_officer_and_another_bureaus_head_may_not_manage_the_templates(client, staff, county, kinds, media,
                                                                          make_user):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau

    client.force_login(staff.officer1)
    assert client.get("/documents/settings/templates/").status_code == 403
    assert client.post(f"/documents/settings/templates/{county.pk}/test_decision/upload/",
                       {"file": upload(template_with(media.parent))}).status_code == 403
    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    client.force_login(make_user("song_head", "head", other))
    assert client.get("/documents/settings/templates/").status_code == 200  # their own bureau's
    assert client.get(f"/documents/settings/templates/{county.pk}/").status_code == 404
    response = client.post(f"/documents/settings/templates/{county.pk}/test_decision/upload/",
                           {"file": upload(template_with(media.parent))})
    assert response.status_code == 404
    assert client.post(f"/documents/settings/templates/{county.pk}/test_decision/revert/").status_code == 404
    assert not DocumentTemplate.objects.exists()


def test_a_head_of_the_city_above_manages_the_countys_templates(client, county, kinds, media, make_user):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau

    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, code="410300", actor=None)
    county.parent = city
    county.save()
    client.force_login(make_user("city_head", "head", city))
    page = client.get("/documents/settings/templates/").content.decode()
    assert f"/documents/settings/templates/{county.pk}/" in page
    response = client.post(f"/documents/settings/templates/{county.pk}/test_decision/upload/",
                           {"file": upload(template_with(media.parent, "市局统一"))})
    assert response.status_code == 302
    assert DocumentTemplate.objects.get().bureau == county


def test_the_settings_page_links_to_the_templates_which_list_every_kind_with_its_default(client, staff, county):
    client.force_login(staff.head)
    assert "/documents/settings/templates/" in client.get("/documents/settings/").content.decode()
    page = client.get("/documents/settings/templates/").content.decode()
    for kind in KINDS.values():
        assert kind.label in page
    default = services.rendering.sha256_file(services.TEMPLATES_DIR / KINDS["penalty_decision"].template)
    assert default in page and "默认模板" in page
