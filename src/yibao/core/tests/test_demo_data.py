"""What the demo prepares: every demo bureau with its staff, and the demo county screening institutions of
its own county, each of them with a name."""

import pytest
from django.conf import global_settings
from django.contrib.auth import authenticate

from yibao.core.demo import DEMO_BUREAUS, DEMO_USERS_BUREAU, demo_staff_names, prepare_demo
from yibao.core.testing import prepared_demo
from yibao.monitoring.models import Finding, Institution, ScreeningRun
from yibao.org.constants import DEMO_PASSWORD, Role
from yibao.org.models import Bureau, Officer, UserProfile

README_USERS = ["officer1", "officer2", "reviewer", "head", "auditor", "analyst", "admin", "security_admin",
                "audit_admin"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo prepared once for the module (it imports the seeds and screens 20,000 fee lines)."""
    with prepared_demo(django_db_blocker, tmp_path_factory) as summary:
        yield summary


@pytest.mark.django_db
def test_every_demo_bureau_has_a_head_with_a_section_two_officers_and_a_legal_reviewer(demo):
    for b in DEMO_BUREAUS:
        bureau = Bureau.objects.get(name=b.name)
        roles = sorted(UserProfile.objects.filter(bureau=bureau).values_list("role", flat=True))
        expected = ["analyst", "auditor", "head", "legal_reviewer", "officer", "officer"]
        assert roles == sorted(expected + (["admin", "audit_admin", "security_admin"] if b.name == DEMO_USERS_BUREAU else [])), b.name
        officers = list(Officer.objects.filter(bureau=bureau).select_related("user", "department"))
        assert len(officers) == 4, b.name
        assert all(o.has_valid_certificate() and o.department is not None for o in officers), b.name
        head = next(o for o in officers if o.user.profile.role == Role.HEAD)
        assert head.department.name.startswith("基金监管")


@pytest.mark.django_db
def test_the_readme_users_still_log_in_and_other_bureaus_staff_have_clear_names(demo, settings):
    # The demo was prepared before the tests' fast hasher was set: check its passwords with the real ones.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    for username in README_USERS:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    yangquan = authenticate(username="yangquan.head", password=DEMO_PASSWORD)
    assert yangquan is not None and yangquan.profile.bureau.name == "阳泉市医疗保障局"
    index = next(i for i, b in enumerate(DEMO_BUREAUS) if b.slug == "yangquan")
    assert yangquan.officer.name == demo_staff_names(index)["head"] != "赵志强"
    assert "yangquan.head" in demo and f"演示账号（密码 {DEMO_PASSWORD}）：officer1" in demo


@pytest.mark.django_db
def test_the_demo_county_screens_institutions_of_its_own_county_each_with_a_name(demo):
    county = Bureau.objects.get(name=DEMO_USERS_BUREAU)
    run = ScreeningRun.objects.get(bureau=county)
    assert run.finding_count > 0
    institutions = {i.code: i for i in Institution.objects.filter(bureau=county)}
    codes = set(Finding.objects.filter(bureau=county).exclude(fixmedins_code=None).values_list(
        "fixmedins_code", flat=True))
    assert codes and codes <= set(institutions), sorted(codes - set(institutions))
    for code in codes:
        inst = institutions[code]
        assert inst.name and inst.admdvs == "410324", (code, inst.name, inst.admdvs)
        assert "广州" not in inst.name and "天河" not in inst.name
        if inst.type == "1":
            assert inst.name.startswith("栾川县"), inst.name


@pytest.mark.django_db
def test_preparing_the_demo_again_changes_nothing(demo):
    counts = (Officer.objects.count(), UserProfile.objects.count(), ScreeningRun.objects.count(), Finding.objects.count())
    prepare_demo()
    assert (Officer.objects.count(), UserProfile.objects.count(), ScreeningRun.objects.count(),
            Finding.objects.count()) == counts


@pytest.mark.django_db
def test_the_demo_county_has_cases_in_every_state_some_near_or_past_a_deadline(demo):
    from yibao.cases.deadlines import board
    from yibao.cases.models import Case
    from yibao.cases.procedure import CaseState
    from yibao.cases.services import today
    from yibao.core.demo import DEMO_CASES

    county = Bureau.objects.get(name=DEMO_USERS_BUREAU)
    cases = Case.objects.filter(bureau=county)
    assert {c.state for c in cases} == {s.value for s in CaseState}
    assert cases.count() == len(DEMO_CASES)
    # Walked through the services: every step is on the timeline, by the README's users.
    closed = cases.get(state=CaseState.CLOSED)
    assert [st.action for st in closed.steps.all()][:2] == ["propose_filing", "approve_filing"]
    assert {st.actor.username for st in closed.steps.all()} == {"officer1", "reviewer", "head"}
    # Closed on the closing report 执行岗 drafted and the head approved.
    assert (closed.closing_report.status, closed.closing_report.approved_by.username) == ("approved", "head")
    rows = board([county.pk], today=today(), near=5).rows
    assert any(r.days_left(today()) < 0 for r in rows) and any(r.days_left(today()) >= 0 for r in rows)
    assert "lead" in {r.kind for r in rows}  # the older demo lead is past its verification period


@pytest.mark.django_db
def test_preparing_the_demo_again_adds_no_case(demo):
    from yibao.cases.models import Case, CaseStep

    counts = (Case.objects.count(), CaseStep.objects.count())
    prepare_demo()
    assert (Case.objects.count(), CaseStep.objects.count()) == counts
