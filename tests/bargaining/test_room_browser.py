"""Two browser contexts (union chief and platform chief) in one live room on a real Daphne:
one submits an offer, the other sees it appear without reloading. At a 390 px wide viewport."""

import pytest
from django.test import Client

from tests.bargaining.conftest import in_own_thread
from tests.bargaining.live import daphne_processes
from tests.services import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PORT = 8133
BASE = f"http://127.0.0.1:{PORT}"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@in_own_thread
def test_offer_appears_in_the_other_browser(demo, case, tmp_path):
    from playwright.sync_api import sync_playwright

    pay = case.items.get(topic="pay")
    cookies = {
        "union": session_for(demo["union_side"][0]),
        "employer": session_for(demo["platform_side"][0]),
    }
    with daphne_processes([PORT], var_dir=tmp_path), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        pages = {}
        for side, value in cookies.items():
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.add_cookies([{"name": "sessionid", "value": value, "url": BASE}])
            page = context.new_page()
            page.goto(f"{BASE}/bargaining/{case.pk}/")
            page.wait_for_selector("#live-status.live", timeout=15000)
            pages[side] = page
        union, employer = pages["union"], pages["employer"]
        assert union.evaluate("document.documentElement.scrollWidth") <= 390
        assert employer.locator(f"#item-{pay.pk} .pos-union").text_content().strip() != "8.7 元/单"
        form = union.locator(f"form.offer-form[data-item='{pay.pk}']")
        form.locator("input[name=value]").fill("8.70")
        form.locator("button[type=submit]").click()
        employer.wait_for_function(
            f"() => document.querySelector('#item-{pay.pk} .pos-union').textContent.includes('8.7')",
            timeout=15000,
        )
        # No reload happened: the page's live log holds the new offer.
        assert "8.7" in employer.locator("#live-log").text_content()
        browser.close()
