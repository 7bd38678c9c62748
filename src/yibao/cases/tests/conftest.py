"""Fixtures of the case tests: the demo staff of a county (two officers, a legal reviewer, a head, each
with their posts and certificates), a lead, and a clock the services read."""

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture
def staff(county, clock):
    from yibao.org.services import ensure_demo_users

    users = {u.username: u for u in ensure_demo_users(county)}
    return SimpleNamespace(**{name: users[name] for name in ("officer1", "officer2", "reviewer", "head",
                                                             "auditor")})


@pytest.fixture
def clock(monkeypatch):
    """Set the services' today (and the certificates'): clock.set(date); starts on a Monday of 2026."""
    from django.utils import timezone

    state = SimpleNamespace(day=dt.date(2026, 3, 2))

    def set_day(day: dt.date) -> None:
        state.day = day

    state.set = set_day
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: state.day)
    return state


@pytest.fixture
def lead(county):
    from yibao.cases.models import Lead

    return Lead.objects.create(
        bureau=county, number="XS410324202600001", source="complaint", party_type="institution",
        party_code="H41032400001", party_name="栾川县康宁诊所", summary="举报：串换药品、虚计诊疗项目",
        suspected_loss=12000, received_date=dt.date(2026, 2, 20),
    )


@pytest.fixture
def file_input(staff, lead):
    """A complete filing from the lead, with both demo officers."""
    from yibao.cases.services import FilingInput, PartyInput

    def make(**changes):
        data = FilingInput(
            title="栾川县康宁诊所串换药品案",
            facts_summary="2025年串换药品、虚计诊疗项目，造成基金损失。",
            lead=lead,
            parties=[PartyInput("institution", "栾川县康宁诊所", credit_code="52410324MJY123456X",
                                address="栾川县城关镇君山路1号", legal_representative="王某", contact="0379-6682xxxx")],
            officers=[staff.officer1.officer, staff.officer2.officer],
            act_end_on=dt.date(2025, 12, 31),
            provisions=["《医疗保障基金使用监督管理条例》第三十八条第（一）项"],
            amount=12000,
        )
        for k, v in changes.items():
            setattr(data, k, v)
        return data

    return make
