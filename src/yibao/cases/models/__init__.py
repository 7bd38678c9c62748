from .case import Case, CaseNumberCounter, DecisionKind, Procedure, ReviewOpinion, ServiceMethod
from .clock import CaseTransfer, DeadlineExtension, ExcludedPeriod, TransferKind
from .closing import ClosingGround, ClosingReport, ClosingReportStatus
from .deliberation import Deliberation
from .execution import (
    ArrangementKind,
    Payment,
    PaymentArrangement,
    PaymentItem,
    Remedy,
    RemedyKind,
    RemedyOutcome,
)
from .investigation import (
    AssistanceRequest,
    Attachment,
    Evidence,
    EvidenceKind,
    InquiryRecord,
    InspectionRecord,
    Preservation,
    PreservationOutcome,
    PreservationStatus,
    Signature,
)
from .lead import LEAD_OBJECT_TYPES, Lead, LeadFinding
from .parameters import BureauParameter
from .people import CaseOfficer, LeftHow, Party, RecusalAskedBy, RecusalRequest
from .report import InvestigationReport, ReportProposal
from .step import CaseStep

__all__ = [
    "LEAD_OBJECT_TYPES", "ArrangementKind", "ClosingGround", "ClosingReport", "ClosingReportStatus", "BureauParameter", "Payment", "PaymentArrangement", "PaymentItem", "Remedy", "RemedyKind",
    "RemedyOutcome", "CaseTransfer", "DeadlineExtension", "Deliberation", "TransferKind", "ExcludedPeriod", "Case", "CaseNumberCounter", "CaseOfficer", "CaseStep", "DecisionKind", "Lead", "LeadFinding", "Party", "Procedure", "RecusalAskedBy",
    "RecusalRequest", "LeftHow", "ReviewOpinion",
    "ServiceMethod",
    "AssistanceRequest", "Attachment", "Evidence", "EvidenceKind", "InquiryRecord", "InspectionRecord", "Preservation",
    "PreservationOutcome", "PreservationStatus", "Signature", "InvestigationReport", "ReportProposal",
]
