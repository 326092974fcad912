"""What a member sees on a 390x844 phone, in Chinese and English, on the result of a
collective-contract vote and on a page that does not exist."""

import math
import re

import pytest

from tests.browser import assert_fits_and_accessible, screenshot
from tests.e2e.conftest import login

LANGS = [("", "zh"), ("/en", "en")]


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_contract_vote_result_draws_both_article_36_lines(
    live_server_url, page, demo, prefix, lang
):
    from unionhome.ballots.models import Ballot, BallotRule

    ballot = Ballot.objects.get(rule=BallotRule.COLLECTIVE_CONTRACT, eligible_count__isnull=False)
    base = ballot.eligible_count
    # Collective Contract Provisions art. 36: two thirds take part, and half of ALL approve;
    # "以上" includes the number itself (Civil Code art. 1259), so the lines are ceilings.
    two_thirds, half = math.ceil(2 * base / 3), math.ceil(base / 2)
    login(page, live_server_url, "rider1")
    page.goto(f"{live_server_url}{prefix}/ballots/{ballot.pk}/results/")

    verdict = page.locator(".verdict-line")
    assert verdict.inner_text().strip() == ("通过" if lang == "zh" else "Passed")
    assert verdict.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 28
    chart = page.locator("svg.threshold-chart")
    assert chart.locator("line.threshold").count() == 2
    labels = " | ".join(chart.locator("text").evaluate_all("els => els.map(e => e.textContent)"))
    expected = (
        [rf"三分之二[:：]\s*{two_thirds}\b", rf"全体半数[:：]\s*{half}\b"]
        if lang == "zh"
        else [rf"two thirds:\s*{two_thirds}\b", rf"half of all:\s*{half}\b"]
    )
    assert all(re.search(pattern, labels) for pattern in expected), labels
    caption = page.locator("figure.thresholds figcaption").inner_text()
    assert ("第三十六条" if lang == "zh" else "art. 36") in caption
    assert_fits_and_accessible(page)
    screenshot(page, f"ballot-contract-results-phone-{lang}")


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_missing_page_is_a_styled_page_in_the_language_asked(
    live_server_url, page, demo, prefix, lang
):
    login(page, live_server_url, "rider1")
    response = page.goto(f"{live_server_url}{prefix}/no-such-page/")
    assert response.status == 404
    heading = page.locator("main h1").inner_text().strip()
    assert heading == ("页面不存在" if lang == "zh" else "Page not found")
    text = page.locator("main").inner_text()
    assert "Not Found" not in text
    if lang == "zh":
        assert not re.search(r"[A-Za-z]{4,}", text), text
    else:
        assert not re.search(r"[\u4e00-\u9fff]", text), text
    # The page keeps the site around it: header, and the tab bar of a signed-in member.
    assert page.locator(".tab-bar").is_visible()
    assert page.locator("html").get_attribute("lang").lower().startswith(lang)
    assert_fits_and_accessible(page)
    screenshot(page, f"error-404-phone-{lang}")
