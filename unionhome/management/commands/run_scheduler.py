"""Run the periodic jobs of every app (reminders, deadlines, opening ballots).

Each job is idempotent (it records what it sent or moved), so running it twice, or from
cron and this loop at once, does no harm. ``--once`` runs every job a single time (for cron).
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

logger = logging.getLogger("unionhome.scheduler")


def run_job(path: str) -> None:
    try:
        result = import_string(path)()
        logger.info("periodic job %s: %s", path, result)
    except Exception:  # one failing job must not stop the others
        logger.exception("periodic job %s failed", path)


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
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for path, interval in jobs:
                if now - last_run.get(path, -interval) >= interval:
                    run_job(path)
                    last_run[path] = time.monotonic()
            time.sleep(5)
