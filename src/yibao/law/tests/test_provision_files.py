"""The provision files: every listed provision encoded, and a malformed file named with its field."""

import shutil
from pathlib import Path

import pytest

from yibao.law.provisions import ProvisionError, load_library
from yibao.law.provisions.loader import DATA_DIR, load_file

REQUIRED = {
    "中华人民共和国社会保险法": [84, 86, 87, 88, 91],
    "实施《中华人民共和国社会保险法》若干规定": [25, 26],
    "社会保险费征缴暂行条例": [23, 24],
    "社会保险费征缴监督检查办法": [14],
    "劳动保障监察条例": [27],
    "医疗保障基金使用监督管理条例": [37, 38, 39, 40, 41, 43, 44],
    "中华人民共和国基本医疗卫生与健康促进法": [103, 104],
    "社会救助暂行办法": [68],
    "宁夏回族自治区医疗救助办法": [34],
    "宁夏回族自治区职工生育保险办法": [26, 27],
    "中华人民共和国招标投标法": [54],
    "中华人民共和国招标投标法实施条例": [68],
}


def test_every_provision_the_seeds_cite_is_encoded():
    library = load_library()
    for law, articles in REQUIRED.items():
        for article in articles:
            assert library.for_article(law, article), f"{law} {article} missing"


def test_every_provision_has_a_start_date_and_a_source():
    for p in load_library().provisions:
        assert p.valid_from.year >= 1999
        assert p.source.get("file") or p.source.get("publication")


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(DATA_DIR / name, target)
    return target


def test_malformed_file_fails_with_its_path_and_field(tmp_path):
    path = _copy(tmp_path, "tiaoli.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("kind: interview", "kind: scolding", 1), encoding="utf-8")
    with pytest.raises(ProvisionError) as e:
        load_file(path)
    assert str(path) in str(e.value)
    assert "articles/1/provisions/0/measures/1/kind" in str(e.value)


def test_number_not_stated_in_its_quote_is_refused(tmp_path):
    path = _copy(tmp_path, "tiaoli.yaml")
    text = path.read_text(encoding="utf-8").replace('multiple: {min: "1", max: "2"}', 'multiple: {min: "1", max: "3"}')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProvisionError, match="number 3 is not stated"):
        load_file(path)


def test_quote_missing_from_the_article_text_is_refused(tmp_path):
    path = _copy(tmp_path, "shebaofa.yaml")
    text = path.read_text(encoding="utf-8").replace("quote: 处骗取金额二倍以上五倍以下的罚款", "quote: 处骗取金额三倍以上五倍以下的罚款", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProvisionError, match="quote not found"):
        load_file(path)


def test_law_name_must_be_the_registry_full_name(tmp_path):
    path = _copy(tmp_path, "shebaofa.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("law: 中华人民共和国社会保险法", "law: 社会保险法", 1),
                    encoding="utf-8")
    with pytest.raises(ProvisionError, match="not the full name"):
        load_file(path)


def test_reference_to_an_unknown_provision_is_refused(tmp_path):
    path = _copy(tmp_path, "shebaofa_ruoganguiding.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("applies: shbxf-91", "applies: shbxf-99"), encoding="utf-8")
    load_library.cache_clear()
    try:
        with pytest.raises(ProvisionError, match="unknown provision shbxf-99"):
            load_library(tmp_path)
    finally:
        load_library.cache_clear()
