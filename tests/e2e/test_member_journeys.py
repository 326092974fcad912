"""A member's journeys on a 390x844 phone, in Chinese and English: booking a consultation
the way calendar apps do, and voting through to the receipt and the results. Each screen
fits the phone, passes axe-core, shows what a person needs to read, and is saved under
var/screenshots/ for review."""

import re

import pytest
from django.utils import timezone

from legalaid.slots import SHANGHAI
from tests.browser import DESKTOP_VIEWPORT, assert_fits_and_accessible, screenshot
from tests.e2e.conftest import login

LANGS = [("", "zh"), ("/en", "en")]


def _text(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_booking_on_a_phone(live_server_url, page, demo, prefix, lang):
    held = demo["legalaid_booking"]
    day = held.slot.start.astimezone(SHANGHAI).date()
    login(page, live_server_url, "rider1")
    page.goto(f"{live_server_url}{prefix}/legal-aid/book/?day={day.isoformat()}")

    # The days are one horizontal strip; the chosen one is marked, as is the one with a booking.
    strip = page.locator("nav.la-days")
    assert strip.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    current = strip.locator("a[aria-current=date]")
    assert current.locator(".la-day-date").inner_text() == f"{day.month}/{day.day}"
    assert _text(lang, "已有预约", "You have a booking") in current.inner_text()
    # Before booking a second consultation that day, the member is warned with the first one.
    warning = page.locator(".la-warning").inner_text()
    assert _text(lang, "你在这一天已有一次咨询", "You already have a consultation") in warning
    assert held.slot.start.astimezone(SHANGHAI).strftime("%H:%M") in warning
    assert_fits_and_accessible(page)
    screenshot(page, f"booking-warning-phone-{lang}")
    page.set_viewport_size(DESKTOP_VIEWPORT)
    assert_fits_and_accessible(page)
    screenshot(page, f"booking-warning-desktop-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})

    # Times are buttons; picking one states the time and the way to meet before confirming.
    times = page.locator(".la-times .la-slot")
    assert times.count() >= 1
    first = times.first
    picked = first.locator(".la-slot-time").inner_text()
    first.click()
    summary = page.locator(".la-summary")
    assert picked in summary.locator(".la-summary-time").inner_text()
    channel_line = summary.locator(".la-summary-channel").inner_text().strip()
    offered = first.locator("input").get_attribute("data-channels")
    assert channel_line == offered
    page.select_option("#id_channel", index=2)
    chosen = page.locator("#id_channel option:checked").inner_text()
    assert summary.locator(".la-summary-channel").inner_text().strip() == chosen
    page.fill("#id_description", _text(lang, "平台拖欠两周配送费", "Two weeks of pay withheld"))
    screenshot(page, f"booking-summary-phone-{lang}")
    page.locator("button.la-confirm").click()
    page.wait_for_url(re.compile(r"/legal-aid/bookings/\d+/$"))
    assert _text(lang, "平台拖欠两周配送费", "Two weeks of pay withheld") in page.inner_text("main")
    assert_fits_and_accessible(page)
    screenshot(page, f"booking-done-phone-{lang}")


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_voting_to_the_receipt_and_results(live_server_url, page, demo, prefix, lang):
    from unionhome.ballots.demo import OPEN_TITLE
    from unionhome.ballots.models import Ballot, BallotKind

    ballot = Ballot.objects.get(title=OPEN_TITLE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server_url, "rider1")
    page.goto(f"{live_server_url}{prefix}/ballots/{ballot.pk}/")
    # While open: the turnout so far is a count only, nobody's choices.
    assert re.fullmatch(r"\d+", page.locator(".turnout-so-far").inner_text().strip())
    assert_fits_and_accessible(page)
    page.locator(".ballot-option").first.click()
    page.locator("button.ballot-submit").click()
    page.wait_for_url(re.compile(rf"/ballots/{ballot.pk}/confirm/$"))
    page.locator("button.ballot-submit").click()
    page.wait_for_url(re.compile(rf"/ballots/{ballot.pk}/receipt/$"))

    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    when = ballot.closes_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    publish = page.locator(".publish-time").inner_text()
    assert when in publish and _text(lang, "公布", "published") in publish
    copy = page.locator("button.copy-receipt")
    assert copy.is_visible()
    copy.click()
    page.wait_for_function("() => document.querySelector('.copy-done').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == receipt
    assert_fits_and_accessible(page)
    screenshot(page, f"ballot-receipt-phone-{lang}")
    page.set_viewport_size(DESKTOP_VIEWPORT)
    screenshot(page, f"ballot-receipt-desktop-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})

    # A closed election: the verdict says how many were elected, and who.
    election = Ballot.objects.filter(kind=BallotKind.ELECTION, closes_at__lt=timezone.now()).first()
    page.goto(f"{live_server_url}{prefix}/ballots/{election.pk}/results/")
    verdict = page.locator(".verdict-line").inner_text()
    assert re.fullmatch(_text(lang, r"当选 \d+ 人", r"\d+ elected"), verdict.strip())
    names = page.locator(".elected-names").inner_text()
    assert names and all(name.strip() for name in re.split("[、,]", names))
    size = page.locator(".verdict-line").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 28
    assert_fits_and_accessible(page)
    screenshot(page, f"ballot-results-phone-{lang}")
    page.set_viewport_size(DESKTOP_VIEWPORT)
    assert_fits_and_accessible(page)
    screenshot(page, f"ballot-results-desktop-{lang}")
