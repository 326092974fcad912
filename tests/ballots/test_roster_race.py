"""One covered worker, one vote, under concurrent submissions (real threads, PostgreSQL).

A covered worker without an account has no user row: the unique (ballot, voter) constraint
is what stops a second paper, whichever way it comes (two codes, a code and an account)."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from tests.ballots.conftest import option_id
from tests.ballots.test_roster import outsiders, roster_csv
from unionhome.ballots import roster, services
from unionhome.ballots.models import BallotElector, BallotPaper, BallotParticipation
from unionhome.core.errors import DomainError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def covered_ballot(core):
    workers = roster.roster_import(
        union=core["union"],
        title="covered",
        data=roster_csv(outsiders(3)),
        filename="r.csv",
        by=core["union_admin"],
    )
    now = timezone.now()
    ballot = services.ballot_create_ratification(
        union=core["union"],
        title="Ratify",
        description_html="",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
        source_label="",
        electorate="covered_workers",
        roster=workers,
    )
    services.ballot_open(ballot=ballot)
    return ballot


def race(ballot, monkeypatch):
    """The same roster-only worker's paper from THREADS threads at once; a barrier after the
    "already voted?" check lets every thread pass it before any writes."""
    elector = BallotElector.objects.filter(ballot=ballot, user__isnull=True).first()
    after_check = threading.Barrier(THREADS, timeout=20)
    original = services.ballot_choice_ids

    def validate_then_wait(*args, **kwargs):
        result = original(*args, **kwargs)
        after_check.wait()
        return result

    monkeypatch.setattr(services, "ballot_choice_ids", validate_then_wait)
    start = threading.Barrier(THREADS, timeout=20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit():
        try:
            start.wait()
            services.record_vote(
                ballot=ballot, elector=elector, option_ids=[option_id(ballot, "yes")]
            )
            result = "ok"
        except DomainError as err:
            result = err.code
        except Exception as err:  # an unexpected database error is a failure too
            result = type(err).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return Counter(outcomes)


def test_concurrent_papers_of_one_covered_worker_are_counted_once(core, monkeypatch):
    ballot = covered_ballot(core)
    outcomes = race(ballot, monkeypatch)
    assert outcomes == Counter({"ok": 1, services.ALREADY_VOTED: THREADS - 1})
    assert BallotPaper.objects.filter(ballot=ballot).count() == 1


def test_the_covered_worker_race_fails_without_the_constraint(core, monkeypatch):
    """Shows the test above can fail: drop the (ballot, voter) constraint and the same race
    writes several papers for one worker."""
    constraint = next(
        c for c in BallotParticipation._meta.constraints if c.name == "one_vote_per_roster_voter"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(BallotParticipation, constraint)
    try:
        ballot = covered_ballot(core)
        outcomes = race(ballot, monkeypatch)
        assert outcomes["ok"] > 1
        assert BallotPaper.objects.filter(ballot=ballot).count() > 1
    finally:
        BallotParticipation.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(BallotParticipation, constraint)
