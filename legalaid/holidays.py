"""Public holidays of mainland China, as data.

2026: the State Council General Office's arrangement (国办发明电〔2025〕7号), including the
bridged days off. 2027: the statutory days of the Regulations on National Annual Holidays
(as amended in 2024) until the State Council publishes the 2027 arrangement; add its bridged
days here then. Staff record any other closure as a volunteer's absence.
"""

import datetime as dt


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


D = dt.date

HOLIDAYS: dict[dt.date, str] = {}
for _first, _last, _name in [
    # 2026 (arrangement)
    (D(2026, 1, 1), D(2026, 1, 3), "元旦"),
    (D(2026, 2, 15), D(2026, 2, 23), "春节"),
    (D(2026, 4, 4), D(2026, 4, 6), "清明节"),
    (D(2026, 5, 1), D(2026, 5, 5), "劳动节"),
    (D(2026, 6, 19), D(2026, 6, 21), "端午节"),
    (D(2026, 9, 25), D(2026, 9, 27), "中秋节"),
    (D(2026, 10, 1), D(2026, 10, 7), "国庆节"),
    # 2027 (statutory days)
    (D(2027, 1, 1), D(2027, 1, 1), "元旦"),
    (D(2027, 2, 5), D(2027, 2, 8), "春节"),
    (D(2027, 4, 5), D(2027, 4, 5), "清明节"),
    (D(2027, 5, 1), D(2027, 5, 2), "劳动节"),
    (D(2027, 6, 9), D(2027, 6, 9), "端午节"),
    (D(2027, 9, 15), D(2027, 9, 15), "中秋节"),
    (D(2027, 10, 1), D(2027, 10, 3), "国庆节"),
]:
    for _day in _days(_first, _last):
        HOLIDAYS[_day] = _name

# Weekend days that are working days because of the bridging (调休上班).
MAKEUP_WORKDAYS: frozenset[dt.date] = frozenset(
    {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    }
)


def holiday_dates(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """The public holidays between two dates (inclusive)."""
    return frozenset(day for day in HOLIDAYS if first <= day <= last)


def holiday_name(day: dt.date) -> str | None:
    return HOLIDAYS.get(day)
