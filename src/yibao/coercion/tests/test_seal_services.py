"""The seal's acts and their guards, each refusal with its code and article."""

import datetime as dt

import pytest

from yibao.cases.procedure import Refusal
from yibao.coercion import services as cs
from yibao.coercion.models import LiftReason, Seal, SealEvent
from yibao.coercion.procedure import SealCode, SealStatus
from yibao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kw):
    with pytest.raises(Refusal) as e:
        call(*args, **kw)
    assert e.value.code == code, e.value.message
    return e.value


def approved_seal(staff, county, seal_input, case=None, **changes) -> Seal:
    seal = cs.do_propose_seal(county, actor=staff.officer1, case=case, **seal_input(**changes))
    return cs.do_approve_seal(seal, actor=staff.head, expected_version=seal.version, approved=True)


def active_seal(staff, county, seal_input, case=None, **changes) -> Seal:
    seal = approved_seal(staff, county, seal_input, case, **changes)
    return cs.do_execute_seal(seal, actor=staff.reviewer, expected_version=seal.version, site_record="现场笔录：已贴封条")


def test_the_normal_path_runs_thirty_calendar_days_from_the_heads_decision(staff, county, seal_input, clock):
    seal = cs.do_propose_seal(county, actor=staff.officer1, **seal_input())
    assert seal.status == SealStatus.PROPOSED and seal.ends_on is None
    clock.set(dt.date(2026, 3, 3))
    seal = cs.do_approve_seal(seal, actor=staff.head, expected_version=seal.version, approved=True)
    # 2026-03-03 + 30 days = 2026-04-02, a Thursday: a workday, so the period ends that day.
    assert seal.status == SealStatus.APPROVED and seal.ends_on == dt.date(2026, 4, 2)
    seal = cs.do_execute_seal(seal, actor=staff.reviewer, expected_version=seal.version, site_record="已贴封条")
    seal = cs.do_notify_seal_party(seal, actor=staff.officer2, expected_version=seal.version, statement="无异议")
    assert seal.status == SealStatus.ACTIVE and seal.party_notified_on == dt.date(2026, 3, 3)
    actions = list(SealEvent.objects.filter(seal=seal).values_list("action", flat=True))
    assert actions == ["propose", "approve", "execute", "notify"]
    assert AuditEvent.objects.filter(action__startswith="seal.", object_id=str(seal.pk)).count() == 4


def test_a_seal_of_thirty_one_days_is_refused(staff, county, seal_input):
    e = refused(SealCode.PERIOD_TOO_LONG, cs.do_propose_seal, county, actor=staff.officer1, **seal_input(days=31))
    assert "第二十五条" in e.basis.label()


def test_the_head_cannot_approve_thirty_one_days_either(staff, county, seal_input):
    seal = cs.do_propose_seal(county, actor=staff.officer1, **seal_input(days=10))
    refused(SealCode.PERIOD_TOO_LONG, cs.do_approve_seal, seal, actor=staff.head, expected_version=seal.version,
            approved=True, days=31)


def test_an_officer_cannot_approve_a_seal(staff, county, seal_input):
    seal = cs.do_propose_seal(county, actor=staff.officer1, **seal_input())
    refused("wrong_role", cs.do_approve_seal, seal, actor=staff.officer2, expected_version=seal.version, approved=True)


def test_a_seal_needs_two_officers_with_valid_certificates(staff, county, seal_input, clock):
    refused("too_few_officers", cs.do_propose_seal, county, actor=staff.officer1,
            **seal_input(officers=[staff.officer1.officer]))
    officer2 = staff.officer2.officer
    officer2.certificate_expiry = clock.day - dt.timedelta(days=1)
    officer2.save()
    refused("certificate_invalid", cs.do_propose_seal, county, actor=staff.officer1, **seal_input())


def test_the_executor_must_be_the_legal_sections_execution_post(staff, county, seal_input):
    seal = approved_seal(staff, county, seal_input)
    # officer1 holds 执行岗 — of the fund-supervision section, which is the penalty chain's, not the seal's.
    e = refused("wrong_post", cs.do_execute_seal, seal, actor=staff.officer1, expected_version=seal.version,
                site_record="已贴封条")
    assert "法制审核股" in e.message


def test_the_party_is_told_by_the_notice_post_of_the_fund_supervision_section(staff, county, seal_input):
    seal = active_seal(staff, county, seal_input)
    refused("wrong_role", cs.do_notify_seal_party, seal, actor=staff.reviewer, expected_version=seal.version)


