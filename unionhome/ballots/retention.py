"""Retention of electorate lists and rosters (PIPL art. 19). The frozen electorate of a
ballot (who was entitled to vote) and the imported roster of covered workers are needed
until the result can no longer be challenged: RETENTION_BALLOT_ELECTORATE_DAYS days after the
ballot closed and its papers were sealed. Then the electorate rows are deleted (the count
stays on the ballot) and the roster's names, phones and ID numbers are erased."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q

from unionhome.ballots.models import Ballot, BallotElector, RosterVoter, VoterRoster
from unionhome.core.retention import cutoff_days


def ballots_electorate_expire(*, today: dt.date | None = None) -> dict[str, int]:
    before = cutoff_days(settings.RETENTION_BALLOT_ELECTORATE_DAYS, today)
    due = Ballot.objects.filter(sealed_at__lt=before)
    erased_voters = 0
    with transaction.atomic():
        electors, _by_model = BallotElector.objects.filter(ballot__in=due).delete()
        # A roster is done with once every ballot using it is; one never used is left to staff.
        rosters = VoterRoster.objects.annotate(
            last_sealed=Max("ballots__sealed_at"),
            unsealed=Max("ballots__pk", filter=Q(ballots__sealed_at__isnull=True)),
        ).filter(last_sealed__lt=before, unsealed__isnull=True)
        for voter_id in (
            RosterVoter.objects.filter(roster__in=rosters)
            .exclude(full_name="")
            .values_list("pk", flat=True)
        ):
            # Phone and digest are unique per roster: a per-row placeholder keeps them so.
            RosterVoter.objects.filter(pk=voter_id).update(
                full_name="",
                phone=f"erased-{voter_id}",
                id_number="",
                id_number_digest=f"erased-{voter_id}",
                user=None,
            )
            erased_voters += 1
    return {"electors_deleted": electors, "roster_rows_erased": erased_voters}
