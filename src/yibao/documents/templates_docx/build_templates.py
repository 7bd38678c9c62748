"""Generate the DOCX templates of every document kind (one file per kind, named `<kind>.docx`).

    uv run python src/yibao/documents/templates_docx/build_templates.py

The templates are docxtpl templates (Jinja tags: {{ }}, {%p %} for paragraphs, {%tr %} for table rows) laid out
after GB/T 9704-2012《党政机关公文格式》: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a text block
of 156 × 225 mm), a grid of 22 lines and 28 characters a line (16 pt condensed by 0.25 pt: LibreOffice, which
renders the PDF, spreads a character grid), page numbers in the footer (— 1 —); body in
仿宋_GB2312 三号 (16 pt), the title in 方正小标宋简体 二号 (22 pt), level-1 headings in 黑体. The fonts are set on the
styles for East Asian text (w:eastAsia), so a bureau's Word or WPS shows them where installed; the PDF renderer
maps them to free faces by fontconfig. A bureau may change a generated file in Word without code: the tags are
plain text. The context each template reads is built in documents/context/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from yibao.documents.templates_docx.template_layout import (
    HERE,
    PARTY_ROWS,
    _section,
    _styles,
    addressee,
    contact,
    evidence,
    form,
    h,
    head_of_form,
    loop_table,
    number,
    officers_row,
    p,
    party_block,
    payment,
    provisions,
    rights,
    sign,
    tag,
    title,
    verify,
)


def filing_approval(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("案件来源", "{{ case_source }}"), *PARTY_ROWS,
               ("简要案情", "{{ facts }}{% if lead_summary %}（线索：{{ lead_summary }}）{% endif %}"),
               ("涉案金额", "{% if has_amount %}{{ amount_figures }}（大写：{{ amount_capitals }}）{% endif %}"),
               ("违法行为终了日期", "{{ act_end_on }}"), ("拟适用条款", "{{ provisions_text }}"), officers_row(),
               ("立案申请", "{{ proposed_by }}　{{ proposed_on }}"),
               ("负责人审批意见", "{{ approval_opinion }}　{{ approved_by }}　{{ filed_on }}")])
    verify(doc)


def non_filing_approval(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("案件来源", "{{ case_source }}"), *PARTY_ROWS,
               ("简要案情", "{{ facts }}"), ("拟适用条款", "{{ provisions_text }}"),
               ("立案申请", "{{ proposed_by }}　{{ proposed_on }}"),
               ("不予立案理由", "{{ reason }}"), ("负责人审批意见", "不予立案　{{ decided_by }}　{{ decided_on }}")])
    verify(doc)


def _record(doc, findings: bool) -> None:
    head_of_form(doc)
    p(doc, "时间：{{ started_at }}至{{ ended_at }}", "Normal")
    p(doc, "地点：{{ place }}", "Normal")
    p(doc, "执法人员：{% for o in record_officers %}{{ o.name }}（执法证号：{{ o.certificate_number }}）"
           "{% if not loop.last %}、{% endif %}{% endfor %}", "Normal")
    p(doc, "{% if findings %}在场人{% else %}被询问人{% endif %}：{{ person_name }}　身份证件号码：{{ person_id_number }}", "Normal")
    p(doc, "与当事人（{{ party.name }}）的关系：{{ person_relation }}　联系方式：{{ person_contact }}", "Normal")
    p(doc, "执法人员{% if certificates_shown %}已{% else %}未{% endif %}出示执法证件，告知了当事人陈述、申辩和申请回避的权利"
           "以及如实回答询问、协助调查的义务。")
    if findings:
        h(doc, "检查情况")
        p(doc, "{{ findings }}")
    tag(doc, "{%p for x in qa %}")
    p(doc, "问：{{ x.question }}")
    p(doc, "答：{{ x.answer }}")
    tag(doc, "{%p endfor %}")
    p(doc, "以上笔录共{{ page_count }}页，{{ signature }}{% if witness %}（见证人：{{ witness }}）{% endif %}。")
    p(doc, "被询问人（在场人）签名：　　　　　执法人员签名：　　　　　记录人：{{ recorded_by }}", "Normal")
    verify(doc)


def inquiry_record(doc) -> None:
    _record(doc, findings=False)


def inspection_record(doc) -> None:
    _record(doc, findings=True)


def _items_table(doc) -> None:
    loop_table(doc, ["序号", "名称", "规格", "数量", "持有人"], "i in items",
               ["{{ i.number }}", "{{ i.name }}", "{{ i.specification }}", "{{ i.quantity }}", "{{ i.holder }}"])


def preservation_notice(doc) -> None:
    title(doc)
    number(doc)
    addressee(doc)
    p(doc, "本机关在调查{{ case_title }}时，因证据可能灭失或者以后难以取得（{{ reason }}），经本机关负责人于{{ approved_on }}"
           "批准，依据《中华人民共和国行政处罚法》第五十六条的规定，自{{ preserved_on }}起对下列物品先行登记保存，"
           "保存地点：{{ place }}。在此期间，当事人或者有关人员不得销毁或者转移证据。")
    _items_table(doc)
    p(doc, "本机关将在{{ decision_days }}内（{{ decision_basis }}）作出处理决定。")
    sign(doc)
    verify(doc)


def preservation_decision(doc) -> None:
    title(doc)
    number(doc)
    addressee(doc)
    p(doc, "本机关于{{ preserved_on }}以{{ notice_number }}先行登记保存通知书对下列物品先行登记保存。现依据"
           "《中华人民共和国行政处罚法》第五十六条的规定，作出如下处理决定：{{ outcome }}。{{ outcome_note }}")
    _items_table(doc)
    sign(doc)
    verify(doc)


def seal_decision(doc) -> None:
    title(doc)
    number(doc)
    p(doc, "{{ seal_party_name }}：", "Normal")
    p(doc, "{{ reason }}。依据{{ basis }}，本机关决定对下列资料予以封存，封存地点：{{ place }}，封存期限{{ seal_days }}日"
           "{% if starts_on %}（自{{ starts_on }}起至{{ ends_on }}止）{% endif %}。封存期间，任何人不得擅自启封、转移或者毁损。")
    _items_table(doc)
    p(doc, "当事人有权进行陈述和申辩。如不服本决定，可以依法申请行政复议或者提起行政诉讼。")
    sign(doc)
    verify(doc)


def unseal_decision(doc) -> None:
    title(doc)
    number(doc)
    p(doc, "{{ seal_party_name }}：", "Normal")
    p(doc, "本机关对下列资料实施的封存（封存编号{{ seal_number }}），因{{ lift_reason }}，依据《中华人民共和国行政强制法》"
           "第二十八条的规定，决定自{{ lifted_on }}起解除封存。{{ lift_note }}")
    _items_table(doc)
    sign(doc)
    verify(doc)


def assistance_request(doc) -> None:
    title(doc)
    number(doc)
    p(doc, "{{ to_authority }}：", "Normal")
    p(doc, "本机关正在调查{{ case_title }}（案号：{{ case_number }}），需要贵单位协助调查以下事项：")
    p(doc, "{{ matters }}")
    p(doc, "请于{{ reply_due }}前将有关情况函复本机关。")
    contact(doc)
    sign(doc)
    verify(doc)


def recusal_decision(doc) -> None:
    title(doc)
    number(doc)
    p(doc, "{{ asked_by }}（{{ asked_on }}）：请求执法人员{{ recused_officer }}在{{ case_title }}中回避，理由为{{ request_reason }}。")
    p(doc, "经本机关负责人审查，依据《中华人民共和国行政处罚法》第四十三条的规定，决定{% if granted %}{{ recused_officer }}"
           "回避{% else %}不予回避{% endif %}。理由：{{ decision_reason }}")
    sign(doc)
    verify(doc)


def extension_approval(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("当事人", "{{ party.name }}"), ("立案日期", "{{ filed_on }}"),
               officers_row(), ("延长期限", "{{ extension_days }}日"), ("延长理由", "{{ reason }}"),
               ("集体讨论情况", "{{ deliberation_record }}"),
               ("负责人审批意见", "同意延长　{{ approved_by }}　{{ approved_on }}"), ("延长后的办案期限", "{{ due_on }}")])
    verify(doc)


def investigation_report(doc) -> None:
    head_of_form(doc)
    party_block(doc)
    p(doc, "本案于{{ filed_on }}立案，执法人员{{ officers_text }}进行了调查，现调查终结。")
    tag(doc, "{%p if report_parts.source %}")
    p(doc, "案件来源与立案情况：{{ report_parts.source }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if report_parts.process %}")
    p(doc, "调查经过：{{ report_parts.process }}")
    tag(doc, "{%p endif %}")
    h(doc, "一、调查认定的事实")
    p(doc, "{{ report }}")
    evidence(doc)
    h(doc, "二、违法行为的性质与适用的法律依据")
    provisions(doc)
    tag(doc, "{%p if report_parts.nature %}")
    p(doc, "{{ report_parts.nature }}")
    tag(doc, "{%p endif %}")
    h(doc, "三、处理意见")
    tag(doc, "{%p if report_parts.proposal %}")
    p(doc, "{{ report_parts.proposal }}{% if report_parts.measures %}，{{ report_parts.measures }}{% endif %}"
           "{% if report_parts.fine %}，拟罚款{{ report_parts.fine }}元{% endif %}。")
    tag(doc, "{%p endif %}")
    p(doc, "{% if fine_range %}罚款幅度：{{ fine_range }}。{% endif %}")
    tag(doc, "{%p if report_parts.grade or report_parts.discretion %}")
    p(doc, "自由裁量：{% if report_parts.grade %}裁量档次为{{ report_parts.grade }}。{% endif %}{{ report_parts.discretion }}")
    tag(doc, "{%p endif %}")
    p(doc, "执法人员：{{ officers_text }}　　{{ reported_on }}", "落款")
    verify(doc)


def legal_review_opinion(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), *PARTY_ROWS[:2], officers_row(),
               ("调查终结报告", "{{ report }}"), ("适用条款", "{{ provisions_text }}"),
               ("拟处理意见", "{% if has_proposed_fine %}罚款{{ proposed_fine_figures }}（大写：{{ proposed_fine_capitals }}）{% endif %}"),
               ("审核意见", "{{ opinion }}{% if opinion_text %}：{{ opinion_text }}{% endif %}"),
               ("审核人员", "{{ reviewer }}　{{ reviewed_on }}")])
    verify(doc)


def deliberation_record(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("当事人", "{{ party.name }}"), ("讨论时间", "{{ held_on }}"),
               ("主持人", "{{ chaired_by }}"), ("参加人员", "{{ attendees }}"),
               ("案情及调查终结报告", "{{ report }}"), ("提请集体讨论的理由", "{{ complex_reason }}"),
               ("拟处理意见", "{% if has_proposed_fine %}罚款{{ proposed_fine_figures }}（大写：{{ proposed_fine_capitals }}）{% endif %}"),
               ("讨论结论", "{{ conclusion }}"), ("参加人员签名", "")])
    verify(doc)


def correction_order(doc) -> None:
    title(doc)
    number(doc)
    addressee(doc)
    p(doc, "经查，你（单位）存在以下违法行为：{{ facts }}")
    p(doc, "上述行为违反了{{ provisions_text }}的规定：")
    provisions(doc)
    p(doc, "本机关责令你（单位）于{{ correct_by }}前改正上述违法行为。{{ correction }}")
    sign(doc)
    verify(doc)


def refund_order(doc) -> None:
    title(doc)
    number(doc)
    addressee(doc)
    p(doc, "经查，你（单位）存在以下违法行为：{{ facts }}")
    p(doc, "依据{{ provisions_text }}的规定：")
    provisions(doc)
    p(doc, "本机关责令你（单位）于{{ refund_by }}前退回医疗保障基金{{ refund_text }}"
           "{% if refund_account %}，退回至{{ refund_account }}{% endif %}。")
    sign(doc)
    verify(doc)


def advance_notice(doc) -> None:
    title(doc)
    number(doc)
    addressee(doc)
    p(doc, "本机关对你（单位）{{ case_title }}一案（案号：{{ case_number }}）已调查终结。经查，你（单位）存在以下违法事实：")
    p(doc, "{{ facts }}")
    p(doc, "上述行为违反了{{ provisions_text }}的规定：")
    provisions(doc)
    p(doc, "依据上述规定，本机关拟{% if is_penalty %}对你（单位）处以罚款{{ fine_text }}{% else %}作出{{ proposed_outcome }}的决定{% endif %}。")
    p(doc, "依据{{ statement_basis }}的规定，你（单位）有权进行陈述和申辩，请于收到本告知书之日起{{ statement_days }}内"
           "向本机关提出；逾期未提出的，视为放弃陈述和申辩的权利。")
    tag(doc, "{%p if hearing_right %}")
    p(doc, "依据{{ hearing_basis }}的规定，你（单位）有要求听证的权利，请于收到本告知书之日起{{ hearing_days }}内"
           "向本机关提出；逾期未提出的，视为放弃听证的权利。")
    tag(doc, "{%p endif %}")
    contact(doc)
    sign(doc)
    verify(doc)


def statement_record(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("当事人", "{{ party.name }}"), ("告知日期", "{{ notified_on }}"),
               ("陈述、申辩内容", "{{ statements }}"), ("记录人", "{{ recorded_by }}　{{ recorded_on }}"),
               ("当事人签名", "")])
    verify(doc)


def hearing_notice(doc) -> None:
    title(doc)
    number(doc)
    addressee(doc)
    p(doc, "根据你（单位）的申请，本机关定于{{ hearing_on }}在{{ hearing_place }}就{{ case_title }}一案举行听证，"
           "由{{ hearing_host }}主持。依据{{ notice_basis }}的规定，本通知于听证{{ notice_days }}前送达。")
    p(doc, "你（单位）可以亲自参加听证，也可以委托一至二人代理；认为主持人与本案有直接利害关系的，有权申请回避。"
           "无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利。")
    contact(doc)
    sign(doc)
    verify(doc)


def hearing_record(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("当事人", "{{ party.name }}"), ("听证时间", "{{ hearing_on }}"),
               ("听证地点", "{{ hearing_place }}"), ("听证主持人", "{{ hearing_host }}"), officers_row(),
               ("听证记录", "{{ hearing_record }}"), ("主持人意见", "{{ host_opinion }}"), ("当事人签名", "")])
    verify(doc)


def _decision_head(doc) -> None:
    title(doc)
    number(doc)
    party_block(doc)


def penalty_decision(doc) -> None:
    _decision_head(doc)
    p(doc, "本机关于{{ filed_on }}对你（单位）{{ case_title }}一案立案调查，于{{ notified_on }}告知了拟作出行政处罚的事实、"
           "理由、依据及你（单位）依法享有的权利。现已调查终结。")
    h(doc, "一、违法事实")
    p(doc, "{{ facts }}")
    evidence(doc)
    h(doc, "二、陈述、申辩及采纳情况")
    p(doc, "{% if statements %}{{ statements }}{% else %}你（单位）在规定期限内未提出陈述、申辩{% if hearing_right %}，"
           "也未要求听证{% endif %}。{% endif %}")
    h(doc, "三、处罚依据和决定")
    p(doc, "你（单位）的上述行为违反了{{ provisions_text }}的规定：")
    provisions(doc)
    p(doc, "依据上述规定，本机关决定{% if has_refund %}责令你（单位）退回医疗保障基金{{ refund_text }}，{% endif %}"
           "对你（单位）处以罚款{{ fine_text }}{% if has_confiscation %}，没收违法所得{{ confiscation_text }}{% endif %}。")
    h(doc, "四、履行方式和期限")
    payment(doc)
    h(doc, "五、救济途径")
    rights(doc)
    sign(doc)
    verify(doc)


def summary_penalty_decision(doc) -> None:
    _decision_head(doc)
    p(doc, "违法事实：{{ facts }}")
    p(doc, "依据：{{ provisions_text }}")
    provisions(doc)
    p(doc, "本机关依据《中华人民共和国行政处罚法》第五十一条、第五十二条的规定，当场作出行政处罚决定："
           "{% if is_fine %}罚款{{ fine_text }}{% else %}警告{% endif %}。")
    tag(doc, "{%p if is_fine %}")
    payment(doc)
    tag(doc, "{%p endif %}")
    rights(doc)
    p(doc, "执法人员：{% for o in officers %}{{ o.name }}（执法证号：{{ o.certificate_number }}）"
           "{% if not loop.last %}、{% endif %}{% endfor %}", "Normal")
    p(doc, "当事人签名：", "Normal")
    sign(doc)
    verify(doc)


def no_penalty_decision(doc) -> None:
    _decision_head(doc)
    p(doc, "本机关于{{ filed_on }}对你（单位）{{ case_title }}一案立案调查，现已调查终结。")
    p(doc, "经查：{{ facts }}")
    evidence(doc)
    p(doc, "涉及的规定：{{ provisions_text }}")
    provisions(doc)
    p(doc, "本机关认为：{{ reason }}决定：{{ outcome }}。")
    rights(doc)
    sign(doc)
    verify(doc)


def service_address_confirmation(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("受送达人", "{{ recipient }}"), ("送达地址", "{{ address }}"),
               ("联系电话", "{{ phone }}"), ("电子送达地址（同意电子送达的）", "{{ electronic_address }}"),
               ("告知事项", "受送达人应如实提供送达地址；地址变更的应及时告知。因提供的地址不准确或者变更未告知导致文书未能实际"
                         "接收的，文书退回之日视为送达之日（《中华人民共和国行政处罚法》第六十一条）。"),
               ("受送达人签名（盖章）", ""), ("确认日期", "")])
    verify(doc)


def service_receipt(doc) -> None:
    head_of_form(doc)
    form(doc, [("送达文书名称", "{{ served_title }}"), ("文号", "{{ served_number }}"), ("受送达人", "{{ recipient }}"),
               ("送达地点", "{{ address }}"), ("送达方式", "{{ method }}"), ("送达日期", "{{ served_on }}"),
               ("受送达人签名（盖章）", ""), ("送达人", "{{ officers_text }}"), ("见证人", ""), ("备注", "")])
    verify(doc)


def service_announcement(doc) -> None:
    title(doc)
    number(doc)
    p(doc, "{{ recipient }}：", "Normal")
    p(doc, "本机关对你（单位）{{ case_title }}一案作出的{{ served_title }}（{{ served_number }}），因{{ reason }}，"
           "现依法公告送达。自公告发布之日起经过{{ announcement_days }}日，即视为送达（{{ announcement_basis }}）。")
    contact(doc)
    sign(doc)
    verify(doc)


def payment_deferral_approval(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("当事人", "{{ party.name }}"), ("决定日期", "{{ decided_on }}"),
               ("罚款金额", "{{ fine_figures }}（大写：{{ fine_capitals }}）"), ("原缴款期限", "{{ payment_due }}"),
               ("申请方式", "{{ arrangement }}"), ("申请理由", "{{ reason }}"),
               ("缴纳安排", "{% for i in instalments %}{{ i.on }}缴纳{{ i.amount }}{% if not loop.last %}；{% endif %}"
                        "{% endfor %}{% if not instalments %}{{ until }}前缴清{% endif %}"),
               ("负责人审批意见", "同意　{{ approved_by }}　{{ approved_on }}")])
    verify(doc)


# What a decision ordered, as the documents after it repeat it: the refund and the confiscation where set.
DECIDED = ("{% if has_refund %}责令退回医疗保障基金{{ refund_text }}，{% endif %}处以罚款{{ fine_text }}"
           "{% if has_confiscation %}，没收违法所得{{ confiscation_text }}{% endif %}")


def reminder(doc) -> None:
    title(doc)
    number(doc)
    addressee(doc)
    p(doc, "本机关于{{ decided_on }}对你（单位）作出行政处罚决定，" + DECIDED + "，该决定书已于{{ served_on }}送达，"
           "缴款期限至{{ payment_due }}届满。你（单位）至今未{% if partly_paid %}全部{% endif %}履行。")
    p(doc, "依据{{ surcharge_basis }}的规定，到期不缴纳罚款的，每日按罚款数额的{{ surcharge_rate }}加处罚款。"
           "截至本催告书作出之日，尚未履行{{ owed_items }}，加处罚款{{ surcharge_text }}，合计{{ total_text }}。")
    p(doc, "依据《中华人民共和国行政强制法》第三十五条的规定，现催告你（单位）自收到本催告书之日起{{ pay_within_days }}日内"
           "履行上述义务（{{ pay_within_basis }}）。你（单位）有权进行陈述和申辩（{{ statement_basis }}）。"
           "逾期仍不履行的，本机关将依法申请人民法院强制执行。")
    contact(doc)
    sign(doc)
    verify(doc)


def court_enforcement_application(doc) -> None:
    title(doc)
    number(doc)
    p(doc, "{{ court }}：", "Normal")
    p(doc, "申请人：{{ bureau_name }}，地址：{{ bureau_address }}，负责人：{{ signer_name }}。", "Normal")
    party_block(doc)
    p(doc, "本机关于{{ decided_on }}对被申请人作出行政处罚决定，" + DECIDED + "，决定书于{{ served_on }}送达，"
           "缴款期限至{{ payment_due }}届满。被申请人在法定期限内未申请行政复议、未提起行政诉讼，又不履行。本机关于"
           "{{ reminder_served_on }}送达催告书，被申请人逾期仍未履行。截至申请之日，尚未履行{{ owed_items }}，"
           "加处罚款{{ surcharge_text }}，合计{{ total_text }}。")
    p(doc, "依据《中华人民共和国行政处罚法》第七十二条、《中华人民共和国行政强制法》第五十三条、第五十四条、第五十五条的规定，"
           "特申请贵院强制执行。")
    sign(doc)
    verify(doc)


def criminal_transfer(doc) -> None:
    title(doc)
    number(doc)
    p(doc, "{{ to_authority }}：", "Normal")
    p(doc, "本机关于{{ filed_on }}立案调查的{{ case_title }}（案号：{{ case_number }}），当事人{{ party.name }}。经查：{{ facts }}")
    p(doc, "{{ reason }}。依据《中华人民共和国行政处罚法》第二十七条第一款的规定，现将该案移送你单位依法处理。")
    tag(doc, "{%p if materials %}")
    p(doc, "附：移送的案卷材料")
    tag(doc, "{%p for m in materials %}")
    p(doc, "{{ loop.index }}. {{ m }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    contact(doc)
    sign(doc)
    verify(doc)


def closing_approval(doc) -> None:
    head_of_form(doc)
    form(doc, [("案由", "{{ case_title }}"), ("当事人", "{{ party.name }}"), ("立案日期", "{{ filed_on }}"),
               ("处理决定", "{{ decision }}{% if has_fine %}　罚款{{ fine_figures }}（大写：{{ fine_capitals }}）{% endif %}"),
               ("决定日期", "{{ decided_on }}"),
               ("执行情况", "{% if execution_summary %}{{ execution_summary }}{% else %}{% if executed %}已执行完毕"
                "{% endif %}{% if paid_on %}，{{ paid_on }}缴清{% endif %}{% endif %}"),
               ("案件状态", "{{ state }}"), officers_row(), ("结案情形", "{{ closing_ground }}"),
               ("案件办理情况", "{{ handling_summary }}"), ("承办人（执行岗）", "{{ drafted_by }}　{{ drafted_on }}"),
               ("负责人审批意见", "{% if approved %}{{ approval_opinion }}　{{ approved_by }}　{{ approved_on }}{% endif %}")])
    verify(doc)


BUILDERS = {name: f for name, f in list(globals().items()) if callable(f) and name in {
    "filing_approval", "non_filing_approval", "service_address_confirmation", "inquiry_record", "inspection_record",
    "preservation_notice", "preservation_decision", "seal_decision", "unseal_decision", "assistance_request",
    "recusal_decision", "extension_approval", "correction_order", "refund_order", "investigation_report",
    "legal_review_opinion", "deliberation_record", "advance_notice", "statement_record", "hearing_notice",
    "hearing_record", "penalty_decision", "summary_penalty_decision", "no_penalty_decision", "service_receipt",
    "service_announcement", "payment_deferral_approval", "reminder", "court_enforcement_application",
    "criminal_transfer", "closing_approval"}}


def new_document():
    doc = Document()
    _styles(doc)
    _section(doc)
    # python-docx's default template starts with one empty paragraph: drop it.
    body = doc.element.body
    for para in list(body.iterchildren(qn("w:p"))):
        body.remove(para)
    return doc


def build(directory: Path = HERE) -> list[Path]:
    """Write every template into `directory`; return the files written."""
    written = []
    for kind, block in BUILDERS.items():
        doc = new_document()
        block(doc)
        path = directory / f"{kind}.docx"
        doc.core_properties.title = kind
        doc.core_properties.author = "yibao"
        doc.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for path in build(out):
        print(path)
