"""The kinds table, and the kinds whose data comes from the investigation's records or from the other paths of a
case (a refused filing, a hearing, no penalty, the summary procedure, a transfer), rendered from the records the
case services wrote."""

import datetime as dt

import pytest
from django.utils import timezone

from yibao.cases import services as s
from yibao.cases.services.investigation import (
    RecordInput,
    do_approve_preservation,
    do_decide_preservation,
    do_propose_preservation,
    do_record_inquiry,
    do_register_preservation,
    do_send_assistance_request,
)
from yibao.cases.services.report import ReportInput, do_finish_investigation
from yibao.cases.tests import conftest as case_fixtures
from yibao.cases.tests.reporting import finish
from yibao.cases.tests.test_services import filed_case, investigated, notified
from yibao.documents.context.base import DocumentContextInput, MissingData
from yibao.documents.kinds import KINDS
from yibao.documents.tests.test_templates import SETTINGS, law_texts, render  # noqa: F401  (law_texts: fixture)

staff, clock, lead, file_input = case_fixtures.staff, case_fixtures.clock, case_fixtures.lead, case_fixtures.file_input
PARTY = "栾川县康宁诊所"


def context(kind: str, case, **params) -> dict:
    return KINDS[kind].build_context(case, DocumentContextInput(SETTINGS, "栾医保〔2026〕1号", dt.date(2026, 3, 20),
                                                                params))


def test_the_kinds_are_those_of_the_glossary_each_once_with_a_template_named_after_it():
    glossary = {"filing_approval", "non_filing_approval", "inquiry_record", "inspection_record", "preservation_notice",
                "seal_decision", "unseal_decision", "assistance_request", "investigation_report", "legal_review_opinion",
                "deliberation_record", "advance_notice", "statement_record", "hearing_notice", "hearing_record",
                "penalty_decision", "no_penalty_decision", "service_receipt", "service_announcement",
                "payment_deferral_approval", "reminder", "court_enforcement_application", "criminal_transfer",
                "closing_approval"}
    assert glossary <= set(KINDS)
    assert len(KINDS) == 31
    assert all(k.template == f"{k.kind}.docx" for k in KINDS.values())


def test_documents_the_party_receives_carry_a_document_number_with_their_own_abbreviation_forms_a_serial():
    numbered = [k for k in KINDS.values() if k.numbering == "document_number"]
    assert all(k.abbr for k in numbered)
    assert len({k.abbr for k in numbered}) == len(numbered)
    assert KINDS["penalty_decision"].abbr == "罚" and KINDS["advance_notice"].abbr == "告"
    assert all(k.numbering == "serial" and not k.abbr for k in KINDS.values() if k.label.endswith(("审批表", "笔录")))


def test_the_binding_order_runs_from_the_filing_to_the_closing():
    order = list(KINDS)
    assert order[0] == "filing_approval" and order[-1] == "closing_approval"
    assert order.index("investigation_report") < order.index("legal_review_opinion") < order.index(
        "advance_notice") < order.index("penalty_decision") < order.index("service_receipt") < order.index("reminder")


@pytest.mark.django_db
def test_an_inquiry_record_renders_the_questions_in_order_with_the_time_in_beijing(staff, file_input, clock):
    case = filed_case(staff, file_input)
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    at = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    do_record_inquiry(case, RecordInput(
        started_at=at, ended_at=at + dt.timedelta(minutes=90), place="栾川县康宁诊所办公室",
        officer_ids=[staff.officer1.officer.pk, staff.officer2.officer.pk], certificates_shown=True,
        person_name="王某", person_relation="法定代表人", signature="signed", page_count=3,
        qa=[("你是否知道诊所串换药品？", "知道，是收费员操作的。"), ("涉及多少次？", "大约三十多次。")]),
        actor=staff.officer1)
    text = render("inquiry_record", context("inquiry_record", case))
    assert "2026年3月2日9时00分至2026年3月2日10时30分" in text
    assert text.index("问：你是否知道诊所串换药品？") < text.index("答：知道，是收费员操作的。") < text.index("问：涉及多少次？")
    assert staff.officer1.officer.certificate_number in text and "已出示执法证件" in text


