"""What the tables of a closed ballot hold: nothing that joins a choice back to a voter."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models

from tests.ballots.conftest import close, option_id
from unionhome.ballots import services
from unionhome.ballots.models import BallotMark, BallotPaper, BallotParticipation

pytestmark = pytest.mark.django_db


def columns(model) -> set[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name for column in description}


def test_choice_tables_hold_no_voter_no_time_no_sequence(core, make_ballot):
    ballot = make_ballot()
    for rider, meaning in zip(core["riders"], ["yes", "no", "yes", "abstain"], strict=False):
        services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, meaning)])
    close(ballot)
    # The only columns of the secret side: random keys, the ballot and the option.
    assert columns(BallotPaper) == {"id", "ballot_id"}
    assert columns(BallotMark) == {"id", "paper_id", "ballot_id", "option_id"}
    # Who voted (a member, or a worker of a roster voting by SMS code): no time, no option,
    # no paper.
    assert columns(BallotParticipation) == {"id", "ballot_id", "user_id", "voter_id", "receipt"}
    user_model = get_user_model()
    for model in (BallotPaper, BallotMark):
        for field in model._meta.get_fields():
            assert getattr(field, "related_model", None) is not user_model
            assert not isinstance(field, models.DateTimeField | models.DateField)
    # Keys are random UUIDs (version 4): their order says nothing about casting order.
    for model in (BallotPaper, BallotMark, BallotParticipation):
        pks = list(model.objects.values_list("pk", flat=True))
        assert len(pks) == 4
        assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk in pks)


def test_no_column_of_the_participation_appears_on_the_secret_side(core, make_ballot):
    ballot = make_ballot()
    receipt = services.ballot_cast(
        ballot=ballot, user=core["riders"][0], option_ids=[option_id(ballot, "no")]
    )
    participation = BallotParticipation.objects.get(ballot=ballot)
    paper = BallotPaper.objects.get(ballot=ballot)
    mark = BallotMark.objects.get(ballot=ballot)
    secret_values = {str(v) for v in (paper.pk, mark.pk, mark.paper_id, mark.option_id)}
    for value in (participation.pk, receipt):
        assert str(value) not in secret_values
    assert participation.pk != paper.pk
