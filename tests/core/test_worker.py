"""The task worker: wake-on-enqueue, idle back-off, database retries (unionhome.core.worker)."""

import socket

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from legalaid.tasks import send_legalaid_reminders
from unionhome.core import worker as worker_module
from unionhome.core.worker import BackoffWorker, Waker, wake_workers

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


def make_worker(**overrides) -> BackoffWorker:
    options = {
        "queue_names": ["default"],
        "interval": 1,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
        "max_idle": 1,
    }
    return BackoffWorker(**{**options, **overrides})


def test_an_enqueue_wakes_a_sleeping_worker(var_dir):
    waker = Waker("w1")
    try:
        assert waker.wait(0.05) is False  # nobody nudged it: it slept the whole time
        assert wake_workers() == 1
        assert waker.wait(30) is True
    finally:
        waker.close()
    assert not (var_dir / "wake" / "w1.sock").exists()


def test_a_dead_workers_socket_is_removed(var_dir):
    folder = var_dir / "wake"
    folder.mkdir()
    stale = folder / "gone.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(stale))  # closed without unlinking, as a killed worker leaves it
    assert wake_workers() == 0
    assert not stale.exists()


@pytest.mark.django_db
def test_enqueue_signal_wakes_the_worker_after_commit(var_dir, django_capture_on_commit_callbacks):
    waker = Waker("w2")
    try:
        with override_settings(TASKS=DB_TASKS), django_capture_on_commit_callbacks() as pending:
            send_legalaid_reminders.enqueue()
        assert waker.wait(0.05) is False  # not before the row is committed
        for callback in pending:
            callback()
        assert waker.wait(30) is True
    finally:
        waker.close()


@pytest.mark.django_db(transaction=True)
def test_batch_worker_runs_enqueued_tasks_and_stops(var_dir):
    with override_settings(TASKS=DB_TASKS):
        result = send_legalaid_reminders.enqueue()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_worker_retries_while_the_database_is_unreachable(var_dir, monkeypatch):
    """Three failed looks at the queue, then the database is back: the worker keeps going
    (django-tasks-db's own worker exits on the first such error)."""
    failures = {"left": 3}
    real_claim = BackoffWorker.claim_one
    sleeps = []

    def flaky_claim(self):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("connection refused")
        return real_claim(self)

    monkeypatch.setattr(BackoffWorker, "claim_one", flaky_claim)
    monkeypatch.setattr(worker_module.time, "sleep", sleeps.append)
    with override_settings(TASKS=DB_TASKS):
        result = send_legalaid_reminders.enqueue()
        make_worker(max_idle=4).run()
    assert failures["left"] == 0
    assert sleeps == [1.0, 2.0, 4]  # back-off from 0.5 s, doubling, capped at max_idle
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db
def test_an_empty_queue_is_checked_without_a_write_transaction(var_dir, django_assert_num_queries):
    """Idle polls only read: on SQLite a poll inside a write transaction would contend with
    every request that writes."""
    with override_settings(TASKS=DB_TASKS), django_assert_num_queries(1) as captured:
        assert make_worker().claim_one() is None
    assert "BEGIN" not in captured.captured_queries[0]["sql"].upper()
