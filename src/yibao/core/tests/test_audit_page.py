"""The audit page: the audit administrator's alone (三权分立), with filters, paging and an audited export."""

import io

import pytest
from openpyxl import load_workbook

from yibao.core.audit import record_event
from yibao.core.models import AuditEvent
from yibao.org.constants import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(client, make_user, county):
    client.force_login(make_user("auditadmin", Role.AUDIT_ADMIN, county))
    return client


def test_a_head_is_refused_the_audit_page(client, make_user, county):
    client.force_login(make_user("head", Role.HEAD, county))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403


def test_a_superuser_without_the_audit_role_is_refused_the_audit_page(admin_client):
    assert admin_client.get("/audit/").status_code == 403


def test_the_audit_administrator_cannot_reach_case_pages_or_the_api(auditor_client):
    response = auditor_client.get("/cases/")
    assert response.status_code == 403
    assert "审计管理员只能查看审计日志" in response.content.decode()
    assert auditor_client.get("/catalog/").status_code == 403
    assert auditor_client.get("/api/v1/leads").status_code == 403
    assert auditor_client.get("/").url == "/audit/"


def test_the_audit_administrator_sees_the_events_and_filters_them(auditor_client, make_user, county):
    officer = make_user("officer1", Role.OFFICER, county)
    record_event("test.kept", actor=officer, summary="想要的事件", outcome="refused", source_ip="10.1.1.1")
    record_event("test.other", summary="别的事件")
    page = auditor_client.get("/audit/").content.decode()
    assert "想要的事件" in page and "别的事件" in page and 'id="chain-status"' in page
    for query in ("user=officer1", "outcome=refused", "ip=10.1.1.1", "action=test.kept"):
        page = auditor_client.get(f"/audit/?{query}").content.decode()
        assert "想要的事件" in page and "别的事件" not in page, query


def test_a_wrong_date_in_the_filters_is_explained_in_chinese(auditor_client):
    page = auditor_client.get("/audit/?start=2026-13-01").content.decode()
    assert "起始日期“2026-13-01”不是有效的日期" in page


def test_the_audit_page_pages_back_through_older_events(auditor_client):
    for i in range(60):
        record_event("test.page", summary=f"分页事件 {i:02d}")
    first = auditor_client.get("/audit/?action=test.page")
    assert "分页事件 59" in first.content.decode() and "分页事件 05" not in first.content.decode()
    older = auditor_client.get(f"/audit/?action=test.page&before={first.context['next_before']}")
    assert "分页事件 05" in older.content.decode() and "分页事件 59" not in older.content.decode()


def test_the_xlsx_export_holds_the_filtered_events_and_is_itself_recorded(auditor_client):
    record_event("test.export", summary="导出的事件", source_ip="10.2.2.2")
    response = auditor_client.get("/audit/export.xlsx?action=test.export")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "时间", "操作人", "来源地址", "动作")
    assert [(r[3], r[4], r[8]) for r in rows[1:]] == [("10.2.2.2", "test.export", "导出的事件")]
    exported = AuditEvent.objects.filter(action="audit.export").latest("id")
    assert exported.data == {"filters": {"action": "test.export"}, "count": 1}
    assert exported.actor.username == "auditadmin"
