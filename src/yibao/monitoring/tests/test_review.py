"""The two-library review procedure: first review, second review, appeal, verification."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yibao.core.models import AuditEvent
from yibao.monitoring.constants import TRANSITIONS, FindingStatus
from yibao.monitoring.models import Finding, FindingEvent
from yibao.monitoring.services import (
    appeal_deadline,
    do_close_appeal_window,
    do_confirm_first_review,
    do_confirm_second_review,
    do_dismiss_first_review,
    do_dismiss_second_review,
    do_overturn_finding,
    do_record_appeal,
    do_reopen_finding,
    do_transition,
    do_uphold_finding,
)
from yibao.org.constants import Role


@pytest.fixture
def people(make_user, county, analyst):
    return {
        "analyst": analyst,
        "analyst2": make_user("analyst2", Role.ANALYST, county),
        "auditor": make_user("auditor", Role.AUDITOR, county),
        "head": make_user("head", Role.HEAD, county),
        "reviewer": make_user("reviewer", Role.LEGAL_REVIEWER, county),
        "officer": make_user("officer1", Role.OFFICER, county),
    }


@pytest.fixture
def findings(run, county):
    return list(Finding.objects.filter(bureau=county).order_by("id"))


def statuses(findings) -> set[str]:
    return set(Finding.objects.filter(pk__in=[f.pk for f in findings]).values_list("status", flat=True))


def test_every_transition_moves_from_its_source_states_to_its_target():
    assert TRANSITIONS["first_confirm"].sources == (FindingStatus.NEW,)
    assert TRANSITIONS["first_confirm"].target == FindingStatus.SECOND_REVIEW
    assert TRANSITIONS["second_confirm"].target == FindingStatus.APPEAL_WINDOW
    assert TRANSITIONS["record_appeal"].target == FindingStatus.APPEAL
    assert TRANSITIONS["uphold"].target == FindingStatus.CONFIRMED
    assert TRANSITIONS["overturn"].target == FindingStatus.DISMISSED
    assert TRANSITIONS["handle"].sources == (FindingStatus.CONFIRMED,)
    assert all(TRANSITIONS[n].reason_required for n in ("first_dismiss", "second_dismiss", "overturn", "reopen"))


def test_a_finding_goes_through_both_reviews_the_appeal_and_verification(findings, people):
    f = findings[0]
    do_confirm_first_review(f, actor=people["analyst"])
    do_confirm_second_review(f, actor=people["analyst2"])
    f.refresh_from_db()
    assert f.status == FindingStatus.APPEAL_WINDOW
    assert f.first_reviewer == people["analyst"] and f.second_reviewer == people["analyst2"]
    assert f.appeal_deadline == appeal_deadline(timezone.localdate()) > timezone.localdate()
    do_record_appeal(f, actor=people["officer"], text="该项目为医嘱所开，已附病历", appeal_date=dt.date(2024, 4, 2))
    f.refresh_from_db()
    assert (f.status, f.appeal_text, f.appeal_date) == (FindingStatus.APPEAL, "该项目为医嘱所开，已附病历",
                                                        dt.date(2024, 4, 2))
    do_uphold_finding(f, actor=people["reviewer"], reason="病历不支持该项目")
    f.refresh_from_db()
    assert f.status == FindingStatus.CONFIRMED and f.verified_by == people["reviewer"]
    history = list(f.events.values_list("transition", "from_status", "to_status"))
    assert history == [
        ("first_confirm", "new", "second_review"),
        ("second_confirm", "second_review", "appeal_window"),
        ("record_appeal", "appeal_window", "appeal"),
        ("uphold", "appeal", "confirmed"),
    ]
    event = f.events.last()
    assert event.actor == people["reviewer"] and event.reason == "病历不支持该项目" and event.created_at
    assert AuditEvent.objects.filter(action="finding.uphold", object_id=str(f.pk)).exists()


def test_an_upheld_appeal_dismisses_the_finding_with_the_reason(findings, people):
    f = findings[0]
    do_confirm_first_review(f, actor=people["analyst"])
    do_confirm_second_review(f, actor=people["head"])
    do_record_appeal(f, actor=people["analyst"], text="价格经物价部门批准")
    with pytest.raises(ValidationError, match="须填写理由"):
        do_overturn_finding(f, actor=people["head"], reason="")
    do_overturn_finding(f, actor=people["head"], reason="机构提供了物价批复，收费合规")
    f.refresh_from_db()
    assert f.status == FindingStatus.DISMISSED and f.dismissed_by == people["head"]
    assert f.dismissed_reason == "机构提供了物价批复，收费合规"


def test_dismissal_needs_a_reason_in_chinese(findings, people):
    with pytest.raises(ValidationError) as info:
        do_dismiss_first_review(findings[0], actor=people["analyst"], reason="   ")
    assert info.value.messages == ["初审排除须填写理由。"]
    assert statuses(findings[:1]) == {FindingStatus.NEW}


def test_the_same_person_may_not_do_both_reviews_of_a_finding(findings, people):
    do_confirm_first_review(findings[:2], actor=people["analyst"])
    with pytest.raises(PermissionDenied, match="同一人不能对同一疑点既初审又复审"):
        do_confirm_second_review(findings[:2], actor=people["analyst"])
    with pytest.raises(PermissionDenied, match="同一人"):
        do_dismiss_second_review(findings[0], actor=people["analyst"], reason="误报")
    assert statuses(findings[:2]) == {FindingStatus.SECOND_REVIEW}
    assert do_confirm_second_review(findings[:2], actor=people["auditor"]) == 2


@pytest.mark.parametrize("role", ["auditor", "head", "reviewer", "officer"])
def test_only_an_analyst_does_the_first_review(findings, people, role):
    with pytest.raises(PermissionDenied, match="初审确认"):
        do_confirm_first_review(findings[0], actor=people[role])


def test_officers_and_legal_reviewers_may_not_do_the_second_review(findings, people):
    do_confirm_first_review(findings[0], actor=people["analyst"])
    for role in ("officer", "reviewer"):
        with pytest.raises(PermissionDenied):
            do_confirm_second_review(findings[0], actor=people[role])


def test_verification_is_for_the_head_or_a_legal_reviewer(findings, people):
    f = findings[0]
    do_confirm_first_review(f, actor=people["analyst"])
    do_confirm_second_review(f, actor=people["analyst2"])
    do_record_appeal(f, actor=people["analyst"], text="申诉")
    for role in ("analyst", "analyst2", "auditor", "officer"):
        with pytest.raises(PermissionDenied, match="核实"):
            do_uphold_finding(f, actor=people[role])
    do_uphold_finding(f, actor=people["head"])


def test_a_transition_from_the_wrong_state_is_refused_and_nothing_moves(findings, people):
    do_confirm_first_review(findings[0], actor=people["analyst"])
    with pytest.raises(ValidationError, match="1 条疑点当前状态不能进行“初审确认”"):
        do_confirm_first_review(findings[:3], actor=people["analyst"])
    assert statuses(findings[1:3]) == {FindingStatus.NEW}
    with pytest.raises(ValidationError, match="申诉"):
        do_record_appeal(findings[1], actor=people["analyst"], text="")


def test_a_user_of_another_bureau_may_not_review(findings, make_user):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau

    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    with pytest.raises(PermissionDenied):
        do_confirm_first_review(findings[0], actor=make_user("x", Role.ANALYST, other))


def test_many_findings_are_reviewed_at_once_in_one_transaction_with_one_audit_event(findings, people):
    moved = do_confirm_first_review(findings, actor=people["analyst"])
    assert moved == len(findings) == 8
    assert statuses(findings) == {FindingStatus.SECOND_REVIEW}
    assert FindingEvent.objects.filter(transition="first_confirm").count() == 8
    event = AuditEvent.objects.get(action="finding.first_confirm")
    assert event.data["count"] == 8 and sorted(event.data["findings"]) == sorted(f.pk for f in findings)


def test_the_appeal_window_closes_early_only_with_a_reason(findings, people):
    f = findings[0]
    do_confirm_first_review(f, actor=people["analyst"])
    do_confirm_second_review(f, actor=people["analyst2"])
    with pytest.raises(ValidationError, match="申诉期尚未届满"):
        do_close_appeal_window(f, actor=people["analyst"])
    do_close_appeal_window(f, actor=people["analyst"], reason="机构书面放弃申诉")
    f.refresh_from_db()
    assert f.status == FindingStatus.CONFIRMED


def test_the_appeal_window_closes_without_a_reason_once_the_deadline_has_passed(findings, people):
    f = findings[0]
    do_confirm_first_review(f, actor=people["analyst"])
    do_confirm_second_review(f, actor=people["analyst2"])
    Finding.objects.filter(pk=f.pk).update(appeal_deadline=timezone.localdate() - dt.timedelta(days=1))
    do_close_appeal_window(f, actor=people["auditor"])
    assert statuses([f]) == {FindingStatus.CONFIRMED}


def test_only_the_head_takes_a_dismissal_back_and_the_review_starts_over(findings, people):
    f = findings[0]
    do_dismiss_first_review(f, actor=people["analyst"], reason="误报")
    with pytest.raises(PermissionDenied):
        do_reopen_finding(f, actor=people["analyst"], reason="再看看")
    do_reopen_finding(f, actor=people["head"], reason="复查发现确有问题")
    f.refresh_from_db()
    assert f.status == FindingStatus.NEW and f.dismissed_reason == "" and f.first_reviewer is None
    assert f.events.count() == 2
    # The first reviewer of the earlier round may review again, and someone else does the second review.
    do_confirm_first_review(f, actor=people["analyst"])
    do_confirm_second_review(f, actor=people["analyst2"])


def test_handling_needs_a_confirmed_finding(findings, people):
    f = findings[0]
    with pytest.raises(ValidationError):
        do_transition(f, "handle", actor=people["analyst"])


def test_an_anonymous_actor_is_refused(findings):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        do_confirm_first_review(findings[0], actor=AnonymousUser())
