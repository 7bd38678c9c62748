"""Bad input is refused with a Chinese message naming the file, the line and the column."""

import pytest

from yibao.catalog.parsing import CatalogParseError, Problem, parse_catalog_file, parse_catalog_text

HEADER = "序号\t事项名称\t事项类型\t基本编码\t实施主体\t行使内容\t备注"


def problems_of(text: str, source: str = "清单.txt") -> list[Problem]:
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_text(text, source)
    return caught.value.problems


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def test_a_document_without_a_header_row_is_not_a_catalogue():
    [p] = problems_of(lines("会议纪要", "", "今天讨论了基金监管工作。"), "纪要.txt")
    assert (p.file, p.line, p.column) == ("纪要.txt", None, None)
    assert p.message.startswith("不是权责清单：未找到包含“序号”和“事项名称/职权名称”等列的表头")
    assert str(p).startswith("纪要.txt：不是权责清单")


def test_a_table_whose_first_row_is_not_a_header_is_refused_at_that_line():
    problems = problems_of(lines("人员名单", "姓名\t年龄", "张三\t30"), "名单.txt")
    assert [(p.file, p.line) for p in problems] == [("名单.txt", 2), ("名单.txt", 3)]
    assert all("未找到包含“序号”和“名称”的表头" in p.message for p in problems)


def test_a_short_item_row_that_two_columns_could_be_missing_from_is_refused_with_its_line():
    text = lines("某局权责清单", HEADER, "1\t对某某行为的处罚\t行政处罚\t0247001000\t某某局")
    [p] = problems_of(text)
    assert (p.file, p.line, p.column) == ("清单.txt", 3, None)
    assert "5个单元格" in p.message and "7列" in p.message
    assert str(p).startswith("清单.txt，第3行：")


def test_a_row_that_neither_starts_an_item_nor_continues_one_is_refused_at_the_sequence_column():
    text = lines(HEADER, "1\t对某某行为的处罚\t行政处罚\t0247001000\t某某局\t负责查处\t", "甲\t对另一行为的处罚\t行政处罚")
    [p] = problems_of(text)
    assert (p.line, p.column) == (3, "序号")
    assert "无法归属的行" in p.message and "甲" in p.message


def test_a_continuation_row_before_any_item_is_refused():
    [p] = problems_of(lines(HEADER, "\t\t\t\t\t续写的内容\t"))
    assert p.line == 2
    assert p.message == "续行之前没有事项"


def test_an_unknown_type_is_reported_with_its_line_and_the_header_of_its_column():
    text = lines(HEADER, "1\t对某某行为的指导\t行政指导\t0247001000\t某某局\t负责指导\t")
    [p] = problems_of(text)
    assert (p.line, p.column) == (2, "事项类型")
    assert p.message.startswith("未知的事项类型“行政指导”")
    assert str(p).startswith("清单.txt，第2行，“事项类型”列：未知的事项类型“行政指导”")


def test_a_national_code_that_is_not_ten_digits_is_reported_in_its_column():
    text = lines(HEADER, "1\t对某某行为的处罚\t行政处罚\t024700100\t某某局\t负责查处\t")
    [p] = problems_of(text)
    assert (p.line, p.column) == (2, "基本编码")
    assert p.message == "基本编码“024700100”不是10位数字"


def test_an_unknown_section_heading_inside_the_table_is_reported():
    text = lines("序号\t事项名称\t实施主体", "一、行政指导", "1\t对某某行为的指导\t某某局")
    problems = problems_of(text)
    assert (problems[0].line, problems[0].message) == (2, "无法识别的事项类型标题“一、行政指导”")


def test_an_item_without_type_column_or_section_heading_is_refused():
    [p] = problems_of(lines("序号\t事项名称\t实施主体", "1\t对某某行为的处罚\t某某局"))
    assert p.line == 2
    assert p.message.startswith("无法确定事项类型")


def test_a_row_with_more_cells_than_the_header_is_refused():
    [p] = problems_of(lines("序号\t事项名称\t事项类型", "1\t对某某行为的处罚\t行政处罚\t多出的一格"))
    assert p.line == 2
    assert "多于表头列数（3）" in p.message


def test_every_problem_of_a_file_is_reported_together_in_line_order():
    text = lines(
        "某局权责清单",
        HEADER,
        "1\t对甲行为的处罚\t行政处罚\t0247001000\t某某局\t负责查处\t",
        "2\t对乙行为的指导\t行政指导\t0247002000\t某某局\t负责指导\t",
        "3\t对丙行为的处罚\t行政处罚\t0247003000\t某某局",
        "4\t对丁行为的处罚\t行政处罚\t02470040\t某某局\t负责查处\t",
        "5\t对戊行为的处罚\t行政处罚\t0247005000\t某某局\t负责查处\t",
    )
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_text(text, "清单.txt")
    problems = caught.value.problems
    assert [(p.line, p.column) for p in sorted(problems, key=lambda p: p.line)] == [
        (4, "事项类型"), (5, None), (6, "基本编码"),
    ]
    message = str(caught.value)
    assert all(f"第{n}行" in message for n in (4, 5, 6))
    assert message.count("\n") == 2


def test_an_unreadable_workbook_or_document_names_the_file(tmp_path):
    for name, kind in (("坏表.xlsx", "Excel"), ("坏文档.docx", "Word")):
        path = tmp_path / name
        path.write_bytes(b"this is not a zip archive")
        with pytest.raises(CatalogParseError) as caught:
            parse_catalog_file(path)
        [p] = caught.value.problems
        assert p.file == name
        assert kind in p.message


def test_a_problem_in_a_workbook_names_its_sheet_row_and_column(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "目录"
    sheet = wb.create_sheet("第二张")
    sheet.append(["序号", "事项名称", "事项类型", "实施主体"])
    sheet.append([1, "对某某行为的处罚", "行政处罚", "某某局"])
    sheet.append([2, "对某某行为的指导", "行政指导", "某某局"])
    path = tmp_path / "表格.xlsx"
    wb.save(path)
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_file(path)
    [p] = caught.value.problems
    assert (p.file, p.line, p.column) == ("表格.xlsx［第二张］", 3, "事项类型")
    assert str(p).startswith("表格.xlsx［第二张］，第3行，“事项类型”列：未知的事项类型“行政指导”")


def test_a_text_file_in_an_unknown_encoding_is_refused(tmp_path):
    path = tmp_path / "乱码.txt"
    path.write_bytes(b"\xff\xfe\x00\xd8\x00\xd8\xff")
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_file(path)
    assert caught.value.problems[0].file == "乱码.txt"
