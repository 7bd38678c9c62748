"""A legal reviewer signs off a provision's encoding; a changed encoding needs a new review."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied

from yibao.core.models import AuditEvent
from yibao.law.provisions import load_library
from yibao.law.services import do_review_provision, provision_review
from yibao.org.models import UserProfile
from yibao.org.services import get_or_create_bureau

pytestmark = pytest.mark.django_db


def _user(django_user_model, username, role):
    user = django_user_model.objects.create_user(username, password="x")
    UserProfile.objects.create(user=user, bureau=get_or_create_bureau("某县医疗保障局"), role=role)
    return user


def test_legal_reviewer_marks_a_provision_reviewed(django_user_model):
    reviewer = _user(django_user_model, "r", "legal_reviewer")
    provision = load_library().versions("mfs-40-1")[0]
    assert provision_review(provision) is None
    do_review_provision("mfs-40-1", actor=reviewer, note="已与国务院令第735号核对")
    review = provision_review(provision)
    assert review.reviewer == reviewer
    assert AuditEvent.objects.filter(action="provision.review").count() == 1


def test_officer_cannot_mark_a_provision_reviewed(django_user_model):
    officer = _user(django_user_model, "o", "officer")
    with pytest.raises(PermissionDenied):
        do_review_provision("mfs-40-1", actor=officer)


def test_changed_encoding_is_no_longer_reviewed(django_user_model):
    reviewer = _user(django_user_model, "r", "legal_reviewer")
    do_review_provision("mfs-38", actor=reviewer)
    provision = load_library().versions("mfs-38")[0]
    changed = dataclasses.replace(provision, conduct=provision.conduct + "（改）")
    assert provision_review(provision) is not None
    assert provision_review(changed) is None


def test_bureau_uses_its_parents_benchmark_unless_it_has_its_own():
    province = get_or_create_bureau("某省医疗保障局")
    province.discretion_benchmark = "shanxi_example"
    province.save()
    county = get_or_create_bureau("某县医疗保障局")
    county.parent = province
    county.save()
    assert county.benchmark_name() == "shanxi_example"
    county.discretion_benchmark = "national"
    assert county.benchmark_name() == "national"
    assert get_or_create_bureau("另一县医疗保障局").benchmark_name() == "national"
