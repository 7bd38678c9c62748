"""期限提醒（督办预警）: the daily check opens, updates and closes alerts and writes one audit event per deadline
newly past; the 工作台 banner for the people responsible and for those who supervise; the job calls it."""

import datetime as dt

import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.alerts import refresh_alerts
from yibao.core.models import AuditEvent
from yibao.deadlines.models import Alert
from yibao.jobs import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(staff, file_input, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    return s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)


def overdue_events():
    return list(AuditEvent.objects.filter(action="deadline.overdue"))


def test_a_deadline_found_past_is_recorded_once_however_often_the_check_runs(staff, filed, clock):
    clock.set(filed.due_on - dt.timedelta(days=1))
    first = refresh_alerts()
    assert first["open"] == 1 and first["raised"] == 1 and first["newly_overdue"] == 0
    alert = Alert.objects.get(kind="case", subject_id=filed.pk)
    assert alert.overdue_on is None and alert.due == filed.due_on and alert.bureau_id == filed.bureau_id
    clock.set(filed.due_on + dt.timedelta(days=2))
    assert refresh_alerts()["newly_overdue"] == 1
    assert refresh_alerts() == {"open": 1, "overdue": 1, "raised": 0, "newly_overdue": 0, "resolved": 0}
    [event] = overdue_events()
    assert filed.number in event.summary and event.data["due"] == filed.due_on.isoformat()
    assert Alert.objects.get(pk=alert.pk).overdue_on == clock.day


def test_an_alert_closes_when_the_deadline_is_no_longer_near_or_past(staff, filed, clock):
    clock.set(filed.due_on)
    refresh_alerts()
    from yibao.cases.services.clock import do_revoke_filing

    do_revoke_filing(filed, actor=staff.head, expected_version=filed.version, reason="不符合立案条件")
    assert refresh_alerts()["resolved"] == 1
    assert Alert.objects.get(subject_id=filed.pk).resolved_on == clock.day
    assert not Alert.objects.filter(resolved_on__isnull=True).exists()


def test_a_stopped_clock_is_never_recorded_as_overdue(staff, filed, clock):
    from yibao.cases.services.clock import do_suspend

    clock.set(filed.due_on - dt.timedelta(days=1))
    do_suspend(filed, actor=staff.head, expected_version=filed.version, reason="当事人下落不明")
    clock.set(filed.due_on + dt.timedelta(days=30))
    result = refresh_alerts()
    assert result["overdue"] == 0 and overdue_events() == []
    assert Alert.objects.get(subject_id=filed.pk).paused == "中止"


def test_the_workbench_tells_the_officer_and_the_head_what_is_past(staff, filed, clock, client):
    clock.set(filed.due_on + dt.timedelta(days=1))
    client.force_login(staff.officer1)
    html = client.get(reverse("cases:workbench")).content.decode()
    assert 'id="deadline-alerts"' in html and "您的待办中1 项期限已逾期" in html
    client.force_login(staff.head)
    assert "本单位及下级单位" not in client.get(reverse("home")).content.decode()  # no check has run yet
    refresh_alerts()
    html = client.get(reverse("home")).content.decode()
    assert "本单位及下级单位中1 项期限已逾期" in html and reverse("cases:supervision_board") in html


def test_nothing_near_means_no_banner(staff, filed, clock, client):
    refresh_alerts()
    client.force_login(staff.officer1)
    assert 'id="deadline-alerts"' not in client.get(reverse("cases:workbench")).content.decode()


def test_the_daily_job_runs_the_check(staff, filed, clock):
    clock.set(filed.due_on + dt.timedelta(days=1))
    result = tasks.refresh_deadline_alerts()
    assert result["newly_overdue"] == 1 and len(overdue_events()) == 1
