"""A member's screens on a 390x844 phone, in Chinese and English: the join screen, the home
to-do list with the bottom tab bar, and a readable error page. Each fits the screen, passes
axe-core, shows what a person needs, and is saved under var/screenshots/ for review."""

import pytest

from tests.browser import DESKTOP_VIEWPORT, assert_fits_and_accessible, screenshot
from tests.e2e.conftest import login

LANGS = [("", "zh"), ("/en", "en")]


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_join_screen(live_server_url, page, demo, prefix, lang):
    path = demo["join_url"].split("://", 1)[1].split("/", 1)[1]
    page.goto(f"{live_server_url}{prefix}/{path}")
    banner = page.locator(".join-banner")
    expected = "您正在加入" if lang == "zh" else "You are joining"
    union = demo["union"]
    name = union.name if lang == "zh" else (union.name_en or union.name)
    assert expected in banner.inner_text() and name in banner.inner_text()
    current = page.locator(".steps [aria-current=step]").inner_text()
    assert "1" in current and (
        "手机号码" in current if lang == "zh" else "Mobile number" in current
    )
    # The banner stays in view while the worker scrolls.
    page.mouse.wheel(0, 600)
    assert banner.bounding_box()["y"] >= 0 and banner.is_visible()
    assert_fits_and_accessible(page)
    screenshot(page, f"join-phone-{lang}")
    # Asking for a code: the button counts down and says so in the page's language.
    button = page.locator("button.send-code")
    assert button.inner_text().strip() == (
        "获取验证码" if lang == "zh" else "Get verification code"
    )
    page.fill("input[name=phone]", "13912345678" if lang == "zh" else "13912345679")
    button.click()
    waiting = "秒后重新获取" if lang == "zh" else "Resend in"
    page.wait_for_function(
        "(text) => document.querySelector('button.send-code').textContent.includes(text)",
        arg=waiting,
    )
    assert button.is_disabled()
    status = page.locator(".code-status").inner_text()
    assert ("139****567" in status) and (
        "验证码已发送" if lang == "zh" else "has been sent"
    ) in status
    assert page.locator("input[name=password], input[name=password1]").count() == 0
    assert_fits_and_accessible(page)
    screenshot(page, f"join-phone-code-sent-{lang}")
    page.set_viewport_size(DESKTOP_VIEWPORT)
    assert_fits_and_accessible(page)
    screenshot(page, f"join-desktop-code-sent-{lang}")


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_member_home_is_a_todo_list_with_a_tab_bar(live_server_url, page, demo, prefix, lang):
    login(page, live_server_url, "rider1")
    page.goto(f"{live_server_url}{prefix}/")
    todo = page.locator(".todo")
    name = demo["riders"][0].first_name
    assert name in todo.locator("h2").inner_text() and "rider1" not in todo.inner_text()
    from unionhome.ballots.demo import OPEN_TITLE
    from unionhome.ballots.models import Ballot

    ballot = Ballot.objects.get(title=OPEN_TITLE)
    # The open ballot, titled in the page's language (the demo ballot has an English title).
    assert ballot.title_en and (ballot.title if lang == "zh" else ballot.title_en) in (
        todo.inner_text()
    )
    assert page.locator(".entry-join").count() == 0 and page.locator(".entry-card").count() == 1
    bar = page.locator(".tab-bar")
    assert bar.is_visible()
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(844, abs=1)
    labels = bar.inner_text()
    words = (
        ("首页", "投票", "法律援助", "会员卡")
        if lang == "zh"
        else ("Home", "Ballots", "Legal aid", "Card")
    )
    assert all(word in labels for word in words)
    assert_fits_and_accessible(page)
    screenshot(page, f"member-home-phone-{lang}")
    # The to-do item leads to the ballot.
    todo.locator(".todo-vote a").first.click()
    page.wait_for_url("**/ballots/*/")
    assert page.locator(".tab-bar a[aria-current=page]").inner_text().strip().endswith(words[1])


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_error_page_says_why(live_server_url, page, demo, prefix, lang):
    from unionhome.ballots.demo import OPEN_TITLE
    from unionhome.ballots.models import Ballot

    ballot = Ballot.objects.get(title=OPEN_TITLE)
    login(page, live_server_url, "rider1")
    response = page.goto(f"{live_server_url}{prefix}/ballots/{ballot.pk}/results/")
    assert response.status == 403
    reason = page.locator(".error-reason").inner_text()
    expected = (
        "表决结束后公布结果。" if lang == "zh" else "Results are published when the ballot closes."
    )
    assert reason == expected
    assert (
        page.locator("html")
        .get_attribute("lang")
        .lower()
        .startswith("zh" if lang == "zh" else "en")
    )
    assert_fits_and_accessible(page)
    screenshot(page, f"error-403-phone-{lang}")
