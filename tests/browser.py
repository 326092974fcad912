"""Browser test fixtures: Playwright drives Debian's Chromium against a live Daphne server.

Daphne (not the WSGI live server) serves the test database, so WebSockets work too.
"""

from functools import partial
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from channels.testing.live import make_application, set_database_connection
from daphne.testing import DaphneProcess
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from playwright.sync_api import sync_playwright

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
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
# Screenshots for people to review (CI keeps them as artefacts); the folder is git-ignored.
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


@pytest.fixture
def live_server_url(transactional_db):
    """Start Daphne in a child process on a free port, serving the test database."""
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


# Every document reports Content-Security-Policy violations to the test (the binding survives
# navigations); Chromium's console line "Refused to ..." is a second witness.
CSP_LISTENER_JS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.documentURI}`
    + (e.sample ? `: ${e.sample}` : ""));
});
"""


def watch_csp(context, violations: list[str]) -> None:
    """Collect the CSP violations of every page of a browser context into `violations`."""
    context.expose_function("__cspViolation", lambda text: violations.append(text))
    context.add_init_script(CSP_LISTENER_JS)
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )


def fail_on_csp_violations(violations: list[str]) -> None:
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def chromium(monkeypatch):
    """One browser per test. Sync Playwright marks its event loop as running while it lives,
    which would break the async (Channels) tests that follow if it outlived its test.

    Every context made from it reports CSP violations, and any violation fails the test."""
    # The test's own ORM calls (fixtures, assertions) run in the thread whose loop Playwright
    # marks as running: only these tests may make them, and only while the browser lives.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def new_watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            watch_csp(context, violations)
            return context

        browser.new_context = new_watched_context
        browser.csp_violations = violations
        yield browser
        browser.close()
    fail_on_csp_violations(violations)


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


# Elements whose right edge passes the viewport, skipping what the user cannot see: boxes
# of zero size, and content clipped by a scroll container that itself fits (a wide table in
# its horizontally scrolling wrapper is the intended layout, not an overflow).
OVERFLOWING_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const clippedInside = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== "visible" && a !== document.body && a !== document.documentElement) {
        return a.getBoundingClientRect().right <= width + 0.5;
      }
    }
    return false;
  };
  const found = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 0.5 && !clippedInside(el)) {
      found.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
    }
  }
  return found;
}
"""


def serious_violations(page) -> tuple[list[dict], str]:
    """Run axe-core in the page; the serious and critical violations, and a readable report."""
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    return serious, results.generate_report()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits_and_accessible(page) -> None:
    """No horizontal overflow, nothing sticking out to the right, no serious axe violation."""
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWING_JS) == []
    serious, report = serious_violations(page)
    assert serious == [], report
