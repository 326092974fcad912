"""Finding 3: the physical order of the rows must not link a voter to a choice.

The attack: list who voted and the marks, both in the order the database stores them
(SQLite's rowid, PostgreSQL's ctid), and pair them up. Before the fix the pairing gave every
voter's choice; after the close the papers are rewritten in a random order."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests.ballots.conftest import close, option_id
from unionhome.ballots import selectors, services
from unionhome.ballots.models import BallotElector, BallotMark, BallotParticipation

pytestmark = pytest.mark.django_db

VOTERS = 24


def physical(model, column: str) -> list:
    """The column's values in storage order (what `ORDER BY rowid/ctid` shows)."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} ORDER BY {order}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def cast_in_a_known_order(core, make_ballot):
    ballot = make_ballot()
    services.ballot_open(ballot=ballot)
    yes, no = option_id(ballot, "yes"), option_id(ballot, "no")
    truth = {}
    for number in range(VOTERS):
        user = get_user_model().objects.create_user(username=f"voter{number}")
        BallotElector.objects.create(ballot=ballot, user=user)
        choice = yes if number % 3 == 0 else no
        services.ballot_cast(ballot=ballot, user=user, option_ids=[choice])
        truth[user.pk] = choice
    return ballot, truth


def linked_by_row_order(ballot) -> dict:
    voters = physical(BallotParticipation, "user_id")
    options = physical(BallotMark, "option_id")
    assert len(voters) == len(options) == VOTERS
    return dict(zip(voters, options, strict=True))


def test_row_order_links_no_voter_to_a_choice_once_the_ballot_closed(core, make_ballot):
    ballot, truth = cast_in_a_known_order(core, make_ballot)
    close(ballot)
    services.ballots_tick()
    ballot.refresh_from_db()
    assert ballot.sealed_at is not None
    guessed = linked_by_row_order(ballot)
    # A random order still matches some voters by chance; it must not match all of them
    # (odds of that by chance: 1 in C(24, 8), about 1 in 735,000).
    assert guessed != truth
    # The count is unchanged.
    counts, cast = selectors.ballot_tally(ballot=ballot)
    assert cast == VOTERS
    assert counts == {option_id(ballot, "yes"): 8, option_id(ballot, "no"): 16}


def test_results_of_a_closed_unsealed_ballot_are_read_without_writing(core, make_ballot):
    """Reading results never writes: the tick seals. Counts read before the seal equal
    the counts after it."""
    from django.test.utils import CaptureQueriesContext

    ballot, truth = cast_in_a_known_order(core, make_ballot)
    close(ballot)
    with CaptureQueriesContext(connection) as queries:
        before = selectors.ballot_results(ballot=ballot, user=core["union_admin"])
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    ballot.refresh_from_db()
    assert ballot.sealed_at is None
    assert before.turnout == VOTERS
    services.ballots_tick()
    ballot.refresh_from_db()
    assert ballot.sealed_at is not None
    assert linked_by_row_order(ballot) != truth
    after = selectors.ballot_results(ballot=ballot, user=core["union_admin"])
    assert [(o.votes, o.elected) for o in after.options] == [
        (o.votes, o.elected) for o in before.options
    ]


def test_the_attack_works_on_an_unsealed_ballot(core, make_ballot):
    """The test above can fail: without the seal, row order gives every choice away."""
    ballot, truth = cast_in_a_known_order(core, make_ballot)
    assert linked_by_row_order(ballot) == truth
