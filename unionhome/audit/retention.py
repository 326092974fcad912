"""Retention of the audit log itself (PIPL art. 19): entries older than
RETENTION_AUDIT_YEARS years are deleted (the only deletion the log allows)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from unionhome.audit.models import AuditEntry
from unionhome.core.retention import cutoff_years


def audit_expire(*, today: dt.date | None = None) -> dict[str, int]:
    before = cutoff_years(settings.RETENTION_AUDIT_YEARS, today)
    with transaction.atomic():
        deleted = AuditEntry.objects.filter(created_at__lt=before).expire()
    return {"deleted": deleted}
