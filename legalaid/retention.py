"""Retention of closed legal-aid cases (PIPL art. 19). After RETENTION_LEGALAID_CASE_YEARS
years from the consultation, the case's personal content is erased: the member's
description, the reason for cancelling, case-note texts, feedback comments and attachments.
What remains (topic, outcome, dates) keeps the statistics without the person's story."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from legalaid.models import Attachment, Booking, BookingStatus, CaseNote, Feedback
from unionhome.core.retention import cutoff_years

BATCH = 200


def _due(before: dt.datetime):
    # A booked consultation is still open; every other status is closed.
    return (
        Booking.objects.exclude(status=BookingStatus.BOOKED)
        .filter(slot__end__lt=before)
        .filter(
            ~Q(description="")
            | ~Q(cancel_reason="")
            | Q(notes__text__gt="")
            | Q(attachments__isnull=False)
            | Q(feedback__comment__gt="")
        )
        .distinct()
    )


def legalaid_cases_anonymise(*, today: dt.date | None = None) -> dict[str, int]:
    before = cutoff_years(settings.RETENTION_LEGALAID_CASE_YEARS, today)
    done = 0
    while ids := list(_due(before).values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            Booking.objects.filter(pk__in=ids).update(description="", cancel_reason="")
            CaseNote.objects.filter(booking_id__in=ids).update(text="")
            Feedback.objects.filter(booking_id__in=ids).update(comment="")
            for attachment in Attachment.objects.filter(booking_id__in=ids):
                name = attachment.file.name
                attachment.delete()
                # The file goes after the commit: a rollback must not leave a row without it.
                transaction.on_commit(lambda n=name: Attachment.file.field.storage.delete(n))
        done += len(ids)
    return {"anonymised": done}
