import pytest
from django.db import DatabaseError, connection, transaction

from yibao.core.audit import record_event, verify_chain
from yibao.core.models import AuditEvent
from yibao.org.constants import BureauLevel, Role
from yibao.org.services import (
    do_create_bureau,
    do_reveal_personal_data,
    ensure_demo_users,
    get_or_create_bureau,
)


@pytest.mark.django_db
def test_audit_chain_is_intact_after_the_org_services(county, officer, make_user):
    get_or_create_bureau("山西省医疗保障局")
    do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, actor=make_user("a", Role.ADMIN, county))
    ensure_demo_users(county)
    do_reveal_personal_data(officer, actor=make_user("h", Role.HEAD, county))
    assert AuditEvent.objects.count() >= 10
    assert verify_chain() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET summary = 'rewritten'",
        "DELETE FROM core_auditevent",
    ],
)
def test_database_refuses_to_change_or_delete_an_audit_row(sql):
    event = record_event("test.event", summary="original")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).summary == "original"
    assert verify_chain() == []
