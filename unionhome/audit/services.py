"""Writing the audit log. Callers record inside the transaction of the action itself, so an
action that rolls back leaves no entry and an entry never exists without its action."""

from __future__ import annotations

from django.db import models

from unionhome.audit.models import AuditAction, AuditEntry

DETAIL_MAX = 200


def _actor(actor):
    # Scheduled jobs act without a user; anonymous users are not stored either.
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | str = "",
    union=None,
    detail: str = "",
) -> AuditEntry:
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    union_id = getattr(union, "pk", union)
    return AuditEntry.objects.create(
        action=action,
        actor=_actor(actor),
        object_type=object_type,
        object_id=str(object_id or ""),
        union_id=union_id,
        detail=detail[:DETAIL_MAX],
    )
