import datetime as dt

import pytest
from django.utils import timezone

from unionhome.ballots import services


@pytest.fixture
def core(db):
    """Users and unions of the demo, without the other apps' demo content."""
    from unionhome.core.demo import seed_core

    return seed_core()


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def make_ballot(core, now):
    def make(**overrides):
        values = {
            "union": core["union"],
            "title": "Motion",
            "kind": "yes_no",
            "opens_at": now - dt.timedelta(hours=1),
            "closes_at": now + dt.timedelta(days=2),
        }
        values.update(overrides)
        return services.ballot_create(**values)

    return make


def option_id(ballot, meaning):
    return ballot.options.get(meaning=meaning).pk


def close(ballot):
    """Move a ballot's closing time into the past (as if time had passed)."""
    ballot.closes_at = timezone.now() - dt.timedelta(seconds=1)
    if ballot.opens_at >= ballot.closes_at:
        ballot.opens_at = ballot.closes_at - dt.timedelta(hours=1)
    ballot.save(update_fields=["opens_at", "closes_at"])
    return ballot
