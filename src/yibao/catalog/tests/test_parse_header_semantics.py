"""Headers read by meaning: exact names, head words, what the column holds, two-row headers, 同上."""

import pytest

from yibao.catalog.parsing import CatalogParseError, parse_catalog_text
from yibao.catalog.parsing.columns import (
    combine_header_rows,
    detect_header,
    detect_two_row_header,
    head_word_field,
    is_sub_header,
    sense_of,
)

BASIS = "《医疗保障基金使用监督管理条例》第四十条"


@pytest.mark.parametrize(("header", "field"), [
    ("执法事项名称", "name"),
    ("权力事项", "name"),
    ("实施主体名称", "subject"),
    ("承办科室名称", "implementer"),
    ("责任处（科）室", "implementer"),
    ("权力性质", "type"),
    ("事项分类", "type"),
    ("法定依据", "basis"),
    ("设定依据（法律法规规章）", "basis"),
    ("问责依据", "accountability_basis"),
    ("权力基本码", "national_code"),
    ("国家事项代码", "national_code"),
    ("行使级别", "level"),
    ("附注", "remark"),
    ("主管部门", "subject"),
    ("业务指导处室", "guiding_department"),
])
def test_a_header_not_in_the_name_list_is_read_by_its_head_word(header, field):
    assert head_word_field(header) == field
    assert sense_of(header).by in ("head word", "exact")


@pytest.mark.parametrize("text", ["对定点医药机构骗取医疗保障基金支出的处罚", "《社会保险法》第八十七条", "拟实施检查时间", ""])
def test_data_and_headers_without_a_known_head_word_name_no_column(text):
    assert head_word_field(text) is None


def test_exact_names_win_over_head_words_for_the_same_field():
    mapping = detect_header(["序号", "权力编号", "事项名称", "事项类型"])
    assert mapping == {0: "seq", 2: "name", 3: "type"}


def test_a_column_the_header_does_not_name_is_named_by_its_ten_digit_codes():
    header = ["序号", "权力编号", "事项名称", "事项类型"]
    rows = [["1", "0247009000", "甲", "行政处罚"], ["2", "0247010000", "乙", "行政处罚"]]
    assert detect_header(header, rows) == {0: "seq", 1: "national_code", 2: "name", 3: "type"}


def test_a_head_word_guess_the_cells_contradict_is_dropped():
    header = ["序号", "事项名称", "工作性质", "备注"]  # 性质 reads as a type, but the cells are not types
    rows = [["1", "甲", "常规工作", ""], ["2", "乙", "专项工作", ""], ["3", "丙", "常规工作", ""]]
    assert detect_header(header, []) == {0: "seq", 1: "name", 2: "type", 3: "remark"}
    assert detect_header(header, rows) == {0: "seq", 1: "name", 3: "remark"}


def test_a_column_of_power_types_under_an_unknown_header_is_the_type():
    text = "序号\t名称\t性状\t依据\n1\t甲\t行政处罚\t" + BASIS + "\n2\t乙\t行政检查\t" + BASIS + "\n"
    items = parse_catalog_text(text, "x.txt").items
    assert [i.type for i in items] == ["penalty", "inspection"]


def test_a_merged_name_header_over_main_and_sub_item_is_two_columns():
    top = ["序号", "事项名称", "", "事项类型", "依据", "", "备注"]
    below = ["序号", "主项", "子项", "事项类型", "设定依据", "实施依据", "备注"]
    names, senses = combine_header_rows(top, below)
    assert names[1:3] == ["事项名称（主项）", "事项名称（子项）"]
    assert names[4:6] == ["依据（设定依据）", "依据（实施依据）"]
    mapping, _ = detect_two_row_header(top, below)
    assert mapping == {0: "seq", 1: "name", 2: "sub_item", 3: "type", 4: "basis", 5: "basis", 6: "remark"}


def test_a_lower_header_row_of_part_labels_keeps_the_meaning_of_the_cell_above():
    top = ["序号", "事项名称", "事项类型", "依据", "", ""]
    below = ["", "", "", "法律", "法规", "规章"]
    mapping, names = detect_two_row_header(top, below)
    assert [mapping[i] for i in (3, 4, 5)] == ["basis", "basis", "basis"]
    assert names[4] == "依据（法规）"


