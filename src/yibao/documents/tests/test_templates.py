"""Every kind's template rendered with docxtpl against a case walked through the chain by the case services,
read back with python-docx: the party, the amounts in figures and in 大写, the provisions with their text and the
rights are there in Chinese, and no tag or blank value is left."""

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate

from yibao.cases import services as s
from yibao.cases.services.execution import do_arrange_payment, do_serve_reminder
from yibao.cases.tests import conftest as case_fixtures
from yibao.cases.tests.test_services import investigated
from yibao.documents.context.base import BureauDocumentSettings, DocumentContextInput, MissingData
from yibao.documents.kinds import KINDS
from yibao.documents.templates_docx import build_templates

pytestmark = pytest.mark.django_db
# The case tests' fixtures (demo staff with certificates, a clock, a lead, a complete filing).
staff, clock, lead, file_input = case_fixtures.staff, case_fixtures.clock, case_fixtures.lead, case_fixtures.file_input
TEMPLATES = Path(build_templates.__file__).parent
PARTY = "栾川县康宁诊所"
PROVISION = "《医疗保障基金使用监督管理条例》第三十八条第（一）项"
SETTINGS = BureauDocumentSettings(
    full_name="栾川县医疗保障局", short_name="栾川县医疗保障局", address="栾川县城关镇君山中路88号", postcode="471500",
    contact="0379-66800000", payment_account_name="栾川县财政局非税收入专户", payment_bank="中国农业银行栾川县支行",
    payment_account_number="16-123456789012345", payment_instructions="缴款时请注明决定书文号。", signer_name="张局长",
)
RECORD = {
    "started_at": dt.datetime(2026, 3, 3, 9, 30), "ended_at": dt.datetime(2026, 3, 3, 10, 45),
    "place": "栾川县康宁诊所药房", "person_name": "王某", "person_id_number": "410324198001011234",
    "person_relation": "法定代表人", "person_contact": "13800000000", "certificates_shown": True,
    "qa": [{"question": "你诊所是否将药品串换为其他药品结算？", "answer": "是，共38次。"}],
    "signature": "已核对并签名", "page_count": 2, "findings": "药房库存与医保结算记录不符。",
}
ITEMS = [{"name": "处方笺", "specification": "2025年", "quantity": "3本", "holder": PARTY}]
PARAMS = {
    "inquiry_record": {"record": RECORD},
    "inspection_record": {"record": RECORD},
    "preservation_notice": {"record": {"items": ITEMS, "reason": "处方可能被销毁", "place": "本局证物室",
                                       "approved_on": dt.date(2026, 3, 3), "preserved_on": dt.date(2026, 3, 3)}},
    "preservation_decision": {"record": {"items": ITEMS, "outcome": "退还", "preserved_on": dt.date(2026, 3, 3),
                                         "notice_number": "栾医保登〔2026〕1号", "decided_on": dt.date(2026, 3, 10)}},
    "seal_decision": {"record": {"number": "FC2026001", "party_name": PARTY, "items": ITEMS, "place": "诊所档案室",
                                 "reason": "涉嫌串换药品", "basis": "《医疗保障基金使用监督管理条例》第二十七条", "days": 30,
                                 "approved_on": dt.date(2026, 3, 3)}},
    "unseal_decision": {"record": {"number": "FC2026001", "party_name": PARTY, "items": ITEMS, "place": "诊所档案室",
                                   "reason": "涉嫌串换药品", "basis": "《医疗保障基金使用监督管理条例》第二十七条",
                                   "days": 30, "lift_reason": "封存期限已经届满", "lifted_on": dt.date(2026, 4, 2)}},
    "assistance_request": {"record": {"to_authority": "栾川县卫生健康委员会", "matters": "请提供该诊所执业登记资料",
                                      "reply_due": dt.date(2026, 3, 20)}},
    "recusal_decision": {"record": {"officer_name": "李某", "asked_by": "当事人申请", "reason": "系当事人亲属",
                                    "asked_on": dt.date(2026, 3, 4), "granted": True, "decision_reason": "理由成立",
                                    "decided_by": "张局长", "decided_on": dt.date(2026, 3, 5)}},
    "extension_approval": {"record": {"days": 30, "reason": "案情复杂，需司法鉴定", "approved_by": "张局长",
                                      "approved_on": dt.date(2026, 5, 20)}},
    "deliberation_record": {"record": {"held_on": dt.date(2026, 3, 2), "chaired_by": "张局长",
                                       "attendees": ["张局长", "赵副局长", "钱科长", "孙科长", "周科长"],
                                       "conclusion": "同意罚款24000元"}},
    "correction_order": {"correct_by": dt.date(2026, 3, 31)},
    "refund_order": {"refund_by": dt.date(2026, 3, 31)},
    "service_receipt": {"served": {"title": "行政处罚决定书", "number": "栾医保罚〔2026〕1号"}},
    "service_announcement": {"served": {"title": "行政处罚决定书", "number": "栾医保罚〔2026〕1号"}},
}
# Kinds of other paths (rejected filing, hearing, no penalty, summary procedure, transfer): their own tests.
OTHER_PATHS = {"non_filing_approval", "hearing_notice", "hearing_record", "no_penalty_decision",
               "summary_penalty_decision", "criminal_transfer"}


