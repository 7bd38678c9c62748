"""Which kinds the case page offers: a table of procedure × state → kinds for the rule, then the 文书 section of
a summary case and of an ordinary case at its filing and at its decision."""

import pytest

from yibao.documents.applicable import RULES, CaseDocumentFacts, applicable_kinds, path_to
from yibao.documents.kinds import KINDS

FILING = ["filing_approval"]
INVESTIGATION = FILING + ["service_address_confirmation"]
REPORT = INVESTIGATION + ["investigation_report"]
REVIEW = ["filing_approval", "service_address_confirmation", "correction_order", "refund_order",
          "investigation_report", "legal_review_opinion", "advance_notice"]
EXECUTION = ["payment_deferral_approval", "reminder", "court_enforcement_application", "closing_approval"]

# procedure, state, the states it has been through (() for the usual path to it), records, decision → kinds offered.
NO_NOTICE = ("proposed", "filed", "investigating", "under_review")
TABLE = [
    ("ordinary", "proposed", (), (), "", ["filing_approval", "non_filing_approval"]),
    ("ordinary", "not_filed", ("proposed",), (), "", ["non_filing_approval"]),
    ("ordinary", "filed", (), (), "", INVESTIGATION),
    ("ordinary", "investigating", (), (), "", REPORT),
    ("ordinary", "investigating", (), ("inquiryrecords", "seals"), "",
     INVESTIGATION[:2] + ["inquiry_record", "seal_decision", "unseal_decision", "investigation_report"]),
    ("ordinary", "under_review", (), (), "", REVIEW + ["no_penalty_decision"]),
    ("ordinary", "notified", (), (), "", REVIEW + ["statement_record", "penalty_decision", "no_penalty_decision"]),
    ("ordinary", "under_review", NO_NOTICE + ("notified", "hearing"), (), "",
     REVIEW + ["statement_record", "hearing_notice", "hearing_record", "penalty_decision", "no_penalty_decision"]),
    ("ordinary", "decided", (), (), "penalty",
     REVIEW + ["statement_record", "penalty_decision", "service_receipt", "service_announcement"]),
    ("ordinary", "decided", NO_NOTICE, (), "no_penalty",
     REVIEW[:-1] + ["no_penalty_decision", "service_receipt", "service_announcement"]),
    ("ordinary", "enforcing", (), ("payment_arrangement",), "penalty",
     REVIEW + ["statement_record", "penalty_decision", "service_receipt", "service_announcement"] + EXECUTION),
    ("ordinary", "transferred", NO_NOTICE[:3], ("transfer",), "",
     REPORT + ["criminal_transfer", "closing_approval"]),
    ("summary", "served", ("proposed",), (), "penalty",
     ["summary_penalty_decision", "payment_deferral_approval", "closing_approval"]),
    ("summary", "enforcing", ("proposed", "served"), (), "penalty", ["summary_penalty_decision"] + EXECUTION),
]


@pytest.mark.parametrize(("procedure", "state", "through", "records", "decision", "expected"), TABLE)
def test_the_kinds_offered_follow_the_procedure_the_state_reached_the_records_and_the_decision(
        procedure, state, through, records, decision, expected):
    reached = frozenset(through) or path_to(state)
    facts = CaseDocumentFacts(procedure, state, reached, frozenset(records), decision)
    assert applicable_kinds(facts, KINDS) == expected


def test_every_kind_has_a_rule_and_a_summary_case_is_never_offered_an_ordinary_decision():
    assert set(RULES) == set(KINDS)
    late = CaseDocumentFacts("summary", "closed", frozenset({"proposed", "served", "enforcing", "closed"}))
    offered = applicable_kinds(late, KINDS)
    assert "penalty_decision" not in offered and "advance_notice" not in offered


def test_a_kind_the_rules_do_not_know_is_offered():
    assert applicable_kinds(CaseDocumentFacts("ordinary", "filed"), ["a_bureaus_own_form"]) == ["a_bureaus_own_form"]


# ---------------------------------------------------------------- the 文书 section


def _offered(client, case, *, all_kinds: bool = False) -> list[str]:
    import re

    html = client.get(f"/documents/cases/{case.pk}/" + ("?all=1" if all_kinds else "")).content.decode()
    return list(dict.fromkeys(re.findall(r'<tr data-kind="([a-z_]+)" class="muted">', html)))


@pytest.mark.django_db
def test_the_section_of_an_ordinary_case_at_its_filing_offers_the_filing_and_investigations_documents(
        client, staff, file_input, clock):
    from .engine_support import filed_case

    case = filed_case(staff, file_input)
    client.force_login(staff.head)
    assert _offered(client, case) == INVESTIGATION
    page = client.get(f"/documents/cases/{case.pk}/").content.decode()
    assert "另有 29 种暂不适用" in page and "全部文书" in page
    assert _offered(client, case, all_kinds=True) == list(KINDS)


@pytest.mark.django_db
def test_the_section_of_an_ordinary_case_at_its_decision_offers_the_decision_and_service(
        client, staff, file_input, clock):
    from yibao.cases import services as s
    from yibao.cases.tests.test_services import investigated

    case = investigated(staff, file_input)
    case = s.do_complete_review(case, actor=staff.reviewer, expected_version=case.version, opinion="agree")
    case = s.do_approve_proposal(case, actor=staff.head, expected_version=case.version, fine="24000")
    client.force_login(staff.head)
    assert "penalty_decision" not in _offered(client, case)  # not before the party was told
    case = s.do_notify(case, actor=staff.officer1, expected_version=case.version)
    case = s.do_close_statements(case, actor=staff.officer1, expected_version=case.version, text="当事人放弃陈述申辩")
    case = s.do_decide(case, actor=staff.head, expected_version=case.version, decision_kind="penalty", fine="24000")
    offered = _offered(client, case)
    assert offered == REVIEW + ["statement_record", "penalty_decision", "service_receipt", "service_announcement"]


@pytest.mark.django_db
def test_the_section_of_a_summary_case_offers_the_on_the_spot_decision_and_its_execution(client, staff, clock):
    from yibao.cases.services import PartyInput
    from yibao.cases.services.summary import SummaryInput, do_decide_on_spot

    case = do_decide_on_spot(SummaryInput(
        decision_number="栾医保当罚〔2026〕1号", party=PartyInput("individual", "刘某", id_number="410324199001011234",
                                                              address="栾川县城关镇"),
        officers=[staff.officer1.officer, staff.officer2.officer], facts_summary="冒名就医一次",
        provisions=["《医疗保障基金使用监督管理条例》第四十一条第一款"], fine="200"), actor=staff.officer1)
    client.force_login(staff.head)
    offered = _offered(client, case)
    assert offered[0] == "summary_penalty_decision"
    assert "penalty_decision" not in offered and "filing_approval" not in offered
    page = client.get(f"/documents/cases/{case.pk}/").content.decode()
    assert "简易程序" in page
