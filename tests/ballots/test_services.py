"""Casting, eligibility, freezing, results and receipts through the services."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ballots.conftest import close, option_id
from unionhome.ballots import selectors, services
from unionhome.ballots.models import (
    BallotElector,
    BallotMark,
    BallotPaper,
    BallotParticipation,
)
from unionhome.core import sms
from unionhome.core.errors import DomainError
from unionhome.membership.models import Membership

pytestmark = pytest.mark.django_db


def new_member(union, username):
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(
        user=user, union=union, status="active", full_name=username, phone="", id_number=""
    )
    return user


def test_cast_returns_receipt_and_records_vote_apart_from_voter(core, make_ballot):
    ballot = make_ballot()
    rider = core["riders"][0]
    receipt = services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, "yes")])
    assert len(receipt) == 19 and receipt.count("-") == 3
    assert BallotParticipation.objects.get(ballot=ballot).user == rider
    assert BallotPaper.objects.filter(ballot=ballot).count() == 1
    assert BallotMark.objects.get(ballot=ballot).option.meaning == "yes"
    assert selectors.ballot_receipt_of(ballot=ballot, user=rider) == receipt


def test_second_vote_is_refused_with_409(core, make_ballot):
    ballot = make_ballot()
    rider = core["riders"][0]
    services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, "yes")])
    with pytest.raises(DomainError) as err:
        services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, "no")])
    assert (err.value.status, err.value.code) == (409, services.ALREADY_VOTED)
    assert BallotPaper.objects.filter(ballot=ballot).count() == 1


def test_not_eligible_is_403(core, make_ballot):
    ballot = make_ballot()
    for outsider in (core["union_admin"], core["platform_side"][0], core["volunteers"][0]):
        with pytest.raises(DomainError) as err:
            services.ballot_cast(
                ballot=ballot, user=outsider, option_ids=[option_id(ballot, "yes")]
            )
        assert (err.value.status, err.value.code) == (403, services.NOT_ELIGIBLE)


def test_member_of_another_union_is_not_eligible(core, make_ballot):
    ballot = make_ballot()
    other = new_member(core["regional"], "other-union-rider")
    with pytest.raises(DomainError) as err:
        services.ballot_cast(ballot=ballot, user=other, option_ids=[option_id(ballot, "yes")])
    assert err.value.status == 403


def test_before_opening_and_after_closing_are_409(core, make_ballot, now):
    rider = core["riders"][0]
    early = make_ballot(opens_at=now + dt.timedelta(hours=1))
    with pytest.raises(DomainError) as err:
        services.ballot_cast(ballot=early, user=rider, option_ids=[option_id(early, "yes")])
    assert (err.value.status, err.value.code) == (409, services.BALLOT_NOT_OPEN)
    late = close(make_ballot())
    with pytest.raises(DomainError) as err:
        services.ballot_cast(ballot=late, user=rider, option_ids=[option_id(late, "yes")])
    assert (err.value.status, err.value.code) == (409, services.BALLOT_CLOSED)


def test_bad_choices_are_422(core, make_ballot):
    rider = core["riders"][0]
    ballot = make_ballot()
    other = make_ballot(title="Other")
    cases = [
        ([option_id(other, "yes")], services.UNKNOWN_OPTION),
        ([], services.NO_OPTION),
        ([option_id(ballot, "yes"), option_id(ballot, "no")], services.TOO_MANY_OPTIONS),
        (["x"], services.UNKNOWN_OPTION),
    ]
    for option_ids, code in cases:
        with pytest.raises(DomainError) as err:
            services.ballot_cast(ballot=ballot, user=rider, option_ids=option_ids)
        assert (err.value.status, err.value.code) == (422, code)
    assert not BallotParticipation.objects.filter(ballot=ballot).exists()


def test_multiple_choice_respects_its_maximum(core, make_ballot):
    ballot = make_ballot(kind="multiple_choice", options=["A", "B", "C"], max_choices=2)
    a, b, c = ballot.options.values_list("id", flat=True)
    rider1, rider2 = core["riders"][:2]
    with pytest.raises(DomainError) as err:
        services.ballot_cast(ballot=ballot, user=rider1, option_ids=[a, b, c])
    assert err.value.code == services.TOO_MANY_OPTIONS
    with pytest.raises(DomainError) as err:
        services.ballot_cast(ballot=ballot, user=rider1, option_ids=[a, a])
    assert err.value.code == services.DUPLICATE_OPTION
    services.ballot_cast(ballot=ballot, user=rider1, option_ids=[a, b])
    services.ballot_cast(ballot=ballot, user=rider2, option_ids=[b])
    counts, cast = selectors.ballot_tally(ballot=ballot)
    assert cast == 2 and counts == {a: 1, b: 2}


def test_eligibility_is_frozen_at_opening_late_joiners_cannot_vote(core, make_ballot):
    ballot = make_ballot()
    services.ballot_open(ballot=ballot)
    assert ballot.eligible_count == 5
    late = new_member(core["union"], "late-joiner")
    with pytest.raises(DomainError) as err:
        services.ballot_cast(ballot=ballot, user=late, option_ids=[option_id(ballot, "yes")])
    assert err.value.status == 403
    ballot.refresh_from_db()
    assert ballot.eligible_count == 5


def test_first_vote_freezes_the_electorate_once(core, make_ballot):
    ballot = make_ballot()
    assert ballot.frozen_at is None
    services.ballot_cast(
        ballot=ballot, user=core["riders"][0], option_ids=[option_id(ballot, "yes")]
    )
    ballot.refresh_from_db()
    frozen_at = ballot.frozen_at
    assert frozen_at is not None and ballot.eligible_count == 5
    services.ballot_open(ballot=ballot)
    services.ballot_open(ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.frozen_at == frozen_at
    assert BallotElector.objects.filter(ballot=ballot).count() == 5


def test_subunions_electorate_includes_members_below(core, make_ballot):
    district = core["district"]
    new_member(core["regional"], "regional-rider")
    with_sub = make_ballot(union=district, electorate="members_subunions")
    services.ballot_open(ballot=with_sub)
    assert with_sub.eligible_count == 6
    only_district = make_ballot(union=district, electorate="members")
    services.ballot_open(ballot=only_district)
    assert only_district.eligible_count == 0


def test_congress_electorate_is_the_staff_list(core, make_ballot):
    union = core["union"]
    rep = core["riders"][2]
    services.congress_representative_add(union=union, user=rep)
    ballot = make_ballot(electorate="congress")
    services.ballot_open(ballot=ballot)
    assert ballot.eligible_count == 1
    services.ballot_cast(ballot=ballot, user=rep, option_ids=[option_id(ballot, "yes")])
    with pytest.raises(DomainError) as err:
        services.ballot_cast(
            ballot=ballot, user=core["riders"][0], option_ids=[option_id(ballot, "yes")]
        )
    assert err.value.status == 403


def test_open_before_time_is_refused(make_ballot, now):
    ballot = make_ballot(opens_at=now + dt.timedelta(hours=2))
    with pytest.raises(DomainError) as err:
        services.ballot_open(ballot=ballot)
    assert err.value.code == services.BALLOT_NOT_OPEN


def test_options_of_an_open_ballot_cannot_change(make_ballot, now):
    future = make_ballot(kind="single_choice", options=["A", "B"], opens_at=now + dt.timedelta(1))
    services.ballot_set_options(ballot=future, labels=["A", "B", "C"])
    assert future.options.count() == 3
    running = make_ballot(kind="single_choice", options=["A", "B"])
    with pytest.raises(DomainError) as err:
        services.ballot_set_options(ballot=running, labels=["A", "C"])
    assert (err.value.status, err.value.code) == (409, services.OPTIONS_LOCKED)
    assert list(running.options.values_list("label", flat=True)) == ["A", "B"]


def test_bad_times_and_too_few_options_are_refused(make_ballot, now):
    with pytest.raises(DomainError) as err:
        make_ballot(closes_at=now - dt.timedelta(days=1))
    assert err.value.code == services.BAD_TIMES
    with pytest.raises(DomainError) as err:
        make_ballot(kind="election", options=["Only one"])
    assert err.value.code == services.TOO_FEW_OPTIONS


def cast_all(ballot, riders, meanings):
    for rider, meaning in zip(riders, meanings, strict=False):
        services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, meaning)])


def seat_congress(core):
    for rider in core["riders"]:
        services.congress_representative_add(union=core["union"], user=rider)


def test_ratification_ballot_passes_by_collective_contract_rule(core, now):
    seat_congress(core)
    ballot = services.ballot_create_ratification(
        union=core["union"],
        title="Ratify the 2026 collective contract",
        description_html="<p>Draft</p>",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
        source_label="Bargaining case 1",
        electorate="congress",
    )
    assert (ballot.kind, ballot.rule) == ("yes_no", "collective_contract")
    assert selectors.ballot_result_passed(ballot=ballot) is None
    # 5 eligible: 4 take part (>= 2/3 = 3.33), 3 approve (> 2.5).
    cast_all(ballot, core["riders"], ["yes", "yes", "yes", "abstain"])
    close(ballot)
    assert selectors.ballot_result_passed(ballot=ballot) is True


def test_ratification_fails_when_half_of_all_do_not_approve(core, now):
    seat_congress(core)
    ballot = services.ballot_create_ratification(
        union=core["union"],
        title="Ratify",
        description_html="",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
        source_label="",
        electorate="congress",
    )
    # 5 eligible, all 5 take part, 2 yes + 2 abstain + 1 no: 2 is less than half of 5.
    cast_all(ballot, core["riders"], ["yes", "yes", "abstain", "abstain", "no"])
    close(ballot)
    assert selectors.ballot_result_passed(ballot=ballot) is False
    results = selectors.ballot_results(ballot=ballot, user=core["riders"][0])
    assert results.turnout == 5 and results.eligible_count == 5
    assert sum(o.votes for o in results.options) == 5
    assert any("2" in line and "5" in line for line in results.reasons)


def test_results_before_close_members_403_staff_turnout_only(core, make_ballot):
    ballot = make_ballot()
    cast_all(ballot, core["riders"], ["yes", "no"])
    with pytest.raises(DomainError) as err:
        selectors.ballot_results(ballot=ballot, user=core["riders"][0])
    assert (err.value.status, err.value.code) == (403, selectors.RESULTS_NOT_PUBLISHED)
    staff_view = selectors.ballot_results(ballot=ballot, user=core["union_admin"])
    assert staff_view.turnout == 2 and staff_view.eligible_count == 5
    assert staff_view.options is None and staff_view.passed is None


def test_receipts_published_after_close_and_total_matches_count(core, make_ballot):
    ballot = make_ballot()
    receipts = []
    for rider, meaning in zip(core["riders"], ["yes", "no", "yes"], strict=False):
        receipts.append(
            services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, meaning)])
        )
    with pytest.raises(DomainError):
        selectors.ballot_receipts(ballot=ballot, user=core["riders"][0])
    close(ballot)
    published = selectors.ballot_receipts(ballot=ballot, user=core["riders"][0])
    assert sorted(receipts) == published
    counts, cast = selectors.ballot_tally(ballot=ballot)
    assert len(published) == cast == sum(counts.values())


def test_staff_see_who_voted_never_how(core, make_ballot):
    ballot = make_ballot()
    cast_all(ballot, core["riders"], ["yes", "no"])
    voters = selectors.ballot_voters(ballot=ballot, user=core["union_admin"])
    assert [v.username for v in voters] == ["rider1", "rider2"]
    with pytest.raises(DomainError) as err:
        selectors.ballot_voters(ballot=ballot, user=core["riders"][0])
    assert err.value.status == 403


def test_visibility_by_role(core, make_ballot):
    ballot = make_ballot()
    rider = core["riders"][0]
    for user in (rider, core["union_admin"], core["admin"]):
        assert selectors.ballot_get_for_user(user=user, ballot_id=ballot.pk) == ballot
    for user in (
        core["platform_side"][0],
        core["volunteers"][0],
        new_member(core["regional"], "x"),
    ):
        with pytest.raises(DomainError) as err:
            selectors.ballot_get_for_user(user=user, ballot_id=ballot.pk)
        assert err.value.status == 404


def test_member_ballots_lists_open_first(core, make_ballot, now):
    closed = close(make_ballot(title="Old"))
    upcoming = make_ballot(
        title="Next", opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=3)
    )
    open_ = make_ballot(title="Now")
    rows = selectors.member_ballots(user=core["riders"][0])
    assert [r.ballot for r in rows] == [open_, upcoming, closed]
    assert rows[0].can_vote and not rows[1].can_vote


def test_tick_opens_due_ballots_and_sends_notices_once(
    core, make_ballot, now, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    ballot = make_ballot(closes_at=now + dt.timedelta(hours=12))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.ballots_tick()
    assert result == {"opened": 1, "reminded": 1}
    ballot.refresh_from_db()
    assert ballot.eligible_count == 5 and ballot.opened_notice_sent
    # Five opening notices and five reminders, to the riders' phones.
    assert len(sms.outbox) == 10
    assert {phone for phone, _ in sms.outbox} == {f"+861380013800{i}" for i in range(1, 6)}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.ballots_tick() == {"opened": 0, "reminded": 0}
    assert len(sms.outbox) == 10


def test_tally_is_one_grouped_query(core, make_ballot):
    ballot = make_ballot()
    cast_all(ballot, core["riders"], ["yes", "no", "yes"])
    with CaptureQueriesContext(connection) as queries:
        selectors.ballot_tally(ballot=ballot)
    assert len(queries) == 2


def test_awaiting_vote_count_and_tick_command(core, make_ballot):
    from io import StringIO

    from django.core.management import call_command

    rider = core["riders"][0]
    ballot = make_ballot()
    make_ballot(title="Second")

    def awaiting(user):
        return sum(1 for row in selectors.member_ballots(user=user) if row.can_vote)

    assert awaiting(rider) == 2
    services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, "yes")])
    assert awaiting(rider) == 1
    assert awaiting(core["platform_side"][0]) == 0
    out = StringIO()
    call_command("ballots_tick", stdout=out)
    assert out.getvalue().strip() == "opened=1 reminded=0"


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    choices=st.lists(
        st.one_of(st.none(), st.sampled_from(["yes", "no", "abstain"])), min_size=5, max_size=5
    )
)
def test_stored_counts_always_equal_the_number_of_voters(core, make_ballot, choices):
    """Whatever subset of members votes, and however: papers = participations = receipts =
    the sum of the counts, and each count matches what was cast."""
    for rider in core["riders"]:
        services.congress_representative_add(union=core["union"], user=rider)
    ballot = make_ballot(rule="collective_contract", electorate="congress")
    for rider, meaning in zip(core["riders"], choices, strict=True):
        if meaning is not None:
            services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, meaning)])
    voters = sum(1 for meaning in choices if meaning is not None)
    close(ballot)
    results = selectors.ballot_results(ballot=ballot, user=core["riders"][0])
    assert results.turnout == voters == sum(o.votes for o in results.options)
    assert len(selectors.ballot_receipts(ballot=ballot, user=core["riders"][0])) == voters
    assert BallotParticipation.objects.filter(ballot=ballot).count() == voters
    by_meaning = {o.meaning: o.pk for o in ballot.options.all()}
    for meaning in ("yes", "no", "abstain"):
        assert results.counts[str(by_meaning[meaning])] == choices.count(meaning)
    # Collective Contract Provisions art. 36: 2/3 of 5 attend, at least half of 5 approve.
    assert results.passed is (voters * 3 >= 10 and choices.count("yes") * 2 >= 5)
