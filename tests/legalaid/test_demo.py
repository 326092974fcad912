"""The legal-aid demo seed: stations, volunteers with slots for two weeks, rider1's booking."""

import datetime as dt

import pytest
from django.utils import timezone

from legalaid import demo as legalaid_demo
from legalaid.models import Booking, Slot, Station, Volunteer

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_complete():
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    legalaid_demo.seed(ctx)
    counts = (Station.objects.count(), Volunteer.objects.count(), Slot.objects.count())
    legalaid_demo.seed(ctx)
    assert (Station.objects.count(), Volunteer.objects.count(), Slot.objects.count()) == counts
    assert counts[0] == 2 and counts[1] == 2
    booking = Booking.objects.get()
    assert booking.member.username == "rider1"
    assert ctx["legalaid_booking"] == booking
    now = timezone.now()
    for volunteer in Volunteer.objects.all():
        assert volunteer.user.username in {"volunteer1", "volunteer2"}
        # Slots on at least 8 of the coming 14 days (holidays excepted).
        days = {
            timezone.localtime(s.start).date()
            for s in volunteer.slots.filter(start__gte=now, start__lt=now + dt.timedelta(days=14))
        }
        assert len(days) >= 6
    assert {s.district for s in Station.objects.all()} == {"浦江区"}


def test_full_demo_includes_legal_aid(demo):
    assert demo["legalaid_booking"].member == demo["riders"][0]
    assert {v.user for v in demo["legalaid_volunteers"]} == set(demo["volunteers"])
