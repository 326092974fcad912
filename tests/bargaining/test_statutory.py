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


def test_break_checks_both_numbers():
    """City plan §2: more than 4 continuous hours online needs a break of at least 20 minutes.
    "20 minutes after 4 hours" complies; "30 minutes after 6 hours" breaks the rule."""
    ok = s.check("break_minutes", "20", s.Floors(break_after_hours=D("4")))
    assert ok == []
    late = s.check("break_minutes", "30", s.Floors(break_after_hours=D("6")))
    assert codes(late) == [("break_too_late", "breach")]
    assert late[0].mandatory and late[0].source == "plan_2_break"
    assert codes(s.check("break_minutes", "20", s.Floors(break_after_hours=D("4.01")))) == [
        ("break_too_late", "breach")
    ]
    short = s.check("break_minutes", "19.99", s.Floors(break_after_hours=D("4")))
    assert codes(short) == [("break_too_short", "breach")]
    # Without the hours, only the length is checked and a warning says so.
    assert codes(s.check("break_minutes", "20", s.Floors())) == [("break_hours_unknown", "warning")]


def test_insurance_above_100_yuan_is_never_a_breach():
    """City plan §3: 100 yuan caps the public subsidy, not what a platform may pay."""
    for amount in ("60", "100", "100.01", "5000"):
        findings = s.check("insurance_subsidy", amount, s.Floors())
        assert not s.breaks_floor(findings)
        assert codes(findings) == [("public_insurance_subsidy", "info")]
        assert findings[0].source == "plan_3_insurance"


def test_rest_day_premium_only_without_compensatory_rest():
    """Labour Law art. 44(2): 200 % for rest-day work only when no compensatory rest."""
    assert s.breaks_floor(s.check("rest_day_multiple", "150", s.Floors()))
    compensated = s.check("rest_day_multiple", "100", s.Floors(compensatory_rest=True))
    assert codes(compensated) == [("compensatory_rest_given", "info")]


def test_labour_law_art_44_binds_only_a_labour_relationship():
    for covers in ("written_agreement", "independent"):
        floors = s.Floors(covers=covers)
        assert s.check("overtime_multiple", "100", floors) == []
        assert s.check("rest_day_multiple", "100", floors) == []
        # Plan §2 still asks holiday pay above normal pay: a warning, not a mandatory floor.
        assert s.check("holiday_multiple", "101", floors) == []
        holiday = s.check("holiday_multiple", "100", floors)
        assert codes(holiday) == [("holiday_not_above_normal", "warning")]
        assert not s.breaks_mandatory_floor(holiday)
    labour = s.check("holiday_multiple", "299", s.Floors(covers="labour_contract"))
    assert codes(labour) == [("below_statutory_multiple", "breach")]
    assert s.breaks_mandatory_floor(labour)


def test_piece_rate_pace_is_the_slowest_tenth_of_the_sample():
    # Ten workers at 1..10 pieces an hour: the binding pace is the second slowest (2/h).
    sample = tuple(D(v) for v in range(1, 11))
    floors = s.Floors(hourly_minimum=D("25"), expected_per_hour=D("5"), throughput_sample=sample)
    assert s.check("piece_rate", "12.50", floors) == []
    below = s.check("piece_rate", "12.49", floors)
    assert codes(below) == [("below_hourly_minimum", "breach")]
    assert below[0].extra == {"pace": "2", "pace_source": "sample"}
    # Without a sample, the expected pace is used and named.
    no_sample = s.Floors(hourly_minimum=D("25"), expected_per_hour=D("5"))
    assert s.check("piece_rate", "5", no_sample) == []
    assert s.check("piece_rate", "4.99", no_sample)[0].extra["pace_source"] == "expected"


def test_minimum_wage_binds_except_for_independent_workers():
    assert s.breaks_mandatory_floor(s.check_hourly_pay(D("24"), D("25"), "written_agreement"))
    independent = s.check_hourly_pay(D("24"), D("25"), "independent")
    assert codes(independent) == [("below_hourly_minimum", "warning")]


def test_quota_breach_is_not_a_mandatory_floor():
    finding = s.check_quota(D("100"), [D("1")] * 10)
    assert s.breaks_floor(finding) and not s.breaks_mandatory_floor(finding)


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


@given(st.decimals(min_value=0, max_value=100000, places=2))
def test_text_and_boolean_values_have_no_floor(amount):
    assert s.check("insurance_subsidy", True, s.Floors()) == []
    assert s.check("insurance_subsidy", "free text", s.Floors()) == []
    assert not s.breaks_floor(s.check("insurance_subsidy", str(amount), s.Floors()))


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


def test_holiday_finding_names_the_calendar_days():
    """The holiday-pay check says how many statutory days of the official calendar it
    concerns (the calendar is gathered by the caller; see legalaid.holidays)."""
    days = (dt.date(2027, 1, 1), dt.date(2027, 2, 6))
    finding = s.check("holiday_multiple", "200", s.Floors(statutory_holidays=days))
    assert finding[0].extra == {"holidays": 2, "first_holiday": "2027-01-01"}


def test_piece_rate_bound_is_the_cent_that_keeps_the_minimum():
    # 25 yuan/hour at 3 orders/hour: 8.34 keeps the minimum, 8.33 (24.99 yuan/hour) breaks it.
    floors = s.Floors(hourly_minimum=D("25.00"), expected_per_hour=D("3"))
    bound = s.bound_for("piece_rate", floors)
    assert (bound.value, bound.direction, bound.source) == (D("8.34"), "min", "min_wage_12")
    assert not s.breaks_floor(s.check("piece_rate", "8.34", floors))
    assert s.breaks_floor(s.check("piece_rate", "8.33", floors))
    assert s.bound_for("piece_rate", s.Floors(hourly_minimum=D("25"))) is None
    # No floor where the check never breaches: the 100-yuan public subsidy is a note, and the
    # minimum wage does not bind pay of independent workers.
    assert s.bound_for("insurance_subsidy", s.Floors()) is None
    assert (
        s.bound_for(
            "piece_rate",
            s.Floors(hourly_minimum=D("25"), expected_per_hour=D("3"), covers=s.INDEPENDENT),
        )
        is None
    )


@given(
    st.sampled_from(
        [
            "piece_rate",
            "hourly_wage",
            "monthly_wage",
            "holiday_multiple",
            "break_minutes",
            "rest_day_multiple",
            "labour_quota",
        ]
    ),
    st.decimals(min_value=0, max_value=5000, places=2),
)
def test_the_bound_shown_while_typing_agrees_with_the_check(kind, value):
    """A value breaks the check exactly when it is on the wrong side of the shown bound."""
    floors = s.Floors(
        hourly_minimum=D("25.00"),
        monthly_minimum=D("2740.00"),
        expected_per_hour=D("3"),
        throughput_sample=(D("2"), D("3"), D("4")),
        break_after_hours=D("4"),
    )
    bound = s.bound_for(kind, floors)
    # No bound (the insurance note, plan §3): no value ever breaks the check.
    if bound is None:
        outside = False
    else:
        outside = value > bound.value if bound.direction == "max" else value < bound.value
    assert s.breaks_floor(s.check(kind, str(value), floors)) == outside
