"""Decompression bombs and oversized documents are refused before they are read, naming the file.

The bombs are built here: a ZIP whose member is a long run of one character compresses a thousandfold,
so a few hundred KB on disk claims hundreds of MB; the limits are lowered so the tests stay fast.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from yibao.catalog.models import Catalog
from yibao.catalog.parsing import CatalogParseError, Problem, parse_catalog_file
from yibao.core.unpack import MIB, PackageTooLarge, UploadLimits, check_package

SMALL = UploadLimits(max_unpacked_bytes=2 * MIB, max_rows=1000, max_columns=50, max_problems=5)


def workbook_bytes(rows: int = 3, cell: str = "x") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "事项名称", "事项类型"])
    for i in range(rows):
        ws.append([i + 1, cell, "行政处罚"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_member(package: bytes, member: str, data: bytes) -> bytes:
    """The package with one member replaced (a sheet made huge, a run in a paragraph made huge)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, data if info.filename == member else source.read(info.filename))
    return out.getvalue()


def huge_cell_xlsx(megabytes: int) -> bytes:
    """An .xlsx whose one inline-string cell holds `megabytes` MB of one letter."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"A" * (megabytes * MIB) +
             b'</t></is></c></row></sheetData></worksheet>')
    return with_member(workbook_bytes(), "xl/worksheets/sheet1.xml", sheet)


def huge_run_docx(megabytes: int) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("placeholder")
    buffer = io.BytesIO()
    document.save(buffer)
    body = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            b"<w:p><w:r><w:t>" + b"A" * (megabytes * MIB) + b"</w:t></w:r></w:p></w:body></w:document>")
    return with_member(buffer.getvalue(), "word/document.xml", body)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refusal(path: Path, limits: UploadLimits = SMALL) -> list[Problem]:
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_file(path, limits)
    return caught.value.problems


def test_a_small_xlsx_holding_one_huge_cell_is_refused_before_it_is_read(tmp_path):
    data = huge_cell_xlsx(8)
    assert len(data) < 200 * 1024  # the bomb is small on disk
    [problem] = refusal(write(tmp_path, "炸弹.xlsx", data))
    assert problem.file == "炸弹.xlsx" and "解压后超过 2 MB" in problem.message


def test_a_small_docx_holding_one_huge_run_is_refused_before_it_is_read(tmp_path):
    [problem] = refusal(write(tmp_path, "炸弹.docx", huge_run_docx(8)))
    assert problem.file == "炸弹.docx" and "解压后超过 2 MB" in problem.message


def test_a_member_that_declares_a_small_size_is_still_counted_as_it_unpacks(tmp_path):
    """Declared sizes are written by whoever made the file; the bytes that come out are what count."""
    honest = huge_cell_xlsx(5)
    lying = bytearray(honest)
    # Rewrite every declared uncompressed size (local header and central directory) of the big member to 1 KB.
    archive = zipfile.ZipFile(io.BytesIO(honest))
    big = next(i for i in archive.infolist() if i.filename == "xl/worksheets/sheet1.xml")
    declared = big.file_size.to_bytes(4, "little")
    assert lying.count(declared) >= 2
    lying = bytes(lying).replace(declared, (1024).to_bytes(4, "little"))
    path = write(tmp_path, "谎报.xlsx", lying)
    assert sum(i.file_size for i in zipfile.ZipFile(path).infolist()) < 2 * MIB
    # Python's zipfile stops at the declared size and then fails the CRC, so the lie is an unreadable file,
    # never 5 MB read: either refusal is right, what matters is that it is refused.
    [problem] = refusal(write(tmp_path, "谎报.xlsx", lying))
    assert problem.file == "谎报.xlsx"
    assert "解压后超过" in problem.message or "无法读取" in problem.message


def test_check_package_counts_the_bytes_that_come_out_not_the_declared_sizes(tmp_path, monkeypatch):
    path = write(tmp_path, "a.xlsx", huge_cell_xlsx(3))
    # Make every declared size look tiny to the sum; only the count while reading can catch it now.
    original = zipfile.ZipFile.infolist

    def shrunk(self):
        infos = original(self)
        return [_Declared(i) for i in infos]

    monkeypatch.setattr(zipfile.ZipFile, "infolist", shrunk)
    with pytest.raises(PackageTooLarge, match="a.xlsx：文件解压后超过 2 MB"):
        check_package(path, SMALL)


class _Declared:
    """A ZipInfo whose declared size is 0 to whoever sums it, while zipfile still reads the real member."""

    def __init__(self, info: zipfile.ZipInfo):
        self._info = info

    @property
    def file_size(self) -> int:
        return 0

    def __getattr__(self, name):
        return getattr(self._info, name)


def test_a_workbook_with_more_rows_than_the_limit_is_refused(tmp_path):
    [problem] = refusal(write(tmp_path, "百万行.xlsx", workbook_bytes(rows=1500)))
    assert problem.file == "百万行.xlsx" and "超过 1000 行" in problem.message


def test_one_cell_far_away_does_not_make_a_huge_grid(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "序号"
    wb.active["ZZ60000"] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    [problem] = refusal(write(tmp_path, "远处.xlsx", buffer.getvalue()))
    assert "不像一份权责清单" in problem.message


def test_a_text_file_larger_than_the_limit_is_refused(tmp_path):
    path = write(tmp_path, "大.txt", ("序号\t事项名称\n" + "1\t" + "名" * 100 + "\n") * 20000)
    [problem] = refusal(path)
    assert problem.file == "大.txt" and ("超过" in problem.message)


def test_a_file_with_many_problems_lists_the_first_and_counts_the_rest(tmp_path):
    text = "序号\t事项名称\t事项类型\n" + "".join(f"{i}\t事项{i}\t不存在的类型\n" for i in range(1, 21))
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_file(write(tmp_path, "多错.txt", text), SMALL)
    error = caught.value
    assert error.total > 5 and len(error.problems) == 6
    assert error.problems[-1].message == f"还有 {error.total - 5} 处问题未列出"


def test_an_ordinary_workbook_is_still_read(tmp_path):
    check_package(write(tmp_path, "ok.xlsx", workbook_bytes()), SMALL)


@pytest.mark.django_db
def test_the_upload_page_refuses_a_bomb_in_chinese_naming_the_file(client, django_user_model, settings):
    from yibao.org.constants import Role
    from yibao.org.models import Bureau, UserProfile

    settings.YIBAO_UPLOAD_MAX_UNPACKED_BYTES = 2 * MIB
    user = django_user_model.objects.create_user(username="head", password="x")
    UserProfile.objects.create(user=user, bureau=Bureau.objects.create(name="栾川县医疗保障局"), role=Role.HEAD)
    client.force_login(user)
    upload = SimpleUploadedFile("炸弹.xlsx", huge_cell_xlsx(8))
    response = client.post("/catalog/import/", {"file": upload, "bureau": "栾川县医疗保障局", "date": "2021-11-01"})
    body = response.content.decode()
    assert response.status_code == 400 and "炸弹.xlsx" in body and "解压后超过 2 MB" in body
    assert not Catalog.objects.exists()
