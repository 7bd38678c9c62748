"""The 行政处罚决定书's context gives the refund to the fund (责令退回) and the confiscation beside the fine, in figures
and in 大写, when the decision set them."""

import pytest

from yibao.cases import services as s
from yibao.cases.tests.test_services import investigated

from .test_templates import context, law_texts, render  # noqa: F401 - law_texts: the autouse fixture

pytestmark = pytest.mark.django_db


def decided(staff, file_input, **amounts):
    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="当事人放弃陈述申辩")
    return s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000",
                       **amounts)


def test_the_decision_gives_the_refund_and_the_confiscation_in_figures_and_capitals(staff, file_input, clock):
    ctx = context("penalty_decision", decided(staff, file_input, refund="50000.25", confiscation="3000"))
    assert ctx["has_refund"] and ctx["refund_figures"] == "50,000.25元" and ctx["refund_capitals"].startswith("伍万")
    assert ctx["has_confiscation"] and ctx["confiscation_symbol"] == "¥3,000.00"
    text = render("penalty_decision", ctx)
    assert "¥24,000.00" in text
    # The decision's operative sentence orders the refund, the fine and the confiscation, each in figures and 大写.
    assert f"责令你（单位）退回医疗保障基金{ctx['refund_text']}，对你（单位）处以罚款{ctx['fine_text']}" in text
    assert f"没收违法所得{ctx['confiscation_text']}。" in text and "伍万" in text


def test_a_fine_alone_gives_no_refund_or_confiscation(staff, file_input, clock):
    ctx = context("penalty_decision", decided(staff, file_input))
    assert ctx["has_refund"] is False and ctx["has_confiscation"] is False and "refund_figures" not in ctx
    text = render("penalty_decision", ctx)
    assert "退回医疗保障基金" not in text and "没收违法所得" not in text and f"处以罚款{ctx['fine_text']}。" in text


def test_the_reminder_gives_the_refund_and_the_confiscation_beside_the_fine(staff, file_input, clock):
    case = decided(staff, file_input, refund="50000.25", confiscation="3000")
    case = s.do_serve(case, actor=staff.officer2, expected_version=case.version, method="direct", signed_by="张三")
    ctx = context("reminder", case)
    assert ctx["has_refund"] and ctx["refund_symbol"] == "¥50,000.25" and ctx["confiscation_figures"] == "3,000.00元"


def test_a_reminder_after_part_payments_asks_for_the_rest_with_the_surcharge_on_the_unpaid_fine_only(
        staff, file_input, clock):
    import datetime as dt

    from yibao.documents.context.base import DocumentContextInput
    from yibao.documents.kinds import KINDS

    from .test_templates import SETTINGS

    case = decided(staff, file_input, refund="50000.25", confiscation="3000")
    case = s.do_serve(case, actor=staff.officer2, expected_version=case.version, method="direct", signed_by="张三")
    case = s.do_start_enforcement(case, actor=staff.officer1, expected_version=case.version)
    case = s.do_record_payment(case, actor=staff.officer1, expected_version=case.version, amount="10000")
    case = s.do_record_payment(case, actor=staff.officer1, expected_version=case.version, item="refund")
    ten_days_late = case.payment_due + dt.timedelta(days=10)
    ctx = KINDS["reminder"].build_context(case, DocumentContextInput(SETTINGS, "栾医保催〔2026〕1号", ten_days_late, {}))
    # 14,000 of the fine unpaid for 10 days at 3% a day: 4,200; the refund paid, the confiscation not.
    assert ctx["unpaid_fine_symbol"] == "¥14,000.00" and ctx["surcharge_symbol"] == "¥4,200.00"
    assert ctx["total_symbol"] == "¥21,200.00"  # 14,000 + 3,000 + 4,200
    assert "罚款人民币壹万肆仟元整" in ctx["owed_items"] and "没收违法所得人民币叁仟元整" in ctx["owed_items"]
    assert "退回基金" not in ctx["owed_items"] and ctx["partly_paid"]
    text = render("reminder", ctx)
    assert "至今未全部履行" in text and "责令退回医疗保障基金" in text
    assert f"尚未履行{ctx['owed_items']}，加处罚款{ctx['surcharge_text']}，合计{ctx['total_text']}。" in text
