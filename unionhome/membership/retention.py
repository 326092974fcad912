"""Retention of member import reports (PIPL art. 19). A report lists refused rows, which
can quote what the file held; staff need it to correct and re-import, so it is cleared
RETENTION_MEMBER_IMPORT_REPORT_DAYS days after the import finished (counts stay)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from unionhome.core.retention import cutoff_days
from unionhome.membership.models import MemberImport


def member_import_reports_expire(*, today: dt.date | None = None) -> dict[str, int]:
    before = cutoff_days(settings.RETENTION_MEMBER_IMPORT_REPORT_DAYS, today)
    with transaction.atomic():
        cleared = (
            MemberImport.objects.filter(finished_at__lt=before)
            .exclude(report=[], error="")
            .update(report=[], error="")
        )
    return {"cleared": cleared}
