"""A seal through its pages in headless Chromium, each act by the post seed 003 item 12 gives it: the officer
proposes, the head approves, 执行岗 of the legal section (not the fund-supervision one) carries it out, 告知岗
tells the party, the head lifts it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

import yibao
from yibao.coercion.models import Seal
from yibao.conftest import login
from yibao.org.constants import DEMO_PASSWORD, BureauLevel
from yibao.org.services import do_create_bureau, ensure_demo_users


@pytest.fixture(autouse=True)
def static_files_found(settings):
    static_dir = Path(yibao.__file__).resolve().parent / "static"
    if static_dir not in [Path(d) for d in settings.STATICFILES_DIRS]:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]


def act(page, action: str, fill: dict | None = None, select: dict | None = None) -> None:
    form = page.locator(f'form[data-action="{action}"]')
    for name, value in (fill or {}).items():
        form.locator(f'[name="{name}"]').fill(value)
    for name, value in (select or {}).items():
        form.locator(f'[name="{name}"]').select_option(value)
    form.locator("button").click()
    page.wait_for_load_state()


def sign_in(page, live_server, username: str, path: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, DEMO_PASSWORD)
    page.goto(f"{live_server.url}{path}")


@pytest.mark.e2e
def test_a_seal_is_proposed_approved_carried_out_by_the_legal_section_and_lifted_through_the_pages(
        page, live_server, clock):
    county = do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)
    users = {u.username: u for u in ensure_demo_users(county)}
    status = page.locator("#seal-status")

    sign_in(page, live_server, "officer1", "/seals/")
    form = page.locator("#seal-form")
    form.locator('[name="party_name"]').fill("栾川县康宁诊所")
    form.locator('[name="items"]').fill("2025年门诊处方 3 册\n药品出入库记录 1 册")
    form.locator('[name="place"]').fill("药房档案柜")
    form.locator('[name="reason"]').fill("处方可能被涂改、销毁")
    form.locator('[name="officers"]').select_option([str(users["officer1"].officer.pk),
                                                     str(users["officer2"].officer.pk)])
    form.locator("button").click()
    expect(status).to_have_text("待批准")
    seal = Seal.objects.get()
    path = f"/seals/{seal.pk}/"

    sign_in(page, live_server, "head", path)
    act(page, "approve", select={"approved": "1"})
    expect(status).to_have_text("已批准待实施")
    expect(page.locator("#seal-period")).to_contain_text("至")

    # officer1 holds 执行岗 — of the fund-supervision section: no execution offered to them here.
    sign_in(page, live_server, "officer1", path)
    expect(page.locator('form[data-action="execute"]')).to_have_count(0)

    sign_in(page, live_server, "reviewer", path)
    act(page, "execute", fill={"site_record": "二人到场，出示执法证，贴封条"})
    expect(status).to_have_text("封存中")

    sign_in(page, live_server, "officer2", path)
    act(page, "notify", fill={"statement": "当事人无异议"})
    expect(page.locator("#seal-facts")).to_contain_text("当事人无异议")

    sign_in(page, live_server, "head", path)
    act(page, "extend", fill={"days": "31", "reason": "情况复杂"})
    expect(page.locator("#refusal")).to_contain_text("seal_extension_too_long")
    act(page, "lift", select={"reason": "unrelated"})
    expect(status).to_have_text("已解除")
    expect(page.locator("#seal-timeline")).to_contain_text("解除封存")
