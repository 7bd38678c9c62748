"""The demo's document settings: every bureau can print where to pay; a second run changes nothing."""

import pytest

from yibao.documents.demo import demo_document_settings
from yibao.documents.models import DocumentSettings

pytestmark = pytest.mark.django_db


def test_demo_bureaus_get_payment_settings_once(county):
    assert "1 个单位" in demo_document_settings()
    s = DocumentSettings.objects.get(bureau=county)
    assert s.payment_account_name and s.payment_bank and s.payment_account_number
    assert demo_document_settings() == "  执法文书：示例文书设置已存在"
