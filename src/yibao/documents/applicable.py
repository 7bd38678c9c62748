"""Which kinds of document the case page offers a case: those of its procedure and of the steps it has reached.

`applicable_kinds` is a pure function of what `CaseDocumentFacts` holds (the procedure, the states the case has
been in, the records it holds and its decision); `facts_of` reads those from the database. `RULES` says, per
kind, from which state of the procedure it is due, which record it is about and which decisions it follows;
the kinds' order and steps stay in kinds.py. A document the case already has is always listed (the page adds
it), and the page's 「全部文书」 shows every kind for a reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yibao.cases.models import Case

ORDINARY, SUMMARY = "ordinary", "summary"
# The states a case passes through, in order (cases.procedure.CaseState; the summary procedure goes from
# proposed straight to served). A kind is due from its state on. The hearing is a side path (a case goes there
# from notified only if the party asks, and back to review), as are the states that end a case early.
PATH = ("proposed", "filed", "investigating", "under_review", "notified", "decided", "served", "enforcing",
        "closed")
# Decisions after which a fine or a refund may be carried out (DecisionKind).
PENALTY = frozenset({"penalty"})
NO_PENALTY = frozenset({"no_penalty", "not_established"})


@dataclass(frozen=True)
class Rule:
    """When a kind is offered: in these procedures, once the case has reached `due_from` or has been in one of
    `side_states`, not once it has reached `until` nor while in one of `unless`, only if it holds a `record`
    (the Case's related name) and, once decided, only after one of `decisions`."""

    procedures: frozenset[str]
    due_from: str | None
    record: str = ""
    until: str = ""
    decisions: frozenset[str] = frozenset()
    side_states: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()


def _r(due_from: str | None, record: str = "", *, summary: bool = False, ordinary: bool = True, until: str = "",
       decisions: Iterable[str] = (), side_states: Iterable[str] = (), unless: Iterable[str] = ()) -> Rule:
    procedures = frozenset(p for p, on in ((ORDINARY, ordinary), (SUMMARY, summary)) if on)
    return Rule(procedures, due_from, record, until, frozenset(decisions), frozenset(side_states),
                frozenset(unless))


ENDED = ("terminated", "transferred", "revoked")

RULES: dict[str, Rule] = {
    "filing_approval": _r("proposed", unless={"not_filed"}),
    "non_filing_approval": _r("proposed", until="filed", side_states={"not_filed"}),
    "service_address_confirmation": _r("filed"),
    "inquiry_record": _r("filed", "inquiryrecords"),
    "inspection_record": _r("filed", "inspectionrecords"),
    "preservation_notice": _r("filed", "preservations"),
    "preservation_decision": _r("filed", "preservations"),
    "seal_decision": _r("filed", "seals"),
    "unseal_decision": _r("filed", "seals"),
    "assistance_request": _r("filed", "assistance_requests"),
    "recusal_decision": _r("filed", "recusal_requests"),
    "extension_approval": _r("filed", "extensions"),
    "investigation_report": _r("investigating"),
    # 责令改正 and 责令退回 (行政处罚法 第二十八条, 条例 第三十八条) follow a finding whatever the penalty.
    "correction_order": _r("under_review"),
    "refund_order": _r("under_review"),
    "legal_review_opinion": _r("under_review"),
    "deliberation_record": _r("under_review", "deliberations"),
    "advance_notice": _r("under_review", decisions=PENALTY),
    "statement_record": _r(None, side_states={"notified"}),  # only after a notice (none before no penalty)
    "hearing_notice": _r(None, side_states={"hearing"}),
    "hearing_record": _r(None, side_states={"hearing"}),
    # 行政处罚法 第六十二条: no penalty before the party was told; a decision not to punish needs no notice.
    "penalty_decision": _r("notified", decisions=PENALTY),
    "summary_penalty_decision": _r("proposed", summary=True, ordinary=False),
    "no_penalty_decision": _r("under_review", decisions=NO_PENALTY),
    "service_receipt": _r("decided"),
    "service_announcement": _r("decided"),
    "payment_deferral_approval": _r("served", summary=True, decisions=PENALTY),
    "reminder": _r("enforcing", summary=True, decisions=PENALTY),
    "court_enforcement_application": _r("enforcing", summary=True, decisions=PENALTY),
    "criminal_transfer": _r("filed", "transfer"),
    "closing_approval": _r("served", summary=True, side_states=ENDED),
}


@dataclass(frozen=True)
class CaseDocumentFacts:
    """What decides which kinds a case is offered: its procedure, current state, the states it has been in,
    the records it holds (related names on Case) and its decision ("" before one)."""

    procedure: str
    state: str
    reached: frozenset[str] = field(default_factory=frozenset)
    records: frozenset[str] = field(default_factory=frozenset)
    decision: str = ""


def _position(state: str) -> int:
    return PATH.index(state) if state in PATH else -1


def applies(rule: Rule, facts: CaseDocumentFacts) -> bool:
    """Whether the rule offers its kind to a case with these facts."""
    if facts.procedure not in rule.procedures:
        return False
    if rule.record and rule.record not in facts.records:
        return False
    if rule.decisions and facts.decision and facts.decision not in rule.decisions:
        return False
    if facts.state in rule.unless:
        return False
    reached = facts.reached | {facts.state}
    if rule.until and any(_position(s) >= _position(rule.until) for s in reached if s in PATH):
        return False
    if reached & rule.side_states:
        return True
    return rule.due_from is not None and any(_position(s) >= _position(rule.due_from) for s in reached if s in PATH)


def applicable_kinds(facts: CaseDocumentFacts, kinds: Iterable[str]) -> list[str]:
    """The kinds (in the order given, the binding order) offered to a case; a kind without a rule is offered."""
    return [k for k in kinds if k not in RULES or applies(RULES[k], facts)]


def path_to(state: str) -> frozenset[str]:
    """The states of PATH up to and including `state`: what a case now in `state` has usually been through."""
    return frozenset(PATH[:_position(state) + 1]) if state in PATH else frozenset({state})


# ---------------------------------------------------------------- from the database

ONE_TO_ONE_RECORDS = ("transfer", "payment_arrangement")


def facts_of(case: Case) -> CaseDocumentFacts:
    """The case's facts as `applicable_kinds` reads them (a few queries)."""
    from django.core.exceptions import ObjectDoesNotExist

    reached = {case.state}
    if case.state_before_suspension:
        reached.add(case.state_before_suspension)
    for from_state, to_state in case.steps.values_list("from_state", "to_state"):
        reached.update(s for s in (from_state, to_state) if s)
    records = {rule.record for rule in RULES.values() if rule.record and rule.record not in ONE_TO_ONE_RECORDS
               and getattr(case, rule.record).exists()}
    for name in ONE_TO_ONE_RECORDS:
        try:
            getattr(case, name)
        except ObjectDoesNotExist:  # the case holds none
            continue
        records.add(name)
    return CaseDocumentFacts(procedure=case.procedure, state=case.state, reached=frozenset(reached),
                             records=frozenset(records), decision=case.decision_kind or "")
