"""Testing and appraisal periods of a seal (行政强制法 第二十五条第三款): not counted in its period, definite and told
to the party in writing; the end moves on and the seal page and the board say why."""

import datetime as dt

import pytest
from django.urls import reverse

from yibao.coercion import services as cs
from yibao.coercion.exclusions import do_record_seal_exclusion
from yibao.coercion.procedure import SealCode

from .test_seal_services import active_seal, refused

pytestmark = pytest.mark.django_db


def appraisal(seal, actor, **changes):
    values = dict(kind="appraisal", subject="2025年门诊处方 3 册", performed_by="河南某司法鉴定所",
                  starts_on=dt.date(2026, 3, 5), ends_on=dt.date(2026, 3, 14), told_on=dt.date(2026, 3, 5),
                  notice_number="栾医保鉴告〔2026〕1号")
    values.update(changes)
    return do_record_seal_exclusion(seal, actor=actor, expected_version=seal.version, **values)


def test_the_days_of_an_appraisal_move_the_seals_end_and_say_why(staff, county, seal_input, clock):
    seal = active_seal(staff, county, seal_input)
    assert seal.ends_on == cs.count_end(dt.date(2026, 3, 2), 30)[0]
    clock.set(dt.date(2026, 3, 5))
    seal = appraisal(seal, staff.officer1)
    # Ten days (5 to 14 March, both counted) are not part of the thirty.
    assert seal.ends_on == cs.count_end(dt.date(2026, 3, 2), 40)[0] and seal.ends_on >= dt.date(2026, 4, 11)
    assert "不计入检测、检验、检疫或者技术鉴定期间共10日" in seal.ends_explanation
    assert "技术鉴定 2026-03-05至2026-03-14（10日，河南某司法鉴定所，2026-03-05书面告知当事人）" in seal.ends_explanation
    assert "第二十五条第三款" in seal.ends_explanation
    assert seal.events.last().action == "exclude"


def test_overlapping_examinations_count_each_day_once_and_an_extension_keeps_them(staff, county, seal_input, clock):
    seal = active_seal(staff, county, seal_input)
    clock.set(dt.date(2026, 3, 10))
    seal = appraisal(seal, staff.head)
    seal = appraisal(seal, staff.head, kind="testing", starts_on=dt.date(2026, 3, 10), ends_on=dt.date(2026, 3, 20),
                     told_on=dt.date(2026, 3, 10))
    assert "共16日" in seal.ends_explanation and seal.ends_on == cs.count_end(dt.date(2026, 3, 2), 46)[0]
    seal = cs.do_extend_seal(seal, actor=staff.head, expected_version=seal.version, days=10, reason="情况复杂")
    assert seal.ends_on == cs.count_end(dt.date(2026, 3, 2), 56)[0] and "共16日" in seal.ends_explanation


def test_a_period_not_told_in_writing_or_outside_the_seal_or_by_another_officer_is_refused(
        staff, county, seal_input, clock, make_user):
    seal = active_seal(staff, county, seal_input)
    clock.set(dt.date(2026, 3, 5))
    e = refused(SealCode.EXCLUSION_NOT_TOLD, appraisal, seal, staff.officer1, told_on=None)
    assert e.basis.label() == "《中华人民共和国行政强制法》第二十五条第三款"
    refused(SealCode.EXCLUSION_OUTSIDE, appraisal, seal, staff.officer1, starts_on=dt.date(2026, 3, 1))
    refused("invalid_input", appraisal, seal, staff.officer1, ends_on=dt.date(2026, 3, 4))
    stranger = make_user("officer9", role="officer", bureau=county)
    refused(SealCode.NOT_SEAL_OFFICER, appraisal, seal, stranger)
    seal.refresh_from_db()
    assert not seal.exclusions.exists() and seal.ends_on == cs.count_end(dt.date(2026, 3, 2), 30)[0]


def test_the_seal_page_records_the_period_and_the_board_shows_the_why(client, staff, county, seal_input, clock):
    from yibao.coercion.deadlines import seal_deadlines

    seal = active_seal(staff, county, seal_input)
    clock.set(dt.date(2026, 3, 5))
    client.force_login(staff.head)
    assert 'data-action="exclude"' in client.get(seal.get_absolute_url()).content.decode()
    answer = client.post(reverse("coercion:seal_act", args=[seal.pk, "exclude"]), {
        "version": seal.version, "kind": "testing", "subject": "药品 2 盒", "performed_by": "洛阳市药品检验所",
        "starts_on": "2026-03-05", "ends_on": "2026-03-09", "told_on": "2026-03-05"})
    assert answer.status_code == 302, answer.content.decode()
    page = client.get(seal.get_absolute_url()).content.decode()
    assert 'id="seal-exclusions"' in page and "洛阳市药品检验所" in page and "共5日" in page
    [row] = seal_deadlines([county.pk])
    seal.refresh_from_db()
    assert row.due == seal.ends_on and "共5日" in row.why
