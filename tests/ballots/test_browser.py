"""In a real browser on a 390x844 phone screen: rider1 votes on the demo ballot, confirms,
and sees the receipt (then finds it again in "my ballots")."""

import re

import pytest

from tests.e2e.conftest import (  # noqa: F401
    PHONE_VIEWPORT,
    chromium,
    live_server_url,
    page,
)
from unionhome.ballots import selectors
from unionhome.ballots.models import BallotParticipation

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    """The core demo users and this app's demo ballots (independent of other apps' demos)."""
    from unionhome.ballots import demo as ballots_demo
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    ballots_demo.seed(ctx)
    return ctx


def sign_in(context, base_url: str, user) -> None:
    """Give the browser a logged-in session cookie (the login form has its own tests)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )


def test_rider1_votes_on_the_demo_ballot_and_sees_the_receipt(live_server_url, page, demo):  # noqa: F811
    ballot = demo["ballot_open"]
    sign_in(page.context, live_server_url, demo["riders"][0])
    page.goto(f"{live_server_url}/ballots/")
    assert page.viewport_size == PHONE_VIEWPORT
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    # The open ballot comes first and asks for the vote.
    first = page.locator(".ballot-row").first
    assert ballot.title in first.inner_text()
    first.get_by_role("link", name="去投票").click()
    page.wait_for_url(re.compile(rf"/ballots/{ballot.pk}/$"))

    page.screenshot(path=str(_screenshot_path("paper")), full_page=True)
    page.locator(".ballot-option", has_text="同意").first.click()
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(re.compile(rf"/ballots/{ballot.pk}/confirm/$"))
    warning = page.locator(".ballot-warning").inner_text()
    assert "投票提交后不能更改" in warning
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    assert not BallotParticipation.objects.filter(ballot=ballot).exists()

    page.get_by_role("button", name="确认提交").click()
    page.wait_for_url(re.compile(rf"/ballots/{ballot.pk}/receipt/$"))
    shown = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", shown)
    assert shown == selectors.ballot_receipt_of(ballot=ballot, user=demo["riders"][0])
    page.screenshot(path=str(_screenshot_path("receipt")), full_page=True)

    page.goto(f"{live_server_url}/ballots/")
    assert shown in page.locator(".ballot-row").first.inner_text()


def test_results_of_the_closed_election_fit_a_phone(live_server_url, page, demo):  # noqa: F811
    election = demo["ballot_closed"]
    sign_in(page.context, live_server_url, demo["riders"][1])
    page.goto(f"{live_server_url}/ballots/{election.pk}/results/")
    assert page.locator("svg.ballot-chart rect").count() >= 4
    # An election's verdict names how many were elected (the results page lists them).
    assert re.search(r"当选 \d+ 人", page.locator(".verdict-line").inner_text())
    assert "5 名有投票权人中 5 人投票" in page.locator(".turnout").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    page.screenshot(path=str(_screenshot_path("results")), full_page=True)


def _screenshot_path(name: str):
    from django.conf import settings

    return settings.VAR_DIR / f"ballot-{name}-390.png"
