import datetime

import pytest

from yibao.org.models import Officer


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
