"""``manage.py db_worker``: django-tasks-db's command, running ``unionhome.core.worker``.

It replaces the library's command of the same name (this app comes first in INSTALLED_APPS)
so ``make run``, the systemd unit and the docs keep one name. Differences: no autoreloader
unless ``--reload`` is given (it cost most of the idle CPU), idle back-off up to
``--max-idle`` seconds with wake-on-enqueue, and retries instead of exiting when the database
is unreachable."""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from unionhome.core.worker import BackoffWorker, default_max_idle


class Command(db_worker.Command):
    help = "Run the background task worker (idle back-off, wake on enqueue, database retries)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--max-idle",
            type=db_worker.valid_interval,
            default=default_max_idle(),
            help="Longest sleep between looks at an idle queue, in seconds (default: %(default)r)",
        )
        parser.set_defaults(reload=False)

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        max_idle,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = BackoffWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
            max_idle=max_idle,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
