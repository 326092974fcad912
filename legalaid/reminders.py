"""Booking reminders: which is due (pure), sending each once, and scheduling the sweeps."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import default_task_backend

from legalaid import notify
from legalaid.models import (
    Booking,
    BookingStatus,
    ReminderKind,
    ReminderSent,
)
from legalaid.tasks import send_legalaid_reminders

# Error codes tests and clients can rely on.


# --- reminders -----------------------------------------------------------------------

REMINDER_OFFSETS = {
    ReminderKind.DAY_BEFORE: dt.timedelta(days=1),
    ReminderKind.HOUR_BEFORE: dt.timedelta(hours=1),
}


def reminder_due_kind(
    *, start: dt.datetime, scheduled_at: dt.datetime, now: dt.datetime
) -> str | None:
    """Which reminder is due now (pure): the day-before one until an hour before, then the
    hour-before one; none for a reminder time that passed before the booking was made."""
    if now >= start:
        return None
    hour_mark = start - REMINDER_OFFSETS[ReminderKind.HOUR_BEFORE]
    day_mark = start - REMINDER_OFFSETS[ReminderKind.DAY_BEFORE]
    if now >= hour_mark:
        return ReminderKind.HOUR_BEFORE if scheduled_at < hour_mark else None
    if now >= day_mark:
        return ReminderKind.DAY_BEFORE if scheduled_at < day_mark else None
    return None


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every reminder that is due now; a reminder is recorded before it is sent, under a
    unique constraint, so two workers (or cron and the task) never send it twice."""
    now = now or timezone.now()
    sent = 0
    candidates = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        slot__start__gt=now,
        slot__start__lte=now + dt.timedelta(days=1),
    ).select_related("slot", "slot__station", "volunteer__user", "member")
    for booking in candidates:
        kind = reminder_due_kind(
            start=booking.slot.start, scheduled_at=booking.scheduled_at, now=now
        )
        if kind is None:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    booking=booking, kind=kind, slot_start=booking.slot.start
                )
                transaction.on_commit(partial(notify.booking_reminder, booking, kind))
        except IntegrityError:
            continue
        sent += 1
    return sent


def reminders_schedule(booking_id: int) -> None:
    """Ask the task backend to sweep reminders at the two reminder times (when it can defer
    tasks; the cron command covers backends that cannot)."""

    if not getattr(default_task_backend, "supports_defer", False):
        return
    booking = Booking.objects.select_related("slot").filter(pk=booking_id).first()
    if booking is None:
        return
    now = timezone.now()
    for offset in REMINDER_OFFSETS.values():
        at = booking.slot.start - offset
        if at > now:
            send_legalaid_reminders.using(run_after=at).enqueue()