@pytest.mark.django_db
def test_preservation_and_assistance_documents_render_from_the_investigations_records(staff, file_input, clock):
    case = filed_case(staff, file_input)
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    items = [{"name": "处方笺", "specification": "2025年", "quantity": "3本", "holder": PARTY}]
    p = do_propose_preservation(case, actor=staff.officer1, items=items, reason="处方笺可能被销毁", place="诊所药房")
    with pytest.raises(MissingData, match="负责人批准"):
        context("preservation_notice", case)
    do_approve_preservation(p, actor=staff.head, approve=True)
    p = do_register_preservation(p, actor=staff.officer1, notice_number="栾医保登〔2026〕1号")
    notice = render("preservation_notice", context("preservation_notice", case))
    assert "处方笺" in notice and "七个工作日内" in notice and "第五十六条" in notice
    do_decide_preservation(p, actor=staff.head, outcome="return")
    decided = render("preservation_decision", context("preservation_decision", case))
    assert "解除保存，退还当事人" in decided and "栾医保登〔2026〕1号" in decided
    do_send_assistance_request(case, actor=staff.officer1, to_authority="洛阳市医疗保障局",
                               matters="请协查王某在贵局辖区的就医结算记录", document_number="栾医保协〔2026〕1号")
    letter = render("assistance_request", context("assistance_request", case))
    assert "洛阳市医疗保障局：" in letter and "请协查王某" in letter and "2026年3月23日前" in letter


@pytest.mark.django_db
def test_a_refused_filing_renders_its_approval_form_with_the_heads_reason(staff, file_input, clock):
    proposed = s.do_file_case(file_input(), actor=staff.officer1)
    s.do_reject_filing(proposed, actor=staff.head, expected_version=proposed.version, reason="证据不足，不予立案")
    text = render("non_filing_approval", context("non_filing_approval", proposed))
    assert PARTY in text and "证据不足，不予立案" in text and "（未立案）" in text


@pytest.mark.django_db
def test_the_hearing_notice_and_record_render_the_host_date_and_place(staff, file_input, clock):
    from yibao.cases.services.hearing import do_name_hearing_host, do_notify_hearing, do_schedule_hearing

    case = notified(staff, file_input, clock)
    notice = render("advance_notice", context("advance_notice", case))
    assert "有要求听证的权利，请于收到本告知书之日起五个工作日内" in notice and "第六十四条第（一）项" in notice
    case = s.do_request_hearing(case, actor=staff.officer1, expected_version=case.version)
    with pytest.raises(MissingData, match="听证日期、听证地点、听证主持人"):
        context("hearing_notice", case)
    case = do_name_hearing_host(case, staff.reviewer, actor=staff.head, expected_version=case.version)
    case = do_schedule_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               hearing_on=dt.date(2026, 3, 20), hearing_time="09:30", place="本局三楼会议室")
    # The notice is drafted from the schedule, before the party is told.
    text = render("hearing_notice", context("hearing_notice", case))
    assert "2026年3月20日9时30分在本局三楼会议室" in text and "七个工作日前" in text
    case = do_notify_hearing(case, actor=staff.officer1, expected_version=case.version)
    clock.set(dt.date(2026, 3, 20))
    case = s.do_record_hearing(case, actor=staff.reviewer, expected_version=case.version,
                               record="当事人对事实无异议，请求从轻。", host_opinion="建议维持拟处罚意见。")
    record = render("hearing_record", context("hearing_record", case))
    assert "当事人对事实无异议" in record and "建议维持拟处罚意见" in record


@pytest.mark.django_db
def test_a_no_penalty_decision_states_the_reason_and_the_rights(staff, file_input, clock):
    case = notified(staff, file_input, clock, hearing_right=False)
    case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="当事人已退回全部基金")
    with pytest.raises(MissingData, match="不予行政处罚的决定"):
        context("no_penalty_decision", case)
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="no_penalty",
                       reason="违法行为轻微并及时改正，没有造成危害后果。")
    text = render("no_penalty_decision", context("no_penalty_decision", case))
    assert "违法行为轻微并及时改正" in text and "不予行政处罚" in text and "六十日内" in text
    with pytest.raises(MissingData, match="给予行政处罚的决定"):
        context("penalty_decision", case)


