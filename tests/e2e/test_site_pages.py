"""In a real browser on a 390x844 phone: the home page and a legal guide, in Chinese and in
English, fit the screen (no element sticks out to the right) and pass an axe-core check
without serious or critical violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import PHONE_VIEWPORT

# path -> a phrase the page must show (so a blank or wrong page cannot pass)
PAGES = [
    ("/", "新就业形态劳动者的网上工会之家"),
    ("/legal-guides/pay-and-piece-rates/", "计件单价"),
    ("/en/", "The online union home of gig workers"),
    ("/en/legal-guides/pay-and-piece-rates/", "piece rate"),
]

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
