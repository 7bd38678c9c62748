"""The audit trail: append-only and hash-chained, so a rewritten event breaks the chain.

Events after the chain's seal (the first keyed checkpoint) carry an HMAC-SHA256 under a key kept outside
the database (yibao.core.auditlog.keys), so whoever can write the database cannot recompute the chain.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events cannot be changed")

    def delete(self):
        raise PermissionError("audit events cannot be deleted")


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    REFUSED = "refused", "拒绝"
    FAILED = "failed", "失败"


class AuditEvent(models.Model):
    """One state change or sensitive read, as it happened."""

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    summary = models.CharField("摘要", max_length=500, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    # Null on events written before addresses and outcomes were recorded (their hashes do not cover them).
    source_ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, null=True, blank=True)  # noqa: DJ001
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events cannot be deleted")

    def payload(self) -> str:
        """Return the canonical text the hash covers."""
        fields = {
            "actor": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "data": self.data,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }
        # Added only when set, so the hashes of events written before these fields still verify.
        if self.source_ip is not None:
            fields["source_ip"] = self.source_ip
        if self.outcome is not None:
            fields["outcome"] = self.outcome
        return json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)

    def compute_hash(self, key: bytes | None = None) -> str:
        """SHA-256 of the link and the payload; an HMAC under the key for events after the seal."""
        message = (self.prev_hash + self.payload()).encode("utf-8")
        if key is None:
            return hashlib.sha256(message).hexdigest()
        return hmac.new(key, message, hashlib.sha256).hexdigest()


class AuditChainHead(models.Model):
    """The chain's one head row: every append locks it first, so appends are serialised.

    Locking the newest event is not enough on PostgreSQL: two transactions can both lock it, and
    each then links a new event to it (a fork). Updating one known row makes the second writer
    wait until the first commits, and then read the head the first wrote.
    """

    HEAD_ID = 1

    last_id = models.BigIntegerField("最新事件编号", default=0)
    last_hash = models.CharField("最新事件哈希", max_length=64, blank=True)
    length = models.BigIntegerField("事件数", default=0)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"审计链头：{self.length} 条，最新 {self.last_id}"


class CheckpointKind(models.TextChoices):
    CHECK = "check", "核验"
    # The first keyed checkpoint: the events up to it were hashed without the key and are vouched for here.
    SEAL = "seal", "密钥封存"
    # Events up to it were moved to an archive file; the chain in the database starts after it.
    ARCHIVE = "archive", "归档"


class AuditCheckpoint(models.Model):
    """A verification that reached an event intact; the next check resumes after it."""

    verified_at = models.DateTimeField("核验时间", default=timezone.now)
    through_id = models.BigIntegerField("核验至事件编号")
    through_hash = models.CharField("该事件哈希", max_length=64)
    checked = models.BigIntegerField("本次核验事件数")
    kind = models.CharField("类型", max_length=16, choices=CheckpointKind.choices, default=CheckpointKind.CHECK)
    # HMAC of kind, through_id and through_hash under the audit key: a checkpoint forged without the key
    # is not trusted (blank on checkpoints written before the key).
    mac = models.CharField("密钥校验码", max_length=64, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)


    class Meta:
        verbose_name = "审计链核验点"
        verbose_name_plural = "审计链核验点"
        ordering = ["-through_id"]

    def __str__(self) -> str:
        return f"{self.verified_at:%Y-%m-%d %H:%M} 核验至 {self.through_id}"

    def compute_mac(self, key: bytes) -> str:
        message = f"{self.kind}|{self.through_id}|{self.through_hash}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()
