import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bargaining import statutory as s

D = Decimal


def codes(findings):
    return [(f.code, f.severity) for f in findings]


def test_piece_rate_boundary():
    # 25.00 yuan/hour minimum; 3 orders an hour.
    assert s.check_piece_rate(D("8.34"), D("3"), D("25")) == []
    assert s.check_piece_rate(D("8.33"), D("3"), D("25"))[0].code == "below_hourly_minimum"
    assert codes(s.check_piece_rate(D("9"), None, D("25"))) == [
        ("expected_pace_unknown", "warning")
    ]
    assert codes(s.check_piece_rate(D("9"), D("3"), None)) == [("minimum_wage_unknown", "warning")]


def test_hourly_and_monthly_boundaries():
    assert s.check_hourly_pay(D("25.00"), D("25.00")) == []
    assert s.breaks_floor(s.check_hourly_pay(D("24.99"), D("25.00")))
    assert s.check_monthly_pay(D("2740"), D("2740")) == []
    assert s.breaks_floor(s.check_monthly_pay(D("2739.99"), D("2740")))


def test_labour_law_art_44_multiples():
    for kind, floor in (
        ("overtime_multiple", 150),
        ("rest_day_multiple", 200),
        ("holiday_multiple", 300),
    ):
        assert s.check(kind, str(floor), s.Floors()) == []
        finding = s.check(kind, str(floor - 1), s.Floors())
        assert finding[0].code == "below_statutory_multiple"
        assert finding[0].basis == "Labour Law art. 44"


def test_break_after_four_hours():
    assert s.check("break_minutes", "20", s.Floors()) == []
    assert s.check("break_minutes", "19.99", s.Floors())[0].code == "break_too_short"


def test_insurance_subsidy_cap():
    assert s.check("insurance_subsidy", "100", s.Floors()) == []
    assert s.check("insurance_subsidy", "100.01", s.Floors())[0].code == "subsidy_above_cap"


def test_feasible_quota_is_the_10th_percentile_worker_in_legal_hours():
    sample = [D(v) for v in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    # 9 of 10 workers must reach it: the second slowest (2/h) x 8 h.
    assert s.feasible_quota(sample) == D("16")
    assert s.check_quota(D("16"), sample) == []
    assert s.check_quota(D("16.01"), sample)[0].code == "quota_not_feasible"
    assert codes(s.check_quota(D("1"), [])) == [("throughput_sample_missing", "warning")]


@given(st.lists(st.decimals(min_value=0, max_value=1000, places=2), min_size=1, max_size=60))
def test_feasible_quota_properties(sample):
    quota = s.feasible_quota(sample)
    hours = s.LEGAL_DAILY_HOURS
    reach = sum(1 for v in sample if v * hours >= quota)
    # At least 90 % reach it ...
    assert reach * 10 >= 9 * len(sample)
    # ... and it is the largest such: any larger sampled pace leaves fewer than 90 %.
    for v in set(sample):
        if v * hours > quota:
            assert sum(1 for w in sample if w >= v) * 10 < 9 * len(sample)


@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=D("0.5"), max_value=20, places=1),
    st.decimals(min_value=1, max_value=100, places=2),
)
def test_piece_rate_breaks_exactly_below_the_minimum(rate, pace, minimum):
    broken = s.breaks_floor(s.check_piece_rate(rate, pace, minimum))
    assert broken == (rate * pace < minimum)


@given(st.decimals(min_value=0, max_value=1000, places=2))
def test_text_and_boolean_values_have_no_floor(amount):
    assert s.check("insurance_subsidy", True, s.Floors()) == []
    assert s.check("insurance_subsidy", "free text", s.Floors()) == []
    assert s.breaks_floor(s.check("insurance_subsidy", str(amount), s.Floors())) == (amount > 100)


def test_request_deadline_is_end_of_20th_day_in_shanghai():
    # 2026-03-01 17:00 UTC is already 2026-03-02 01:00 in Shanghai.
    requested = dt.datetime(2026, 3, 1, 17, 0, tzinfo=dt.UTC)
    due = s.request_answer_deadline(requested)
    assert due.tzinfo == s.SHANGHAI
    assert (due.year, due.month, due.day, due.hour, due.minute) == (2026, 3, 22, 23, 59)


def test_parse_throughput_csv():
    assert s.parse_throughput_csv("worker,per_hour\nA,2.5\n\nB,3\n") == [D("2.5"), D("3")]
    try:
        s.parse_throughput_csv("A,-1")
    except ValueError:
        pass
    else:
        raise AssertionError("negative throughput accepted")