@pytest.fixture(autouse=True)
def law_texts(db):
    """The law library's full texts, which the provisions are quoted from (migrate loads them on a real site)."""
    from yibao.law.services import do_load_law_texts

    do_load_law_texts()


@pytest.fixture
def chain_case(staff, file_input, clock):
    """A case through filing, investigation, review, notice, statements, decision, service, execution, a deferral,
    and a 催告 once the deferred period ran out."""
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="当事人放弃陈述申辩")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000")
    case = s.do_serve(case, actor=staff.officer2, expected_version=case.version, method="direct", signed_by="张三")
    case = s.do_start_enforcement(case, actor=staff.officer1, expected_version=case.version)
    case = do_arrange_payment(case, actor=staff.head, expected_version=case.version, kind="deferral",
                              until=dt.date(2026, 4, 17), reason="当事人经营困难，申请暂缓")
    clock.set(dt.date(2026, 4, 27))
    return do_serve_reminder(case, actor=staff.officer1, expected_version=case.version)


def render(kind: str, ctx: dict) -> str:
    """The rendered document's text, paragraphs and table cells, one line each."""
    template = DocxTemplate(TEMPLATES / KINDS[kind].template)
    template.render(ctx, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    doc = Document(io.BytesIO(out.getvalue()))
    lines = [p.text for p in doc.paragraphs]
    lines += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(lines)


def context(kind: str, case, number: str | None = "栾医保罚〔2026〕1号") -> dict:
    inp = DocumentContextInput(SETTINGS, number, dt.date(2026, 4, 28), PARAMS.get(kind, {}))
    return KINDS[kind].build_context(case, inp)


def test_every_kind_has_a_generated_template():
    missing = [k.template for k in KINDS.values() if not (TEMPLATES / k.template).exists()]
    assert missing == []
    assert set(build_templates.BUILDERS) == set(KINDS)


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in OTHER_PATHS])
def test_each_kind_renders_from_the_case_with_the_party_and_no_tag_or_blank_left(kind, chain_case):
    text = render(kind, context(kind, chain_case))
    assert "栾川县医疗保障局" in text
    assert KINDS[kind].label in text
    assert PARTY in text or kind == "assistance_request"
    for leftover in ("{{", "{%", "None", "（预览，未编号）"):
        assert leftover not in text, f"{kind}: {leftover}"


def test_the_penalty_decision_states_the_fine_in_figures_and_capitals_the_provision_payment_and_rights(chain_case):
    text = render("penalty_decision", context("penalty_decision", chain_case))
    assert "统一社会信用代码：52410324MJY123456X" in text
    assert "法定代表人（负责人）：王某" in text
    assert "人民币贰万肆仟元整（¥24,000.00）" in text
    assert PROVISION in text and "分解住院、挂床住院" in text  # the clause quoted from the law library
    assert "十五日内" in text and "16-123456789012345" in text
    assert "每日按罚款数额的百分之三加处罚款" in text
    assert "六十日内向栾川县人民政府申请行政复议" in text
    assert "六个月内依法向栾川县人民法院提起行政诉讼" in text
    assert "当事人放弃陈述申辩" in text


