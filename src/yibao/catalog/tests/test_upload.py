"""Uploading a catalogue document through the web page: who may, what a good and a bad file do."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from yibao.catalog.models import Catalog, Duty, ItemBasis, PowerItem
from yibao.core.testing import seed_path
from yibao.law.models import Article, Law
from yibao.org.constants import Role
from yibao.org.models import Bureau, UserProfile

pytestmark = pytest.mark.django_db

URL = "/catalog/import/"
LUANCHUAN = "栾川县医疗保障局"


@pytest.fixture
def bureau():
    return Bureau.objects.create(name=LUANCHUAN, code="410324")


@pytest.fixture
def login_as(client, django_user_model, bureau):
    def login(role: str | None, **extra):
        user = django_user_model.objects.create_user(username=f"u-{role}-{len(extra)}", password="x", **extra)
        if role:
            UserProfile.objects.create(user=user, bureau=bureau, role=role)
        client.force_login(user)
        return client

    return login


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Catalog, PowerItem, ItemBasis, Duty, Law, Article))


def seed_003() -> bytes:
    return seed_path("003_").read_bytes()


def test_a_head_imports_a_good_file_and_lands_on_the_new_catalogue(login_as):
    client = login_as(Role.HEAD)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"file": upload("栾川清单.txt", seed_003()), "date": "2021-11-01"})
    catalog = Catalog.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("catalog:catalog_detail",
                                                                           args=[catalog.pk])
    assert catalog.bureau.name == LUANCHUAN and catalog.item_count == 12 and catalog.source_name == "栾川清单.txt"
    assert catalog.effective_date.isoformat() == "2021-11-01" and catalog.imported_by is not None
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "新版本（第1版）" in text and "共12项" in text


def test_the_same_file_again_is_reported_unchanged(login_as):
    client = login_as(Role.LEGAL_REVIEWER)
    client.post(URL, {"file": upload("a.txt", seed_003()), "date": "2021-11-01"})
    before = counts()
    response = client.post(URL, {"file": upload("a.txt", seed_003()), "date": "2022-01-01"}, follow=True)
    assert counts() == before
    assert "未生成新版本" in response.content.decode()


def test_a_bad_file_shows_every_problem_in_chinese_and_imports_nothing(login_as):
    client = login_as(Role.ADMIN)
    bad = seed_003().decode("utf-8").replace("\t行政处罚\t", "\t行政审批\t", 2).encode("utf-8")
    before = counts()
    response = client.post(URL, {"file": upload("有误的清单.txt", bad), "date": "2021-11-01"})
    text = response.content.decode()
    assert response.status_code == 400
    assert counts() == before
    assert "未导入任何内容" in text and "共发现 2 个问题" in text
    assert "有误的清单.txt" in text and "第6行" in text and "第16行" in text
    assert "职权类别" in text and "未知的事项类型“行政审批”" in text


def test_an_xlsx_upload_is_parsed_as_a_workbook(login_as):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "事项名称", "事项类型", "基本编码", "设定依据"])
    ws.append([1, "对定点医药机构违规行为的处罚", "行政处罚", "0247009000", "《中华人民共和国社会保险法》第八十七条"])
    buffer = io.BytesIO()
    wb.save(buffer)
    client = login_as(Role.HEAD)
    response = client.post(URL, {"file": upload("表格.xlsx", buffer.getvalue()), "bureau": LUANCHUAN,
                                 "date": "2024-01-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    item = PowerItem.objects.get()
    assert item.type == "penalty" and item.bases.get().article.number == 87


def test_a_file_without_bureau_or_date_asks_for_them(login_as):
    client = login_as(Role.HEAD)
    response = client.post(URL, {"file": upload("a.txt", seed_003())})
    assert response.status_code == 400
    assert "未写明日期" in response.content.decode() and Catalog.objects.count() == 0


def test_other_file_types_are_refused(login_as):
    client = login_as(Role.HEAD)
    response = client.post(URL, {"file": upload("a.pdf", b"%PDF-1.4"), "date": "2024-01-01"})
    assert response.status_code == 200 and "不支持的文件格式" in response.content.decode()
    assert Catalog.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OFFICER, Role.AUDITOR, Role.ANALYST, None])
def test_users_who_may_not_import_get_403_in_chinese(login_as, role):
    client = login_as(role)
    response = client.get(URL)
    assert response.status_code == 403 and "没有导入权责清单的权限" in response.content.decode()
    response = client.post(URL, {"file": upload("a.txt", seed_003()), "date": "2021-11-01"})
    assert response.status_code == 403 and Catalog.objects.count() == 0
    assert f'href="{URL}"' not in client.get(reverse("catalog:catalog_list")).content.decode()


def test_staff_may_import(login_as):
    client = login_as(None, is_staff=True)
    assert client.get(URL).status_code == 200
    assert f'href="{URL}"' in client.get(reverse("catalog:catalog_list")).content.decode()