@pytest.mark.django_db
def test_a_summary_decision_renders_the_fine_and_the_officers(staff, clock):
    from yibao.cases.services import PartyInput
    from yibao.cases.services.summary import SummaryInput, do_decide_on_spot

    case = do_decide_on_spot(SummaryInput(
        decision_number="栾医保当罚〔2026〕1号", party=PartyInput("individual", "刘某", id_number="410324199001011234",
                                                              address="栾川县城关镇"),
        officers=[staff.officer1.officer, staff.officer2.officer], facts_summary="冒名就医一次",
        provisions=["《医疗保障基金使用监督管理条例》第四十一条第一款"], fine="200"), actor=staff.officer1)
    text = render("summary_penalty_decision", context("summary_penalty_decision", case))
    assert "身份证号码：410324199001011234" in text
    assert "人民币贰佰元整（¥200.00）" in text and staff.officer2.officer.certificate_number in text


@pytest.mark.django_db
def test_a_criminal_transfer_names_the_receiver_and_the_reason(staff, file_input, clock):
    case = filed_case(staff, file_input)
    with pytest.raises(MissingData, match="移送司法机关"):
        context("criminal_transfer", case)
    from yibao.cases.services.transfer import do_transfer

    case = do_transfer(case, actor=staff.head, expected_version=case.version, kind="judiciary",
                         to_authority="栾川县公安局", letter_number="栾医保移〔2026〕1号", reason="涉嫌诈骗医保基金")
    text = render("criminal_transfer", context("criminal_transfer", case))
    assert "栾川县公安局：" in text and "涉嫌诈骗医保基金" in text and "第二十七条第一款" in text


@pytest.mark.django_db
def test_the_investigation_report_quotes_the_report_and_the_provision(staff, file_input, clock):
    case = investigated(staff, file_input)
    text = render("investigation_report", context("investigation_report", case))
    assert "串换药品38次" in text and "分解住院、挂床住院" in text


@pytest.mark.django_db
def test_the_seal_and_its_lifting_render_from_the_coercion_record(staff, file_input, clock):
    from yibao.coercion import services as cs

    case = filed_case(staff, file_input)
    seal = cs.do_propose_seal(case.bureau, actor=staff.officer1, case=case, party_name=PARTY,
                              items=["2025年门诊处方 3 册", "药品出入库记录 1 册"], place="栾川县康宁诊所药房",
                              reason="处方与出入库记录可能被涂改、销毁", days=30,
                              officers=[staff.officer1.officer, staff.officer2.officer])
    with pytest.raises(MissingData, match="负责人批准"):
        context("seal_decision", case)
    seal = cs.do_approve_seal(seal, actor=staff.head, expected_version=seal.version, approved=True)
    text = render("seal_decision", context("seal_decision", case))
    assert "2025年门诊处方 3 册" in text and "封存期限30日" in text and "第二十七条" in text
    seal = cs.do_execute_seal(seal, actor=staff.reviewer, expected_version=seal.version, site_record="已贴封条")
    cs.do_lift_seal(seal, actor=staff.head, expected_version=seal.version, reason="unrelated")
    lifted = render("unseal_decision", context("unseal_decision", case))
    assert "封存的资料与违法行为无关" in lifted and "解除封存" in lifted and seal.number in lifted


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["proposed", "investigating", "notified", "closed"])
def test_every_kind_at_every_stage_either_renders_completely_or_refuses_naming_what_is_missing(
        stage, staff, file_input, clock):
    if stage == "proposed":
        case = s.do_file_case(file_input(), actor=staff.officer1)
    elif stage == "investigating":
        case = filed_case(staff, file_input)
        case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    else:
        case = notified(staff, file_input, clock, hearing_right=False)
    if stage == "closed":
        case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="放弃")
        case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000")
        case = s.do_serve(case, actor=staff.officer2, expected_version=case.version, method="direct", signed_by="张三")
        case = s.do_start_enforcement(case, actor=staff.officer1, expected_version=case.version)
        case = s.do_record_payment(case, actor=staff.officer1, expected_version=case.version, reference="缴款凭证")
        case = s.do_draft_closing_report(case, actor=staff.officer1, expected_version=case.version, ground="executed",
                                         handling_summary="立案调查后依法作出处罚决定并送达", execution_summary="罚款已缴清")
        case = s.do_close(case, actor=staff.head, expected_version=case.version, reason="同意结案")
    rendered, refused = [], []
    for kind in KINDS:
        try:
            ctx = context(kind, case)
        except MissingData as e:
            assert str(e).startswith(f"无法生成{KINDS[kind].label}：缺少"), str(e)
            refused.append(kind)
            continue
        text = render(kind, ctx)
        assert "{{" not in text and "None" not in text, kind
        rendered.append(kind)
    assert "filing_approval" in rendered
    if stage == "closed":
        assert {"penalty_decision", "closing_approval", "advance_notice"} <= set(rendered)
        assert "no_penalty_decision" in refused


