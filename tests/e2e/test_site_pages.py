"""In a real browser on a 390x844 phone: the home page and a legal guide, in Chinese and in
English, fit the screen (no element sticks out to the right) and pass an axe-core check
without serious or critical violations."""

import pytest

from tests.browser import OVERFLOWING_JS, serious_violations
from tests.e2e.conftest import PHONE_VIEWPORT

# path -> a phrase the page must show (so a blank or wrong page cannot pass)
PAGES = [
    ("/", "新就业形态劳动者的网上工会之家"),
    ("/legal-guides/pay-and-piece-rates/", "计件单价"),
    ("/en/", "The online union home of gig workers"),
    ("/en/legal-guides/pay-and-piece-rates/", "piece rate"),
]


@pytest.mark.parametrize(("path", "phrase"), PAGES)
def test_site_page_fits_a_phone_and_passes_axe(live_server_url, page, demo, path, phrase):
    response = page.goto(live_server_url + path)
    assert response is not None and response.status == 200
    assert page.viewport_size == PHONE_VIEWPORT
    expected_lang = "en" if path.startswith("/en/") else "zh-hans"
    assert page.locator("html").get_attribute("lang").lower() == expected_lang

    assert phrase in page.locator("main").inner_text()

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    assert page.evaluate(OVERFLOWING_JS) == []

    serious, report = serious_violations(page)
    assert serious == [], report


def test_the_checks_catch_an_overflowing_box_and_a_serious_violation(page):
    """The two checks above can fail: a too-wide box and an unlabelled, low-contrast page."""
    page.set_content(
        '<html lang="en"><body style="margin:0"><main>'
        '<div style="width:600px">wide</div>'
        '<div style="overflow-x:auto"><table style="width:900px"><tr><td>x</td></tr></table></div>'
        '<p style="color:#bbb;background:#fff">faint text</p>'
        '<input type="text">'
        "</main></body></html>"
    )
    assert page.evaluate(OVERFLOWING_JS) == ["div. right=600"]
    serious, _ = serious_violations(page)
    assert {"color-contrast", "label"} <= {v["id"] for v in serious}
