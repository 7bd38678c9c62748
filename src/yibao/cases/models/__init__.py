from .case import Case, CaseNumberCounter
from .people import CaseOfficer, Party
from .step import CaseStep

__all__ = ["Case", "CaseNumberCounter", "CaseOfficer", "CaseStep", "Party"]
