"""Whose list a user may import: their own bureau's and those below it; a new bureau only by the system administrator."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yibao.catalog.models import Catalog
from yibao.catalog.parsing import parse_catalog_file
from yibao.catalog.services import ImportForbidden, do_import_catalog
from yibao.core.models import AuditEvent
from yibao.core.testing import seed_path
from yibao.org.constants import BureauLevel, Role
from yibao.org.models import Bureau, UserProfile

pytestmark = pytest.mark.django_db

URL = "/catalog/import/"
LUANCHUAN = "栾川县医疗保障局"  # the bureau seed 003 names
OTHER = "红寺堡区医疗保障局"
DATE = dt.date(2021, 11, 1)


@pytest.fixture
def bureaus():
    city = Bureau.objects.create(name="洛阳市医疗保障局", level=BureauLevel.CITY)
    luanchuan = Bureau.objects.create(name=LUANCHUAN, level=BureauLevel.COUNTY, parent=city)
    other = Bureau.objects.create(name=OTHER, level=BureauLevel.COUNTY)
    return {"city": city, "luanchuan": luanchuan, "other": other}


def user_of(django_user_model, bureau, role, name="u"):
    user = django_user_model.objects.create_user(username=f"{name}-{role}-{bureau.pk}", password="x")
    UserProfile.objects.create(user=user, bureau=bureau, role=role)
    return user


def parsed_003():
    return parse_catalog_file(seed_path("003_"))


@pytest.mark.parametrize("role", [Role.HEAD, Role.LEGAL_REVIEWER])
def test_a_head_or_reviewer_of_one_bureau_may_not_import_the_list_of_another(django_user_model, bureaus, role):
    intruder = user_of(django_user_model, bureaus["other"], role)
    with pytest.raises(ImportForbidden, match="只能导入本单位及下级单位的清单"):
        do_import_catalog(parsed_003(), actor=intruder, bureau_name=LUANCHUAN, date=DATE)
    assert not Catalog.objects.exists()


def test_a_head_may_import_for_a_bureau_below_their_own(django_user_model, bureaus):
    head = user_of(django_user_model, bureaus["city"], Role.HEAD)
    result = do_import_catalog(parsed_003(), actor=head, date=DATE)
    assert result.created and result.catalog.bureau == bureaus["luanchuan"]


def test_a_head_may_not_create_a_bureau_by_naming_it(django_user_model, bureaus):
    head = user_of(django_user_model, bureaus["luanchuan"], Role.HEAD)
    with pytest.raises(ImportForbidden, match="只有系统管理员可以新建单位"):
        do_import_catalog(parsed_003(), actor=head, bureau_name="不存在县医疗保障局", date=DATE)
    assert not Bureau.objects.filter(name="不存在县医疗保障局").exists()


def test_the_system_administrator_may_create_a_bureau_by_importing_its_list(django_user_model, bureaus):
    admin = user_of(django_user_model, bureaus["city"], Role.ADMIN)
    result = do_import_catalog(parsed_003(), actor=admin, bureau_name="新建县医疗保障局", date=DATE)
    assert result.catalog.bureau.name == "新建县医疗保障局"
    assert AuditEvent.objects.filter(action="bureau.create", actor=admin).exists()


def test_an_officer_may_not_import_at_all_even_through_the_service(django_user_model, bureaus):
    officer = user_of(django_user_model, bureaus["luanchuan"], Role.OFFICER)
    with pytest.raises(ImportForbidden, match="没有导入权责清单的权限"):
        do_import_catalog(parsed_003(), actor=officer, date=DATE)


def test_the_upload_page_refuses_another_bureaus_list_with_403_and_records_it(client, django_user_model, bureaus):
    client.force_login(user_of(django_user_model, bureaus["other"], Role.HEAD))
    upload = SimpleUploadedFile("清单.txt", seed_path("003_").read_bytes())
    response = client.post(URL, {"file": upload, "bureau": LUANCHUAN, "date": "2021-11-01"})
    assert response.status_code == 403
    assert "只能导入本单位及下级单位的清单" in response.content.decode()
    assert not Catalog.objects.exists()
