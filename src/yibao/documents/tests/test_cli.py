"""`yibao case list|document|file` and `yibao documents verify`: as a named user or the system account, audited."""

import io
import json
import zipfile

import pytest
from typer.testing import CliRunner

from yibao.cli import app
from yibao.core.models import AuditEvent
from yibao.documents import services

from .engine_support import filed_case, install_kinds, stand_in_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(staff, file_input, monkeypatch, tmp_path, settings, jobs_inline):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    (tmp_path / "templates").mkdir()
    install_kinds(monkeypatch, tmp_path / "templates")
    stand_in_pdf(monkeypatch)
    return filed_case(staff, file_input)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_case_list_gives_number_state_party_and_bureau_as_json_filtered_by_state(case):
    rows = json.loads(run("case", "list", "--json").stdout)
    assert rows == [{"number": case.number, "state": "filed", "state_label": "已立案", "party": "栾川县康宁诊所",
                     "bureau": "栾川县医疗保障局", "title": case.title}]
    assert json.loads(run("case", "list", "--state", "closed", "--json").stdout) == []
    assert run("case", "list", "--state", "nonsense").exit_code == 1


def test_case_document_writes_a_preview_then_the_issued_file_once_there_is_one(case, staff, tmp_path):
    out = tmp_path / "out" / "decision.docx"
    preview = run("case", "document", case.number, "test_decision", "--format", "docx", "--out", str(out),
                  "--user", "officer1")
    assert preview.exit_code == 0, preview.output
    assert "预览" in preview.stdout and out.read_bytes().startswith(b"PK")
    assert AuditEvent.objects.filter(action="document.preview", actor=staff.officer1).exists()
    issued = services.do_issue_document(case, "test_decision", actor=staff.head)
    pdf = tmp_path / "decision.pdf"
    again = run("case", "document", case.number, "test_decision", "--format", "pdf", "--out", str(pdf))
    assert again.exit_code == 0 and issued.number in again.stdout
    assert pdf.read_bytes() == services.file_path(issued, "pdf").read_bytes()
    system = AuditEvent.objects.filter(action="document.download").latest("id").actor
    assert system.username == "yibao-system" and not system.has_usable_password()


def test_a_user_who_cannot_see_the_case_is_told_so(case):
    result = run("case", "document", case.number, "test_decision", "--out", "/tmp/x.pdf", "--user", "auditor")
    assert result.exit_code == 1 and "不在 auditor 的查看范围内" in result.output


def test_case_file_writes_the_zip_of_originals(case, staff, tmp_path):
    services.do_issue_document(case, "test_decision", actor=staff.head)
    out = tmp_path / "file.zip"
    result = run("case", "file", case.number, "--out", str(out), "--user", "head")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as z:
        assert "manifest.json" in z.namelist()
    assert AuditEvent.objects.filter(action="case_file.download", actor=staff.head).exists()


def test_documents_verify_accepts_the_issued_file_and_refuses_a_tampered_copy(case, staff, tmp_path):
    issued = services.do_issue_document(case, "test_decision", actor=staff.head)
    original = services.file_path(issued, "pdf")
    ok = run("documents", "verify", str(original))
    assert ok.exit_code == 0 and issued.number in ok.stdout
    tampered = tmp_path / "tampered.pdf"
    data = original.read_bytes()
    tampered.write_bytes(data.replace(b"stand-in", b"stand-In"))
    bad = run("documents", "verify", str(tampered))
    assert bad.exit_code == 1 and "不一致" in bad.output