def test_a_seal_is_extended_once_by_at_most_thirty_days_with_a_reason(staff, county, seal_input, clock):
    seal = active_seal(staff, county, seal_input)
    first_end = seal.ends_on
    refused(SealCode.EXTENSION_TOO_LONG, cs.do_extend_seal, seal, actor=staff.head, expected_version=seal.version,
            days=31, reason="情况复杂")
    refused("no_reason", cs.do_extend_seal, seal, actor=staff.head, expected_version=seal.version, days=30, reason="")
    refused("wrong_role", cs.do_extend_seal, seal, actor=staff.officer1, expected_version=seal.version, days=30,
            reason="情况复杂")
    seal = cs.do_extend_seal(seal, actor=staff.head, expected_version=seal.version, days=30, reason="需调取银行流水")
    assert seal.ends_on > first_end and seal.extended_days == 30
    seal = cs.do_notify_seal_party(seal, actor=staff.officer1, expected_version=seal.version)  # the first notice
    seal = cs.do_notify_seal_party(seal, actor=staff.officer1, expected_version=seal.version)  # of the extension
    assert seal.extension_told_on == clock.day
    refused(SealCode.WRONG_STATUS, cs.do_notify_seal_party, seal, actor=staff.officer1, expected_version=seal.version)
    e = refused(SealCode.SECOND_EXTENSION, cs.do_extend_seal, seal, actor=staff.head, expected_version=seal.version,
                days=5, reason="仍需核实")
    assert "第二十五条" in e.basis.label()


def test_an_expired_seal_cannot_be_extended(staff, county, seal_input, clock):
    seal = active_seal(staff, county, seal_input, days=10)
    clock.set(seal.ends_on + dt.timedelta(days=1))
    assert Seal.objects.get(pk=seal.pk).expired(clock.day)
    refused(SealCode.EXPIRED, cs.do_extend_seal, seal, actor=staff.head, expected_version=seal.version, days=10,
            reason="情况复杂")


def test_an_emergency_seal_reported_within_24_hours_is_approved_afterwards(staff, county, seal_input, moment):
    seal = cs.do_seal_on_site(county, actor=staff.officer1, site_record="紧急：当事人正在销毁处方", **seal_input())
    assert seal.status == SealStatus.ACTIVE and seal.emergency
    refused(SealCode.NOT_REPORTED, cs.do_approve_seal, seal, actor=staff.head, expected_version=seal.version,
            approved=True)
    moment.set(moment.at + dt.timedelta(hours=23))
    seal = cs.do_report_emergency_seal(seal, actor=staff.officer2, expected_version=seal.version)
    seal = cs.do_approve_seal(seal, actor=staff.head, expected_version=seal.version, approved=True)
    assert seal.status == SealStatus.ACTIVE and seal.approved_on is not None


def test_an_emergency_seal_not_reported_within_24_hours_is_refused_the_report(staff, county, seal_input, moment):
    seal = cs.do_seal_on_site(county, actor=staff.officer1, site_record="紧急", **seal_input())
    moment.set(moment.at + dt.timedelta(hours=24, minutes=1))
    e = refused(SealCode.REPORT_LATE, cs.do_report_emergency_seal, seal, actor=staff.officer1,
                expected_version=seal.version)
    assert "第十九条" in e.basis.label() and "立即解除" in e.message
    refused(SealCode.NOT_REPORTED, cs.do_approve_seal, seal, actor=staff.head, expected_version=seal.version,
            approved=True)
    # The head may still refuse it, which lifts it at once.
    seal = cs.do_approve_seal(seal, actor=staff.head, expected_version=seal.version, approved=False,
                              opinion="未在二十四小时内报告")
    assert seal.status == SealStatus.LIFTED and seal.lift_reason == LiftReason.NOT_APPROVED


def test_an_emergency_seal_the_head_does_not_approve_is_lifted_at_once(staff, county, seal_input, moment):
    seal = cs.do_seal_on_site(county, actor=staff.officer1, site_record="紧急", **seal_input())
    seal = cs.do_report_emergency_seal(seal, actor=staff.officer1, expected_version=seal.version)
    seal = cs.do_approve_seal(seal, actor=staff.head, expected_version=seal.version, approved=False,
                              opinion="资料不存在灭失风险")
    assert seal.status == SealStatus.LIFTED and seal.lift_reason == LiftReason.NOT_APPROVED


def test_the_head_lifts_a_seal_on_a_ground_of_article_28(staff, county, seal_input):
    seal = active_seal(staff, county, seal_input)
    refused("wrong_role", cs.do_lift_seal, seal, actor=staff.officer1, expected_version=seal.version,
            reason=LiftReason.UNRELATED)
    refused("no_reason", cs.do_lift_seal, seal, actor=staff.head, expected_version=seal.version,
            reason=LiftReason.NO_LONGER_NEEDED)
    seal = cs.do_lift_seal(seal, actor=staff.head, expected_version=seal.version, reason=LiftReason.UNRELATED)
    assert seal.status == SealStatus.LIFTED
    refused(SealCode.WRONG_STATUS, cs.do_lift_seal, seal, actor=staff.head, expected_version=seal.version,
            reason=LiftReason.UNRELATED)


def test_a_stale_version_is_a_conflict(staff, county, seal_input):
    seal = active_seal(staff, county, seal_input)
    refused("conflict", cs.do_lift_seal, seal, actor=staff.head, expected_version=seal.version - 1,
            reason=LiftReason.UNRELATED)