def test_the_reminder_adds_the_surcharge_from_the_end_of_the_deferred_period(chain_case):
    text = render("reminder", context("reminder", chain_case))
    # 11 days after 17 April at 3% a day: 24,000 × 0.33 = 7,920.
    assert "加处罚款人民币柒仟玖佰贰拾元整（¥7,920.00）" in text
    assert "合计人民币叁万壹仟玖佰贰拾元整（¥31,920.00）" in text
    assert "十日内" in text


def test_the_advance_notice_gives_the_statement_right_and_its_period(chain_case):
    text = render("advance_notice", context("advance_notice", chain_case))
    assert "拟对你（单位）处以罚款人民币贰万肆仟元整（¥24,000.00）" in text
    assert "收到本告知书之日起五个工作日内向本机关提出" in text and "第四十四条" in text


def test_a_preview_shows_that_it_has_no_number(chain_case):
    text = render("penalty_decision", context("penalty_decision", chain_case, number=None))
    assert "（预览，未编号）" in text


def test_the_verification_code_shows_only_on_an_issued_document(chain_case):
    ctx = context("penalty_decision", chain_case)
    assert "核验码" not in render("penalty_decision", ctx)
    ctx["verification_code"] = "栾医保罚〔2026〕1号-0123456789ab"
    assert "核验码：栾医保罚〔2026〕1号-0123456789ab" in render("penalty_decision", ctx)


def test_a_decision_before_the_decision_and_the_proposal_is_refused_naming_what_is_missing(staff, file_input, clock):
    case = investigated(staff, file_input)
    with pytest.raises(MissingData, match="无法生成行政处罚决定书：缺少罚款金额"):
        context("penalty_decision", case)


def test_a_kind_whose_record_is_missing_refuses_rather_than_rendering_blanks(staff, file_input, clock):
    case = investigated(staff, file_input)
    with pytest.raises(MissingData, match="无法生成不予立案审批表"):
        context("non_filing_approval", case)
    with pytest.raises(MissingData, match="改正期限"):
        KINDS["correction_order"].build_context(case, DocumentContextInput(SETTINGS, None, dt.date(2026, 3, 2)))
    bare = BureauDocumentSettings(full_name="栾川县医疗保障局", short_name="栾川县医疗保障局")
    decided = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    decided = s.do_approve_proposal(decided, actor=staff.head, expected_version=decided.version, fine="24000")
    decided = s.do_notify(decided, actor=staff.officer1, expected_version=decided.version)
    with pytest.raises(MissingData, match="收款账户名称、开户银行、账号"):
        KINDS["penalty_decision"].build_context(decided, DocumentContextInput(bare, None, dt.date(2026, 3, 2)))


def test_a_provision_the_library_cannot_quote_refuses_naming_it(staff, file_input, clock):
    from yibao.law.models import Article

    case = investigated(staff, file_input)
    Article.objects.filter(law__name="医疗保障基金使用监督管理条例", number=38).delete()
    with pytest.raises(MissingData, match="法规库中没有《医疗保障基金使用监督管理条例》第三十八条第（一）项的条文"):
        context("investigation_report", case)


def test_an_amount_is_never_printed_from_a_float():
    from yibao.documents.context.base import amount_parts

    with pytest.raises(TypeError):
        amount_parts("fine", 24000.0)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_template_is_laid_out_after_gbt_9704_with_east_asian_fonts_on_its_styles(kind):
    from docx.oxml.ns import qn

    doc = Document(TEMPLATES / KINDS[kind].template)
    section = doc.sections[0]
    def mm(*lengths) -> tuple:
        return tuple(round(x.mm, 1) for x in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (37, 35, 28, 26)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    # 22 lines in the 225 mm text block; 28 characters of 16 pt, condensed, in the 156 mm line.
    assert int(225 * 1440 / 25.4 / int(grid.get(qn("w:linePitch")))) == 22
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    condensed = int(defaults.find(qn("w:spacing")).get(qn("w:val")))
    assert int(defaults.find(qn("w:sz")).get(qn("w:val"))) == 32
    assert int(156 * 72 / 25.4 // (16 + condensed / 20)) == 28

    def east_asian(style: str) -> str:
        return doc.styles[style].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asian("Normal") == "仿宋_GB2312" and doc.styles["Normal"].font.size.pt == 16
    assert east_asian("文书标题") == "方正小标宋简体" and doc.styles["文书标题"].font.size.pt == 22
    assert east_asian("一级标题") == "黑体"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "fldChar" in footer
