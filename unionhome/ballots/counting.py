"""Counting and the pass/fail rules: pure Python, no Django, so it is tested with plain values.

Every comparison is done in integers (``approve * 2 > base``), never with floats, so the
boundaries ("exactly two thirds", "exactly half") are exact.

The rules:

- ``simple_majority``: more than half of the votes cast approve.
- ``absolute_majority``: more than half of ALL eligible voters approve.
- ``two_thirds``: at least two thirds of the votes cast approve.
- ``collective_contract`` (Collective Contract Provisions 2004, art. 36: "应有三分之二以上职工
  代表或者职工出席，且须经全体职工代表半数以上或者全体职工半数以上同意"): at least two thirds
  of ALL eligible take part, AND at least half of ALL eligible approve. "以上" includes the
  number itself (Civil Code art. 1259), and art. 36 says "半数以上", not "过半数": exactly
  two thirds attending and exactly half approving both suffice
  (3 * attended >= 2 * total, 2 * yes >= total).

Abstentions count as votes cast (taking part) but never as approval.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

SIMPLE_MAJORITY = "simple_majority"
ABSOLUTE_MAJORITY = "absolute_majority"
TWO_THIRDS = "two_thirds"
COLLECTIVE_CONTRACT = "collective_contract"
RULES = (SIMPLE_MAJORITY, ABSOLUTE_MAJORITY, TWO_THIRDS, COLLECTIVE_CONTRACT)

YES_NO = "yes_no"
SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
ELECTION = "election"

# Reason codes (the Django layer turns them into sentences).
APPROVE_OVER_HALF_OF_CAST = "approve_over_half_of_cast"
APPROVE_OVER_HALF_OF_ELIGIBLE = "approve_over_half_of_eligible"
APPROVE_TWO_THIRDS_OF_CAST = "approve_two_thirds_of_cast"
TURNOUT_TWO_THIRDS_OF_ELIGIBLE = "turnout_two_thirds_of_eligible"
APPROVE_HALF_OF_ELIGIBLE = "approve_half_of_eligible"


@dataclass(frozen=True)
class Condition:
    """One test of a rule: ``value`` had to reach ``needed`` (out of ``base``)."""

    code: str
    met: bool
    value: int
    needed: int
    base: int


@dataclass(frozen=True)
class Verdict:
    rule: str
    passed: bool
    conditions: tuple[Condition, ...]


def _more_than_half(code: str, value: int, base: int) -> Condition:
    # Exactly half is not more than half.
    return Condition(code, value * 2 > base, value, base // 2 + 1, base)


def _at_least_half(code: str, value: int, base: int) -> Condition:
    # Collective Contract Provisions art. 36 "半数以上" + Civil Code art. 1259: exactly half
    # is enough.
    return Condition(code, value * 2 >= base, value, -(-base // 2), base)


def _at_least_two_thirds(code: str, value: int, base: int) -> Condition:
    needed = -(-2 * base // 3)  # ceil(2 * base / 3)
    return Condition(code, value * 3 >= base * 2, value, needed, base)


def judge(rule: str, *, eligible: int, cast: int, approve: int) -> Verdict:
    """Apply one rule to the numbers of eligible voters, votes cast and approvals."""
    if min(eligible, cast, approve) < 0 or approve > cast:
        raise ValueError("counts must be non-negative and approvals cannot exceed votes cast")
    if rule == SIMPLE_MAJORITY:
        conditions = (_more_than_half(APPROVE_OVER_HALF_OF_CAST, approve, cast),)
    elif rule == ABSOLUTE_MAJORITY:
        conditions = (_more_than_half(APPROVE_OVER_HALF_OF_ELIGIBLE, approve, eligible),)
    elif rule == TWO_THIRDS:
        condition = _at_least_two_thirds(APPROVE_TWO_THIRDS_OF_CAST, approve, cast)
        if cast == 0:
            # Two thirds of nothing is nothing: a ballot nobody voted in does not pass.
            condition = Condition(condition.code, False, 0, 1, 0)
        conditions = (condition,)
    elif rule == COLLECTIVE_CONTRACT:
        conditions = (
            _at_least_two_thirds(TURNOUT_TWO_THIRDS_OF_ELIGIBLE, cast, eligible),
            _at_least_half(APPROVE_HALF_OF_ELIGIBLE, approve, eligible),
        )
        if eligible == 0:
            # Nobody to ratify: an empty electorate never adopts a contract.
            conditions = tuple(Condition(c.code, False, 0, 1, 0) for c in conditions)
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return Verdict(rule, all(c.met for c in conditions), conditions)


def tally(papers: Iterable[Iterable[Hashable]]) -> tuple[Counter, int]:
    """Count marks per option and the number of papers (votes cast)."""
    counts: Counter = Counter()
    cast = 0
    for marks in papers:
        cast += 1
        counts.update(set(marks))
    return counts, cast


@dataclass(frozen=True)
class Outcome:
    kind: str
    rule: str
    eligible: int
    cast: int
    counts: Mapping[Hashable, int]
    passed: bool
    # yes/no: the verdict on "yes"; otherwise one verdict per option.
    verdict: Verdict | None = None
    option_verdicts: Mapping[Hashable, Verdict] = field(default_factory=dict)
    winners: tuple[Hashable, ...] = ()
    # Seats left unfilled because candidates tied at the cut-off.
    tied: tuple[Hashable, ...] = ()


def decide(
    *,
    kind: str,
    rule: str,
    eligible: int,
    cast: int,
    counts: Mapping[Hashable, int],
    options: Sequence[Hashable],
    yes: Hashable | None = None,
    seats: int = 1,
) -> Outcome:
    """Judge a closed ballot.

    yes/no: passes when "yes" meets the rule. single choice: the option meeting the rule wins.
    multiple choice: every option meeting the rule is adopted; passes if one is. election: the
    candidates meeting the rule are elected by most votes, up to ``seats``; a tie at the last
    seat leaves it unfilled; passes when every seat is filled.
    """
    counts = {key: int(counts.get(key, 0)) for key in options}
    if kind == YES_NO:
        verdict = judge(rule, eligible=eligible, cast=cast, approve=counts.get(yes, 0))
        return Outcome(kind, rule, eligible, cast, counts, verdict.passed, verdict=verdict)

    verdicts = {
        key: judge(rule, eligible=eligible, cast=cast, approve=counts[key]) for key in options
    }
    places = {SINGLE_CHOICE: 1, ELECTION: seats}.get(kind, len(options))
    winners: list = []
    tied: tuple = ()
    # Options meeting the rule, in groups of equal votes, most votes first.
    carrying_counts = sorted({counts[key] for key in options if verdicts[key].passed}, reverse=True)
    for votes in carrying_counts:
        group = [key for key in options if verdicts[key].passed and counts[key] == votes]
        if len(winners) + len(group) > places:
            if len(winners) < places:
                tied = tuple(group)
            break
        winners.extend(group)
    if kind == MULTIPLE_CHOICE:
        passed = bool(winners)
    else:
        passed = len(winners) == places
    return Outcome(
        kind,
        rule,
        eligible,
        cast,
        counts,
        passed,
        option_verdicts=verdicts,
        winners=tuple(winners),
        tied=tied,
    )
