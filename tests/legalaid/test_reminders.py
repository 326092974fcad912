"""Reminders the day before and an hour before: due at the right time, never sent twice."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from legalaid import services
from legalaid.models import Booking, ReminderSent
from legalaid.reminders import reminder_due_kind, reminders_send_due
from legalaid.slots import SHANGHAI
from legalaid.tasks import send_legalaid_reminders
from tests.legalaid.conftest import future_slot
from unionhome.core import sms

START = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
EARLY = START - dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("now", "scheduled_at", "expected"),
    [
        (START - dt.timedelta(days=2), EARLY, None),
        (START - dt.timedelta(hours=24), EARLY, "day_before"),
        (START - dt.timedelta(hours=2), EARLY, "day_before"),
        (START - dt.timedelta(minutes=60), EARLY, "hour_before"),
        (START - dt.timedelta(minutes=5), EARLY, "hour_before"),
        (START, EARLY, None),
        # Booked 5 hours ahead: no "day before" reminder, but the hour-before one.
        (START - dt.timedelta(hours=4), START - dt.timedelta(hours=5), None),
        (START - dt.timedelta(minutes=30), START - dt.timedelta(hours=5), "hour_before"),
        # Booked 40 minutes ahead: nothing at all.
        (START - dt.timedelta(minutes=30), START - dt.timedelta(minutes=40), None),
    ],
)
def test_reminder_due_kind(now, scheduled_at, expected):
    assert reminder_due_kind(start=START, scheduled_at=scheduled_at, now=now) == expected


def _book(la, django_capture_on_commit_callbacks):
    slot = future_slot(la.v1, after_hours=30)
    with django_capture_on_commit_callbacks(execute=True):
        return services.booking_create(
            actor=la.rider1,
            member=la.rider1,
            slot=slot,
            topic="work_injury",
            description="送餐途中摔伤",
            channel="in_person",
        )


@pytest.mark.django_db
def test_reminders_sent_once_each(la, django_capture_on_commit_callbacks):
    booking = _book(la, django_capture_on_commit_callbacks)
    start = booking.slot.start
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(now=start - dt.timedelta(hours=30)) == 0
        assert reminders_send_due(now=start - dt.timedelta(hours=23)) == 1
        assert reminders_send_due(now=start - dt.timedelta(hours=22)) == 0
        assert reminders_send_due(now=start - dt.timedelta(minutes=50)) == 1
        assert reminders_send_due(now=start - dt.timedelta(minutes=10)) == 0
    kinds = sorted(ReminderSent.objects.filter(booking=booking).values_list("kind", flat=True))
    assert kinds == ["day_before", "hour_before"]
    to_member = [text for phone, text in sms.outbox if phone == "+8613800138001"]
    assert len(to_member) == 2


@pytest.mark.django_db
def test_rescheduled_booking_gets_fresh_reminders_and_cancelled_none(
    la, django_capture_on_commit_callbacks
):
    booking = _book(la, django_capture_on_commit_callbacks)
    first_start = booking.slot.start
    assert reminders_send_due(now=first_start - dt.timedelta(hours=20)) == 1
    later = la.v1.slots.filter(start__gt=first_start + dt.timedelta(days=2)).order_by("start")[0]
    services.booking_reschedule(
        actor=la.rider1, booking=booking, slot=later, now=first_start - dt.timedelta(hours=19)
    )
    assert reminders_send_due(now=later.start - dt.timedelta(hours=20)) == 1
    assert ReminderSent.objects.filter(booking=booking).count() == 2
    services.booking_cancel(
        actor=la.rider1, booking=booking, now=later.start - dt.timedelta(hours=19)
    )
    assert reminders_send_due(now=later.start - dt.timedelta(minutes=30)) == 0


@pytest.mark.django_db
def test_constraint_refuses_a_second_record(la, django_capture_on_commit_callbacks):
    from django.db import IntegrityError, transaction

    booking = _book(la, django_capture_on_commit_callbacks)
    ReminderSent.objects.create(booking=booking, kind="day_before", slot_start=booking.slot.start)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(
            booking=booking, kind="day_before", slot_start=booking.slot.start
        )
    # The sweep sees the record and sends nothing for that kind.
    assert reminders_send_due(now=booking.slot.start - dt.timedelta(hours=20)) == 0


@pytest.mark.django_db
def test_command_and_task_share_the_sweep(la, django_capture_on_commit_callbacks, monkeypatch):
    booking = _book(la, django_capture_on_commit_callbacks)
    when = booking.slot.start - dt.timedelta(hours=20)
    monkeypatch.setattr("django.utils.timezone.now", lambda: when)
    # Booked "now" in this frozen clock would skip the day-before reminder; book earlier.
    Booking.objects.filter(pk=booking.pk).update(scheduled_at=when - dt.timedelta(days=2))
    out = StringIO()
    call_command("send_legalaid_reminders", stdout=out)
    assert "reminders sent: 1" in out.getvalue()
    result = send_legalaid_reminders.enqueue()
    assert result.return_value == 0
    call_command("send_legalaid_reminders", stdout=out)
    assert ReminderSent.objects.filter(booking=booking).count() == 1
