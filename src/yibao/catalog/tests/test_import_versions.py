"""Importing catalogues: versions, identity across versions, diffs, idempotence, all-or-nothing."""

import datetime as dt

import pytest

from yibao.catalog.importing import import_files
from yibao.catalog.models import Catalog, PowerItem
from yibao.catalog.parsing import parse_catalog_file, parse_catalog_text
from yibao.catalog.services import ImportRefused, do_import_catalog
from yibao.core.audit import verify_chain
from yibao.core.models import AuditEvent
from yibao.core.testing import seed_path
from yibao.law.models import Article

pytestmark = pytest.mark.django_db

DAY1 = dt.date(2024, 1, 1)
DAY2 = dt.date(2025, 1, 1)


def _import(path_or_text, *, date=DAY1, bureau=None, source="x.txt"):
    if isinstance(path_or_text, str):
        parsed = parse_catalog_text(path_or_text, source)
    else:
        parsed = parse_catalog_file(path_or_text)
    return do_import_catalog(parsed, bureau_name=bureau, date=date)


def _edited_001() -> str:
    """Return 001 with item 7 removed, item 10 renamed, and a new item added at the end."""
    text = seed_path("001_").read_text(encoding="utf-8")
    lines = text.split("\n")
    kept = [line for line in lines if not line.startswith("7\t对参加药品采购投标的投标人")]
    assert len(kept) == len(lines) - 1
    text = "\n".join(kept).replace("10\t对骗取医疗救助资金的处罚", "10\t对骗取医疗救助资金行为的处罚")
    return text + "\n4\t新增的其他事项\t\t1047009000\t医疗保障局\t<p>【法律】《中华人民共和国社会保险法》</p>\t县级\t内容\t\n"


def test_same_document_twice_changes_nothing():
    first = _import(seed_path("002_"))
    counts = (Catalog.objects.count(), PowerItem.objects.count(), AuditEvent.objects.count(), Article.objects.count())
    second = _import(seed_path("002_"), date=DAY2)
    assert first.created and not second.created
    assert second.catalog.pk == first.catalog.pk
    assert counts == (Catalog.objects.count(), PowerItem.objects.count(), AuditEvent.objects.count(),
                      Article.objects.count())


def test_changed_document_becomes_next_version_with_added_removed_and_changed_items():
    first = _import(seed_path("001_"))
    second = _import(_edited_001(), date=DAY2, bureau="红寺堡区医疗保障局", source="001_edited.txt")
    assert second.created
    assert second.catalog.version == first.catalog.version + 1
    assert second.catalog.previous_id == first.catalog.pk
    assert second.added == ["code:1047009000"]
    assert second.removed == ["code:0247007000"]
    assert [c["key"] for c in second.changed] == ["code:0208064000"]
    assert second.changed[0]["fields"] == ["名称"]
    first.catalog.refresh_from_db()
    assert not first.catalog.is_current and second.catalog.is_current
    assert second.catalog.changes["removed"] == ["code:0247007000"]


def test_item_keeps_its_identity_by_national_code_when_renamed():
    _import(seed_path("001_"))
    _import(_edited_001(), date=DAY2, bureau="红寺堡区医疗保障局", source="001_edited.txt")
    versions = PowerItem.objects.filter(identity_key="code:0208064000").order_by("catalog__version")
    assert [v.name for v in versions] == ["对骗取医疗救助资金的处罚", "对骗取医疗救助资金行为的处罚"]


def test_item_without_code_keeps_its_identity_by_name_and_sub_item():
    result = _import(seed_path("003_"))
    keys = set(result.catalog.items.values_list("identity_key", flat=True))
    assert "name:医疗保障稽核|" in keys
    assert len(keys) == 12


def test_same_article_quoted_by_many_items_is_one_article_with_the_fullest_text():
    _import(seed_path("002_"))  # quotes 第84条 in a shortened form
    short = Article.objects.get(law__name="中华人民共和国社会保险法", number=84)
    assert short.text.startswith("由社会保险行政部门责令限期改正")
    _import(seed_path("003_"))  # quotes the whole article
    full = Article.objects.get(law__name="中华人民共和国社会保险法", number=84)
    assert full.pk == short.pk
    assert full.text.startswith("用人单位不办理社会保险登记的")
    assert full.source_file.startswith("003_")
    assert full.source_line == 6
    assert full.citations.count() == 2 + 1  # 002 basis + 002 duty basis + 003 basis


def test_document_without_bureau_needs_one_named():
    text = "序号\t事项名称\t事项类型\t事项依据\n1\t某事项\t行政处罚\t《中华人民共和国社会保险法》第八十四条：略\n"
    with pytest.raises(ImportRefused, match="未写明所属单位"):
        _import(text)
    assert Catalog.objects.count() == 0
    assert _import(text, bureau="某县医疗保障局").catalog.bureau.name == "某县医疗保障局"


def test_document_without_date_needs_one_given():
    parsed = parse_catalog_file(seed_path("003_"))
    with pytest.raises(ImportRefused, match="未写明日期"):
        do_import_catalog(parsed)


def test_a_bad_file_in_a_batch_imports_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("序号\t事项名称\t事项类型\n1\t某事项\t行政指导\n", encoding="utf-8")
    results, errors = import_files([seed_path("002_"), bad], date=DAY1)
    assert results == []
    assert any("bad.txt" in e and "第2行" in e and "行政指导" in e for e in errors)
    assert Catalog.objects.count() == 0


def test_import_writes_an_intact_audit_trail():
    _import(seed_path("003_"))
    event = AuditEvent.objects.filter(action="catalog.import").get()
    assert "12项" in event.summary
    assert verify_chain() == []
