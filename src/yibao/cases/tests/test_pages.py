"""The case pages: the list scoped to the user, the case page's actions, refusals shown in Chinese."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from yibao.cases import services as s
from yibao.cases.models import Case
from yibao.cases.procedure import CaseState

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(staff, file_input, clock):
    return s.do_file_case(file_input(), actor=staff.officer1)


def actions_on_page(client, user, case) -> list[str]:
    client.force_login(user)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    return [a for a in ("approve_filing", "reject_filing", "start_investigation", "suspend", "terminate")
            if f'data-action="{a}"' in html]


def test_the_page_shows_only_the_actions_the_signed_in_user_may_take(client, staff, proposed):
    assert actions_on_page(client, staff.officer1, proposed) == []
    assert actions_on_page(client, staff.head, proposed) == ["approve_filing", "reject_filing"]
    case = s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    assert actions_on_page(client, staff.officer1, case) == ["start_investigation"]
    assert actions_on_page(client, staff.head, case) == ["suspend", "terminate"]
    # The legal reviewer sees the case (bureau-wide) but has nothing to do before the review.
    assert actions_on_page(client, staff.reviewer, case) == []


def test_officers_see_only_their_cases_and_the_head_sees_the_bureaus(client, staff, proposed, make_user, county):
    url = reverse("cases:case_list")
    client.force_login(staff.head)
    assert "栾川县康宁诊所串换药品案" in client.get(url).content.decode()
    stranger = make_user("officer9", "officer", county)
    client.force_login(stranger)
    assert "栾川县康宁诊所串换药品案" not in client.get(url).content.decode()
    assert client.get(reverse("cases:case_detail", args=[proposed.pk])).status_code == 404


def test_the_list_finds_a_case_by_party_and_by_state(client, staff, proposed):
    client.force_login(staff.head)
    url = reverse("cases:case_list")
    assert "串换药品案" in client.get(url, {"q": "康宁"}).content.decode()
    assert "串换药品案" not in client.get(url, {"q": "不存在的诊所"}).content.decode()
    assert "串换药品案" in client.get(url, {"state": "proposed"}).content.decode()
    assert "串换药品案" not in client.get(url, {"state": "closed"}).content.decode()


def test_an_action_posted_from_the_page_moves_the_case_and_a_refusal_is_shown_in_chinese(client, staff, proposed):
    client.force_login(staff.head)
    act = reverse("cases:case_act", args=[proposed.pk, "approve_filing"])
    response = client.post(act, {"version": proposed.version})
    assert response.status_code == 302
    case = Case.objects.get(pk=proposed.pk)
    assert case.state == CaseState.FILED

    client.force_login(staff.officer1)
    response = client.post(reverse("cases:case_act", args=[case.pk, "start_investigation"]),
                           {"version": proposed.version})
    assert response.status_code == 409
    assert "已被他人更新" in response.content.decode()

    client.force_login(staff.head)
    response = client.post(reverse("cases:case_act", args=[case.pk, "suspend"]), {"version": case.version})
    assert response.status_code == 400
    assert "须写明理由" in response.content.decode()


def test_filing_from_a_lead_on_the_page_proposes_the_case(client, staff, lead, clock):
    client.force_login(staff.officer1)
    form = client.get(reverse("cases:case_file"), {"lead": lead.pk}).content.decode()
    assert "栾川县康宁诊所" in form
    response = client.post(reverse("cases:case_file"), {
        "lead": lead.pk, "title": "康宁诊所案", "party_type": "institution", "party_name": "栾川县康宁诊所",
        "officers": [staff.officer1.officer.pk, staff.officer2.officer.pk], "act_end_on": "2025-12-31",
        "review_required": "on",
    })
    assert response.status_code == 302
    case = Case.objects.get(title="康宁诊所案")
    assert case.state == CaseState.PROPOSED and case.lead == lead


def test_filing_past_the_limitation_is_refused_with_the_article(client, staff, lead, clock):
    client.force_login(staff.head)
    response = client.post(reverse("cases:case_file"), {
        "lead": lead.pk, "title": "康宁诊所案", "party_type": "institution", "party_name": "栾川县康宁诊所",
        "officers": [staff.officer1.officer.pk, staff.officer2.officer.pk], "act_end_on": "2023-01-31",
        "discovered_on": dt.date(2026, 2, 20).isoformat(),
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "已超过追责时效" in html and "第三十六条" in html


def test_the_list_shows_fifty_cases_a_page_and_links_the_next_keeping_the_filters(client, staff, file_input, clock):
    from yibao.cases.views import CASE_LIST_PAGE_SIZE

    for _ in range(CASE_LIST_PAGE_SIZE + 1):
        s.do_file_case(file_input(lead=None, bureau=staff.head.profile.bureau), actor=staff.officer1)
    client.force_login(staff.head)
    url = reverse("cases:case_list")
    first = client.get(url, {"state": "proposed"})
    assert len(first.context["cases"]) == CASE_LIST_PAGE_SIZE
    assert 'href="?state=proposed&amp;page=2"' in first.content.decode()
    second = client.get(url, {"state": "proposed", "page": "2"})
    assert len(second.context["cases"]) == 1 and not second.context["has_next"]
    assert "上一页" in second.content.decode()
    assert client.get(url, {"page": "x"}).context["page"] == 1


def test_a_full_view_of_a_person_partys_data_on_the_case_page_is_audited_and_an_outsider_sees_nothing(
        client, staff, file_input, clock, make_user, county):
    from yibao.cases.services import PartyInput
    from yibao.core.models import AuditEvent

    person = PartyInput("insured_person", "王小明", id_number="410324199001011234")
    case = s.do_file_case(file_input(lead=None, bureau=county, parties=[person]), actor=staff.officer1)
    url = reverse("cases:case_detail", args=[case.pk])
    client.force_login(staff.officer1)
    html = client.get(url).content.decode()
    assert "王小明" in html and "410324199001011234" in html
    event = AuditEvent.objects.filter(action="pii.view", object_id=str(case.pk)).get()
    assert event.actor == staff.officer1 and event.data["where"] == "case_detail"
    analyst = make_user("analyst9", "analyst", county)
    client.force_login(analyst)
    assert client.get(url).status_code == 404  # not on the case, not bureau-wide: not shown at all
    assert AuditEvent.objects.filter(action="pii.view", object_id=str(case.pk)).count() == 1


def test_the_page_and_the_api_read_the_same_inputs_of_every_action_from_one_table(client, staff, proposed):
    from yibao.cases.forms import action_fields
    from yibao.cases.services.registry import CASE_ACTIONS

    document = client.get("/api/v1/openapi.json").json()
    for key, action in CASE_ACTIONS.items():
        operation = document["paths"][f"/api/v1/cases/{{case_id}}/{key}"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        body = set(document["components"]["schemas"][ref]["properties"])
        on_page = {name for name, *_ in action_fields(action, proposed)}
        # A schema of the same name in another router replaces this one in the document (Ninja keeps one).
        assert body == on_page | {"expected_version"}, f"{key}: the document's {ref} is not this action's body"
        assert operation["summary"] == action.label


def test_a_date_the_page_cannot_read_is_refused_in_chinese_and_the_case_is_unchanged(client, staff, proposed):
    case = s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    client.force_login(staff.officer1)
    response = client.post(reverse("cases:case_act", args=[case.pk, "record_excluded_period"]),
                           {"version": case.version, "kind": "testing", "start": "下周一", "reason": "送检"})
    assert response.status_code == 400
    assert "“开始日期”不是有效的日期" in response.content.decode()
    assert Case.objects.get(pk=case.pk).version == case.version


def test_an_officer_of_another_bureau_cannot_be_put_on_a_case_from_the_page(client, staff, proposed):
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau, ensure_demo_users

    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    stranger = {u.username: u for u in ensure_demo_users(other, username_prefix="song.")}["song.officer1"].officer
    case = s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    client.force_login(staff.head)
    response = client.post(reverse("cases:case_act", args=[case.pk, "reassign_officer"]),
                           {"version": case.version, "add_id": stranger.pk, "reason": "增派人员"})
    assert response.status_code == 400
    assert f"执法人员 {stranger.pk} 不是栾川县医疗保障局的执法人员" in response.content.decode()
    assert not case.officers.filter(officer=stranger).exists()


def test_a_refusal_on_the_page_links_the_article_it_enforces_in_the_law_library(client, staff, proposed):
    from yibao.law.services import do_load_law_text
    from yibao.law.texts import law_texts

    case = s.do_approve_filing(proposed, actor=staff.head, expected_version=proposed.version)
    case = s.do_start_investigation(case, actor=staff.officer1, expected_version=case.version)
    client.force_login(staff.officer1)
    act = reverse("cases:case_act", args=[case.pk, "finish_investigation"])
    # Without the law in the library the basis is named, not linked.
    html = client.post(act, {"version": case.version, "facts": " "}).content.decode()
    assert "（依据：《中华人民共和国行政处罚法》第五十七条第一款）" in html and 'id="refusal-basis"' not in html

    do_load_law_text(next(t for t in law_texts() if t.name == "中华人民共和国行政处罚法"))
    response = client.post(act, {"version": case.version, "facts": " "})
    assert response.status_code == 400
    html = response.content.decode()
    link = re.search(r'<a class="cite" href="([^"]+)" id="refusal-basis">([^<]+)</a>', html)
    assert link is not None and link.group(2) == "《中华人民共和国行政处罚法》第五十七条第一款"
    assert link.group(1).endswith("#p1")
    article = client.get(link.group(1).split("#")[0])
    assert article.status_code == 200 and "第五十七条" in article.content.decode()
    assert 'id="p1"' in article.content.decode()


def test_every_step_of_the_procedure_and_every_record_has_an_entry_in_the_action_table():
    from yibao.cases.procedure import PENALTY_STEPS, SUMMARY_STEPS, Action, SummaryAction
    from yibao.cases.services.actions import FOLDED_INTO_REVIEW, SIDE_STEPS
    from yibao.cases.services.handling import RECORD_STEPS
    from yibao.cases.services.registry import CASE_ACTIONS

    steps = {str(st.action) for st in (*PENALTY_STEPS, *SUMMARY_STEPS)} | set(SIDE_STEPS) | set(RECORD_STEPS)
    # The on-the-spot decision creates its case (its own form and endpoint); 补充调查 is an opinion of the review.
    elsewhere = {str(SummaryAction.DECIDE_ON_SPOT), *(str(a) for a in FOLDED_INTO_REVIEW)}
    assert steps - elsewhere == set(CASE_ACTIONS)
    assert str(Action.RETURN_FOR_INVESTIGATION) in elsewhere
