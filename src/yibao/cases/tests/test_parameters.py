"""Bureau parameters of case handling: defaults with their sources, a bureau's own values from a date, the
bureaus below following a province's value, the law's values fixed, and the settings page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from yibao.cases.parameters import UNVERIFIED, defaults
from yibao.cases.procedure import MIN_OFFICERS, STATEMENT_WINDOW_WORKDAYS, Refusal
from yibao.cases.services.facts import count
from yibao.cases.services.parameters import all_in_force, do_set_parameter, in_force, value
from yibao.deadlines.periods import STATUTORY_PERIODS


def test_every_default_names_its_unit_basis_and_source():
    for p in defaults().values():
        assert p.label and p.unit and p.basis and p.source, p.key


def test_a_default_the_law_does_not_fix_and_no_stored_page_backs_is_marked_unverified():
    for p in defaults().values():
        if not p.fixed_by_law and not p.url:
            assert p.source == UNVERIFIED and not p.reviewed, p.key


def test_the_law_periods_take_their_days_and_article_from_the_deadlines_table():
    decide = defaults()["decide_case"]
    assert decide.value == STATUTORY_PERIODS["decide_case"].days == 90
    assert decide.workdays is False and "第六十条" in decide.basis
    assert defaults()["request_hearing"].workdays is True


def test_the_procedure_reads_its_numbers_from_the_parameters():
    assert MIN_OFFICERS == defaults()["min_officers"].value == 2
    assert defaults()["statement_window"].value == STATEMENT_WINDOW_WORKDAYS
    assert defaults()["summary_fine_limit_organisation"].value == Decimal("3000")


@pytest.mark.django_db
class TestBureauValues:
    def test_a_bureau_without_its_own_value_uses_the_default(self, county, clock):
        got = in_force(county, "hearing_threshold_organisation")
        assert got.is_default and got.value == Decimal("100000")

    def test_a_bureau_value_applies_from_its_date_and_not_before(self, county, staff, clock):
        do_set_parameter(county, "statement_window", "10", valid_from=dt.date(2026, 3, 10),
                         basis="栾医保〔2026〕1号 第三条", actor=staff.head)
        assert value(county, "statement_window", dt.date(2026, 3, 9)) == 5
        after = in_force(county, "statement_window", dt.date(2026, 3, 10))
        assert after.value == 10 and not after.is_default and "栾医保〔2026〕1号" in after.source_text

    def test_a_county_follows_the_value_its_province_set(self, county, make_user, clock):
        from yibao.org.constants import BureauLevel, Role
        from yibao.org.services import do_create_bureau

        province = do_create_bureau("河南省医疗保障局", level=BureauLevel.PROVINCE, code="410000", actor=None)
        county.parent = province
        county.save()
        head = make_user("henan.head", Role.HEAD, province)
        do_set_parameter(province, "deliberation_threshold_organisation", "200000", valid_from=clock.day,
                         basis="豫医保规〔2026〕1号", actor=head)
        got = in_force(county, "deliberation_threshold_organisation")
        assert got.value == Decimal("200000") and got.set_by_bureau == province

    def test_the_bureaus_period_is_what_a_deadline_counts(self, county, staff, clock):
        do_set_parameter(county, "statement_window", "10", valid_from=clock.day, basis="本局规定",
                         actor=staff.head)
        monday = dt.date(2026, 3, 2)
        assert count("statement_window", monday, bureau=county).due == dt.date(2026, 3, 16)
        assert count("statement_window", monday).due == dt.date(2026, 3, 9)

    def test_a_value_the_law_fixes_is_refused(self, county, staff, clock):
        with pytest.raises(Refusal) as refused:
            do_set_parameter(county, "decide_case", "120", valid_from=clock.day, basis="本局规定",
                             actor=staff.head)
        assert refused.value.code == "fixed_by_law" and "第六十条" in refused.value.message

    def test_an_officer_may_not_set_a_parameter(self, county, staff, clock):
        with pytest.raises(Refusal) as refused:
            do_set_parameter(county, "statement_window", "10", valid_from=clock.day, basis="本局规定",
                             actor=staff.officer1)
        assert refused.value.code == "wrong_role"

    def test_a_value_of_the_wrong_kind_is_refused_in_chinese(self, county, staff, clock):
        with pytest.raises(Refusal) as refused:
            do_set_parameter(county, "statement_window", "十", valid_from=clock.day, basis="本局规定",
                             actor=staff.head)
        assert refused.value.code == "invalid_input" and "正整数" in refused.value.message

    def test_a_value_may_not_reach_back_before_today(self, county, staff, clock):
        with pytest.raises(Refusal) as refused:
            do_set_parameter(county, "statement_window", "10", valid_from=clock.day - dt.timedelta(days=1),
                             basis="本局规定", actor=staff.head)
        assert refused.value.code == "invalid_input"

    def test_setting_a_value_is_audited(self, county, staff, clock):
        from yibao.core.models import AuditEvent

        do_set_parameter(county, "statement_window", "10", valid_from=clock.day, basis="本局规定",
                         actor=staff.head)
        assert AuditEvent.objects.filter(action="case_parameter.set", actor=staff.head).count() == 1

    def test_every_parameter_is_listed_with_its_value_in_force(self, county, clock):
        rows = all_in_force(county)
        assert [r.parameter.key for r in rows] == list(defaults())


@pytest.mark.django_db
class TestSettingsPage:
    def test_the_head_sees_each_parameter_its_source_and_whether_it_is_the_default(self, client, staff, clock):
        client.force_login(staff.head)
        html = client.get(reverse("cases:case_parameters")).content.decode()
        assert "办案期限（自立案之日起作出处理决定）" in html and "法定" in html and "待核实" in html

    def test_an_officer_is_refused_the_settings_page(self, client, staff, clock):
        client.force_login(staff.officer1)
        assert client.get(reverse("cases:case_parameters")).status_code == 403

    def test_the_head_sets_a_value_from_the_page(self, client, staff, county, clock):
        client.force_login(staff.head)
        client.post(reverse("cases:case_parameters"), {"key": "statement_window", "value": "8",
                                                       "valid_from": "2026-03-02", "basis": "本局规定"})
        assert value(county, "statement_window") == 8
        html = client.get(reverse("cases:case_parameters")).content.decode()
        assert "本地规定" in html
