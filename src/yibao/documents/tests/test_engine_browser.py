"""The 文书 section in headless Chromium: a preview shows 生成中 until the worker has made its PDF, then the
PDF link appears without reloading the page (the section polls)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

import yibao
from yibao.conftest import login
from yibao.documents import services
from yibao.documents.models import Document
from yibao.org.constants import DEMO_PASSWORD

from .engine_support import filed_case, install_kinds, stand_in_pdf

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def static_files_found(settings):
    static_dir = Path(yibao.__file__).resolve().parent / "static"
    if static_dir not in [Path(d) for d in settings.STATICFILES_DIRS]:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]


def test_a_preview_shows_generating_then_its_pdf_link_once_the_worker_has_made_it(
        page, live_server, staff, file_input, monkeypatch, tmp_path, settings):
    settings.YIBAO_DOCUMENTS_DIR = tmp_path / "documents"
    (tmp_path / "templates").mkdir()
    install_kinds(monkeypatch, tmp_path / "templates")
    stand_in_pdf(monkeypatch)
    queued = []
    monkeypatch.setattr(services, "async_task", lambda func, document_id, **kw: queued.append(document_id))
    case = filed_case(staff, file_input)

    login(page, live_server, "officer1", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    row = page.locator('tr[data-kind="test_decision"]').last
    row.get_by_role("button", name="预览").click()
    draft = page.locator("tr[data-document]")
    expect(draft).to_contain_text("生成中")
    expect(draft.get_by_role("link", name="DOCX")).to_be_visible()
    expect(draft.get_by_role("link", name="PDF")).to_have_count(0)

    services.convert_document_job(queued[-1])  # what the worker does
    expect(draft.get_by_role("link", name="PDF")).to_be_visible(timeout=8000)
    assert Document.objects.get(pk=queued[-1]).pdf_path
