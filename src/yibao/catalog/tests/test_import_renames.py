"""A renamed item is one item renamed in the version diff, not one removal and one addition."""

import datetime as dt

import pytest

from yibao.catalog.models import Catalog
from yibao.catalog.parsing import parse_catalog_text
from yibao.catalog.renames import Candidate, match_renames, rename_score
from yibao.catalog.services import do_import_catalog

BUREAU = "某某县医疗保障局"
HEADER = "序号\t事项名称\t子项\t事项类型\t基本编码\t设定依据"
INSPECTION = "医疗保障基金使用情况的监督检查"
INSPECTION_BASIS = "《医疗保障基金使用监督管理条例》第二十七条"
RESCUE = "对骗取医疗救助资金的处罚"
RESCUE_BASIS = "《中华人民共和国社会保险法》第八十八条"
ROWS = [
    f"1\t{INSPECTION}\t\t行政检查\t\t{INSPECTION_BASIS}",
    f"2\t{RESCUE}\t\t行政处罚\t\t{RESCUE_BASIS}",
    "3\t对定点医药机构违反规定的处罚\t对分解住院的处罚\t行政处罚\t0247008001\t《医疗保障基金使用监督管理条例》第三十八条",
    "4\t医疗保障待遇的确认\t\t行政确认\t\t《中华人民共和国社会保险法》第二十九条",
]


def document(rows: list[str]) -> str:
    return "\n".join([f"{BUREAU}权责清单", HEADER, *rows]) + "\n"


def imported(rows: list[str], day: int):
    return do_import_catalog(parse_catalog_text(document(rows), f"v{day}.txt"), date=dt.date(2024, 1, day))


def test_a_slightly_reworded_name_of_the_same_type_is_a_rename():
    old = Candidate("name:a|", RESCUE, type="penalty")
    new = Candidate("name:b|", "对骗取医疗救助资金行为的处罚", type="penalty")
    assert match_renames([old], [new]) == [(old, new)]


def test_two_different_penalties_of_one_regulation_are_not_a_rename():
    old = Candidate("name:a|", "对定点医药机构分解住院的处罚", type="penalty")
    new = Candidate("name:b|", "对定点医药机构串换药品的处罚", type="penalty")
    assert rename_score(old, new) is None and match_renames([old], [new]) == []


def test_a_similar_name_of_another_type_is_not_a_rename():
    old = Candidate("name:a|", RESCUE, type="penalty")
    new = Candidate("name:b|", "对骗取医疗救助资金行为的检查", type="inspection")
    assert match_renames([old], [new]) == []


def test_a_reworded_name_citing_the_same_provisions_is_a_rename():
    bases = frozenset({("医疗保障基金使用监督管理条例", 27, None, None)})
    old = Candidate("name:a|", INSPECTION, type="inspection", bases=bases)
    new = Candidate("name:b|", "对定点医药机构使用医疗保障基金情况的检查", type="inspection", bases=bases)
    other_bases = Candidate("name:c|", new.name, type="inspection", bases=frozenset({("x", 1, None, None)}))
    assert match_renames([old], [new]) == [(old, new)]
    assert match_renames([old], [other_bases]) == []


def test_a_shared_national_code_is_a_rename_whatever_the_name():
    old = Candidate("code:0247008001|对分解住院的处罚", "甲", "对分解住院的处罚", "penalty", "0247008001")
    new = Candidate("code:0247008001|对分解住院、挂床住院的处罚", "乙", "对分解住院、挂床住院的处罚", "penalty",
                    "0247008001")
    assert match_renames([old], [new]) == [(old, new)]


def test_each_item_is_paired_once_and_the_closest_pair_wins():
    old = Candidate("name:a|", RESCUE, type="penalty")
    close = Candidate("name:b|", "对骗取医疗救助资金行为的处罚", type="penalty")
    far = Candidate("name:c|", "对骗取医疗救助资金等行为的处罚决定", type="penalty")
    assert match_renames([old], [far, close]) == [(old, close)]


@pytest.mark.django_db
def test_renaming_items_shows_them_renamed_in_the_import_and_the_stored_diff():
    imported(ROWS, 1)
    rows = list(ROWS)
    rows[0] = f"1\t对定点医药机构使用医疗保障基金情况的检查\t\t行政检查\t\t{INSPECTION_BASIS}"
    rows[1] = f"2\t对骗取医疗救助资金行为的处罚\t\t行政处罚\t\t{RESCUE_BASIS}"
    rows[2] = rows[2].replace("对分解住院的处罚", "对分解住院、挂床住院的处罚")
    rows[3] = "4\t新增的医疗保障事项\t\t行政给付\t\t《中华人民共和国社会保险法》第二十八条"
    result = imported(rows, 2)
    assert sorted((r["old_name"], r["name"]) for r in result.renamed) == sorted([
        (INSPECTION, "对定点医药机构使用医疗保障基金情况的检查"),
        (RESCUE, "对骗取医疗救助资金行为的处罚"),
        ("对定点医药机构违反规定的处罚（对分解住院的处罚）", "对定点医药机构违反规定的处罚（对分解住院、挂床住院的处罚）"),
    ])
    assert result.added == ["name:新增的医疗保障事项|"] and result.removed == ["name:医疗保障待遇的确认|"]
    stored = Catalog.objects.get(version=2).changes
    assert len(stored["renamed"]) == 3 and stored["added"] == result.added and stored["removed"] == result.removed
    assert all(r["fields"] == [] for r in result.renamed)


@pytest.mark.django_db
def test_a_rename_that_also_changed_the_basis_lists_that_field():
    imported(ROWS, 1)
    rows = list(ROWS)
    rows[1] = "2\t对骗取医疗救助资金行为的处罚\t\t行政处罚\t\t《中华人民共和国社会保险法》第八十七条"
    [rename] = imported(rows, 2).renamed
    assert rename["fields"] == ["依据"]


@pytest.mark.django_db
def test_the_version_page_lists_the_rename_old_name_to_new_name(client, admin_user):
    imported(ROWS, 1)
    rows = list(ROWS)
    rows[1] = f"2\t对骗取医疗救助资金行为的处罚\t\t行政处罚\t\t{RESCUE_BASIS}"
    catalog = imported(rows, 2).catalog
    client.force_login(admin_user)
    page = client.get(f"/catalog/lists/{catalog.pk}/").content.decode()
    assert "更名事项（1）" in page and RESCUE in page and "→" in page and "对骗取医疗救助资金行为的处罚" in page
    assert "新增 0 项，删除 0 项，变更 0 项，更名 1 项" in page
    assert "mark-renamed" in page


@pytest.mark.django_db
def test_the_item_history_follows_the_item_across_its_rename(client, admin_user):
    imported(ROWS, 1)
    rows = list(ROWS)
    rows[1] = f"2\t对骗取医疗救助资金行为的处罚\t\t行政处罚\t\t{RESCUE_BASIS}"
    catalog = imported(rows, 2).catalog
    item = catalog.items.get(name="对骗取医疗救助资金行为的处罚")
    client.force_login(admin_user)
    page = client.get(f"/catalog/items/{item.pk}/").content.decode()
    assert "更名" in page and f"原名：{RESCUE}" in page and "首次导入" in page
