"""Other bureaus' lists: other columns and orders, 主项/子项, merged cells, .xlsx, .docx and Markdown."""

import datetime as dt
from pathlib import Path

import pytest

from yibao.catalog.parsing import parse_catalog_file
from yibao.catalog.parsing.office import cell_text, rows_from_docx, rows_from_xlsx

FIXTURES = Path(__file__).with_name("fixtures")
REGULATION = "医疗保障基金使用监督管理条例"
SOCIAL_INSURANCE_LAW = "中华人民共和国社会保险法"


def cited(item) -> list[tuple]:
    return [(c.law, c.article, c.paragraph, c.clause) for c in item.bases]


# ---------------------------------------------------------------- (a) text: other columns, 主项/子项


@pytest.fixture(scope="module")
def sub_items():
    return parse_catalog_file(FIXTURES / "sub_items_other_columns.txt")


def test_other_columns_list_makes_each_sub_item_an_item_keeping_its_main_items_name(sub_items):
    assert len(sub_items.items) == 3
    first, second, inspection = sub_items.items
    main = "对定点医药机构违反医疗保障基金使用规定的处罚"
    assert (first.seq, first.name, first.sub_item) == ("一", main, "１．对定点医药机构分解住院、挂床住院的处罚")
    assert (second.seq, second.name, second.sub_item) == ("一", main, "２．对定点医药机构串换药品、医用耗材的处罚")
    assert (inspection.seq, inspection.name, inspection.sub_item) == ("二", "对定点医药机构医疗保障基金使用情况的检查", None)
    assert [i.line for i in sub_items.items] == [6, 8, 9]


def test_other_columns_are_found_by_their_header_names_in_any_order(sub_items):
    first, second, inspection = sub_items.items
    assert (first.type, first.national_code, first.level) == ("penalty", "0247008001", "县级")
    assert (second.type, second.national_code, second.level) == ("penalty", "0247008002", "县级")
    assert (inspection.type, inspection.national_code, inspection.level) == ("inspection", "0647004000", "县级")
    assert {i.implementer for i in sub_items.items} == {"区医疗保障局基金监管股"}
    assert all(i.subject is None and i.scope is None and i.remark is None for i in sub_items.items)


def test_accountability_columns_and_guiding_department_are_kept_as_extras(sub_items):
    first, second, inspection = sub_items.items
    assert first.extra == {
        "accountability": "对应当予以处罚的违法行为不予处罚的；\n擅自改变行政处罚种类、幅度的。",
        "accountability_basis": "《中华人民共和国行政处罚法》第七十六条",
        "guiding_department": "市医疗保障局基金监管科",
    }
    assert second.extra["accountability"] == "违法实行检查措施或者执行措施，给公民人身或者财产造成损害的；"
    assert second.extra["accountability_basis"] == "《行政处罚法》第七十六条"
    assert inspection.extra["guiding_department"] == "市医疗保障局基金监管科"


def test_full_width_numbers_and_punctuation_in_bases_resolve_to_articles(sub_items):
    first, second, inspection = sub_items.items
    assert cited(first) == [(REGULATION, 38, None, 1)]
    assert first.bases[0].text == "分解住院、挂床住院；"
    assert cited(second) == [(REGULATION, 38, 1, 4)]
    assert second.bases[0].text == "串换药品、医用耗材、诊疗项目和服务设施；"
    assert cited(inspection) == [(REGULATION, 27, None, None)]
    assert inspection.bases[0].text == "医疗保障行政部门实施监督检查，可以采取下列措施：\n（一）进入现场检查；"


def test_other_columns_list_takes_title_and_date_from_the_lines_above_the_table(sub_items):
    assert sub_items.title == "某某市某某区医疗保障局权责清单（2023年5月1日）"
    assert sub_items.bureau == "某某市某某区医疗保障局"
    assert sub_items.date == "2023-05-01"
    assert sub_items.warnings == []


# ---------------------------------------------------------------- (b) xlsx with merged cells


