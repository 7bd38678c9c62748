"""The party types (当事人类型): one list for the calculator, the provision schema, leads and cases.

Pure: no Django. `cases.constants.PartyType` is built from LEAD_PARTIES and PARTY_LABELS here.
"""

# Every party a provision may apply to, in the calculator's order, with its label.
PARTY_LABELS: dict[str, str] = {
    "individual": "个人",
    "insured_person": "参保人员",
    "institution": "定点医药机构",
    "agency": "医疗保障经办机构",
    "employer": "用人单位",
    "bidder": "投标人",
    "responsible_person": "直接负责的主管人员和其他直接责任人员",
    "legal_representative": "法定代表人或者主要负责人",
}
PARTIES: tuple[str, ...] = tuple(PARTY_LABELS)

# Persons answerable for an organisation's act: measures aimed at them are decided for them, not for the
# organisation, and are listed apart when the party is the organisation.
PERSON_TARGETS = ("responsible_person", "legal_representative")
NATURAL_PERSONS = ("individual", "insured_person", *PERSON_TARGETS)

# The parties a lead or a case names, in the order the forms offer them. 条例第四十三条's 法定代表人或者主要负责人
# is a consequence for a person of an institution's act, not a party of the act, so it is not among them.
LEAD_PARTIES: tuple[str, ...] = (
    "institution", "insured_person", "individual", "agency", "employer", "bidder", "responsible_person",
)
