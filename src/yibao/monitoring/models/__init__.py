from .finding import Finding, FindingEvent, FindingSighting
from .lead import Lead, LeadFinding
from .reference import Institution, InsuredPerson
from .run import ScreeningRun

__all__ = [
    "Finding",
    "FindingEvent",
    "FindingSighting",
    "Institution",
    "InsuredPerson",
    "Lead",
    "LeadFinding",
    "ScreeningRun",
]
