"""Retention of the audit log (PIPL art. 19): entries go RETENTION_AUDIT_YEARS years on."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from unionhome.audit.models import AuditAction, AuditEntry
from unionhome.audit.retention import audit_expire
from unionhome.audit.services import audit_record

pytestmark = pytest.mark.django_db

WRITTEN = dt.date(2024, 2, 29)


@override_settings(RETENTION_AUDIT_YEARS=3)
def test_entries_kept_until_the_day_then_deleted():
    old = audit_record(action=AuditAction.DATA_EXPORT, object_id=1)
    recent = audit_record(action=AuditAction.DATA_EXPORT, object_id=2)
    when = timezone.make_aware(dt.datetime.combine(WRITTEN, dt.time(12)))
    # created_at is set on insert and the trigger refuses changes: drop and re-create it to
    # date the entry in the past.
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS audit_entry_no_update"
            + (" ON audit_auditentry" if connection.vendor == "postgresql" else "")
        )
        cursor.execute(
            "UPDATE audit_auditentry SET created_at = %s WHERE id = %s",
            [connection.ops.adapt_datetimefield_value(when), old.pk],
        )
    # 29 February 2024 + 3 years: 2027 has no 29 February, so the entry is kept through
    # 28 February (never shorter than the period) and goes on 1 March.
    assert audit_expire(today=dt.date(2027, 2, 28)) == {"deleted": 0}
    assert AuditEntry.objects.filter(pk=old.pk).exists()
    assert audit_expire(today=dt.date(2027, 3, 1)) == {"deleted": 1}
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]
