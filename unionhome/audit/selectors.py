"""Reading the audit log: federation staff only."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from unionhome.audit.models import AuditEntry
from unionhome.core import roles


def can_see_audit_log(user) -> bool:
    return roles.is_federation_staff(user)


def audit_entries(
    *,
    user,
    action: str = "",
    union_id: int | None = None,
    actor: str = "",
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    if not can_see_audit_log(user):
        raise PermissionDenied
    entries = AuditEntry.objects.select_related("actor", "union")
    if action:
        entries = entries.filter(action=action)
    if union_id:
        entries = entries.filter(union_id=union_id)
    if actor:
        entries = entries.filter(actor__username=actor)
    if first_day:
        entries = entries.filter(created_at__date__gte=first_day)
    if last_day:
        entries = entries.filter(created_at__date__lte=last_day)
    return entries
