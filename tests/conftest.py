import pytest

from tests.browser import chromium, live_server_url, page  # noqa: F401 - shared fixtures
from tests.services import (
    REQUIRE_SERVICES,
    chromium_path,
    libreoffice_available,
    postgres_configured,
    redis_available,
)


def _missing(item) -> str | None:
    if item.get_closest_marker("postgres") and not postgres_configured():
        return "PostgreSQL is not configured (run with DATABASE_URL=postgres://...)"
    if item.get_closest_marker("redis") and not redis_available():
        return "Redis is not reachable (TEST_REDIS_URL)"
    if item.get_closest_marker("browser") and not chromium_path():
        return "Chromium is not installed (/usr/bin/chromium)"
    if item.get_closest_marker("libreoffice") and not libreoffice_available():
        return "LibreOffice is not installed (soffice)"
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
    from unionhome.core import demo as demo_module

    return demo_module.seed_all()


def _ensure_wagtail_roots() -> None:
    """Transactional tests flush every table, including the rows Wagtail's migrations made
    (root page, root collection, default locale); put them back for the next test."""
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(title="Root", slug="root", locale=locale)


@pytest.fixture(autouse=True)
def _wagtail_roots(request):
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if (
        "transactional_db" in names
        or "live_server_url" in names
        or (marker and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    _ensure_wagtail_roots()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request to an /en/ page leaves English
    active in the thread, which would leak into the next test's service calls."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached fragments and Wagtail's site-root cache must not outlive a test's database."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _end_stray_database_sessions(django_db_setup, django_db_blocker):
    """Async tests leave connections open in asgiref's worker threads; end them so the test
    database can be dropped at the end of the run (PostgreSQL refuses while they live)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()
