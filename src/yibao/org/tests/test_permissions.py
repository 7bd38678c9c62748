"""The one permission vocabulary: roles, scope, posts and the querysets a user sees."""

import pytest

from yibao.cases.procedure import ROLE_LABELS
from yibao.org.constants import BureauLevel, Role
from yibao.org.models import Bureau
from yibao.org.permissions import (
    has_role,
    holds_post,
    in_scope,
    restrict,
    role_refusal_message,
    roles_text,
    visible_bureau_ids,
)
from yibao.org.services import do_create_bureau


@pytest.fixture
def tree(county):
    """洛阳市 above 栾川县 and 嵩县."""
    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, actor=None)
    county.parent = city
    county.save()
    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, parent=city, actor=None)
    return city, county, other


@pytest.mark.django_db
def test_a_role_counts_in_the_users_bureau_and_below_but_not_above_or_beside(make_user, tree):
    city, county, other = tree
    head = make_user("head", Role.HEAD, county)
    assert has_role(head, {Role.HEAD}, county)
    assert has_role(head, {Role.HEAD})
    assert not has_role(head, {Role.HEAD}, city)
    assert not has_role(head, {Role.HEAD}, other)
    assert not has_role(head, {Role.ANALYST}, county)
    assert has_role(make_user("cityhead", Role.HEAD, city), {Role.HEAD}, other)


@pytest.mark.django_db
def test_a_deactivated_user_or_one_without_a_profile_has_no_role(make_user, county):
    assert not has_role(make_user("gone", Role.HEAD, county, is_active=False), {Role.HEAD}, county)
    assert not has_role(make_user("bare", None), {Role.HEAD})
    assert not has_role(make_user("root", None, is_superuser=True), {Role.HEAD})


@pytest.mark.django_db
def test_staff_pass_a_role_check_only_when_the_check_admits_staff(make_user, county):
    staff = make_user("staff", None, is_staff=True)
    assert has_role(staff, {Role.ANALYST}, county, staff=True)
    assert not has_role(staff, {Role.ANALYST}, county)


@pytest.mark.django_db
def test_scope_and_visible_bureaus_are_the_users_bureau_and_those_below(make_user, tree):
    city, county, other = tree
    city_user = make_user("c", Role.AUDITOR, city)
    county_user = make_user("k", Role.AUDITOR, county)
    assert set(visible_bureau_ids(city_user)) == {city.pk, county.pk, other.pk}
    assert visible_bureau_ids(county_user) == [county.pk]
    assert in_scope(city_user, county) and not in_scope(county_user, city)
    assert visible_bureau_ids(make_user("root", None, is_superuser=True)) is None
    assert visible_bureau_ids(make_user("bare", None)) == []


@pytest.mark.django_db
def test_restrict_keeps_only_the_rows_of_visible_bureaus(make_user, tree):
    city, county, other = tree
    user = make_user("k", Role.HEAD, county)
    assert list(restrict(Bureau.objects.all(), user, "pk")) == [county]
    assert restrict(Bureau.objects.all(), make_user("root", None, is_superuser=True), "pk").count() == 3


@pytest.mark.django_db
def test_a_post_is_held_only_in_its_section_of_its_bureau(make_user, county, officer):
    user = make_user("o", Role.OFFICER, county)
    officer.user = user
    officer.save()
    officer.posts.add(county.departments.get(name="法制审核股").posts.get(name="执行岗"))
    assert holds_post(user, "执行岗", "法制审核", county)
    # The same post name in the fund-supervision section is another post (seed 003: 封存 vs. penalties).
    assert not holds_post(user, "执行岗", "基金监管", county)
    officer.active = False
    officer.save()
    assert not holds_post(user, "执行岗", "法制审核", county)


def test_refusal_messages_name_the_roles_by_their_labels_in_role_order():
    assert roles_text({Role.HEAD, Role.ANALYST}) == "负责人、数据分析人员"
    assert role_refusal_message("发起筛查", {Role.ANALYST, Role.HEAD}) == \
        "您无权发起筛查。只有负责人、数据分析人员可以发起筛查。"


def test_the_pure_procedure_table_names_roles_as_the_role_choices_do():
    assert {role: Role(role).label for role in ROLE_LABELS} == ROLE_LABELS
