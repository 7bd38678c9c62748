"""The end of a case lifts its seals: every change of a case's state is written as a CaseStep in the step's own
transaction (cases.services.steps.write_step), so the step that moves a case into a final state (closed,
terminated, transferred, revoked) is the one place to hear it, with its actor and reason, without the cases
app knowing of seals."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from yibao.cases.models import CaseStep
from yibao.cases.procedure import FINAL_STATES, STATE_LABELS, CaseState


@receiver(post_save, sender=CaseStep, dispatch_uid="coercion.lift_seals_on_case_end")
def lift_seals_when_case_ends(sender: Any, instance: CaseStep, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    if instance.to_state not in FINAL_STATES or instance.from_state in FINAL_STATES:
        return
    from .services import lift_seals_for_case  # noqa: PLC0415 - services import the cases app's services

    reason = instance.reason or STATE_LABELS[CaseState(instance.to_state)]
    lift_seals_for_case(instance.case, actor=instance.actor, reason=reason)
