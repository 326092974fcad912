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
