import logging

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string


def test_every_periodic_job_is_importable():
    assert settings.PERIODIC_JOBS
    for path, interval in settings.PERIODIC_JOBS:
        assert callable(import_string(path)), path
        assert interval > 0


@pytest.mark.django_db
def test_run_scheduler_once_runs_every_job_without_errors(demo, caplog):
    with caplog.at_level(logging.INFO, logger="unionhome.scheduler"):
        call_command("run_scheduler", "--once")
    ran = [r for r in caplog.records if r.name == "unionhome.scheduler"]
    assert len(ran) == len(settings.PERIODIC_JOBS)
    assert all(r.levelno == logging.INFO for r in ran), [r.getMessage() for r in ran]


def test_a_failed_job_is_retried_soon_then_at_its_interval():
    from unionhome.core.management.commands.run_scheduler import RETRY_MIN, next_delay

    assert next_delay(3600, 0) == 3600
    assert next_delay(3600, 1) == RETRY_MIN
    assert next_delay(3600, 3) == RETRY_MIN * 4
    assert next_delay(60, 10) == 60  # never later than the job's own interval


@pytest.mark.django_db
def test_a_job_that_fails_on_the_database_is_reported_not_raised(monkeypatch, caplog):
    from django.db.utils import OperationalError

    from unionhome.core.management.commands import run_scheduler

    def database_away():
        raise OperationalError("connection refused")

    monkeypatch.setattr(run_scheduler, "import_string", lambda path: database_away)
    monkeypatch.setattr(run_scheduler.connections, "all", lambda **kwargs: [])
    with caplog.at_level(logging.ERROR, logger="unionhome.scheduler"):
        assert run_scheduler.run_job("any.job") is False
    assert "any.job failed" in caplog.text