@pytest.mark.django_db
def test_recusal_extension_deliberation_and_the_evidence_list_render_from_their_records(
        staff, file_input, clock, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yibao.cases.services.clock import do_extend_deadline
    from yibao.cases.services.deliberation import do_record_deliberation
    from yibao.cases.services.evidence import EvidenceInput, do_add_evidence
    from yibao.cases.services.officers import do_ask_recusal, do_decide_recusal

    settings.YIBAO_EVIDENCE_ROOT = tmp_path / "evidence"
    case = filed_case(staff, file_input)
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    case = do_ask_recusal(case, staff.officer2.officer, actor=staff.officer2, expected_version=case.version,
                          asked_by="party", reason="系当事人法定代表人的亲属")
    with pytest.raises(MissingData, match="负责人对回避申请的决定"):
        context("recusal_decision", case)
    case = do_decide_recusal(case, actor=staff.head, expected_version=case.version, granted=False,
                             reason="亲属关系不属实")
    recusal = render("recusal_decision", context("recusal_decision", case))
    assert "不予回避" in recusal and "亲属关系不属实" in recusal and staff.officer2.officer.name in recusal
    case = do_extend_deadline(case, actor=staff.head, expected_version=case.version, reason="需司法鉴定")
    extension = render("extension_approval", context("extension_approval", case))
    assert "需司法鉴定" in extension and "30日" in extension
    do_add_evidence(case, EvidenceInput(
        kind="documentary", title="2025年门诊收费明细", source=PARTY, collected_by=staff.officer1.officer.pk,
        collected_on=dt.date(2026, 3, 2), place=PARTY, quantity=12, description="串换药品的收费记录"),
        [SimpleUploadedFile("明细.pdf", b"x" * 100, "application/pdf")], actor=staff.officer1)
    do_add_evidence(case, EvidenceInput(
        kind="physical", title="未被报告引用的物证", source=PARTY, collected_by=staff.officer1.officer.pk,
        collected_on=dt.date(2026, 3, 2), place=PARTY, quantity=1), [], actor=staff.officer1)
    case = do_finish_investigation(case, actor=staff.officer1, expected_version=case.version, report=ReportInput(
        facts="串换药品38次", evidence=[1], proposal="penalty", measures="罚款"))
    report = render("investigation_report", context("investigation_report", case))
    assert "1. 2025年门诊收费明细（书证，12页（件））" in report and "证明串换药品的收费记录" in report
    assert "串换药品38次" in report and "未被报告引用的物证" not in report
    assert "给予行政处罚，罚款。" in report
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    case = do_record_deliberation(case, actor=staff.head, expected_version=case.version,
                                  attendees=["赵志强", "钱某", "孙某", "周某", "吴某"], conclusion="同意罚款24000元")
    record = render("deliberation_record", context("deliberation_record", case))
    assert "同意罚款24000元" in record and "钱某" in record and "24,000.00元" in record


@pytest.mark.django_db
def test_a_decision_for_a_party_without_its_code_or_address_refuses_naming_them(staff, file_input, clock):
    from yibao.cases.services import PartyInput

    data = file_input(parties=[PartyInput("institution", PARTY)])
    proposed = s.do_file_case(data, actor=staff.officer1)
    case = s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    case = finish(case, actor=staff.officer1, facts="串换药品")
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    with pytest.raises(MissingData, match="缺少当事人统一社会信用代码、当事人住所（地址）"):
        context("advance_notice", case)
    assert PARTY in render("filing_approval", context("filing_approval", case))  # an internal form still renders
