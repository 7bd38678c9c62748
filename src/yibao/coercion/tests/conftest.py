"""Fixtures of the seal tests: the case tests' demo staff and clock, a filed case, and a moving `now`."""

import datetime as dt
from types import SimpleNamespace

import pytest

from yibao.cases.tests.conftest import clock, file_input, lead, staff  # noqa: F401 - shared fixtures


@pytest.fixture
def moment(monkeypatch, clock):  # noqa: F811
    """The services' now: moment.set(datetime); starts at 10:00 Beijing time on the clock's day."""
    from django.utils import timezone

    from yibao.coercion import services

    tz = timezone.get_default_timezone()
    state = SimpleNamespace(at=dt.datetime.combine(clock.day, dt.time(10, 0), tzinfo=tz))

    def set_at(at: dt.datetime) -> None:
        state.at = at
        clock.set(at.date())

    state.set = set_at
    monkeypatch.setattr(services, "now", lambda: state.at)
    return state


@pytest.fixture
def case(staff, file_input):  # noqa: F811
    """A filed case of the county, with officer1 and officer2 on it."""
    from yibao.cases import services as s

    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    return s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)


@pytest.fixture
def seal_input(staff, county):  # noqa: F811
    def make(**changes):
        data = dict(party_name="栾川县康宁诊所", party_address="栾川县城关镇君山路1号",
                    items=["2025年门诊处方 3 册", "药品出入库记录 1 册"], place="栾川县康宁诊所药房",
                    reason="处方与出入库记录可能被涂改、销毁", days=30,
                    officers=[staff.officer1.officer, staff.officer2.officer])
        data.update(changes)
        return data

    return make
