from .audit import AuditChainHead, AuditCheckpoint, AuditEvent

__all__ = ["AuditChainHead", "AuditCheckpoint", "AuditEvent"]
