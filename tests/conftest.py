import os

import pytest

from tests.services import REQUIRE_SERVICES, chromium_path, postgres_configured, redis_available

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing(item) -> str | None:
    if item.get_closest_marker("postgres") and not postgres_configured():
        return "PostgreSQL is not configured (run with DATABASE_URL=postgres://...)"
    if item.get_closest_marker("redis") and not redis_available():
        return "Redis is not reachable (TEST_REDIS_URL)"
    if item.get_closest_marker("browser") and not chromium_path():
        return "Chromium is not installed (/usr/bin/chromium)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    reason = _missing(item)
    if reason:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def demo(db):
    """The demo content of seed_demo (users, unions, and what each app adds)."""
    from unionhome import demo as demo_module

    return demo_module.seed_all()
