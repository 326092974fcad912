"""Retention of closed legal-aid cases (PIPL art. 19): personal content kept until the day
RETENTION_LEGALAID_CASE_YEARS after the consultation, erased on that day; case reads by
volunteers and staff are audited."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from legalaid import services
from legalaid.models import Attachment, Booking, CaseNote, Feedback, Slot
from legalaid.retention import legalaid_cases_anonymise
from tests.legalaid.test_bookings import book, png_bytes
from unionhome.audit.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

HELD = dt.date(2023, 6, 15)


def held_case(la):
    booking = book(la, attachments=[("photo.png", png_bytes())])
    CaseNote.objects.create(booking=booking, author=la.v1.user, text="仲裁材料已准备")
    Feedback.objects.create(booking=booking, rating=5, comment="谢谢张律师")
    start = timezone.make_aware(dt.datetime.combine(HELD, dt.time(21)))
    Slot.objects.filter(pk=booking.slot_id).update(start=start, end=start + dt.timedelta(hours=1))
    Booking.objects.filter(pk=booking.pk).update(status="done", outcome="arbitration")
    return booking


@override_settings(RETENTION_LEGALAID_CASE_YEARS=3)
def test_closed_case_kept_until_the_day_then_anonymised(la, django_capture_on_commit_callbacks):
    booking = held_case(la)
    open_case = book(la)
    stored = Attachment.objects.get(booking=booking).file
    storage, name = stored.storage, stored.name
    assert storage.exists(name)

    assert legalaid_cases_anonymise(today=dt.date(2026, 6, 14)) == {"anonymised": 0}
    booking.refresh_from_db()
    assert booking.description

    with django_capture_on_commit_callbacks(execute=True):
        assert legalaid_cases_anonymise(today=dt.date(2026, 6, 15)) == {"anonymised": 1}
    booking.refresh_from_db()
    assert (booking.description, booking.outcome, booking.topic) == (
        "",
        "arbitration",
        "wage_arrears",
    )
    assert list(CaseNote.objects.filter(booking=booking).values_list("text", flat=True)) == [""]
    assert Feedback.objects.get(booking=booking).comment == ""
    assert not Attachment.objects.filter(booking=booking).exists()
    assert not storage.exists(name)
    open_case.refresh_from_db()
    assert open_case.description
    # Idempotent.
    assert legalaid_cases_anonymise(today=dt.date(2026, 6, 16)) == {"anonymised": 0}


def test_case_reads_by_volunteer_are_audited_not_the_members_own(la):
    booking = book(la)
    assert services.case_read_record(user=la.rider1, booking=booking) is False
    assert services.case_read_record(user=la.outsider, booking=booking) is False
    assert services.case_read_record(user=la.v1.user, booking=booking) is True
    [entry] = AuditEntry.objects.filter(action=AuditAction.CASE_READ)
    assert (entry.actor, entry.object_id, entry.union_id) == (
        la.v1.user,
        str(booking.pk),
        la.union.pk,
    )


def test_case_page_read_by_volunteer_is_audited(client, la):
    booking = book(la)
    client.force_login(la.v1.user)
    assert client.get(f"/legal-aid/bookings/{booking.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.CASE_READ, actor=la.v1.user).count() == 1