def test_a_seal_on_a_case_is_proposed_by_an_officer_of_the_case(staff, county, seal_input, case, make_user):
    from yibao.org.constants import Role

    seal = cs.do_propose_seal(county, actor=staff.officer1, case=case, **seal_input())
    assert seal.case == case
    outsider = make_user("outsider", Role.OFFICER, county)
    refused("not_case_officer", cs.do_propose_seal, county, actor=outsider, case=case, **seal_input())


def test_the_seals_of_a_case_are_lifted_when_the_case_ends(staff, county, seal_input, case):
    from yibao.cases import services as s

    active = active_seal(staff, county, seal_input, case)
    pending = cs.do_propose_seal(county, actor=staff.officer1, case=case, **seal_input())
    s.do_take_step(case, "terminate", actor=staff.head, expected_version=case.version, reason="当事人已注销")
    active.refresh_from_db()
    pending.refresh_from_db()
    assert active.status == SealStatus.LIFTED and active.lift_reason == LiftReason.CASE_ENDED
    assert "当事人已注销" in active.lift_note and active.lifted_by == staff.head
    assert pending.status == SealStatus.REJECTED
    assert AuditEvent.objects.filter(action="seal.lift", object_id=str(active.pk)).exists()
    refused(SealCode.CASE_ENDED, cs.do_propose_seal, county, actor=staff.officer1, case=case, **seal_input())


def test_a_seal_outside_the_actors_bureau_is_refused(staff, county, seal_input):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau

    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    refused("out_of_scope", cs.do_propose_seal, other, actor=staff.officer1, **seal_input())


def test_seal_deadlines_list_running_seals_and_unreported_emergencies_nearest_first(staff, county, seal_input,
                                                                                      moment):
    from yibao.coercion.deadlines import SEAL_EXPIRY_KIND, SEAL_REPORT_KIND, seal_deadlines

    running = active_seal(staff, county, seal_input, days=5)
    on_site = cs.do_seal_on_site(county, actor=staff.officer1, site_record="紧急", **seal_input())
    lifted = active_seal(staff, county, seal_input)
    cs.do_lift_seal(lifted, actor=staff.head, expected_version=lifted.version, reason=LiftReason.UNRELATED)
    rows = seal_deadlines([county.pk])
    assert [(r.kind, r.pk) for r in rows] == [(SEAL_REPORT_KIND, on_site.pk), (SEAL_EXPIRY_KIND, running.pk),
                                               (SEAL_EXPIRY_KIND, on_site.pk)]
    assert rows[1].due == running.ends_on and rows[1].url == running.get_absolute_url()
    assert "第二十五条" in rows[1].basis and "第十九条" in rows[0].basis and rows[0].why
    assert seal_deadlines([county.pk], horizon=running.ends_on)[-1].pk == running.pk
    assert len(seal_deadlines([county.pk], horizon=running.ends_on)) == 2
    assert seal_deadlines([]) == []
    # 2 March + 5 days is Saturday 7 March: the period ends on the next workday, Monday 9 March.
    assert rows[1].due == dt.date(2026, 3, 9)
    assert not rows[1].overdue(dt.date(2026, 3, 9)) and rows[1].overdue(dt.date(2026, 3, 10))


def test_the_supervision_board_shows_a_seal_near_its_end(staff, county, seal_input, clock):
    from yibao.cases.deadlines import board

    seal = active_seal(staff, county, seal_input, days=3)
    rows = [r for r in board([county.pk], today=clock.day).rows if r.kind == "seal"]
    assert [(r.subject, r.due) for r in rows] == [(seal.number, seal.ends_on)]


def test_the_demo_has_a_running_seal_near_its_end_and_a_lifted_one(staff, county, clock):
    from yibao.coercion.demo import demo_seals

    text = demo_seals(county)
    assert "示例封存 2 件" in text
    running = Seal.objects.get(status=SealStatus.ACTIVE)
    assert 0 <= (running.ends_on - clock.day).days <= 5
    assert Seal.objects.filter(status=SealStatus.LIFTED).count() == 1
    assert "已有示例封存" in demo_seals(county)


def test_a_case_sent_to_the_judiciary_takes_its_sealed_materials_with_it(staff, county, seal_input, case):
    from yibao.cases.services.transfer import do_transfer

    seal = active_seal(staff, county, seal_input, case)
    do_transfer(case, actor=staff.head, expected_version=case.version, kind="judiciary", to_authority="栾川县公安局",
                letter_number="栾医保移〔2026〕1号", reason="涉嫌诈骗罪")
    seal.refresh_from_db()
    assert seal.status == SealStatus.HANDED_OVER and seal.lift_reason == ""
    assert AuditEvent.objects.filter(action="seal.hand_over", object_id=str(seal.pk)).exists()


def test_officers_see_their_own_seals_and_the_head_sees_the_bureaus(staff, county, seal_input, make_user):
    from yibao.org.constants import Role

    seal = cs.do_propose_seal(county, actor=staff.officer1, **seal_input())
    other = make_user("officer3", Role.OFFICER, county)
    assert list(cs.visible_seals(staff.officer2)) == [seal]  # one of its officers
    assert list(cs.visible_seals(staff.head)) == [seal]
    assert not cs.visible_seals(other).exists()
    assert not cs.visible_seals(staff.auditor).exists()