def build_workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "处罚"
    ws.append(["某某市医疗保障局行政处罚事项清单"])
    ws.merge_cells("A1:H1")
    ws.append(["序号", "事项名称", "子项", "事项类型", "基本编码", "事项依据", "行使层级", "备注"])
    ws.append([1, "对定点医药机构违法行为的处罚", "分解住院、挂床住院", "行政处罚", 247008001,
               "《条例》第三十八条第一款第（一）项", "市级", dt.datetime(2023, 5, 1)])
    ws["E3"].number_format = "0000000000"
    ws.append([None, None, "串换药品、医用耗材", None, "0247008002", "《条例》第38条第1款第4项", None, None])
    for cells in ("A3:A4", "B3:B4", "D3:D4", "G3:G4"):
        ws.merge_cells(cells)
    ws.append([2.0, "对个人骗取医疗保障基金的处罚", None, "行政处罚", "0247006000",
               "《医疗保障基金使用监督管理条例》第四十一条\n个人有下列情形之一的，由医疗保障行政部门责令改正：", "市级", None])
    ws.append(["注：本清单自公布之日起施行。"])
    ws.merge_cells("A6:H6")

    posts = wb.create_sheet("岗责")
    posts.append(["序号", "项目名称", "职权类别", "设定依据", "岗位职责", None, "实施科室"])
    posts.merge_cells("E1:F1")
    posts.append([1, "对纳入基本医疗保险基金支付范围的医疗服务行为和医疗费用的检查", "行政检查",
                  "《社会保险法》第七十九条：社会保险行政部门对社会保险基金的收支、管理和投资运营情况进行监督检查。",
                  "检查岗", "按照法律法规规定和程序实施检查。", "基金监管科"])
    posts.append([None, None, None, None, "处置岗", "依法处置，不得违反法律法规规定。", "基金监管科"])
    posts.append([None, None, None, None, "审核岗", "对处置意见进行法制审核。", "法制审核科"])
    for cells in ("A2:A4", "B2:B4", "C2:C4", "D2:D4"):
        posts.merge_cells(cells)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return build_workbook(tmp_path_factory.mktemp("xlsx") / "市局清单.xlsx")


def test_xlsx_rows_fill_vertically_merged_cells_and_keep_sheet_and_row(workbook):
    rows = rows_from_xlsx(workbook)
    assert [(r.where, r.line) for r in rows] == [("处罚", n) for n in range(1, 7)] + [("岗责", n) for n in range(1, 5)]
    assert rows[0].cells == ["某某市医疗保障局行政处罚事项清单"]
    assert rows[2].cells == ["1", "对定点医药机构违法行为的处罚", "分解住院、挂床住院", "行政处罚", "0247008001",
                             "《条例》第三十八条第一款第（一）项", "市级", "2023-05-01"]
    assert rows[3].cells[:4] == ["1", "对定点医药机构违法行为的处罚", "串换药品、医用耗材", "行政处罚"]
    assert rows[3].cells[6] == "市级"
    assert rows[4].cells[0] == "2"
    assert rows[5].cells == ["注：本清单自公布之日起施行。"]
    assert rows[6].cells == ["序号", "项目名称", "职权类别", "设定依据", "岗位职责", "", "实施科室"]
    assert rows[8].cells[:2] == ["1", "对纳入基本医疗保险基金支付范围的医疗服务行为和医疗费用的检查"]


def test_xlsx_list_with_merged_cells_gives_one_item_per_sub_item_and_one_per_post_table_item(workbook):
    catalog = parse_catalog_file(workbook)
    assert catalog.source == "市局清单.xlsx"
    assert catalog.title == "某某市医疗保障局行政处罚事项清单"
    assert catalog.bureau == "某某市医疗保障局"
    first, second, third, inspection = catalog.items
    main = "对定点医药机构违法行为的处罚"
    assert (first.seq, first.name, first.sub_item, first.type) == ("1", main, "分解住院、挂床住院", "penalty")
    assert (first.national_code, first.level, first.remark, first.line) == ("0247008001", "市级", "2023-05-01", 3)
    assert cited(first) == [(REGULATION, 38, 1, 1)]
    assert (second.seq, second.name, second.sub_item, second.type) == ("1", main, "串换药品、医用耗材", "penalty")
    assert (second.national_code, second.level, second.remark, second.line) == ("0247008002", "市级", None, 4)
    assert cited(second) == [(REGULATION, 38, 1, 4)]
    assert (third.seq, third.name, third.sub_item, third.national_code) == ("2", "对个人骗取医疗保障基金的处罚", None, "0247006000")
    assert cited(third) == [(REGULATION, 41, None, None)]
    assert third.bases[0].text == "个人有下列情形之一的，由医疗保障行政部门责令改正："
    assert catalog.warnings == ["第6行：忽略表格外的文字“注：本清单自公布之日起施行。”"]


