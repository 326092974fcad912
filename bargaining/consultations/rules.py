"""The consultation's state and the democratic-procedure flag: pure functions of dates.

Labour Contract Law art. 4: rules directly touching workers' vital interests (pay, working
time, rewards and penalties ...) are discussed with the workers and settled with the union
before they take effect. The 2021 national guidance on new-form workers' rights
(人社部发〔2021〕56号, item (10)) asks platforms to hear the union or workers' representatives
before they make or change rules and algorithms on order dispatch, piece rates, commission,
pay, working time, rewards and penalties. A rule that takes effect without a consultation,
or before the consultation closed, is flagged (see docs/legal.md for how this is read).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

DRAFT, OPEN, CLOSED, ANSWERED = "draft", "open", "closed", "answered"
NO_CONSULTATION, BEFORE_CLOSE = "no_consultation", "before_close"


def status(
    *,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    answered_at: dt.datetime | None,
    now: dt.datetime,
) -> str:
    if answered_at is not None:
        return ANSWERED
    if opens_at is None or closes_at is None or now < opens_at:
        return DRAFT
    return OPEN if now < closes_at else CLOSED


def democratic_flag(
    *,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    effective_on: dt.date | None,
) -> str | None:
    """Why a rule that took effect lacked the democratic procedure, or None.

    A rule takes effect at the start of its effective day (Shanghai): effective on the day
    the consultation closes is already before the close."""
    if effective_on is None:
        return None
    if opens_at is None or closes_at is None:
        return NO_CONSULTATION
    starts = dt.datetime.combine(effective_on, dt.time(0), tzinfo=SHANGHAI)
    return BEFORE_CLOSE if starts < closes_at else None
