"""Exporting the current items as JSON and xlsx (web download, CLI module) and the JSON API."""

import io
import json

import pytest
from openpyxl import load_workbook

from yibao import urls as project_urls
from yibao.catalog.exporting import export_catalog
from yibao.catalog.models import ItemBasis, PowerItem
from yibao.catalog.services import item_snapshot
from yibao.catalog.tests.test_pages import LUANCHUAN, seeded_for_module

pytestmark = pytest.mark.django_db

# The project urls with the API mounted where the lead mounts it, in case it is not there yet.
urlpatterns = list(project_urls.urlpatterns)


@pytest.fixture(scope="module")
def module_seeds(django_db_setup, django_db_blocker):
    with seeded_for_module(django_db_blocker) as catalogs:
        yield catalogs


@pytest.fixture
def seeds(module_seeds, db):
    return module_seeds


@pytest.fixture
def viewer(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="viewer"))
    return client


def test_json_export_is_a_list_of_documents_in_the_parsers_shape(seeds, viewer):
    response = viewer.get("/catalog/export/?format=json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".json" in response["Content-Disposition"]
    docs = json.loads(response.content)
    assert {d["bureau"] for d in docs} == {"山西省医疗保障局", "红寺堡区医疗保障局", "阳泉市矿区医疗保障局", LUANCHUAN}
    assert sum(len(d["items"]) for d in docs) == 65
    luanchuan = next(d for d in docs if d["bureau"] == LUANCHUAN)
    assert luanchuan["date"] == "2021-11-01" and luanchuan["version"] == 1 and luanchuan["title"]
    first = luanchuan["items"][0]
    assert set(first) >= {"seq", "name", "sub_item", "type", "national_code", "bases", "duties", "duty_bases"}
    assert first["duties"][0] == {"step": None, "text": first["duties"][0]["text"], "post": "立案岗",
                                  "department": "基金监管股"}
    assert first["bases"][0]["law"] == "中华人民共和国社会保险法" and first["bases"][0]["article"] == 84
    assert first == item_snapshot(PowerItem.objects.get(catalog=seeds["003_"], seq="1"))


def test_export_respects_the_bureau_and_type_filters(seeds, viewer):
    bureau = seeds["003_"].bureau
    docs = json.loads(viewer.get(f"/catalog/export/?format=json&bureau={bureau.pk}&type=penalty").content)
    assert [d["bureau"] for d in docs] == [LUANCHUAN]
    assert len(docs[0]["items"]) == 8 and {i["type"] for i in docs[0]["items"]} == {"penalty"}


def test_xlsx_export_has_an_items_sheet_and_a_sheet_of_every_citation(seeds, viewer):
    response = viewer.get("/catalog/export/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["权责事项", "依据明细"]
    items = wb["权责事项"]
    header = [c.value for c in items[1]]
    assert header[:8] == ["单位", "清单", "版本", "日期", "序号", "事项名称", "子项", "事项类型"]
    assert "依据" in header and "责任事项" in header and "责任事项依据" in header
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in items.iter_rows(min_row=2)]
    assert len(rows) == 65
    luanchuan = [r for r in rows if r["单位"] == LUANCHUAN]
    second = next(r for r in luanchuan if r["序号"] == "2")
    assert "《中华人民共和国社会保险法》第八十七条" in second["依据"].split("\n")
    assert second["责任事项"].startswith("1. 立案岗（基金监管股）：")
    assert second["事项类型"] == "行政处罚"
    assert items.column_dimensions["F"].width >= 30 and items["F2"].alignment.wrap_text

    detail = wb["依据明细"]
    dheader = [c.value for c in detail[1]]
    drows = [dict(zip(dheader, (c.value for c in row), strict=True)) for row in detail.iter_rows(min_row=2)]
    assert len(drows) == ItemBasis.objects.filter(item__catalog__is_current=True).count()
    cite = next(r for r in drows if r["单位"] == LUANCHUAN and r["序号"] == "2" and r["条"] == 87)
    assert cite["法规名称"] == "中华人民共和国社会保险法" and cite["效力位阶"] == "法律"
    assert cite["依据类别"] == "职权依据" and cite["引用"] == "《中华人民共和国社会保险法》第八十七条"
    assert "骗取社会保险基金支出" in cite["引用原文"]


def test_unknown_export_format_is_refused_in_chinese(seeds, viewer):
    response = viewer.get("/catalog/export/?format=csv")
    assert response.status_code == 400 and "不支持的导出格式" in response.content.decode()


def test_cli_export_module_writes_the_same_files(seeds, tmp_path):
    out = tmp_path / "all.json"
    assert export_catalog(out, fmt="json") == 65
    assert sum(len(d["items"]) for d in json.loads(out.read_text(encoding="utf-8"))) == 65
    one = tmp_path / "sub" / "luanchuan.xlsx"
    assert export_catalog(one, fmt="xlsx", bureau=LUANCHUAN) == 12
    wb = load_workbook(one)
    assert wb["权责事项"].max_row == 13
    assert export_catalog(tmp_path / "none.json", fmt="json", bureau="不存在的医疗保障局") == 0


def test_export_queries_do_not_grow_with_the_items(seeds, viewer, django_assert_max_num_queries):
    viewer.get("/catalog/export/?format=json")
    # A constant 10, and 4 more for the export's audit event (the chain's head locked, read and moved).
    with django_assert_max_num_queries(14):
        viewer.get("/catalog/export/?format=xlsx")


# ---------------------------------------------------------------- JSON API

@pytest.mark.urls(__name__)
def test_api_lists_current_items_filtered_by_bureau_type_and_words(seeds, viewer):
    data = viewer.get("/api/v1/catalog/items").json()
    assert data["count"] == 65 and len(data["items"]) == 65
    bureau = seeds["003_"].bureau
    data = viewer.get(f"/api/v1/catalog/items?bureau={bureau.pk}&type=penalty").json()
    assert data["count"] == 8 and {i["bureau"] for i in data["items"]} == {LUANCHUAN}
    by_name = viewer.get("/api/v1/catalog/items", {"bureau": LUANCHUAN, "q": "经办机构 骗取"}).json()
    assert by_name["count"] >= 1 and all("经办机构" in i["name"] for i in by_name["items"])
    page = viewer.get("/api/v1/catalog/items?limit=10&offset=60").json()
    assert page["count"] == 65 and len(page["items"]) == 5


@pytest.mark.urls(__name__)
def test_api_returns_one_item_as_its_snapshot_with_ids(seeds, viewer):
    item = PowerItem.objects.get(catalog=seeds["003_"], seq="2")
    data = viewer.get(f"/api/v1/catalog/items/{item.pk}").json()
    assert data["id"] == item.pk and data["catalog_id"] == item.catalog_id and data["bureau"] == LUANCHUAN
    assert {k: data[k] for k in item_snapshot(item)} == item_snapshot(item)
    missing = viewer.get("/api/v1/catalog/items/999999")
    assert missing.status_code == 404 and missing.json() == {"code": "not_found", "message": "事项不存在：999999", "basis": None}


@pytest.mark.urls(__name__)
def test_api_refuses_an_unknown_type_and_anonymous_callers(seeds, viewer, client):
    assert viewer.get("/api/v1/catalog/items?type=bogus").status_code == 400
    viewer.logout()
    response = viewer.get("/api/v1/catalog/items")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
