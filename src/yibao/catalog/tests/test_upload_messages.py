"""What a user reads after an upload: Chinese only, the web's own words, short quotes, and Markdown accepted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yibao.catalog.forms import UPLOAD_SUFFIXES
from yibao.catalog.importing import import_files
from yibao.catalog.models import Catalog, PowerItem
from yibao.catalog.parsing import CatalogParseError, parse_catalog_file, parse_catalog_text
from yibao.catalog.parsing.errors import ECHO_MAX_CHARS, clip
from yibao.org.constants import Role
from yibao.org.models import Bureau, UserProfile

URL = "/catalog/import/"
BUREAU = "某某县医疗保障局"
MARKDOWN = """# 某某县医疗保障局权责清单

| 序号 | 事项名称 | 事项类型 | 基本编码 | 设定依据 |
|---|---|---|---|---|
| 1 | 对定点医药机构违规行为的处罚 | 行政处罚 | 0247009000 | 《中华人民共和国社会保险法》第八十七条 |
"""


@pytest.fixture
def head_client(client, django_user_model):
    bureau = Bureau.objects.create(name=BUREAU, code="419999")
    user = django_user_model.objects.create_user(username="head", password="x")
    UserProfile.objects.create(user=user, bureau=bureau, role=Role.HEAD)
    client.force_login(user)
    return client


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def has_latin_words(text: str) -> bool:
    """Whether a message has English words in it (file suffixes and option names aside)."""
    import re

    return bool(re.search(r"(?<![.\-])\b[A-Za-z]{3,}\b", text.replace("Excel", "").replace("Word", "")
                          .replace("WPS", "").replace("UTF", "").replace("GB18030", "")))


@pytest.mark.django_db
def test_a_markdown_table_uploaded_on_the_web_is_imported(head_client):
    assert ".md" in UPLOAD_SUFFIXES
    response = head_client.post(URL, {"file": upload("清单.md", MARKDOWN.encode()), "date": "2024-03-01"})
    assert response.status_code == 302, response.content.decode()[:1500]
    item = PowerItem.objects.get()
    assert (item.name, item.type, item.national_code) == ("对定点医药机构违规行为的处罚", "penalty", "0247009000")
    assert item.catalog.source_name == "清单.md"


@pytest.mark.django_db
def test_the_upload_page_names_markdown_among_the_formats(head_client):
    page = head_client.get(URL).content.decode()
    assert ".md" in page and ".xlsx" in page and ".docx" in page


@pytest.mark.parametrize("name", ["坏的.xlsx", "坏的.docx"])
def test_a_broken_office_file_is_refused_in_chinese_without_the_library_s_english(tmp_path, name, caplog):
    path = tmp_path / name
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_file(path)
    [problem] = caught.value.problems
    assert problem.file == name
    assert "zip" not in str(problem).lower() and not has_latin_words(problem.message), str(problem)
    assert "无法读取" in problem.message and "另存为" in problem.message
    assert any(name in r.getMessage() and r.name.endswith("office") for r in caplog.records)  # detail: the log


@pytest.mark.django_db
def test_a_broken_xlsx_uploaded_on_the_web_shows_only_chinese(head_client):
    response = head_client.post(URL, {"file": upload("坏的.xlsx", b"PK not really"), "date": "2024-01-01"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "无法读取 Excel 工作簿" in text and "File is not a zip file" not in text
    assert Catalog.objects.count() == 0


@pytest.mark.django_db
def test_the_web_asks_for_the_date_field_and_never_mentions_the_command_line_flag(head_client):
    text = MARKDOWN.replace("# 某某县医疗保障局权责清单\n", "")
    response = head_client.post(URL, {"file": upload("无日期.md", text.encode()), "bureau": BUREAU})
    page = response.content.decode()
    assert response.status_code == 400
    assert "未写明日期" in page and "请在“日期”栏填写清单日期" in page
    assert "--date" not in page and "--bureau" not in page
    assert Catalog.objects.count() == 0


@pytest.mark.django_db
def test_the_web_asks_for_the_bureau_field_when_the_file_names_none(head_client):
    text = MARKDOWN.replace("# 某某县医疗保障局权责清单\n", "")
    response = head_client.post(URL, {"file": upload("无单位.md", text.encode()), "date": "2024-01-01"})
    page = response.content.decode()
    assert "未写明所属单位" in page and "请在“单位”栏填写所属单位" in page and "--bureau" not in page


@pytest.mark.django_db
def test_the_command_line_import_names_its_date_option(tmp_path):
    path = tmp_path / "无日期.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    results, errors = import_files([path])
    assert results == []
    assert errors == ["无日期.md：文件未写明日期，请用 --date 指定清单日期（YYYY-MM-DD）"]


def test_a_long_unknown_type_is_quoted_cut_to_forty_characters():
    long_type = "行政指导" * 30
    text = f"序号\t事项名称\t事项类型\n1\t某事项\t{long_type}\n"
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_text(text, "长.txt")
    [problem] = caught.value.problems
    assert f"“{long_type[:ECHO_MAX_CHARS - 1]}…（共 {len(long_type)} 字）”" in problem.message
    assert long_type not in problem.message


def test_a_long_row_that_belongs_nowhere_is_quoted_cut_with_an_ellipsis():
    junk = "无法归属" * 50
    text = f"序号\t事项名称\t事项类型\n1\t某事项\t行政处罚\n{junk}\t别的\t行政处罚\n"
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_text(text, "长.txt")
    [problem] = caught.value.problems
    assert f"“{junk[:ECHO_MAX_CHARS - 1]}…（共 {len(junk)} 字）”" in problem.message and junk not in problem.message


def test_clip_keeps_short_text_and_cuts_long_text_to_forty_characters():
    assert clip("行政处罚") == "行政处罚"
    assert clip("甲" * 41).startswith("甲" * 39 + "…") and "甲" * 40 not in clip("甲" * 41)
    assert clip("a\n  b") == "a b"


@pytest.mark.django_db
def test_a_long_unsupported_suffix_is_quoted_short(head_client):
    response = head_client.post(URL, {"file": upload("a." + "x" * 200, b"data"), "date": "2024-01-01"})
    page = response.content.decode()
    assert "不支持的文件格式" in page and "x" * 100 not in page
