"""The four seed lists (000–003) parse to exactly the items they hold, whole and with the right types.

The expected values below were read off the seed files themselves, not off the parser's output.
"""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from yibao.catalog.parsing import parse_catalog_file

REGULATION = "医疗保障基金使用监督管理条例"
SOCIAL_INSURANCE_LAW = "中华人民共和国社会保险法"
SEVERAL_PROVISIONS = "实施《中华人民共和国社会保险法》若干规定"
PENALTY_PROCEDURE_LAW = "中华人民共和国行政处罚法"


def seed(prefix: str) -> Path:
    """The seed file whose name starts with prefix, from settings.YIBAO_SEEDS ($YIBAO_SEEDS or ../shared/seeds)."""
    directory = Path(settings.YIBAO_SEEDS)
    found = sorted(directory.glob(f"{prefix}*.txt"))
    if not found:
        pytest.fail(f"seed {prefix}*.txt not found in {directory} (set YIBAO_SEEDS)", pytrace=False)
    return found[0]


@pytest.fixture(scope="module")
def province():
    return parse_catalog_file(seed("000_"))


@pytest.fixture(scope="module")
def district():
    return parse_catalog_file(seed("001_"))


@pytest.fixture(scope="module")
def mining_district():
    return parse_catalog_file(seed("002_"))


@pytest.fixture(scope="module")
def county():
    return parse_catalog_file(seed("003_"))


def cited(item) -> list[tuple[str, int | None]]:
    return [(c.law, c.article) for c in item.bases]


def citation(item, law: str, article: int):
    [found] = [c for c in item.bases if c.law == law and c.article == article]
    return found


# ---------------------------------------------------------------- 000: province, multi-row items


def test_province_list_parses_all_21_items_with_the_types_of_its_type_column(province):
    assert len(province.items) == 21
    assert [i.seq for i in province.items] == [str(n) for n in range(1, 22)]
    assert [i.type for i in province.items] == (
        ["penalty"] * 8 + ["inspection"] * 9 + ["coercion", "benefit"] + ["confirmation"] * 2
    )
    assert province.title == "行政执法事项目录清单"
    assert province.bureau == "山西省医疗保障局"
    assert {i.subject for i in province.items} == {"山西省医疗保障局"}


def test_province_item_3_keeps_its_basis_whole_across_the_rows_it_runs_over(province):
    item = province.items[2]
    assert item.name == "对定点医药机构存在造成医疗保障基金损失或骗取医疗保障基金支出行为的行政处罚"
    assert item.implementer == "山西省医疗保障局基金监管处"
    assert cited(item) == [
        (SOCIAL_INSURANCE_LAW, 87),
        (SEVERAL_PROVISIONS, 25),
        (REGULATION, 38),
        (REGULATION, 39),
        (REGULATION, 40),
    ]
    assert all(c.text for c in item.bases)
    # Each text runs on across the page breaks that split it over three rows.
    a25 = citation(item, SEVERAL_PROVISIONS, 25).text
    assert "以欺诈、伪造证明材料或者其他手段骗取社会保险基金支出的，由社会保险行政部门责令退回" in a25
    assert a25.endswith("由社会保险行政部门建议授予其执业资格的有关主管部门依法吊销其执业资格。")
    a39 = citation(item, REGULATION, 39).text
    assert a39.startswith("定点医药机构有下列情形之一的，由医疗保障行政部门责令改正")
    a40 = citation(item, REGULATION, 40).text
    assert a40.startswith("定点医药机构通过下列方式骗取医疗保障基金支出的")
    assert "销毁医学文书、医学证明、会计凭证、电子信息等有关资料" in a40
    assert a40.rstrip("。”\"").endswith("其他骗取医疗保障基金支出的行为")
    assert citation(item, SOCIAL_INSURANCE_LAW, 87).rank == "law"
    assert citation(item, SEVERAL_PROVISIONS, 25).rank == "dept_rule"
    assert citation(item, REGULATION, 38).rank == "admin_regulation"


def test_province_names_continued_on_a_following_row_are_joined(province):
    assert province.items[4].name.endswith("致使城镇职工医疗保险费缴费基数无法确定和迟延缴纳行为的行政处罚")
    assert province.items[16].name == (
        "对定点医疗机构的医保协议履行情况、医疗保障基金使用情况、药品服务等的行政检查"
    )


def test_province_basis_fragments_join_the_sentence_they_continue(province):
    a22 = citation(province.items[9], REGULATION, 22).text
    assert "依法查处违法使用医疗保障基金的行为。" in a22
    a47 = citation(province.items[16], "医疗机构医疗保障定点管理暂行办法", 47).text
    assert "进行指导和监督。\n医疗保障行政部门依法依规通过实地检查" in a47
    last = province.items[17].bases[-1]
    assert last.text.endswith("医疗保障行政部门负责人认为不应当采取行政强制措施的，应当立即解除。")


# ---------------------------------------------------------------- 001: district, sections and short rows

