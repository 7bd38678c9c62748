import datetime

import pytest
from django.contrib.auth import get_user_model

from yibao.org.constants import BureauLevel
from yibao.org.models import Officer, UserProfile
from yibao.org.services import do_create_bureau


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(db):
    return do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)


@pytest.fixture
def make_user(db):
    def make(username: str, role: str | None, bureau=None, **extra):
        user = get_user_model().objects.create_user(username=username, password="pw", **extra)
        if role is not None:
            UserProfile.objects.create(user=user, bureau=bureau, role=role)
        return user

    return make


@pytest.fixture
def officer(county):
    return Officer.objects.create(
        bureau=county,
        department=county.departments.get(name="基金监管股"),
        name="张三丰",
        id_number="110101199003071234",
        phone="13812345678",
        certificate_number="YB4103240001",
        certificate_expiry=datetime.date.today() + datetime.timedelta(days=200),
    )
