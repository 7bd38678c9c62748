from .case import Case, CaseNumberCounter, DecisionKind, Procedure, ReviewOpinion, ServiceMethod
from .people import CaseOfficer, Party
from .step import CaseStep

__all__ = [
    "Case", "CaseNumberCounter", "CaseOfficer", "CaseStep", "DecisionKind", "Party", "Procedure", "ReviewOpinion",
    "ServiceMethod",
]