DISTRICT_CODES = [
    "0247001000", "0247002000", "0247003000", "0247004000", "0247005000",
    "0247006000", "0247007000", "0247008000", "0247009000", "0208064000",
    "0347001000",
    "0547001000", "0508004000",
    "0647001000", "0647002000", "0647003000", "0647004000", "0647005000", "0647006000", "0608002000",
    "1047002000", "1047003000", "1047004000",
]


def test_district_list_parses_its_23_items_typed_by_section_headings(district):
    assert len(district.items) == 23
    assert Counter(i.type for i in district.items) == {
        "penalty": 10, "coercion": 1, "benefit": 2, "inspection": 7, "other": 3,
    }
    assert [i.type for i in district.items] == (
        ["penalty"] * 10 + ["coercion"] + ["benefit"] * 2 + ["inspection"] * 7 + ["other"] * 3
    )
    assert district.title == "红寺堡区医疗保障局权力清单"
    assert district.bureau == "红寺堡区医疗保障局"


def test_district_list_keeps_every_national_code_in_order(district):
    assert [i.national_code for i in district.items] == DISTRICT_CODES
    assert {i.level for i in district.items} == {"县级"}


def test_district_short_item_row_without_its_sub_item_cell_is_realigned_by_code_and_level(district):
    item = district.items[8]
    assert item.seq == "9"
    assert item.name == "对医保经办机构以及医疗机构、药品经营单位骗取医保基金行为的处罚"
    assert item.sub_item is None
    assert item.national_code == "0247009000"
    assert item.implementer == "医疗保障行政部门"
    assert item.level == "县级"
    assert item.scope == "负责本区域内骗取医疗保险基金的处罚"
    assert "1011014000" in item.remark
    assert item.remark == "由其他类别“医疗保险违法行为的处理”（1011014000）改为行政处罚"


def test_district_other_short_rows_land_in_their_columns(district):
    by_code = {i.national_code: i for i in district.items}
    assert by_code["0247002000"].scope.startswith("负责本区域内经办机构")
    assert by_code["0247002000"].remark is None
    for code in ("0647003000", "0647004000", "0647005000"):
        assert by_code[code].remark == "增加"
        assert by_code[code].sub_item is None
    assert by_code["0647006000"].remark == "列入"
    assert by_code["0608002000"].implementer == "医疗保障行政部门"
    assert by_code["0608002000"].scope == "检查医疗救助基金"


def test_district_continuation_rows_join_the_name_and_basis_of_their_item(district):
    inspections = [i for i in district.items if i.type == "inspection"]
    assert inspections[4].name == (
        "对药品上市许可持有人、药品和医用耗材生产企业、药品经营企业和医疗机构向医药价格主管部门"
        "提供其药品医用耗材的实际购销价格和购销数量等资料的监督检查"
    )
    assert citation(inspections[4], "中华人民共和国药品管理法", 84).text.endswith("维护药品价格秩序。")
    sixth = inspections[5]
    assert "第十二条 集中采购监督机构" in sixth.basis_text
    a12 = citation(sixth, "高值医用耗材集中采购工作规范（试行）", 12)
    assert a12.text.startswith("集中采购监督机构对参与集中采购工作的部门")
    [a40_1] = [c for c in district.items[0].bases if (c.law, c.article, c.paragraph) == (REGULATION, 40, 1)]
    assert a40_1.text.endswith("直至由医疗保障经办机构解除服务协议；有执业资格的，由有关主管部门依法吊销执业资格。")


def test_district_tagged_law_missing_from_the_registry_falls_back_to_its_tag_with_a_warning(district):
    sixth = [i for i in district.items if i.type == "inspection"][5]
    notice = [c for c in sixth.bases if c.law.startswith("自治区党委办公厅")]
    assert len(notice) == 1
    assert notice[0].law == (
        "自治区党委办公厅人民政府办公厅关于印发〈自治区医疗保障局职能配置内设机构和人员编制规定〉的通知"
    )
    assert notice[0].rank == "normative_doc"
    assert notice[0].known is False
    [warning] = [w for w in district.warnings if "自治区党委办公厅" in w]
    assert "不在法规登记表中" in warning and "【规范性文件】" in warning


def test_district_registry_rank_overrides_the_document_tag(district):
    # The list tags 《药品集中采购监督管理办法》 【行政法规】; the registry knows it as a normative document.
    sixth = [i for i in district.items if i.type == "inspection"][5]
    ranks = {c.law: c.rank for c in sixth.bases}
    assert ranks["药品集中采购监督管理办法"] == "normative_doc"
    item = district.items[0]
    assert citation(item, SOCIAL_INSURANCE_LAW, 87).rank == "law"
    assert citation(item, "中华人民共和国基本医疗卫生与健康促进法", 104).rank == "law"


# ---------------------------------------------------------------- 002: duty steps and duty bases

DUTY_STEPS = ["立案责任", "调查责任", "审查责任", "告知责任", "决定责任", "送达责任", "执行责任", "其他责任"]


