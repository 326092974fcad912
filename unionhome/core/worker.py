"""The background task worker: django-tasks-db's worker, made cheap when idle and patient
when the database is away.

django-tasks-db's own loop polls every second, each poll inside an EXCLUSIVE transaction,
under Django's autoreloader (which stats every module file each second): about 7 % of a core
with nothing to do, and a write lock taken every second on the embedded SQLite file. This
worker instead

- looks for ready work with a plain read first and only takes the write lock to claim a task;
- sleeps longer and longer while idle (``MIN_IDLE`` doubling to ``TASK_WORKER_MAX_IDLE``), and
  is woken at once by ``wake_workers`` when a task is enqueued on this machine (a datagram to
  each worker's socket in ``VAR_DIR/wake/``, sent after the enqueuing transaction commits);
- when the database is unreachable, logs, drops the connection and retries with back-off
  instead of exiting.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger("unionhome.worker")

MIN_IDLE = 0.5
# Longest path an AF_UNIX socket may have (sun_path is 108 bytes on Linux).
_MAX_SOCKET_PATH = 100


def wake_dir() -> Path:
    return Path(settings.VAR_DIR) / "wake"


def wake_workers() -> int:
    """Nudge every worker on this machine to look for work now; how many were nudged.

    Best effort: a worker that is not listening still finds the task on its next poll."""
    folder = wake_dir()
    if not folder.is_dir():
        return 0
    woken = 0
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for path in folder.glob("*.sock"):
            try:
                sender.sendto(b"1", str(path))
                woken += 1
            except (ConnectionRefusedError, FileNotFoundError):
                # A worker that died without cleaning up.
                with contextlib.suppress(OSError):
                    path.unlink()
            except OSError:
                pass  # its queue is full: it is awake already
    return woken


def on_task_enqueued(sender, **kwargs) -> None:
    """Signal receiver: wake the workers once the task's row is visible (after commit)."""
    transaction.on_commit(wake_workers)


class Waker:
    """The worker's end: a datagram socket it blocks on between polls."""

    def __init__(self, worker_id: str):
        self.sock: socket.socket | None = None
        self.path = wake_dir() / f"{worker_id[:32]}.sock"
        if len(str(self.path)) > _MAX_SOCKET_PATH:
            logger.info("wake socket path too long; polling with back-off only")
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.bind(str(self.path))
        except OSError:
            logger.warning("cannot listen for wake-ups; polling with back-off only", exc_info=True)
            return
        self.sock = sock

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if woken early by an enqueue."""
        if self.sock is None:
            time.sleep(seconds)
            return False
        self.sock.settimeout(max(seconds, 0.001))
        try:
            self.sock.recv(64)
        except TimeoutError:
            return False
        # Several enqueues in a row: one look at the queue serves them all.
        self.sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while self.sock.recv(64):
                pass
        return True

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
            with contextlib.suppress(OSError):
                self.path.unlink()


class BackoffWorker(Worker):
    """django-tasks-db's worker with idle back-off, wake-on-enqueue and database retries."""

    def __init__(self, *, max_idle: float, **kwargs):
        super().__init__(**kwargs)
        self.max_idle = max_idle
        self.waker: Waker | None = None

    def _ready(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def _next_due_in(self) -> float | None:
        """Seconds until the earliest task scheduled for later becomes ready, if any."""
        first = (
            DBTaskResult.objects.filter(
                backend_name=self.backend_name,
                status=TaskResultStatus.READY,
                run_after__gt=timezone.now(),
                run_after__lt=get_date_max(),  # the marker of "no run_after"
            )
            .order_by("run_after")
            .values_list("run_after", flat=True)
            .first()
        )
        if first is None:
            return None
        return max(0.0, (first - timezone.now()).total_seconds())

    def claim_one(self) -> DBTaskResult | None:
        """A ready task, claimed for this worker, or None. A plain read first: the write lock
        (EXCLUSIVE on SQLite) is taken only when there is something to claim."""
        tasks = self._ready()
        if not tasks.exists():
            return None
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None  # someone else holds the lock; look again soon
            raise

    def run(self) -> None:
        logger.info("worker %s started (idle up to %ss)", self.worker_id, self.max_idle)
        self.waker = Waker(self.worker_id)
        idle = MIN_IDLE
        failures = 0
        try:
            while self.running:
                close_old_connections()
                try:
                    task_result = self.claim_one()
                    due_in = None if task_result else self._next_due_in()
                except (OperationalError, InterfaceError) as exc:
                    failures += 1
                    delay = min(self.max_idle, MIN_IDLE * 2**failures)
                    logger.warning("database unavailable (%s); retrying in %.1fs", exc, delay)
                    self._drop_connections()
                    time.sleep(delay)
                    continue
                if failures:
                    logger.info("database reachable again")
                    failures = 0
                if task_result is not None:
                    try:
                        self.run_task(task_result)
                    except (OperationalError, InterfaceError):
                        # The task ran but its result could not be stored; it stays RUNNING
                        # and is visible in the admin. Keep serving the queue.
                        logger.exception("could not record the result of task %s", task_result.id)
                        self._drop_connections()
                    idle = MIN_IDLE
                    if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                        return
                    continue
                if self.batch:
                    return
                close_old_connections()
                wait = idle if due_in is None else min(idle, due_in + 0.05)
                if self.running and not self.waker.wait(wait):
                    idle = min(self.max_idle, idle * 2)
                else:
                    idle = MIN_IDLE
        finally:
            self.waker.close()

    @staticmethod
    def _drop_connections() -> None:
        for conn in connections.all(initialized_only=True):
            with contextlib.suppress(Exception):
                conn.close()


def default_max_idle() -> float:
    return float(getattr(settings, "TASK_WORKER_MAX_IDLE", 30))
