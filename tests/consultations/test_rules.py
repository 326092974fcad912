"""The pure state and flag rules (Labour Contract Law art. 4)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bargaining.consultations import rules

SH = rules.SHANGHAI
OPENS = dt.datetime(2026, 3, 2, 9, tzinfo=SH)
CLOSES = dt.datetime(2026, 3, 12, 18, tzinfo=SH)


def state(now, answered=None, opens=OPENS, closes=CLOSES):
    return rules.status(opens_at=opens, closes_at=closes, answered_at=answered, now=now)


def test_status_boundaries():
    assert state(OPENS - dt.timedelta(seconds=1)) == "draft"
    assert state(OPENS, opens=None, closes=None) == "draft"
    assert state(OPENS) == "open"
    assert state(CLOSES - dt.timedelta(seconds=1)) == "open"
    assert state(CLOSES) == "closed"
    assert state(OPENS, answered=CLOSES) == "answered"


def test_flag_no_consultation():
    flag = rules.democratic_flag(opens_at=None, closes_at=None, effective_on=dt.date(2026, 4, 1))
    assert flag == rules.NO_CONSULTATION


def test_flag_before_close_boundary():
    # Closes 12 March 18:00: effective on 12 March is before the close, 13 March is not.
    def flag(day):
        return rules.democratic_flag(opens_at=OPENS, closes_at=CLOSES, effective_on=day)

    assert flag(dt.date(2026, 3, 12)) == rules.BEFORE_CLOSE
    assert flag(dt.date(2026, 3, 13)) is None
    # A close at midnight: effective that very day is not before it.
    midnight = dt.datetime(2026, 3, 13, 0, tzinfo=SH)
    assert (
        rules.democratic_flag(opens_at=OPENS, closes_at=midnight, effective_on=dt.date(2026, 3, 13))
        is None
    )


def test_no_flag_while_not_in_effect():
    assert rules.democratic_flag(opens_at=None, closes_at=None, effective_on=None) is None


@given(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)))
def test_flag_matches_start_of_day_comparison(day):
    flag = rules.democratic_flag(opens_at=OPENS, closes_at=CLOSES, effective_on=day)
    assert (flag == rules.BEFORE_CLOSE) == (day <= CLOSES.date())
