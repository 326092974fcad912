"""In a real browser on a phone-sized screen: rider1 books a consultation, then volunteer1
finds it on the volunteer desk."""

import re

import pytest

from tests.e2e.conftest import PHONE_VIEWPORT, chromium, live_server_url, page  # noqa: F401

pytestmark = pytest.mark.browser


def sign_in(context, base_url: str, user) -> None:
    """Give the browser a logged-in session cookie (the login form has its own tests)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )


def test_rider_books_and_volunteer_sees_it(live_server_url, page, chromium, la):  # noqa: F811
    sign_in(page.context, live_server_url, la.rider1)
    page.goto(f"{live_server_url}/legal-aid/book/?topic=wage_arrears")
    assert page.viewport_size == PHONE_VIEWPORT
    assert page.locator("#id_topic").input_value() == "wage_arrears"
    # Nothing wider than the phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]

    page.locator("input[name=slot]").first.check()
    page.fill("#id_description", "外卖站点拖欠两个月工资，浏览器测试")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/legal-aid/bookings/\d+/$"))
    assert "外卖站点拖欠两个月工资" in page.locator("main").inner_text()
    assert page.locator("a[href$='consultation.ics']").count() == 1

    context = chromium.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
    try:
        sign_in(context, live_server_url, la.v1.user)
        volunteer_page = context.new_page()
        volunteer_page.goto(f"{live_server_url}/legal-aid/volunteer/")
        main = volunteer_page.locator("main").inner_text()
        assert "外卖站点拖欠两个月工资" in main
        assert "张伟" in main  # the member's name, for the assigned volunteer only
    finally:
        context.close()
