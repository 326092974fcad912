"""Retention of member import reports (PIPL art. 19)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from unionhome.membership.models import MemberImport, Union
from unionhome.membership.retention import member_import_reports_expire

pytestmark = pytest.mark.django_db

FINISHED = dt.date(2026, 5, 31)


@override_settings(RETENTION_MEMBER_IMPORT_REPORT_DAYS=30)
def test_report_kept_until_the_day_then_cleared():
    union = Union.objects.create(name="测试工会", kind="enterprise")
    report = [{"row": 3, "code": "bad_id", "detail": "310115199206150071"}]
    finished_at = timezone.make_aware(dt.datetime.combine(FINISHED, dt.time(23, 50)))
    done = MemberImport.objects.create(
        union=union, status="done", refused_count=1, report=report, finished_at=finished_at
    )
    running = MemberImport.objects.create(union=union, status="running", report=report)

    assert member_import_reports_expire(today=FINISHED + dt.timedelta(days=29)) == {"cleared": 0}
    done.refresh_from_db()
    assert done.report == report

    assert member_import_reports_expire(today=FINISHED + dt.timedelta(days=30)) == {"cleared": 1}
    done.refresh_from_db()
    assert (done.report, done.refused_count) == ([], 1)
    running.refresh_from_db()
    assert running.report == report