def test_mining_district_list_parses_its_9_penalty_items(mining_district):
    assert len(mining_district.items) == 9
    assert {i.type for i in mining_district.items} == {"penalty"}
    assert {i.subject for i in mining_district.items} == {"矿区人力资源和社会保障局（矿区医疗保障局）"}
    assert mining_district.bureau == "阳泉市矿区医疗保障局"
    assert mining_district.items[0].name == "用人单位不办理医疗保险登记，经责令限期改正，逾期不改正的行为的处罚"


def test_mining_district_items_list_every_duty_step_in_order_without_list_numbers(mining_district):
    for item in mining_district.items:
        assert [d.step for d in item.duties] == DUTY_STEPS, item.seq
        for d in item.duties:
            assert d.text and not d.text[0].isdigit(), (item.seq, d.step, d.text)
        assert item.duties[-1].text == "法律法规规章文件规定应履行的其他责任。"
    first = mining_district.items[0].duties[0]
    assert first.text == "对依据监督检查职权或者通过举报、投诉、其他部门移送、上级部门交办等途径发现的违法行为线索，决定是否立案。"
    assert mining_district.items[1].duties[5].text == "行政处罚决定书在决定后七日内依照《行政诉讼法》的有关规定送达当事人。"


def test_mining_district_duty_bases_expand_an_article_range_to_each_article(mining_district):
    bases = mining_district.items[0].duty_bases
    penalty_law = [c.article for c in bases if c.law == PENALTY_PROCEDURE_LAW]
    assert penalty_law == [3, 4, 6, *range(30, 55)]
    assert len([a for a in penalty_law if 30 <= a <= 54]) == 25
    assert (SOCIAL_INSURANCE_LAW, 84) in [(c.law, c.article) for c in bases]
    assert ("医疗保障行政处罚程序暂行规定", None) in [(c.law, c.article) for c in bases]
    second = [c.article for c in mining_district.items[1].duty_bases if c.law == PENALTY_PROCEDURE_LAW]
    assert second == [3, 4, 6, 30, 31, 32, 33, 34]


def test_mining_district_bases_are_normalised_to_full_law_names_and_integer_articles(mining_district):
    [c] = mining_district.items[0].bases
    assert (c.law, c.rank, c.article) == (SOCIAL_INSURANCE_LAW, "law", 84)
    assert c.text.startswith("由社会保险行政部门责令限期改正")
    [c] = mining_district.items[2].bases
    assert (c.law, c.rank, c.article) == (REGULATION, "admin_regulation", 39)
    assert mining_district.warnings == []


# ---------------------------------------------------------------- 003: posts and departments

PENALTY_POSTS = [
    ("立案岗", "基金监管股"), ("调查岗", "基金监管股"), ("审查岗", "法制审核股"), ("告知岗", "基金监管股"),
    ("决定岗", "基金监管股"), ("送达岗", "基金监管股"), ("执行岗", "基金监管股"), ("其他", "基金监管股"),
]
INSPECTION_POSTS = [("检查岗", "基金监管股"), ("处置岗", "基金监管股")]
COERCION_POSTS = [("告知岗", "基金监管股"), ("批准决定岗", "基金监管股"), ("执行岗", "法制审核股"), ("事后监管岗", "基金监管股")]


def test_county_list_parses_its_12_items_each_spread_over_its_post_rows(county):
    assert len(county.items) == 12
    assert [i.seq for i in county.items] == [str(n) for n in range(1, 13)]
    assert [i.type for i in county.items] == ["penalty"] * 8 + ["inspection"] * 3 + ["coercion"]
    assert county.title == "栾川县医疗保障局行政执法岗责体系"
    assert county.bureau == "栾川县医疗保障局"
    assert county.items[10].name == "医疗保障稽核"


def test_county_list_keeps_every_post_and_department_of_every_item(county):
    expected = [PENALTY_POSTS] * 8 + [INSPECTION_POSTS] * 3 + [COERCION_POSTS]
    assert [[(d.post, d.department) for d in i.duties] for i in county.items] == expected
    first = county.items[0].duties
    assert first[0].text == "对检查中发现、接到群众举报或经有关部门移送此类违法案件予以审查，决定是否立案。"
    assert first[1].text.startswith("对立案的案件，案件承办人员及时、全面、客观、公正地调查收集与案件有关的证据")
    assert first[1].text.endswith("形成调查终结报告。")
    assert all(d.text for i in county.items for d in i.duties)


def test_county_item_bases_cite_the_laws_by_full_name(county):
    assert cited(county.items[0]) == [(SOCIAL_INSURANCE_LAW, 84)]
    assert cited(county.items[1]) == [
        (SOCIAL_INSURANCE_LAW, 87), ("中华人民共和国基本医疗卫生与健康促进法", 104), (REGULATION, 37),
    ]


@pytest.mark.parametrize("prefix", ["000_", "001_", "002_", "003_"])
def test_every_seed_exports_as_plain_data(prefix):
    data = parse_catalog_file(seed(prefix)).as_dict()
    assert data["items"] and all(item["name"] and item["type"] for item in data["items"])
    assert all(isinstance(c["article"], int | None) for item in data["items"] for c in item["bases"])
