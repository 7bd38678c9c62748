from .finding import Finding, FindingEvent, FindingSighting
from .reference import Institution, InsuredPerson
from .run import ScreeningRun

__all__ = [
    "Finding",
    "FindingEvent",
    "FindingSighting",
    "Institution",
    "InsuredPerson",
    "ScreeningRun",
]
