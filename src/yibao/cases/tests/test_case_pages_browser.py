"""A case through its ordinary chain in headless Chromium, each step taken on the case page by the user
whose post it is, from the filing proposed on a lead to the head's closing; one refusal on the way."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

import yibao
from yibao.cases.models import Case, Lead
from yibao.cases.procedure import STATE_LABELS, CaseState
from yibao.conftest import login
from yibao.org.constants import DEMO_PASSWORD, BureauLevel
from yibao.org.services import do_create_bureau, ensure_demo_users

from .reporting import add_physical_evidence


@pytest.fixture(autouse=True)
def static_files_found(settings):
    static_dir = Path(yibao.__file__).resolve().parent / "static"
    if static_dir not in [Path(d) for d in settings.STATICFILES_DIRS]:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]


def act(page, action: str, fill: dict | None = None, select: dict | None = None) -> None:
    """Fill the action's form on the case page and submit it."""
    form = page.locator(f'form[data-action="{action}"]')
    for name, value in (fill or {}).items():
        form.locator(f'[name="{name}"]').fill(value)
    for name, value in (select or {}).items():
        form.locator(f'[name="{name}"]').select_option(value)
    form.locator("button").click()
    page.wait_for_load_state()


def sign_in_on_case(page, live_server, username: str, case_id: int) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case_id}/")


@pytest.mark.e2e
def test_a_case_goes_from_the_lead_to_closed_through_the_pages_each_step_by_its_post(page, live_server, clock):
    from yibao.law.services import do_load_law_text
    from yibao.law.texts import law_texts

    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    ensure_demo_users(county)
    do_load_law_text(next(t for t in law_texts() if t.name == "中华人民共和国行政处罚法"))
    today = clock.day
    lead = Lead.objects.create(bureau=county, number="XS410324202600007", source="complaint",
                               party_type="institution", party_name="栾川县康宁诊所", summary="举报：串换药品",
                               received_date=today)
    state = page.locator("#case-state")

    # 立案岗 proposes the filing from the lead; the head approves it.
    login(page, live_server, "officer1", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="从线索立案").click()
    page.select_option("#id_lead", str(lead.pk))
    page.fill("#id_title", "栾川县康宁诊所串换药品案")
    page.fill("#id_party_name", "栾川县康宁诊所")
    page.select_option("#id_party_type", "institution")
    page.get_by_label("张建国（YB4103240001）").check()
    page.get_by_label("李卫东（YB4103240002）").check()
    page.fill("#id_act_end_on", (today - dt.timedelta(days=100)).isoformat())
    page.get_by_role("button", name="提交立案").click()
    expect(state).to_have_text(STATE_LABELS[CaseState.PROPOSED])
    expect(page.locator("#no-actions")).to_be_visible()
    case = Case.objects.get(lead=lead)

    sign_in_on_case(page, live_server, "head", case.pk)
    act(page, "approve_filing")
    expect(state).to_have_text(STATE_LABELS[CaseState.FILED])
    case.refresh_from_db()
    expect(page.locator("h1")).to_contain_text(case.number)
    expect(page.locator("#case-deadlines")).to_contain_text("办案期限")
    expect(page.locator("#case-deadlines")).to_contain_text("第六十条")

    # 调查岗: one officer starts, the other ends the investigation; without a report it is refused, with
    # the article linked to the law library.
    sign_in_on_case(page, live_server, "officer1", case.pk)
    page.get_by_role("button", name="开始调查").click()
    expect(state).to_have_text(STATE_LABELS[CaseState.INVESTIGATING])
    expect(page.locator("#case-timeline")).to_contain_text("批准立案")
    sign_in_on_case(page, live_server, "officer2", case.pk)
    act(page, "finish_investigation", fill={"facts": " "})
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("调查终结报告缺少违法事实、证据、处理意见")
    expect(state).to_have_text(STATE_LABELS[CaseState.INVESTIGATING])
    page.locator("#refusal-basis").click()
    expect(page.locator("h1")).to_contain_text("第五十七条")
    page.go_back()
    # The report relies on the case's evidence, chosen by number.
    add_physical_evidence(case, get_user_model().objects.get(username="officer2"))
    page.reload()
    page.locator('form[data-action="finish_investigation"] [name="evidence"][value="1"]').check()
    act(page, "finish_investigation", fill={"facts": "经调查，该诊所串换药品38次，造成基金损失12000元。"},
        select={"proposal": "penalty"})
    expect(state).to_have_text(STATE_LABELS[CaseState.UNDER_REVIEW])

    # 审查岗 of 法制审核股 reviews; the head approves the proposed penalty.
    sign_in_on_case(page, live_server, "reviewer", case.pk)
    act(page, "complete_review", select={"opinion": "agree"})
    expect(page.locator("#case-timeline")).to_contain_text("法制审核")
    sign_in_on_case(page, live_server, "head", case.pk)
    act(page, "approve_proposal", select={"decision_kind": "penalty"}, fill={"fine": "24000"})
    expect(page.locator("#case-timeline")).to_contain_text("批准拟处理意见")

    # 告知岗 notifies; the statement window runs out unused; 决定岗 (the head) decides.
    sign_in_on_case(page, live_server, "officer1", case.pk)
    act(page, "notify")
    expect(state).to_have_text(STATE_LABELS[CaseState.NOTIFIED])
    case.refresh_from_db()
    clock.set(case.statement_window_ends + dt.timedelta(days=1))
    sign_in_on_case(page, live_server, "head", case.pk)
    act(page, "decide", select={"decision_kind": "penalty"}, fill={"fine": "24000"})
    expect(state).to_have_text(STATE_LABELS[CaseState.DECIDED])

    # 送达岗 serves, 执行岗 executes and records the payment, the head approves the closing.
    sign_in_on_case(page, live_server, "officer2", case.pk)
    act(page, "serve", select={"method": "direct"}, fill={"signed_by": "张三"})
    expect(state).to_have_text(STATE_LABELS[CaseState.SERVED])
    sign_in_on_case(page, live_server, "officer1", case.pk)
    act(page, "start_enforcement")
    expect(state).to_have_text(STATE_LABELS[CaseState.ENFORCING])
    act(page, "record_payment", fill={"reference": "缴款书 2026-0001"})
    expect(page.locator("#case-timeline")).to_contain_text("记录缴款")
    act(page, "draft_closing_report", select={"ground": "executed"},
        fill={"handling_summary": "立案调查、法制审核、告知、决定、送达均已完成", "execution_summary": "罚款已缴清"})
    expect(page.locator("#closing-report")).to_contain_text("待负责人审批")
    sign_in_on_case(page, live_server, "head", case.pk)
    act(page, "close", fill={"reason": "同意结案"})
    expect(state).to_have_text(STATE_LABELS[CaseState.CLOSED])
    expect(page.locator("#closing-report")).to_contain_text("已批准结案")

    steps = list(case.steps.order_by("id").values_list("action", "actor__username"))
    assert steps == [("propose_filing", "officer1"), ("approve_filing", "head"), ("start_investigation", "officer1"),
                     ("add_evidence", "officer2"), ("finish_investigation", "officer2"), ("complete_review", "reviewer"),
                     ("approve_proposal", "head"), ("notify", "officer1"), ("decide", "head"),
                     ("serve", "officer2"), ("start_enforcement", "officer1"), ("record_payment", "officer1"),
                     ("draft_closing_report", "officer1"), ("close", "head")]