def test_a_data_row_under_a_header_is_not_a_second_header_row():
    top = ["序号", "事项名称", "", "事项类型"]
    assert not is_sub_header(top, ["1", "对某行为的处罚", "", "行政处罚"])
    assert not is_sub_header(top, ["", "《社会保险法》第八十七条", "", ""])
    assert not is_sub_header(["序号", "事项名称", "事项类型"], ["序号", "事项名称", "事项类型"])


def test_a_two_row_header_in_a_text_export_parses_with_both_bases_joined():
    text = "\n".join([
        "序号\t事项名称\t\t事项类型\t依据\t",
        "\t主项\t子项\t\t设定依据\t实施依据",
        f"1\t对定点医药机构的处罚\t对分解住院的处罚\t行政处罚\t{BASIS}\t《中华人民共和国社会保险法》第八十七条",
    ]) + "\n"
    [item] = parse_catalog_text(text, "两行表头.txt").items
    assert (item.name, item.sub_item) == ("对定点医药机构的处罚", "对分解住院的处罚")
    assert [(c.law, c.article) for c in item.bases] == [
        ("医疗保障基金使用监督管理条例", 40), ("中华人民共和国社会保险法", 87)]


@pytest.mark.parametrize("ditto", ["同上", "“同上”", "〃", "同前", "同上。"])
def test_a_ditto_cell_takes_the_value_above_and_the_item_says_so(ditto):
    text = f"序号\t事项名称\t事项类型\t实施主体\n1\t甲\t行政处罚\t基金监管股\n2\t乙\t{ditto}\t{ditto}\n"
    first, second = parse_catalog_text(text, "x.txt").items
    assert (second.type, second.implementer) == ("penalty", "基金监管股")
    assert first.notes == [] and len(second.notes) == 2 and "“实施主体”列" in second.notes[1]


def test_a_ditto_in_the_first_row_has_nothing_to_take_and_is_refused():
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog_text("序号\t事项名称\t事项类型\n1\t甲\t同上\n", "x.txt")
    [p] = caught.value.problems
    assert (p.line, p.column) == (2, "事项类型") and "上方没有可沿用的内容" in p.message


def test_a_title_naming_one_type_gives_it_to_a_list_without_a_type_column():
    text = "某局2025年度行政检查计划\n序号\t检查事项\t实施依据\n1\t对定点医药机构的检查\t" + BASIS + "\n"
    [item] = parse_catalog_text(text, "x.txt").items
    assert (item.name, item.type) == ("对定点医药机构的检查", "inspection")


def test_a_title_naming_two_types_gives_none():
    text = "某局行政处罚和行政检查事项\n序号\t事项名称\t实施依据\n1\t甲\t" + BASIS + "\n"
    with pytest.raises(CatalogParseError, match="无法确定事项类型"):
        parse_catalog_text(text, "x.txt")


def test_form_lines_above_the_header_are_not_data():
    text = "某县医疗保障局检查计划\n填报单位（盖章）：某县医疗保障局\t联系电话：\n序号\t事项名称\t事项类型\n1\t甲\t行政检查\n"
    catalog = parse_catalog_text(text, "x.txt")
    assert len(catalog.items) == 1 and catalog.bureau == "某县医疗保障局"


def test_sequence_numbers_in_brackets_start_items():
    text = "序号\t事项名称\t事项类型\n（一）\t甲\t行政处罚\n(二)\t乙\t行政检查\n"
    assert [i.seq for i in parse_catalog_text(text, "x.txt").items] == ["（一）", "(二)"]


# ---------------------------------------------------------------- layouts of the province lists

def test_a_type_merged_down_that_an_export_kept_only_in_its_first_row_is_the_type_of_the_items_below():
    # 怀柔区卫生健康系统权力清单: 职权类型 merged over its items, the later rows one cell short.
    text = ("| 序号 | 职权类型 | 职权名称 | 行使层级 |\n| --- | --- | --- | --- |\n"
            "| 1 | 行政处罚 | 甲 | 市级,区级 |\n| 2 | 乙 | 区级 | |\n| 3 | 行政检查 | 丙 | 市级,区级 |\n")
    first, second, third = parse_catalog_text(text, "x.md").items
    assert [i.type for i in (first, second, third)] == ["penalty", "penalty", "inspection"]
    assert (second.name, second.level) == ("乙", "区级")
    assert second.notes == ["“职权类型”列缺失（合并单元格），沿用上一事项的类型"] and third.notes == []