def test_xlsx_post_rows_under_merged_item_cells_become_the_items_duties(workbook):
    inspection = parse_catalog_file(workbook).items[3]
    assert (inspection.seq, inspection.type, inspection.line) == ("1", "inspection", 2)
    assert inspection.name == "对纳入基本医疗保险基金支付范围的医疗服务行为和医疗费用的检查"
    assert cited(inspection) == [(SOCIAL_INSURANCE_LAW, 79, None, None)]
    assert [(d.step, d.post, d.text, d.department) for d in inspection.duties] == [
        (None, "检查岗", "按照法律法规规定和程序实施检查。", "基金监管科"),
        (None, "处置岗", "依法处置，不得违反法律法规规定。", "基金监管科"),
        (None, "审核岗", "对处置意见进行法制审核。", "法制审核科"),
    ]


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, None, ""),
        (3, "General", "3"),
        (3.0, "General", "3"),
        (2.5, "General", "2.5"),
        (247001000, "0000000000", "0247001000"),
        (dt.datetime(2023, 5, 1), "yyyy-mm-dd", "2023-05-01"),
        (dt.datetime(2023, 5, 1, 8, 30), "yyyy-mm-dd h:mm", "2023-05-01 08:30:00"),
        (dt.date(2021, 10, 1), "yyyy-mm-dd", "2021-10-01"),
        ("第一行\r\n第二行", "General", "第一行\n第二行"),
    ],
)
def test_spreadsheet_values_read_as_the_text_the_list_shows(value, number_format, text):
    assert cell_text(value, number_format) == text


# ---------------------------------------------------------------- (c) docx: headings, no type column


