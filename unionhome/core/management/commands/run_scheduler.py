"""Run the periodic jobs of every app (reminders, deadlines, opening ballots).

Each job is idempotent (it records what it sent or moved), so running it twice, or from
cron and this loop at once, does no harm. ``--once`` runs every job a single time (for cron).

The loop sleeps until the next job is due (no busy polling: it idles at no CPU). A job that
fails, e.g. while the database is unreachable, is retried after RETRY_MIN seconds, doubling up
to its own interval, so service resumes by itself soon after the database comes back.
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.utils.module_loading import import_string

logger = logging.getLogger("unionhome.scheduler")

RETRY_MIN = 5.0


def run_job(path: str) -> bool:
    """Run one job; False if it failed (it is logged, never raised)."""
    try:
        result = import_string(path)()
        logger.info("periodic job %s: %s", path, result)
        return True
    except Exception:  # one failing job must not stop the others
        logger.exception("periodic job %s failed", path)
        # The connection may be the broken one (the database restarted): the next job opens
        # a fresh one.
        for conn in connections.all(initialized_only=True):
            try:
                conn.close()
            except Exception:
                logger.debug("closing a broken connection failed", exc_info=True)
        return False


def next_delay(interval: float, failures: int) -> float:
    """Seconds until a job runs again: its interval, or sooner after a failure."""
    if failures == 0:
        return interval
    return min(interval, RETRY_MIN * 2 ** (failures - 1))


class Command(BaseCommand):
    help = "Run the periodic jobs listed in PERIODIC_JOBS, forever or --once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args, **options):
        jobs = list(settings.PERIODIC_JOBS)
        if options["once"]:
            for path, _interval in jobs:
                run_job(path)
            return
        due = {path: time.monotonic() for path, _interval in jobs}
        failures = dict.fromkeys(due, 0)
        while True:
            # Connections past their age (CONN_MAX_AGE) or left unusable are replaced.
            close_old_connections()
            for path, interval in jobs:
                if time.monotonic() >= due[path]:
                    failures[path] = 0 if run_job(path) else failures[path] + 1
                    due[path] = time.monotonic() + next_delay(interval, failures[path])
            time.sleep(max(0.0, min(due.values()) - time.monotonic()))
