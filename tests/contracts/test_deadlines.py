"""Statutory deadlines in Asia/Shanghai (pure functions)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bargaining.contracts import deadlines as d

UTC = dt.UTC
SH = ZoneInfo("Asia/Shanghai")


def test_local_date_uses_shanghai_not_utc():
    # 17:00 UTC on 1 March is 01:00 on 2 March in Shanghai.
    assert d.local_date(dt.datetime(2026, 3, 1, 17, 0, tzinfo=UTC)) == dt.date(2026, 3, 2)
    with pytest.raises(ValueError):
        d.local_date(dt.datetime(2026, 3, 1, 17, 0))


def test_filing_due_ten_days_after_signature():
    signed = dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 2 March 00:30 in Shanghai
    assert d.filing_due(signed) == dt.date(2026, 3, 12)
    assert not d.filing_overdue(signed, dt.datetime(2026, 3, 12, 23, 0, tzinfo=SH))
    assert d.filing_overdue(signed, dt.datetime(2026, 3, 13, 0, 1, tzinfo=SH))
    assert not d.filing_reminder_due(signed, dt.datetime(2026, 3, 8, 12, tzinfo=SH))
    assert d.filing_reminder_due(signed, dt.datetime(2026, 3, 9, 0, 0, tzinfo=SH))


def test_in_force_after_fifteen_days_without_objection():
    filed = dt.datetime(2026, 3, 10, 9, 0, tzinfo=SH)
    assert d.objection_due(filed) == dt.date(2026, 3, 25)
    assert d.effective_on(filed) == dt.date(2026, 3, 26)
    kwargs = {"objection_due_on": dt.date(2026, 3, 25), "renewal_opens": None, "expires": None}
    assert d.lifecycle_due(status="filed", today=dt.date(2026, 3, 25), **kwargs) is None
    assert d.lifecycle_due(status="filed", today=dt.date(2026, 3, 26), **kwargs) == "in_force"


def test_term_and_renewal_window():
    assert d.expires_on(dt.date(2026, 3, 26), 3) == dt.date(2029, 3, 25)
    assert d.expires_on(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 27)
    assert d.renewal_opens_on(dt.date(2029, 3, 25)) == dt.date(2028, 12, 26)
    assert d.renewal_opens_on(dt.date(2027, 5, 30)) == dt.date(2027, 2, 28)
    # Art. 38 says "generally" one to three years: 2.5 and (confirmed) 4 years are terms too;
    # zero and fractions of a month are not.
    assert d.expires_on(dt.date(2026, 1, 1), "2.5") == dt.date(2028, 6, 30)
    assert d.expires_on(dt.date(2026, 1, 1), 4) == dt.date(2029, 12, 31)
    for years in (0, "1.01"):
        with pytest.raises(ValueError):
            d.expires_on(dt.date(2026, 1, 1), years)


def test_objection_period_runs_from_receipt_and_ends_on_a_working_day():
    """Art. 47 (15 days from receipt) with Civil Code art. 203 (a last day of rest moves)."""
    assert d.objection_due_from(dt.date(2026, 3, 16)) == dt.date(2026, 3, 31)

    def weekend_moves(day):
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day

    # 15 days from 13 March 2026 is Saturday 28 March: the period ends on Monday 30.
    assert d.objection_due_from(dt.date(2026, 3, 13), weekend_moves) == dt.date(2026, 3, 30)
    assert d.objection_due_from(dt.date(2026, 3, 13)) == dt.date(2026, 3, 28)


def test_lifecycle_due_steps_through_expiring_to_expired():
    dates = {
        "objection_due_on": dt.date(2026, 3, 25),
        "renewal_opens": dt.date(2028, 12, 26),
        "expires": dt.date(2029, 3, 25),
    }
    assert d.lifecycle_due(status="in_force", today=dt.date(2028, 12, 25), **dates) is None
    assert d.lifecycle_due(status="in_force", today=dt.date(2028, 12, 26), **dates) == "expiring"
    assert d.lifecycle_due(status="expiring", today=dt.date(2029, 3, 25), **dates) is None
    assert d.lifecycle_due(status="expiring", today=dt.date(2029, 3, 26), **dates) == "expired"
    assert d.lifecycle_due(status="in_force", today=dt.date(2029, 3, 26), **dates) == "expired"
    assert d.lifecycle_due(status="signed", today=dt.date(2030, 1, 1), **dates) is None
