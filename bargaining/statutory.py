"""Statutory checks against legal floors. Pure: plain values in, plain findings out (no ORM).

Each finding carries ``source``, a key of ``bargaining.legal_sources.SOURCES`` (the article the
rule comes from), and ``mandatory``: a mandatory floor is one no collective contract may go
below (Labour Contract Law art. 55), so a contract breaking it cannot be drafted; a
non-mandatory breach (a plan target such as the quota rule) may be agreed with a chief's
recorded reason, printed in the minutes.

Sources:
- Minimum wage: Minimum Wage Provisions (2004) art. 12; the city plan asks that piece rates be
  checked as rate x pieces per hour against the hourly minimum. The pace is the slowest tenth
  of the uploaded throughput sample (the same sample as the quota check) when there is one.
  Binding for labour-contract and written-agreement workers (2021 national guidance on
  new-form workers); for independent workers a warning only.
- Extended hours / rest days / statutory holidays: Labour Law art. 44 (150 % / 200 % when no
  compensatory rest is given / 300 %), binding only for workers in a labour relationship. For
  other workers the plan (§2) asks holiday pay above normal pay (a non-mandatory target).
- Break: work of MORE than 4 continuous hours online needs a break of at least 20 minutes
  (city plan §2): both numbers of a break item are checked.
- Labour quota: one that at least 90 % of workers in the same post can finish within the legal
  hours (city plan §2); the feasible quota is what the 10th-percentile worker completes.
- The 100-yuan figure (city plan §3) caps the PUBLIC accident-insurance subsidy paid by the
  human-resources bureau; it never limits what a platform pays (an information note only).
- Bargaining request: answered in writing within 20 days of RECEIPT (Collective Contract
  Provisions art. 32).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

LEGAL_DAILY_HOURS = Decimal("8")
MIN_BREAK_MINUTES = Decimal("20")
CONTINUOUS_ONLINE_HOURS = Decimal("4")
PUBLIC_INSURANCE_SUBSIDY = Decimal("100")
NORMAL_PAY_PERCENT = Decimal("100")
OVERTIME_PERCENT = Decimal("150")
REST_DAY_PERCENT = Decimal("200")
HOLIDAY_PERCENT = Decimal("300")
QUOTA_SHARE = Decimal("0.9")
REQUEST_ANSWER_DAYS = 20

BREACH = "breach"
WARNING = "warning"
INFO = "info"

# Who an item covers (plan §1: the three kinds of worker).
ALL_WORKERS = "all"
LABOUR_CONTRACT = "labour_contract"
WRITTEN_AGREEMENT = "written_agreement"
INDEPENDENT = "independent"
COVERS = (ALL_WORKERS, LABOUR_CONTRACT, WRITTEN_AGREEMENT, INDEPENDENT)


@dataclass(frozen=True)
class Finding:
    """One result of a check. ``severity`` is ``breach`` (a floor is broken), ``warning``
    (the check could not be made, or a non-binding target is missed) or ``info`` (a note).
    ``source`` is a key of ``bargaining.legal_sources.SOURCES``."""

    code: str
    severity: str
    floor: str = ""
    actual: str = ""
    basis: str = ""
    extra: dict = field(default_factory=dict)
    source: str = ""
    mandatory: bool = False

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
    # Which workers the item covers (one of COVERS).
    covers: str = ALL_WORKERS
    # Break items: after how many hours of continuous online work the break is given.
    break_after_hours: Decimal | None = None
    # Rest-day items: compensatory rest is given instead of the premium.
    compensatory_rest: bool = False
    # Holiday items: the statutory holidays of the coming year (from the official calendar),
    # so a finding can say how many days the premium concerns.
    statutory_holidays: tuple = ()


def labour_relationship(covers: str) -> bool:
    """Whether workers in a labour relationship are among those an item covers."""
    return covers in (ALL_WORKERS, LABOUR_CONTRACT)


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def piece_rate_hourly(rate: Decimal, per_hour: Decimal) -> Decimal:
    """Hourly earnings of a piece rate at the expected pace."""
    return rate * per_hour


def _minimum_wage_binds(covers: str) -> bool:
    # Minimum Wage Provisions art. 12 binds employers; the 2021 national guidance extends the
    # minimum to workers on written agreements. Independent (civil-law) workers: a target.
    return covers != INDEPENDENT


def check_hourly_pay(
    hourly_pay: Decimal,
    hourly_minimum: Decimal | None,
    covers: str = ALL_WORKERS,
    extra: dict | None = None,
) -> list[Finding]:
    if hourly_minimum is None:
        return [Finding("minimum_wage_unknown", WARNING, source="min_wage_12")]
    if hourly_pay < hourly_minimum:
        binds = _minimum_wage_binds(covers)
        return [
            Finding(
                "below_hourly_minimum",
                BREACH if binds else WARNING,
                floor=_money(hourly_minimum),
                actual=_money(hourly_pay),
                basis="Minimum Wage Provisions art. 12",
                extra=extra or {},
                source="min_wage_12",
                mandatory=binds,
            )
        ]
    return []


def slowest_tenth_pace(sample) -> Decimal | None:
    """The pace of the 10th-percentile worker of a throughput sample (pieces per hour): the
    same binding worker as ``feasible_quota``, so the piece rate and the quota agree."""
    values = sorted(Decimal(v) for v in sample)
    n = len(values)
    if n == 0:
        return None
    needed = (9 * n + 9) // 10  # ceil(0.9 n) in integers
    return values[n - needed]


def check_piece_rate(
    rate: Decimal,
    per_hour: Decimal | None,
    hourly_minimum: Decimal | None,
    sample=(),
    covers: str = ALL_WORKERS,
) -> list[Finding]:
    """Rate x pace against the hourly minimum. The pace is the slowest tenth of the uploaded
    throughput sample when one exists (a rate that only the fastest reach the minimum with
    is no floor), else the expected pace entered on the item; the finding says which."""
    pace = slowest_tenth_pace(sample)
    pace_source = "sample"
    if pace is None or pace <= 0:
        pace, pace_source = per_hour, "expected"
    if pace is None or pace <= 0:
        return [Finding("expected_pace_unknown", WARNING, source="min_wage_12")]
    extra = {"pace": str(pace.normalize()), "pace_source": pace_source}
    return check_hourly_pay(piece_rate_hourly(rate, pace), hourly_minimum, covers, extra)


def check_monthly_pay(
    monthly_pay: Decimal, monthly_minimum: Decimal | None, covers: str = ALL_WORKERS
) -> list[Finding]:
    if monthly_minimum is None:
        return [Finding("minimum_wage_unknown", WARNING, source="min_wage_12")]
    if monthly_pay < monthly_minimum:
        binds = _minimum_wage_binds(covers)
        return [
            Finding(
                "below_monthly_minimum",
                BREACH if binds else WARNING,
                floor=_money(monthly_minimum),
                actual=_money(monthly_pay),
                basis="Minimum Wage Provisions art. 12",
                source="min_wage_12",
                mandatory=binds,
            )
        ]
    return []


def check_pay_multiple(
    percent: Decimal, floor_percent: Decimal, covers: str = ALL_WORKERS
) -> list[Finding]:
    """Labour Law art. 44: pay for extended hours / rest days / holidays as % of normal pay.
    The article binds employers of workers in a labour relationship only."""
    if not labour_relationship(covers):
        return []
    if percent < floor_percent:
        return [
            Finding(
                "below_statutory_multiple",
                BREACH,
                floor=str(floor_percent),
                actual=str(percent),
                basis="Labour Law art. 44",
                source="labour_law_44",
                mandatory=True,
            )
        ]
    return []


def check_rest_day(percent: Decimal, covers: str, compensatory_rest: bool) -> list[Finding]:
    """Labour Law art. 44(2): 200 % for rest-day work only when no compensatory rest is given."""
    if compensatory_rest and labour_relationship(covers):
        return [Finding("compensatory_rest_given", INFO, source="labour_law_44")]
    return check_pay_multiple(percent, REST_DAY_PERCENT, covers)


def check_holiday(percent: Decimal, covers: str, holidays=()) -> list[Finding]:
    """Labour Law art. 44(3) (300 %) for a labour relationship; for the other workers the
    city plan (§2) asks holiday pay above normal pay, a target rather than a statutory floor.
    ``holidays``: the statutory holiday dates of the coming year, named in the finding."""
    findings = [
        Finding(
            f.code,
            f.severity,
            f.floor,
            f.actual,
            f.basis,
            {"holidays": len(holidays), "first_holiday": str(holidays[0]) if holidays else ""},
            f.source,
            f.mandatory,
        )
        for f in check_pay_multiple(percent, HOLIDAY_PERCENT, covers)
    ]
    if covers != LABOUR_CONTRACT and percent <= NORMAL_PAY_PERCENT:
        findings.append(
            Finding(
                "holiday_not_above_normal",
                WARNING,
                floor=str(NORMAL_PAY_PERCENT),
                actual=str(percent),
                basis="City plan §2",
                source="plan_2_holiday",
            )
        )
    return findings


def check_break(minutes: Decimal, after_hours: Decimal | None = None) -> list[Finding]:
    """City plan §2: work of more than 4 continuous hours online needs a break of at least 20
    minutes. A break of 20 minutes after exactly 4 hours complies; one given only after 6
    hours does not, however long it is."""
    findings = []
    if minutes < MIN_BREAK_MINUTES:
        findings.append(
            Finding(
                "break_too_short",
                BREACH,
                floor=str(MIN_BREAK_MINUTES),
                actual=str(minutes),
                basis="City plan §2",
                source="plan_2_break",
                mandatory=True,
            )
        )
    if after_hours is None:
        findings.append(Finding("break_hours_unknown", WARNING, source="plan_2_break"))
    elif after_hours > CONTINUOUS_ONLINE_HOURS:
        findings.append(
            Finding(
                "break_too_late",
                BREACH,
                floor=str(CONTINUOUS_ONLINE_HOURS.normalize()),
                actual=str(after_hours.normalize()),
                basis="City plan §2",
                source="plan_2_break",
                mandatory=True,
            )
        )
    return findings


def feasible_quota(sample, hours: Decimal = LEGAL_DAILY_HOURS) -> Decimal | None:
    """The largest quota that at least 90 % of the sampled workers finish in ``hours``.

    With throughputs sorted ascending t[0..n-1], at least ceil(0.9 n) workers must reach the
    quota, so the binding worker is t[n - ceil(0.9 n)] (the 10th percentile).
    """
    pace = slowest_tenth_pace(sample)
    return None if pace is None else pace * hours


def check_quota(quota: Decimal, sample, hours: Decimal = LEGAL_DAILY_HOURS) -> list[Finding]:
    feasible = feasible_quota(sample, hours)
    if feasible is None:
        return [Finding("throughput_sample_missing", WARNING, source="plan_2_quota")]
    if quota > feasible:
        # A plan target, not a statutory floor: agreeable with a chief's recorded reason.
        return [
            Finding(
                "quota_not_feasible",
                BREACH,
                floor=str(feasible.normalize()),
                actual=str(quota),
                basis="Feasible for 90 % of workers within legal hours",
                source="plan_2_quota",
            )
        ]
    return []


def check_insurance_subsidy(amount: Decimal) -> list[Finding]:
    """City plan §3: the human-resources bureau subsidises flexible workers' accident
    insurance with up to 100 yuan per person per year. That caps the PUBLIC subsidy, not what
    a platform pays: any amount is lawful; the note tells workers the subsidy exists."""
    return [
        Finding(
            "public_insurance_subsidy",
            INFO,
            floor=_money(PUBLIC_INSURANCE_SUBSIDY),
            actual=_money(amount),
            source="plan_3_insurance",
        )
    ]


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
    covers = floors.covers
    if kind == "piece_rate":
        return check_piece_rate(
            value,
            floors.expected_per_hour,
            floors.hourly_minimum,
            floors.throughput_sample,
            covers,
        )
    if kind == "hourly_wage":
        return check_hourly_pay(value, floors.hourly_minimum, covers)
    if kind == "monthly_wage":
        return check_monthly_pay(value, floors.monthly_minimum, covers)
    if kind == "overtime_multiple":
        return check_pay_multiple(value, OVERTIME_PERCENT, covers)
    if kind == "rest_day_multiple":
        return check_rest_day(value, covers, floors.compensatory_rest)
    if kind == "holiday_multiple":
        return check_holiday(value, covers, floors.statutory_holidays)
    if kind == "break_minutes":
        return check_break(value, floors.break_after_hours)
    if kind == "labour_quota":
        return check_quota(value, floors.throughput_sample, floors.legal_hours)
    if kind == "insurance_subsidy":
        return check_insurance_subsidy(value)
    return []


@dataclass(frozen=True)
class Bound:
    """The legal bound of an item in the item's own unit, so a screen can warn while the user
    types: ``direction`` is ``min`` (the value must be at least ``value``) or ``max``;
    ``source`` is a key of ``bargaining.legal_sources.SOURCES``."""

    value: Decimal
    direction: str
    source: str


def bound_for(kind: str, floors: Floors) -> Bound | None:
    """The bound that ``check(kind, ...)`` enforces as a breach, or None when there is none
    for the workers the item covers (or it cannot be computed).

    Same sources as the checks above; a piece rate's floor is the hourly minimum divided by
    the pace the check uses, rounded UP to the cent (a rate rounded down would breach)."""
    covers = floors.covers
    if kind == "piece_rate":
        pace = slowest_tenth_pace(floors.throughput_sample)
        if pace is None or pace <= 0:
            pace = floors.expected_per_hour
        if floors.hourly_minimum is None or not pace or pace <= 0:
            return None
        if not _minimum_wage_binds(covers):
            return None
        per_piece = (floors.hourly_minimum / pace).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
        return Bound(per_piece, "min", "min_wage_12")
    if kind in ("hourly_wage", "monthly_wage"):
        minimum = floors.hourly_minimum if kind == "hourly_wage" else floors.monthly_minimum
        if minimum is None or not _minimum_wage_binds(covers):
            return None
        return Bound(minimum, "min", "min_wage_12")
    multiples = {"overtime_multiple": OVERTIME_PERCENT, "holiday_multiple": HOLIDAY_PERCENT}
    if not floors.compensatory_rest:
        multiples["rest_day_multiple"] = REST_DAY_PERCENT
    if kind in multiples and labour_relationship(covers):
        return Bound(multiples[kind], "min", "labour_law_44")
    if kind == "break_minutes":
        return Bound(MIN_BREAK_MINUTES, "min", "plan_2_break")
    if kind == "labour_quota":
        feasible = feasible_quota(floors.throughput_sample, floors.legal_hours)
        return Bound(feasible, "max", "plan_2_quota") if feasible is not None else None
    return None


def breaks_floor(findings: list[Finding]) -> bool:
    """Agreement on the value needs a chief's override reason."""
    return any(f.severity == BREACH for f in findings)


def breaks_mandatory_floor(findings) -> bool:
    """No contract may carry the value (Labour Contract Law art. 55). Takes findings or their
    stored dicts."""
    return any(
        (f.get("severity"), f.get("mandatory")) == (BREACH, True)
        if isinstance(f, dict)
        else (f.severity == BREACH and f.mandatory)
        for f in findings
    )


def request_answer_deadline(received_at: dt.datetime, last_day=None) -> dt.datetime:
    """The end (Asia/Shanghai) of the 20th day after the written request was RECEIVED
    (Collective Contract Provisions art. 32: "收到集体协商要求之日起20日内"). ``last_day``
    moves a last day that is not a working day (Civil Code art. 203); identity if omitted."""
    local_day = received_at.astimezone(SHANGHAI).date() + dt.timedelta(days=REQUEST_ANSWER_DAYS)
    if last_day is not None:
        local_day = last_day(local_day)
    return dt.datetime.combine(local_day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def parse_throughput_csv(text: str) -> list[Decimal]:
    """Read anonymised throughput (pieces per hour) from CSV: the last numeric column of
    each row; header and blank rows are skipped. Raises ValueError on a negative value."""

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
