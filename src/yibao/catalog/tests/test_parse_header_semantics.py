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
