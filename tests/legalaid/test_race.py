"""The booking race on PostgreSQL: many threads try one slot at the same moment.

The friendly pre-check is made to pass for every thread (each waits at a barrier after it),
so only the database's partial unique constraint stands between them and a double booking.
``test_race_without_the_constraint_double_books`` drops the constraint and shows the same
race then books the slot several times: the race test can fail.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from legalaid import reminders, selectors, services
from legalaid.models import Booking
from tests.legalaid.conftest import future_slot
from unionhome.core.errors import DomainError

THREADS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(la, slot, monkeypatch):
    barrier = threading.Barrier(THREADS, timeout=30)
    members = la.ctx["riders"]

    def everyone_passes_the_check(slot):
        barrier.wait()
        return False

    monkeypatch.setattr(selectors, "slot_is_taken", everyone_passes_the_check)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(index):
        member = members[index % len(members)]
        try:
            services.booking_create(
                actor=member,
                member=member,
                slot=slot,
                topic="wage_arrears",
                description=f"attempt {index}",
                channel=slot.channel,
            )
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_many_concurrent_attempts_one_success(la, monkeypatch, settings):
    settings.LEGALAID_MAX_UPCOMING_PER_MEMBER = 100
    slot = future_slot(la.v1)
    results = _race(la, slot, monkeypatch)
    assert len(results) == THREADS
    assert results.count("ok") == 1
    assert results.count(services.ERR_SLOT_TAKEN) == THREADS - 1
    assert Booking.objects.filter(slot=slot).count() == 1


def test_race_without_the_constraint_double_books(la, monkeypatch, settings):
    settings.LEGALAID_MAX_UPCOMING_PER_MEMBER = 100
    slot = future_slot(la.v1)
    table = Booking._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP INDEX IF EXISTS legalaid_one_active_booking_per_slot; "
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS legalaid_one_active_booking_per_slot"
        )
    try:
        results = _race(la, slot, monkeypatch)
        # Without the constraint the same race lets several members book the slot.
        assert results.count("ok") > 1
        assert Booking.objects.filter(slot=slot).count() > 1
    finally:
        Booking.objects.filter(slot=slot).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE UNIQUE INDEX legalaid_one_active_booking_per_slot ON {table} (slot_id) "
                "WHERE status IN ('booked', 'done', 'no_show')"
            )


def test_concurrent_reminder_sweeps_send_once(la, monkeypatch):
    import datetime as dt

    from legalaid.models import ReminderSent
    from unionhome.core import sms

    slot = future_slot(la.v1)
    booking = services.booking_create(
        actor=la.rider1,
        member=la.rider1,
        slot=slot,
        topic="work_injury",
        description="race",
        channel=slot.channel,
        now=slot.start - dt.timedelta(days=3),
    )
    now = slot.start - dt.timedelta(hours=20)
    sms.outbox.clear()
    barrier = threading.Barrier(THREADS, timeout=30)
    counts: list[int] = []
    lock = threading.Lock()

    def sweep():
        try:
            barrier.wait()
            sent = reminders.reminders_send_due(now=now)
        finally:
            connections.close_all()
        with lock:
            counts.append(sent)

    threads = [threading.Thread(target=sweep) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(counts) == 1
    assert ReminderSent.objects.filter(booking=booking).count() == 1
    assert len([p for p, _ in sms.outbox if p == "+8613800138001"]) == 1


def test_one_member_booking_many_slots_at_once_stays_within_the_limit(la, settings, monkeypatch):
    """Security finding 4: ten concurrent bookings of different slots by one member made ten
    (the limit is 3). The count is checked under a lock on the member."""
    settings.LEGALAID_MAX_UPCOMING_PER_MEMBER = 3
    results = _race_one_member(la, monkeypatch)
    assert results.count("ok") == 3, results
    assert results.count(services.ERR_TOO_MANY) == THREADS - 3
    assert Booking.objects.filter(member=la.rider1, status="booked").count() == 3


def test_without_the_member_lock_the_limit_races(la, settings, monkeypatch):
    """The test above can fail: with the lock taken away, the same race books too many."""
    settings.LEGALAID_MAX_UPCOMING_PER_MEMBER = 3
    monkeypatch.setattr(services, "_lock_member", lambda member: None)
    results = _race_one_member(la, monkeypatch)
    assert results.count("ok") > 3, results


def _race_one_member(la, monkeypatch):
    slots = list(
        la.v1.slots.filter(start__gt=la.now + dt.timedelta(hours=30)).order_by("start")[:THREADS]
    )
    assert len(slots) == THREADS
    barrier = threading.Barrier(THREADS, timeout=30)
    original = services._check_slot_bookable

    def check_then_wait(*args, **kwargs):
        # Every thread gets past the friendly checks before any of them counts and writes.
        original(*args, **kwargs)
        barrier.wait()

    monkeypatch.setattr(services, "_check_slot_bookable", check_then_wait)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(slot):
        try:
            services.booking_create(
                actor=la.rider1,
                member=la.rider1,
                slot=slot,
                topic="wage_arrears",
                description="many at once",
                channel=slot.channel,
            )
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(slot,)) for slot in slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
