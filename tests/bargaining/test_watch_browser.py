"""A member watches an open session in the browser (390 px, Chinese; desktop, English): an
offer made in the chief's browser appears live, by side, and closing the session ends it."""

import pytest
from django.test import Client

from bargaining import watching
from tests.bargaining.conftest import in_own_thread
from tests.bargaining.live import daphne_processes
from tests.browser import CHROMIUM_ARGS
from tests.services import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PORT = 8196
BASE = f"http://127.0.0.1:{PORT}"


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@in_own_thread
def test_member_watches_live_and_is_closed_out(demo, case, tmp_path):
    from playwright.sync_api import sync_playwright

    pay = case.items.get(topic="pay")
    for chief in (demo["union_side"][0], demo["platform_side"][0]):
        watching.session_consent(case=case, by=chief)
    chief_cookie = session_for(demo["union_side"][0])
    member_cookie = session_for(demo["riders"][0])
    shots = tmp_path / "shots"
    shots.mkdir()
    with daphne_processes([PORT], var_dir=tmp_path), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

        def open_page(cookie, path, viewport, locale):
            context = browser.new_context(viewport=viewport, locale=locale)
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": BASE}])
            page = context.new_page()
            page.goto(f"{BASE}{path}")
            return page

        phone = {"width": 390, "height": 844}
        chief = open_page(chief_cookie, f"/bargaining/{case.pk}/", phone, "zh-CN")
        chief.wait_for_selector("#live-status.live", timeout=15000)
        member = open_page(member_cookie, f"/bargaining/{case.pk}/watch/", phone, "zh-CN")
        member.wait_for_function(
            "() => document.getElementById('watchers').textContent.includes('1')", timeout=15000
        )
        assert member.evaluate("document.documentElement.scrollWidth") <= 390
        before = member.locator("#watch-log li").count()
        form = chief.locator(f"form.offer-form[data-item='{pay.pk}']")
        form.locator("input[name=value]").fill("8.80")
        form.locator("button[type=submit]").click()
        member.wait_for_function(
            f"() => document.querySelectorAll('#watch-log li').length > {before}", timeout=15000
        )
        last = member.locator("#watch-log li").last.text_content()
        assert "8.8" in last and "工会方" in last
        assert demo["union_side"][0].get_full_name() not in last
        member.screenshot(path=str(shots / "watch-390-zh.png"), full_page=True)
        chief.locator("#open-session").scroll_into_view_if_needed()
        chief.screenshot(path=str(shots / "room-controls-390-zh.png"), full_page=True)

        desktop = open_page(
            member_cookie, f"/en/bargaining/{case.pk}/watch/", {"width": 1280, "height": 900}, "en"
        )
        desktop.wait_for_selector("#watch-log li")
        assert "Union side" in desktop.content()
        desktop.screenshot(path=str(shots / "watch-desktop-en.png"), full_page=True)

        chief.locator("#open-session form button").first.click()
        chief.wait_for_load_state("networkidle")
        member.wait_for_function(
            "() => document.getElementById('live-status').textContent.includes('首席')",
            timeout=15000,
        )
        member.screenshot(path=str(shots / "watch-closed-390-zh.png"), full_page=True)
        browser.close()
    print(f"SCREENSHOTS {shots}")