def build_document(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("某某县医疗保障局权责清单")
    document.add_paragraph("2023年6月1日")
    document.add_paragraph("")
    document.add_paragraph("一、行政处罚")
    penalties = document.add_table(rows=3, cols=4)
    for row, values in zip(penalties.rows, [
        ["序号", "事项名称", "事项依据", "实施主体"],
        ["1", "对用人单位不办理医疗保险登记的处罚", "", "某某县医疗保障局"],
        ["2", "对定点医药机构骗取医疗保障基金支出的处罚",
         "《医疗保障基金使用监督管理条例》第四十条：定点医药机构通过下列方式骗取医疗保障基金支出的，由医疗保障行政部门责令退回。",
         "某某县医疗保障局"],
    ], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    basis = penalties.cell(1, 2)
    basis.text = "《社会保险法》第84条：用人单位不办理社会保险登记的，由社会保险行政部门责令限期改正；"
    basis.add_paragraph("逾期不改正的，对用人单位处应缴社会保险费数额一倍以上三倍以下的罚款。")

    document.add_paragraph("二、行政检查")
    # 序号 | 事项名称 | 事项依据 | 实施科室 | 岗位职责 spread over two columns: the post, then its duty.
    checks = document.add_table(rows=5, cols=6)
    for col, value in enumerate(["序号", "事项名称", "事项依据", "实施科室"]):
        checks.cell(0, col).text = value
    checks.cell(0, 4).merge(checks.cell(0, 5)).text = "岗位职责"
    seq = checks.cell(1, 0).merge(checks.cell(2, 0))
    seq.text = "1"
    name = checks.cell(1, 1).merge(checks.cell(2, 1))
    name.text = "对用人单位和个人遵守医疗保险法律、法规情况进行监督检查"
    source = checks.cell(1, 2).merge(checks.cell(2, 2))
    source.text = "《社会保险法》第七十七条：县级以上人民政府社会保险行政部门应当加强对用人单位和个人遵守社会保险法律、法规情况的监督检查。"
    for r, (department, post, text) in enumerate([
        ("基金监管股", "检查岗", "按照法律法规规定和程序实施检查。"),
        ("基金监管股", "处置岗", "依法处置，不得违反法律法规规定。"),
    ], start=1):
        checks.cell(r, 3).text = department
        checks.cell(r, 4).text = post
        checks.cell(r, 5).text = text
    banner = checks.cell(3, 0).merge(checks.cell(3, 5))
    banner.text = "三、行政强制"
    for col, value in enumerate(["2", "对可能被转移、隐匿或者灭失的资料予以封存",
                                 "《社会保险法》第七十九条第二款", "法制审核股", "执行岗", "依法组织实施封存。"]):
        checks.cell(4, col).text = value
    document.add_paragraph("注：表中“岗位职责”列写明岗位及其职责。")
    document.save(path)
    return path


@pytest.fixture(scope="module")
def word_document(tmp_path_factory):
    return build_document(tmp_path_factory.mktemp("docx") / "县局清单.docx")


def test_docx_rows_turn_paragraphs_into_single_cells_and_merged_cells_count_once(word_document):
    rows = rows_from_docx(word_document)
    assert [r.cells for r in rows[:3]] == [["某某县医疗保障局权责清单"], ["2023年6月1日"], ["一、行政处罚"]]
    assert all(r.where is None for r in rows[:3])
    assert [r.line for r in rows] == list(range(1, len(rows) + 1))
    table2 = [r for r in rows if r.where == "表2"]
    assert table2[0].cells == ["序号", "事项名称", "事项依据", "实施科室", "岗位职责", ""]
    assert table2[1].cells[:2] == table2[2].cells[:2] == ["1", "对用人单位和个人遵守医疗保险法律、法规情况进行监督检查"]
    assert table2[3].cells == ["三、行政强制"]
    assert rows[-1].cells == ["注：表中“岗位职责”列写明岗位及其职责。"]


def test_docx_list_takes_types_from_section_headings_where_there_is_no_type_column(word_document):
    catalog = parse_catalog_file(word_document)
    assert catalog.title == "某某县医疗保障局权责清单"
    assert catalog.bureau == "某某县医疗保障局"
    assert catalog.date == "2023-06-01"
    assert [(i.seq, i.type) for i in catalog.items] == [("1", "penalty"), ("2", "penalty"), ("1", "inspection"), ("2", "coercion")]
    first, second, inspection, coercion = catalog.items
    assert first.name == "对用人单位不办理医疗保险登记的处罚"
    assert (first.subject, first.implementer) == (None, "某某县医疗保障局")
    assert cited(first) == [(SOCIAL_INSURANCE_LAW, 84, None, None)]
    assert first.bases[0].text == (
        "用人单位不办理社会保险登记的，由社会保险行政部门责令限期改正；\n"
        "逾期不改正的，对用人单位处应缴社会保险费数额一倍以上三倍以下的罚款。"
    )
    assert cited(second) == [(REGULATION, 40, None, None)]
    assert inspection.name == "对用人单位和个人遵守医疗保险法律、法规情况进行监督检查"
    assert cited(inspection) == [(SOCIAL_INSURANCE_LAW, 77, None, None)]
    assert [(d.post, d.text, d.department) for d in inspection.duties] == [
        ("检查岗", "按照法律法规规定和程序实施检查。", "基金监管股"),
        ("处置岗", "依法处置，不得违反法律法规规定。", "基金监管股"),
    ]
    assert coercion.name == "对可能被转移、隐匿或者灭失的资料予以封存"
    assert cited(coercion) == [(SOCIAL_INSURANCE_LAW, 79, 2, None)]
    assert [(d.post, d.department) for d in coercion.duties] == [("执行岗", "法制审核股")]
    assert len(catalog.warnings) == 1 and "注：表中" in catalog.warnings[0]


# ---------------------------------------------------------------- (d) Markdown pipe table


@pytest.fixture(scope="module")
def markdown():
    return parse_catalog_file(FIXTURES / "sections_markdown.md")


def test_markdown_tables_parse_under_their_section_headings(markdown):
    assert markdown.title == "某某县医疗保障局行政检查和行政强制事项清单"
    assert markdown.bureau == "某某县医疗保障局"
    assert [(i.seq, i.type, i.national_code, i.level) for i in markdown.items] == [
        ("1", "inspection", "0608002000", "县级"),
        ("2", "inspection", "0647002000", "县级"),
        ("1", "coercion", "0347001000", "县级"),
    ]
    assert [i.name for i in markdown.items] == ["对定点医疗机构的检查", "社会保险稽核", "对可能被转移、隐匿或者灭失的资料予以封存"]
    assert [i.line for i in markdown.items] == [7, 8, 14]


def test_markdown_cells_split_into_citations_at_their_line_breaks(markdown):
    check, audit, seal = markdown.items
    assert cited(check) == [("宁夏回族自治区医疗救助办法", 29, None, None)]
    assert check.bases[0].rank == "local_rule"
    assert cited(audit) == [("社会保险稽核办法", 3, None, None), ("社会保险稽核办法", 5, None, None)]
    assert audit.bases[0].text == "县级以上社会保险经办机构负责社会保险稽核工作。"
    assert audit.bases[1].text == "社会保险经办机构及社会保险稽核人员开展稽核工作，行使下列职权："
    assert cited(seal) == [(SOCIAL_INSURANCE_LAW, 79, 2, None)]
    assert markdown.warnings == []