def test_a_type_column_in_which_no_cell_names_a_type_is_not_the_type_column():
    # 广州市医疗保障局随机抽查事项清单: 事项类别 classes the inspections 一般 | 重点.
    text = ("序号\t抽查事项\t检查对象\t事项类别\t检查依据\n"
            f"1\t甲\t定点医疗机构\t一般检查事项\t{BASIS}\n2\t乙\t定点零售药店\t重点检查事项\t{BASIS}\n")
    assert [i.type for i in parse_catalog_text(text, "x.txt").items] == ["inspection", "inspection"]


def test_a_column_with_some_types_keeps_its_name_so_a_misspelt_type_is_reported():
    text = "序号\t事项名称\t事项类别\n1\t甲\t行政处罚\n2\t乙\t行政指导\n"
    with pytest.raises(CatalogParseError, match="未知的事项类型“行政指导”"):
        parse_catalog_text(text, "x.txt")


@pytest.mark.parametrize("title", ["市医疗保障局2023年度“双随机、一公开”抽查工作计划", "某总队2023年度行政执法检查计划"])
def test_an_inspection_plan_without_a_type_column_lists_inspections(title):
    text = (f"{title}\n序号\t抽查类别\t抽查事项\t责任科室\n"
            "3\t医保基金检查\t甲\t基金监管科\n4\t医保基金检查\t乙\t基金监管科\n")
    item = parse_catalog_text(text, "x.txt").items[0]
    assert (item.name, item.type, item.implementer) == ("甲", "inspection", "基金监管科")


def test_a_list_without_title_or_type_column_whose_columns_are_inspection_columns_lists_inspections():
    text = "序号\t抽查事项\t检查对象\t检查比例\t检查主体\n1\t甲\t定点医疗机构\t5%\t某市医疗保障局\n"
    assert parse_catalog_text(text, "x.txt").items[0].type == "inspection"


def test_without_a_type_column_a_list_of_no_inspection_kind_is_still_refused():
    with pytest.raises(CatalogParseError, match="无法确定事项类型"):
        parse_catalog_text("某局清单\n序号\t事项名称\t责任科室\n1\t甲\t基金监管科\n", "x.txt")


def test_the_plan_name_on_every_row_is_not_the_name_of_the_item():
    text = ("某总队行政执法检查计划\n序号\t抽查计划名称\t抽查任务名称\t抽查依据\n"
            "1\t2023年度随机抽查计划\t对定点医药机构的监督检查\t《社会保险法》、《医疗保障基金使用监督管理条例》\n")
    [item] = parse_catalog_text(text, "x.txt").items
    assert item.name == "对定点医药机构的监督检查"


def test_a_basis_column_that_names_laws_without_articles_is_kept_as_the_basis():
    text = ("某总队行政执法检查计划\n序号\t抽查任务名称\t抽查依据\n"
            "1\t甲\t《社会保险法》、《医疗保障基金使用监督管理条例》\n2\t乙\t《社会保险法》\n")
    first, second = parse_catalog_text(text, "x.txt").items
    assert [(c.law, c.article) for c in first.bases] == [
        ("中华人民共和国社会保险法", None), ("医疗保障基金使用监督管理条例", None)]
    assert second.basis_text == "《社会保险法》"


def test_form_lines_above_a_notice_are_not_its_title_and_the_bureau_is_read_after_guanyu_yinfa():
    text = ("索引号：MB1513297/2023-32419\n发布日期：2023年11月02日\n"
            "关于印发咸宁市医疗保障局重大行政执法决定法制审核目录清单的通知\n"
            "序号\t权利类型\t审核事项\n1\t行政处罚\t甲\n")
    catalog = parse_catalog_text(text, "x.txt")
    assert catalog.title == "关于印发咸宁市医疗保障局重大行政执法决定法制审核目录清单的通知"
    assert (catalog.bureau, catalog.date) == ("咸宁市医疗保障局", "2023-11-02")


def test_a_web_page_date_written_after_riqi_in_iso_form_is_the_lists_date():
    text = "某局权责清单\n日期：2023-03-07　来源：某局\n序号\t事项名称\t事项类型\n1\t甲\t行政处罚\n"
    assert parse_catalog_text(text, "x.txt").date == "2023-03-07"
