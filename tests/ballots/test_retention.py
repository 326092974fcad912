"""Retention of electorate lists and rosters (PIPL art. 19): kept until the day
RETENTION_BALLOT_ELECTORATE_DAYS after the ballot was sealed, erased on that day."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.ballots.test_roster import covered, ratification  # noqa: F401 - fixture
from unionhome.ballots import services
from unionhome.ballots.models import Ballot, BallotElector, RosterVoter
from unionhome.ballots.retention import ballots_electorate_expire

pytestmark = pytest.mark.django_db

SEALED_DAY = dt.date(2026, 3, 10)


def sealed_ballot(core, now, roster):
    ballot = ratification(core, now, electorate="covered_workers", roster=roster)
    services.ballot_open(ballot=ballot)
    sealed_at = timezone.make_aware(dt.datetime.combine(SEALED_DAY, dt.time(22, 30)))
    Ballot.objects.filter(pk=ballot.pk).update(
        opens_at=sealed_at - dt.timedelta(days=2),
        closes_at=sealed_at - dt.timedelta(hours=1),
        sealed_at=sealed_at,
    )
    return ballot


@override_settings(RETENTION_BALLOT_ELECTORATE_DAYS=90)
def test_electorate_and_roster_kept_until_the_day_then_erased(core, now, covered):  # noqa: F811
    ballot = sealed_ballot(core, now, covered)
    assert BallotElector.objects.filter(ballot=ballot).count() == 5

    result = ballots_electorate_expire(today=SEALED_DAY + dt.timedelta(days=89))
    assert result == {"electors_deleted": 0, "roster_rows_erased": 0}
    assert BallotElector.objects.filter(ballot=ballot).count() == 5
    assert RosterVoter.objects.filter(roster=covered).exclude(full_name="").count() == 5

    result = ballots_electorate_expire(today=SEALED_DAY + dt.timedelta(days=90))
    assert result == {"electors_deleted": 5, "roster_rows_erased": 5}
    assert not BallotElector.objects.filter(ballot=ballot).exists()
    for voter in RosterVoter.objects.filter(roster=covered):
        assert (voter.full_name, voter.id_number, voter.user_id) == ("", "", None)
        assert voter.phone.startswith("erased-")
    ballot.refresh_from_db()
    assert ballot.eligible_count == 5  # the turnout base stays
    # Idempotent.
    assert ballots_electorate_expire(today=SEALED_DAY + dt.timedelta(days=91)) == {
        "electors_deleted": 0,
        "roster_rows_erased": 0,
    }


@override_settings(RETENTION_BALLOT_ELECTORATE_DAYS=90)
def test_roster_still_used_by_an_unsealed_ballot_is_kept(core, now, covered):  # noqa: F811
    sealed_ballot(core, now, covered)
    ratification(core, now, electorate="covered_workers", roster=covered)
    result = ballots_electorate_expire(today=SEALED_DAY + dt.timedelta(days=200))
    assert result["roster_rows_erased"] == 0
    assert RosterVoter.objects.filter(roster=covered, full_name="").count() == 0
