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
