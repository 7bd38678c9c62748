"""Posts follow seed 003 per kind of procedure: 执行岗 is the fund-supervision section's in the penalty chain and
the legal section's in the seal procedure (item 12)."""

import pytest

from yibao.cases.procedure import STEPS, Action
from yibao.coercion import procedure as p
from yibao.coercion.services import holds_seal_post
from yibao.org import constants
from yibao.org.permissions import holds_post


def test_the_seal_procedure_names_the_org_apps_roles_and_sections():
    assert {p.OFFICER, p.LEGAL_REVIEWER, p.HEAD} <= set(constants.Role.values)
    assert (p.FUND_SUPERVISION, p.LEGAL_REVIEW) == (constants.FUND_SUPERVISION, constants.LEGAL_REVIEW)
    sections = dict(constants.DEFAULT_DEPARTMENTS)
    for rule in p.SEAL_STEPS.values():
        if rule.post:
            assert rule.post in sections[rule.section], rule


def test_the_execution_post_is_in_another_section_in_each_procedure():
    penalty = STEPS[Action.START_ENFORCEMENT]
    assert (penalty.post, penalty.section) == ("执行岗", constants.FUND_SUPERVISION)
    assert p.post_for(p.SealStep.EXECUTE) == ("执行岗", constants.LEGAL_REVIEW)


@pytest.mark.django_db
def test_the_same_post_name_is_checked_against_the_section_of_its_procedure(staff, county):
    penalty = STEPS[Action.START_ENFORCEMENT]
    # officer1 holds 执行岗 of 基金监管股: the penalty chain's execution, not the seal's.
    assert holds_post(staff.officer1, penalty.post, penalty.section, county)
    assert not holds_seal_post(staff.officer1, county, p.SealStep.EXECUTE)
    # The reviewer holds 执行岗 of 法制审核股: the seal's execution, not the penalty chain's.
    assert not holds_post(staff.reviewer, penalty.post, penalty.section, county)
    assert holds_seal_post(staff.reviewer, county, p.SealStep.EXECUTE)


def test_thirty_days_pass_and_thirty_one_do_not():
    assert p.check_period(p.SEAL_MAX_DAYS) is None
    assert "不得超过30日" in p.check_period(p.SEAL_MAX_DAYS + 1)
