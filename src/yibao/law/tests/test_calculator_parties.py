"""One party list: the calculator's, which the provision schema and the lead's party types follow."""

import json

from yibao.cases.constants import PartyType
from yibao.law.calculator import PARTIES, PARTY_LABELS, PERSON_TARGETS
from yibao.law.provisions.loader import SCHEMA_FILE

# Leads are registered against the party of the act; 条例第四十三条's 法定代表人或者主要负责人 is a
# consequence for a person of an institution's act, not a lead's party, so leads do not offer it.
NOT_A_LEAD_PARTY = {"legal_representative"}


def test_the_provision_schema_allows_exactly_the_calculators_parties():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$defs"]["party"]["enum"] == list(PARTIES)
    pattern = next(iter(schema["$defs"]["provision"]["properties"]["applies"]["oneOf"][1]["patternProperties"]))
    assert pattern == "^(" + "|".join(PARTIES) + ")$"


def test_lead_party_types_are_the_calculators_parties_with_the_same_labels():
    assert {p: PARTY_LABELS[p] for p in PARTIES if p not in NOT_A_LEAD_PARTY} == dict(PartyType.choices)


def test_every_party_has_a_label_and_the_person_targets_are_parties():
    assert set(PARTY_LABELS) == set(PARTIES)
    assert set(PERSON_TARGETS) <= set(PARTIES)
    assert PARTY_LABELS["legal_representative"] == "法定代表人或者主要负责人"
