"""Mainland resident ID numbers (GB 11643-1999): pure validation, no Django models."""

import datetime as dt

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits: the mainland provinces, autonomous regions and municipalities.
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
    }
)


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def id_number_problem(value: str, *, today: dt.date | None = None) -> str | None:
    """Return None if ``value`` is a well-formed 18-character ID number, else a reason code."""
    value = (value or "").strip().upper()
    if len(value) != 18:
        return "length"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "characters"
    if value[:2] not in PROVINCE_CODES:
        return "province"
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date, zone irrelevant here
    if birth > today or birth.year < 1900:
        return "birth_date"
    if check_char(value[:17]) != value[17]:
        return "checksum"
    return None


def is_valid_id_number(value: str) -> bool:
    return id_number_problem(value) is None


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def make_id_number(area: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (for demo data and tests): 6-digit area, birth date, 3-digit seq."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
