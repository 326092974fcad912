"""Browser test fixtures: Playwright drives Debian's Chromium against a live Daphne server.

Daphne (not the WSGI live server) serves the test database, so WebSockets work too.
"""

from functools import partial

import pytest

from tests.services import chromium_path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture
def live_server_url(transactional_db):
    """Start Daphne in a child process on a free port, serving the test database."""
    from channels.testing.live import make_application, set_database_connection
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    get_application = partial(make_application, static_wrapper=ASGIStaticFilesHandler)
    process = DaphneProcess("127.0.0.1", get_application, setup=set_database_connection)
    process.start()
    if not process.ready.wait(timeout=60):
        process.terminate()
        pytest.fail("Daphne did not start")
    try:
        yield f"http://127.0.0.1:{process.port.value}"
    finally:
        process.terminate()
        process.join(timeout=10)


@pytest.fixture
def chromium():
    """One browser per test. Sync Playwright marks its event loop as running while it lives,
    which would break the async (Channels) tests that follow if it outlived its test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A phone-sized page (390 x 844) with a Chinese browser locale."""
    context = chromium.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def login(page, base_url: str, username: str, password: str = "demo-pass-2026") -> None:
    """Log in through the allauth login page (username + password)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
