"""Listing slots: a month of open slots for 50 volunteers at 5 stations.

Measured side by side in one run against a baseline: one bare SQL query that returns the
same rows (slot, volunteer name, station name; free and not during an absence) with no ORM
and no serialisation. The design is timed twice: the selector (ORM rows) and the whole API
endpoint (GET /api/v1/legalaid/slots, JSON with +08:00 offsets). Everything runs inside one
transaction that is rolled back, so the database is left as it was.

    python bench/bench_slots.py [volunteers] [repeats]
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.config.settings")


class Rollback(Exception):
    pass


BARE_SQL = """
SELECT s.id, s.start, s."end", s.volunteer_id, v.display_name, s.station_id, st.name, s.channel
FROM legalaid_slot s
JOIN legalaid_volunteer v ON v.id = s.volunteer_id
LEFT JOIN legalaid_station st ON st.id = s.station_id
WHERE s.start >= %s AND s.start < %s AND v.is_active
  AND NOT EXISTS (SELECT 1 FROM legalaid_booking b WHERE b.slot_id = s.id
                  AND b.status IN ('booked', 'done', 'no_show'))
  AND NOT EXISTS (SELECT 1 FROM legalaid_availabilityexception e
                  WHERE e.volunteer_id = s.volunteer_id AND e.starts_at < s."end"
                  AND e.ends_at > s.start)
ORDER BY s.start, s.volunteer_id
"""


def _best(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result, statistics.median(times)


def make_data(volunteers: int, first_day: dt.date):
    from django.contrib.auth import get_user_model

    from legalaid.models import AvailabilityWindow, Station, Volunteer
    from legalaid.slot_supply import slots_materialise
    from unionhome.membership.models import Union

    union = Union.objects.create(name="基准测试工会", kind="regional")
    stations = [
        Station.objects.create(
            union=union, name=f"基准服务站{n}", address=f"基准路{n}号", district="基准区"
        )
        for n in range(5)
    ]
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"bench_volunteer_{n}") for n in range(volunteers)]
    )
    made = 0
    started = time.perf_counter()
    for n, user in enumerate(users):
        volunteer = Volunteer.objects.create(
            user=user, union=union, display_name=f"志愿者{n}", specialities=["wage_arrears"]
        )
        station = stations[n % len(stations)]
        volunteer.stations.add(station)
        AvailabilityWindow.objects.bulk_create(
            [
                AvailabilityWindow(
                    volunteer=volunteer,
                    weekday=d,
                    start_time=dt.time(9),
                    end_time=dt.time(12),
                    channel="in_person",
                    station=station,
                )
                for d in range(5)
            ]
            + [
                AvailabilityWindow(
                    volunteer=volunteer,
                    weekday=d,
                    start_time=dt.time(14),
                    end_time=dt.time(17),
                    channel="phone",
                )
                for d in range(6)
            ]
        )
        made += slots_materialise(
            volunteer=volunteer,
            first_day=first_day,
            last_day=first_day + dt.timedelta(days=30),
            now=dt.datetime.combine(first_day, dt.time.min, tzinfo=dt.UTC),
        )
    return made, time.perf_counter() - started


def main(volunteers: int = 50, repeats: int = 7) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from legalaid import selectors
    from legalaid.api import slot_rows
    from legalaid.slots import local_day_bounds

    call_command("migrate", verbosity=0)
    # A month well ahead, so "not in the past" keeps every slot.
    first_day = dt.date.today() + dt.timedelta(days=400)
    last_day = first_day + dt.timedelta(days=29)
    start, _ = local_day_bounds(first_day)
    _, end = local_day_bounds(last_day)
    result: dict = {}
    try:
        with transaction.atomic():
            made, make_seconds = make_data(volunteers, first_day)

            def bare():
                with connection.cursor() as cursor:
                    cursor.execute(BARE_SQL, [start, end])
                    return cursor.fetchall()

            def selector():
                return slot_rows(selectors.slots_open(first_day=first_day, last_day=last_day))

            client = Client()

            def api():
                response = client.get(
                    "/api/v1/legalaid/slots",
                    {"from": first_day.isoformat(), "to": last_day.isoformat()},
                )
                assert response.status_code == 200, response.content[:200]
                return response.json()

            bare()  # warm up the connection and caches alike
            bare_s, bare_rows, bare_med = _best(bare, repeats)
            sel_s, sel_rows, sel_med = _best(selector, repeats)
            api_s, api_rows, api_med = _best(api, repeats)
            assert len(bare_rows) == len(sel_rows) == len(api_rows), (
                len(bare_rows),
                len(sel_rows),
                len(api_rows),
            )
            assert [row[0] for row in bare_rows] == [row["id"] for row in api_rows]
            result = {
                "database": connection.vendor,
                "volunteers": volunteers,
                "rows": len(bare_rows),
                "materialised": made,
                "materialise_seconds": round(make_seconds, 2),
                "bare_ms": round(bare_s * 1000, 1),
                "selector_ms": round(sel_s * 1000, 1),
                "api_ms": round(api_s * 1000, 1),
                "bare_median_ms": round(bare_med * 1000, 1),
                "selector_median_ms": round(sel_med * 1000, 1),
                "api_median_ms": round(api_med * 1000, 1),
            }
            result["selector_ratio"] = round(sel_s / bare_s, 1)
            result["api_ratio"] = round(api_s / bare_s, 1)
            raise Rollback
    except Rollback:
        pass
    print(
        f"slots ({result['database']}): {result['volunteers']} volunteers, 5 stations, "
        f"{result['rows']} slots in a month (materialised in {result['materialise_seconds']} s)"
    )
    print(f"bare SQL:                {result['bare_ms']} ms (median {result['bare_median_ms']})")
    print(
        f"selector + shaping:      {result['selector_ms']} ms "
        f"(median {result['selector_median_ms']}) = {result['selector_ratio']}x bare SQL"
    )
    print(
        f"API endpoint (JSON):     {result['api_ms']} ms "
        f"(median {result['api_median_ms']}) = {result['api_ratio']}x bare SQL"
    )
    return result


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 50,
        int(sys.argv[2]) if len(sys.argv) > 2 else 7,
    )
