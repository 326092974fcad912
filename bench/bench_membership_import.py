"""Bulk member import: 10,000 rows must import in well under a minute.

Measured side by side in one run against a baseline that saves row by row (one user, phone
and membership INSERT each, as a naive import would). Everything runs inside one transaction
that is rolled back, so the database is left as it was.

    python bench/bench_membership_import.py [rows]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.config.settings")


class Rollback(Exception):
    pass


def make_csv(rows: int, offset: int, area: str = "310115") -> bytes:
    from unionhome.core.idcard import make_id_number

    lines = ["full_name,phone,id_number,worker_type,occupation,platform,city,since"]
    start = dt.date(1970, 1, 1)
    for n in range(rows):
        number = offset + n
        id_number = make_id_number(area, start + dt.timedelta(days=number % 12000), n % 1000)
        lines.append(
            f"会员{number},139{number:08d},{id_number},independent,骑手,示范即送,示范市,2024-01-01"
        )
    # About 1 % bad rows, so the per-row report is exercised too.
    for n in range(0, rows, 100):
        lines[n + 1] = lines[n + 1].replace("139", "999", 1)
    return ("\n".join(lines) + "\n").encode()


def baseline_row_by_row(union, actor, data: bytes) -> int:
    """Naive import: every row validated, then saved with its own INSERTs."""
    from django.contrib.auth import get_user_model

    from unionhome.membership.imports import RowProblem, check_row, read_table
    from unionhome.membership.models import Membership, PhoneNumber

    User = get_user_model()
    today = dt.date.today()
    made = 0
    for number, values in read_table(data, "m.csv"):
        row = check_row(number, values, today=today)
        if isinstance(row, RowProblem):
            continue
        user = User(username="b" + row.phone.removeprefix("+"))
        user.set_unusable_password()
        user.save()
        PhoneNumber.objects.create(user=user, phone=row.phone)
        Membership.objects.create(
            user=user,
            union=union,
            status="active",
            member_no=f"B{number:07d}",
            since=row.since or today,
            full_name=row.full_name,
            phone=row.phone,
            id_number=row.id_number,
            worker_type=row.worker_type,
            decided_by=actor,
        )
        made += 1
    return made


def main(rows: int = 10_000, baseline_rows: int = 2_000) -> dict:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, transaction

    from unionhome.core.demo import ensure_user
    from unionhome.membership import member_import
    from unionhome.membership.models import Union, UnionStaff

    call_command("migrate", verbosity=0)
    result = {}
    try:
        with transaction.atomic():
            union = Union.objects.create(name="基准测试工会", kind="regional")
            actor = ensure_user("bench_admin", is_staff=True)
            UnionStaff.objects.create(union=union, user=actor)

            data = make_csv(baseline_rows, offset=50_000_000, area="110105")
            started = time.perf_counter()
            baseline_made = baseline_row_by_row(union, actor, data)
            baseline_seconds = time.perf_counter() - started

            data = make_csv(rows, offset=60_000_000)
            started = time.perf_counter()
            job = member_import.member_import_create(
                union=union, actor=actor, upload=SimpleUploadedFile("bench.csv", data)
            )
            if job.status == "queued":
                # Big files go to the task queue; run it here to time the work itself.
                job = member_import.member_import_run(job=job)
            seconds = time.perf_counter() - started
            result = {
                "database": connection.vendor,
                "rows": rows,
                "imported": job.created_count,
                "refused": job.refused_count,
                "seconds": round(seconds, 2),
                "rows_per_second": round(rows / seconds),
                "baseline_rows": baseline_rows,
                "baseline_imported": baseline_made,
                "baseline_seconds": round(baseline_seconds, 2),
                "baseline_rows_per_second": round(baseline_rows / baseline_seconds),
            }
            result["speedup"] = round(
                result["rows_per_second"] / result["baseline_rows_per_second"], 1
            )
            raise Rollback
    except Rollback:
        pass
    print(
        f"member import ({result['database']}): {result['rows']} rows in {result['seconds']} s "
        f"({result['rows_per_second']} rows/s; {result['imported']} imported, "
        f"{result['refused']} refused)"
    )
    print(
        f"baseline row by row: {result['baseline_rows']} rows in {result['baseline_seconds']} s "
        f"({result['baseline_rows_per_second']} rows/s)"
    )
    print(f"ratio chunked / row-by-row throughput: {result['speedup']}x")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
