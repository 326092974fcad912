"""Statutory checks against legal floors. Pure: plain values in, plain findings out (no ORM).

Sources:
- Minimum wage: Minimum Wage Provisions (2004); the city plan asks that piece rates be checked
  as rate x expected pieces per hour against the hourly minimum.
- Extended hours / rest days / statutory holidays: Labour Law art. 44 (150 % / 200 % / 300 %),
  for workers in a labour relationship.
- Break: at least 20 minutes after 4 hours of continuous online work (platform rules in the
  city plan).
- Labour quota: one that at least 90 % of workers in the same post can finish within the legal
  hours; the feasible quota is what the 10th-percentile worker completes in those hours.
- Accident-insurance subsidy for flexible workers: at most 100 yuan per person per year.
- Bargaining request: answered in writing within 20 days (Collective Contract Provisions art. 32).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

LEGAL_DAILY_HOURS = Decimal("8")
MIN_BREAK_MINUTES = Decimal("20")
CONTINUOUS_ONLINE_HOURS = Decimal("4")
MAX_INSURANCE_SUBSIDY = Decimal("100")
OVERTIME_PERCENT = Decimal("150")
REST_DAY_PERCENT = Decimal("200")
HOLIDAY_PERCENT = Decimal("300")
QUOTA_SHARE = Decimal("0.9")
REQUEST_ANSWER_DAYS = 20

BREACH = "breach"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One result of a check. ``severity`` is ``breach`` (a legal floor is broken) or
    ``warning`` (the check could not be made, e.g. no minimum wage for the region)."""

    code: str
    severity: str
    floor: str = ""
    actual: str = ""
    basis: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Floors:
    """The facts a check may need, gathered by the caller."""

    hourly_minimum: Decimal | None = None
    monthly_minimum: Decimal | None = None
    expected_per_hour: Decimal | None = None
    throughput_sample: tuple[Decimal, ...] = ()
    legal_hours: Decimal = LEGAL_DAILY_HOURS


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def piece_rate_hourly(rate: Decimal, per_hour: Decimal) -> Decimal:
    """Hourly earnings of a piece rate at the expected pace."""
    return rate * per_hour


def check_hourly_pay(hourly_pay: Decimal, hourly_minimum: Decimal | None) -> list[Finding]:
    if hourly_minimum is None:
        return [Finding("minimum_wage_unknown", WARNING)]
    if hourly_pay < hourly_minimum:
        return [
            Finding(
                "below_hourly_minimum",
                BREACH,
                floor=_money(hourly_minimum),
                actual=_money(hourly_pay),
                basis="Minimum Wage Provisions",
            )
        ]
    return []


def check_piece_rate(
    rate: Decimal, per_hour: Decimal | None, hourly_minimum: Decimal | None
) -> list[Finding]:
    if per_hour is None or per_hour <= 0:
        return [Finding("expected_pace_unknown", WARNING)]
    return check_hourly_pay(piece_rate_hourly(rate, per_hour), hourly_minimum)


def check_monthly_pay(monthly_pay: Decimal, monthly_minimum: Decimal | None) -> list[Finding]:
    if monthly_minimum is None:
        return [Finding("minimum_wage_unknown", WARNING)]
    if monthly_pay < monthly_minimum:
        return [
            Finding(
                "below_monthly_minimum",
                BREACH,
                floor=_money(monthly_minimum),
                actual=_money(monthly_pay),
                basis="Minimum Wage Provisions",
            )
        ]
    return []


def check_pay_multiple(percent: Decimal, floor_percent: Decimal) -> list[Finding]:
    """Labour Law art. 44: pay for extended hours / rest days / holidays as % of normal pay."""
    if percent < floor_percent:
        return [
            Finding(
                "below_statutory_multiple",
                BREACH,
                floor=str(floor_percent),
                actual=str(percent),
                basis="Labour Law art. 44",
            )
        ]
    return []


