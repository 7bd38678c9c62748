"""Lead pages under cases: old monitoring addresses redirect, the history shows events from before the move,
and filing moves the lead through the lead service."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.constants import LeadStatus
from yibao.core.audit import record_event
from yibao.core.models import AuditEvent


@pytest.mark.django_db
def test_old_monitoring_lead_addresses_redirect_permanently_to_the_case_pages(client, staff, lead):
    client.force_login(staff.head)
    moved = {
        "/monitoring/leads/?status=received": reverse("cases:lead_list") + "?status=received",
        "/monitoring/leads/new/": reverse("cases:lead_create"),
        f"/monitoring/leads/{lead.pk}/": reverse("cases:lead_detail", args=[lead.pk]),
    }
    for old, new in moved.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
    assert lead.get_absolute_url() == reverse("cases:lead_detail", args=[lead.pk])
    assert client.get(reverse("cases:lead_detail", args=[lead.pk])).status_code == 200


@pytest.mark.django_db
def test_the_lead_page_shows_events_written_before_the_move_under_the_old_object_type(client, staff, lead):
    before_the_move = SimpleNamespace(pk=lead.pk, _meta=SimpleNamespace(label_lower="monitoring.lead"))
    record_event("lead.status", actor=staff.head, obj=before_the_move, summary="迁移前：线索转为评估中")
    record_event("lead.status", actor=staff.head, obj=lead, summary="迁移后：线索已立案")
    assert AuditEvent.objects.filter(object_type="monitoring.lead", object_id=str(lead.pk)).exists()
    client.force_login(staff.head)
    page = client.get(reverse("cases:lead_detail", args=[lead.pk])).content.decode()
    assert "迁移前：线索转为评估中" in page and "迁移后：线索已立案" in page


@pytest.mark.django_db
def test_filing_moves_the_lead_through_the_lead_service_with_an_audit_event(staff, file_input, lead, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    case = s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.FILED
    moves = AuditEvent.objects.filter(action="lead.status", object_type="cases.lead", object_id=str(lead.pk))
    assert [(e.data["from"], e.data["to"], e.data["case"]) for e in moves.order_by("id")] == [
        (LeadStatus.RECEIVED, LeadStatus.ASSESSING, None), (LeadStatus.ASSESSING, LeadStatus.FILED, case.number)]
