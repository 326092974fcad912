"""The rule function and the tally, with plain values (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionhome.ballots import counting as c


def passed(rule, eligible, cast, approve):
    return c.judge(rule, eligible=eligible, cast=cast, approve=approve).passed


# --- collective-contract rule boundaries ------------------------------------------------------


def test_contract_exactly_two_thirds_attending_is_enough():
    # 9 eligible, 6 take part (exactly 2/3), 5 approve (>= 4.5).
    verdict = c.judge(c.COLLECTIVE_CONTRACT, eligible=9, cast=6, approve=5)
    assert verdict.passed
    turnout, approval = verdict.conditions
    assert turnout.code == c.TURNOUT_TWO_THIRDS_OF_ELIGIBLE and turnout.met and turnout.needed == 6
    assert approval.code == c.APPROVE_HALF_OF_ELIGIBLE and approval.needed == 5


def test_contract_one_short_of_two_thirds_attending_fails_even_if_all_approve():
    # 9 eligible, 5 take part (< 2/3) and all 5 approve: more than half of all, but quorum fails.
    verdict = c.judge(c.COLLECTIVE_CONTRACT, eligible=9, cast=5, approve=5)
    assert not verdict.passed
    assert [cond.met for cond in verdict.conditions] == [False, True]


def test_contract_exactly_half_of_all_approving_is_enough():
    """Collective Contract Provisions art. 36 "半数以上同意" with Civil Code art. 1259 ("以上"
    includes the number itself): exactly half of ALL approving passes, one fewer fails."""
    verdict = c.judge(c.COLLECTIVE_CONTRACT, eligible=10, cast=10, approve=5)
    assert verdict.passed
    assert [cond.met for cond in verdict.conditions] == [True, True]
    assert verdict.conditions[1].needed == 5
    assert not passed(c.COLLECTIVE_CONTRACT, 10, 10, 4)
    # Odd electorate: half of 9 is 4.5, so 5 are needed and 4 are not enough.
    assert passed(c.COLLECTIVE_CONTRACT, 9, 9, 5)
    assert not passed(c.COLLECTIVE_CONTRACT, 9, 9, 4)


def test_contract_exactly_two_thirds_and_exactly_half_together_pass():
    # 6 eligible: 4 attend (exactly 2/3), 3 approve (exactly half of all).
    assert passed(c.COLLECTIVE_CONTRACT, 6, 4, 3)
    assert not passed(c.COLLECTIVE_CONTRACT, 6, 3, 3)
    assert not passed(c.COLLECTIVE_CONTRACT, 6, 4, 2)


def test_contract_with_nobody_eligible_does_not_pass():
    assert not passed(c.COLLECTIVE_CONTRACT, 0, 0, 0)


@given(st.integers(0, 300), st.data())
def test_contract_rule_is_the_integer_inequalities(total, data):
    attended = data.draw(st.integers(0, total))
    yes = data.draw(st.integers(0, attended))
    expected = total > 0 and 3 * attended >= 2 * total and 2 * yes >= total
    assert passed(c.COLLECTIVE_CONTRACT, total, attended, yes) == expected


def test_contract_counts_approval_against_all_eligible_not_votes_cast():
    # 12 eligible, 8 take part (2/3), 5 approve: 62.5 % of votes cast but under half of all.
    assert not passed(c.COLLECTIVE_CONTRACT, 12, 8, 5)
    assert passed(c.COLLECTIVE_CONTRACT, 12, 8, 6)
    # Simple majority of votes cast would have passed it.
    assert passed(c.SIMPLE_MAJORITY, 12, 8, 5)


def test_abstention_counts_as_taking_part_but_not_approval():
    # 6 eligible; 2 yes, 2 abstain: 4 take part (2/3) but 2 approvals are not > 3.
    outcome = c.decide(
        kind=c.YES_NO,
        rule=c.COLLECTIVE_CONTRACT,
        eligible=6,
        cast=4,
        counts={"yes": 2, "no": 0, "abstain": 2},
        options=["yes", "no", "abstain"],
        yes="yes",
    )
    assert not outcome.passed
    assert [cond.met for cond in outcome.verdict.conditions] == [True, False]


# --- the other rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cast", "approve", "expected"),
    [(10, 5, False), (10, 6, True), (9, 5, True), (1, 1, True), (0, 0, False), (3, 1, False)],
)
def test_simple_majority(cast, approve, expected):
    assert passed(c.SIMPLE_MAJORITY, 100, cast, approve) is expected


@pytest.mark.parametrize(
    ("eligible", "approve", "expected"),
    [(10, 5, False), (10, 6, True), (11, 6, True), (0, 0, False)],
)
def test_absolute_majority(eligible, approve, expected):
    assert passed(c.ABSOLUTE_MAJORITY, eligible, approve, approve) is expected


@pytest.mark.parametrize(
    ("cast", "approve", "expected"),
    [(9, 6, True), (9, 5, False), (10, 7, True), (10, 6, False), (3, 2, True), (0, 0, False)],
)
def test_two_thirds_of_votes_cast(cast, approve, expected):
    assert passed(c.TWO_THIRDS, 100, cast, approve) is expected


def test_bad_numbers_are_refused():
    with pytest.raises(ValueError):
        c.judge(c.SIMPLE_MAJORITY, eligible=3, cast=2, approve=3)
    with pytest.raises(ValueError):
        c.judge("plurality", eligible=3, cast=2, approve=1)


# --- choices and elections ------------------------------------------------------------------


def test_single_choice_winner_needs_the_rule():
    outcome = c.decide(
        kind=c.SINGLE_CHOICE,
        rule=c.SIMPLE_MAJORITY,
        eligible=10,
        cast=9,
        counts={"a": 5, "b": 4},
        options=["a", "b"],
    )
    assert outcome.passed and outcome.winners == ("a",)
    split = c.decide(
        kind=c.SINGLE_CHOICE,
        rule=c.SIMPLE_MAJORITY,
        eligible=10,
        cast=9,
        counts={"a": 4, "b": 3, "c": 2},
        options=["a", "b", "c"],
    )
    assert not split.passed and split.winners == ()


def test_election_fills_seats_by_votes_and_leaves_a_tie_unfilled():
    common = {"kind": c.ELECTION, "rule": c.SIMPLE_MAJORITY, "eligible": 10, "cast": 10}
    outcome = c.decide(
        counts={"a": 9, "b": 7, "c": 6, "d": 2}, options=["a", "b", "c", "d"], seats=2, **common
    )
    assert outcome.passed and outcome.winners == ("a", "b")
    tie = c.decide(
        counts={"a": 9, "b": 7, "c": 7, "d": 2}, options=["a", "b", "c", "d"], seats=2, **common
    )
    assert not tie.passed
    assert tie.winners == ("a",) and tie.tied == ("b", "c")


def test_multiple_choice_adopts_every_option_meeting_the_rule():
    outcome = c.decide(
        kind=c.MULTIPLE_CHOICE,
        rule=c.SIMPLE_MAJORITY,
        eligible=10,
        cast=10,
        counts={"a": 8, "b": 6, "c": 5},
        options=["a", "b", "c"],
    )
    assert outcome.passed and set(outcome.winners) == {"a", "b"}


# --- properties -----------------------------------------------------------------------------

YES_NO_CHOICES = st.lists(st.sampled_from(["yes", "no", "abstain"]), max_size=300)


@given(YES_NO_CHOICES)
def test_yes_no_counts_always_equal_the_number_of_voters(choices):
    counts, cast = c.tally([choice] for choice in choices)
    assert cast == len(choices)
    assert sum(counts.values()) == len(choices)
    assert counts["yes"] == choices.count("yes")


@given(st.lists(st.sets(st.integers(0, 6), min_size=1, max_size=3), max_size=200))
def test_multiple_choice_counts_each_option_once_per_paper(papers):
    counts, cast = c.tally(papers)
    assert cast == len(papers)
    assert sum(counts.values()) == sum(len(p) for p in papers)
    assert all(counts[option] <= cast for option in counts)


@st.composite
def numbers(draw):
    eligible = draw(st.integers(0, 500))
    cast = draw(st.integers(0, eligible))
    approve = draw(st.integers(0, cast))
    return eligible, cast, approve


@given(numbers(), st.sampled_from(c.RULES))
def test_one_more_yes_vote_never_turns_a_pass_into_a_fail(nums, rule):
    eligible, cast, approve = nums
    if cast == eligible:
        eligible += 1
    before = passed(rule, eligible, cast, approve)
    after = passed(rule, eligible, cast + 1, approve + 1)
    assert after or not before


@given(numbers())
def test_contract_rule_matches_its_definition_in_fractions(nums):
    from fractions import Fraction

    eligible, cast, approve = nums
    expected = (
        eligible > 0
        and Fraction(cast, eligible) >= Fraction(2, 3)
        # "半数以上" includes half itself (Civil Code art. 1259).
        and Fraction(approve, eligible) >= Fraction(1, 2)
    )
    assert passed(c.COLLECTIVE_CONTRACT, eligible, cast, approve) is expected


@given(numbers())
def test_contract_rule_is_looser_than_absolute_majority_only_at_exactly_half(nums):
    """CCP art. 36 says "半数以上" (at least half, Civil Code art. 1259), not "过半数": the one
    case it passes where an absolute majority fails is approval by exactly half of all."""
    eligible, cast, approve = nums
    if passed(c.COLLECTIVE_CONTRACT, eligible, cast, approve):
        assert passed(c.ABSOLUTE_MAJORITY, eligible, cast, approve) or 2 * approve == eligible
