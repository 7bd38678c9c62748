import datetime

import pytest
from django.urls import reverse

from yibao.org.constants import CertificateStatus, Role
from yibao.org.models import Officer

TODAY = datetime.date(2025, 6, 1)


@pytest.mark.parametrize(
    "number, expiry, on_date, valid",
    [
        ("YB001", datetime.date(2025, 6, 1), TODAY, True),
        ("YB001", datetime.date(2025, 5, 31), TODAY, False),
        ("YB001", datetime.date(2026, 1, 1), TODAY, True),
        ("YB001", None, TODAY, False),
        ("", datetime.date(2026, 1, 1), TODAY, False),
    ],
)
def test_a_certificate_is_valid_up_to_and_including_its_expiry_date(number, expiry, on_date, valid):
    officer = Officer(name="张三", certificate_number=number, certificate_expiry=expiry)
    assert officer.has_valid_certificate(on_date) is valid


@pytest.mark.parametrize(
    "expiry, status",
    [
        (datetime.date(2025, 5, 31), CertificateStatus.EXPIRED),
        (datetime.date(2025, 6, 20), CertificateStatus.EXPIRING),
        (datetime.date(2025, 12, 31), CertificateStatus.VALID),
        (None, CertificateStatus.MISSING),
    ],
)
def test_certificate_status_flags_expired_and_soon_expiring_certificates(expiry, status):
    officer = Officer(name="张三", certificate_number="YB001", certificate_expiry=expiry)
    assert officer.certificate_status(TODAY) == status


@pytest.mark.django_db
def test_bureau_page_highlights_expired_certificates(client, make_user, county):
    Officer.objects.create(
        bureau=county, name="李四", certificate_number="YB002",
        certificate_expiry=datetime.date.today() - datetime.timedelta(days=1),
    )
    client.force_login(make_user("o", Role.OFFICER, county))
    text = client.get(reverse("org:bureau_detail", args=[county.pk])).content.decode()
    assert 'class="cert-expired' in text
    assert "已过期" in text
    assert "李*" in text and "李四" not in text