def check_break(minutes: Decimal) -> list[Finding]:
    if minutes < MIN_BREAK_MINUTES:
        return [
            Finding(
                "break_too_short",
                BREACH,
                floor=str(MIN_BREAK_MINUTES),
                actual=str(minutes),
                basis="20 minutes after 4 hours online",
            )
        ]
    return []


def feasible_quota(sample, hours: Decimal = LEGAL_DAILY_HOURS) -> Decimal | None:
    """The largest quota that at least 90 % of the sampled workers finish in ``hours``.

    With throughputs sorted ascending t[0..n-1], at least ceil(0.9 n) workers must reach the
    quota, so the binding worker is t[n - ceil(0.9 n)] (the 10th percentile).
    """
    values = sorted(Decimal(v) for v in sample)
    n = len(values)
    if n == 0:
        return None
    needed = (9 * n + 9) // 10  # ceil(0.9 n) in integers
    return values[n - needed] * hours


def check_quota(quota: Decimal, sample, hours: Decimal = LEGAL_DAILY_HOURS) -> list[Finding]:
    feasible = feasible_quota(sample, hours)
    if feasible is None:
        return [Finding("throughput_sample_missing", WARNING)]
    if quota > feasible:
        return [
            Finding(
                "quota_not_feasible",
                BREACH,
                floor=str(feasible.normalize()),
                actual=str(quota),
                basis="Feasible for 90 % of workers within legal hours",
            )
        ]
    return []


def check_insurance_subsidy(amount: Decimal) -> list[Finding]:
    if amount > MAX_INSURANCE_SUBSIDY:
        return [
            Finding(
                "subsidy_above_cap",
                BREACH,
                floor=_money(MAX_INSURANCE_SUBSIDY),
                actual=_money(amount),
                basis="At most 100 yuan per person per year",
            )
        ]
    if amount < 0:
        return [Finding("negative_amount", BREACH, floor="0", actual=_money(amount))]
    return []


def check(kind: str, value, floors: Floors) -> list[Finding]:
    """Run the check named by ``kind`` (an ``AgendaItem.statutory_check``) on ``value``."""
    if not kind or value is None or isinstance(value, bool):
        return []
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        return []  # text values have no floor
    if not value.is_finite():
        return []
    if kind == "piece_rate":
        return check_piece_rate(value, floors.expected_per_hour, floors.hourly_minimum)
    if kind == "hourly_wage":
        return check_hourly_pay(value, floors.hourly_minimum)
    if kind == "monthly_wage":
        return check_monthly_pay(value, floors.monthly_minimum)
    if kind == "overtime_multiple":
        return check_pay_multiple(value, OVERTIME_PERCENT)
    if kind == "rest_day_multiple":
        return check_pay_multiple(value, REST_DAY_PERCENT)
    if kind == "holiday_multiple":
        return check_pay_multiple(value, HOLIDAY_PERCENT)
    if kind == "break_minutes":
        return check_break(value)
    if kind == "labour_quota":
        return check_quota(value, floors.throughput_sample, floors.legal_hours)
    if kind == "insurance_subsidy":
        return check_insurance_subsidy(value)
    return []


def breaks_floor(findings: list[Finding]) -> bool:
    return any(f.severity == BREACH for f in findings)


def request_answer_deadline(requested_at: dt.datetime) -> dt.datetime:
    """The end (Asia/Shanghai) of the 20th day after the written request was received."""
    local_day = requested_at.astimezone(SHANGHAI).date() + dt.timedelta(days=REQUEST_ANSWER_DAYS)
    return dt.datetime.combine(local_day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def parse_throughput_csv(text: str) -> list[Decimal]:
    """Read anonymised throughput (pieces per hour) from CSV: the last numeric column of
    each row; header and blank rows are skipped. Raises ValueError on a negative value."""
    import csv
    import io
    from decimal import InvalidOperation

    values: list[Decimal] = []
    for row in csv.reader(io.StringIO(text)):
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        try:
            number = Decimal(cells[-1])
        except InvalidOperation:
            continue
        if not number.is_finite() or number < 0:
            raise ValueError(cells[-1])
        values.append(number)
    return values
