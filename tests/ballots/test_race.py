"""One member, one vote, under concurrent submissions (real threads, PostgreSQL)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from tests.ballots.conftest import option_id
from unionhome.ballots import services
from unionhome.ballots.models import BallotElector, BallotPaper, BallotParticipation
from unionhome.core.errors import DomainError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def race(ballot, user, option_ids, monkeypatch):
    """Submit the same member's vote from THREADS threads at once.

    A barrier placed after the "already voted?" check makes every thread pass that check
    before any of them writes, so only the database can stop the duplicates.
    """
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
            services.ballot_cast(ballot=ballot, user=user, option_ids=option_ids)
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


def test_concurrent_votes_by_one_member_are_counted_once(core, make_ballot, monkeypatch):
    ballot = make_ballot()
    services.ballot_open(ballot=ballot)
    rider = core["riders"][0]
    outcomes = race(ballot, rider, [option_id(ballot, "yes")], monkeypatch)
    assert outcomes == Counter({"ok": 1, services.ALREADY_VOTED: THREADS - 1})
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1
    assert BallotPaper.objects.filter(ballot=ballot).count() == 1


def test_the_race_test_fails_without_the_unique_constraint(core, make_ballot, monkeypatch):
    """Shows the test above can fail: drop the constraint and the same race double-counts."""
    from unionhome.ballots.models import BallotParticipation as Model

    constraint = next(c for c in Model._meta.constraints if c.name == "one_vote_per_member")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Model, constraint)
    try:
        ballot = make_ballot()
        services.ballot_open(ballot=ballot)
        outcomes = race(ballot, core["riders"][0], [option_id(ballot, "yes")], monkeypatch)
        assert outcomes["ok"] > 1
        assert BallotPaper.objects.filter(ballot=ballot).count() > 1
    finally:
        BallotParticipation.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Model, constraint)


def test_concurrent_first_actions_freeze_the_electorate_once(core, make_ballot):
    ballot = make_ballot()
    start = threading.Barrier(THREADS, timeout=20)
    errors: list[Exception] = []

    def open_it():
        try:
            start.wait()
            services.ballot_open(ballot=type(ballot).objects.get(pk=ballot.pk))
        except Exception as err:
            errors.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    ballot.refresh_from_db()
    assert ballot.eligible_count == 5
    assert BallotElector.objects.filter(ballot=ballot).count() == 5


def test_the_freeze_race_test_fails_without_the_row_lock(core, make_ballot, monkeypatch):
    """Shows the test above can fail: without select_for_update every thread reads "not frozen
    yet" and writes its own electorate; the unique constraint then refuses all but one."""
    from django.db.models import QuerySet

    ballot = make_ballot()
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, **kwargs: self)
    all_read = threading.Barrier(THREADS, timeout=20)
    original = services.electorate_user_ids

    def read_then_wait(**kwargs):
        result = original(**kwargs)
        all_read.wait()  # only reachable by all threads at once when nothing serialises them
        return result

    monkeypatch.setattr(services, "electorate_user_ids", read_then_wait)
    start = threading.Barrier(THREADS, timeout=20)
    errors: list[Exception] = []

    def open_it():
        try:
            start.wait()
            services.ballot_open(ballot=type(ballot).objects.get(pk=ballot.pk))
        except Exception as err:
            errors.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(errors) == THREADS - 1
