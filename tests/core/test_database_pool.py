"""The bounded PostgreSQL pool (settings, DATABASE_POOL_*): a burst of requests waits for a
connection instead of opening one each, and the configuration switches as documented."""

import threading
import time

import pytest
from django.db import connection, connections

from tests.settings_probe import settings_in_subprocess


def _database_settings(tmp_path, **extra_env) -> dict:
    return settings_in_subprocess(
        "{'pool': s.DATABASES['default']['OPTIONS'].get('pool'),"
        " 'age': s.DATABASES['default']['CONN_MAX_AGE']}",
        tmp_path,
        drop=("DATABASE_*",),
        DATABASE_URL="postgres://u:p@db.example:5432/unionhome",
        **extra_env,
    )


def test_postgresql_gets_a_bounded_pool_by_default(tmp_path):
    found = _database_settings(tmp_path)
    assert found == {"pool": {"min_size": 1, "max_size": 10, "timeout": 5.0}, "age": 0}


def test_pool_size_and_wait_come_from_the_environment(tmp_path):
    found = _database_settings(
        tmp_path, DATABASE_POOL_MAX_SIZE="4", DATABASE_POOL_MIN_SIZE="9", DATABASE_POOL_TIMEOUT="2"
    )
    assert found["pool"] == {"min_size": 4, "max_size": 4, "timeout": 2.0}


def test_pool_size_zero_turns_pooling_off(tmp_path):
    # Then persistent connections, as before pooling.
    assert _database_settings(tmp_path, DATABASE_POOL_MAX_SIZE="0") == {"pool": None, "age": 60}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_waits_for_pooled_connections_instead_of_opening_one_each():
    """Three times as many concurrent requests as pooled connections: every one succeeds, and
    the server never sees more of this process's connections than the pool's size."""
    pool = connection.pool
    assert pool is not None, "the PostgreSQL pass runs with the pool on, as in production"
    size = pool.max_size
    burst = size * 3
    errors: list[BaseException] = []
    done = []

    def request_like():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.2)")
            done.append(1)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()  # as Django does at the end of a request

    def own_connections() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    threads = [threading.Thread(target=request_like) for _ in range(burst)]
    peak = 0
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, own_connections())
        time.sleep(0.02)
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(done) == burst
    # The test database is this process's alone; this thread's connection is a pooled one.
    assert 1 < peak <= size
