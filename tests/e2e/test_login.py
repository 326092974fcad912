from tests.e2e.conftest import login


def test_member_opens_home_on_a_phone_logs_in_and_sees_their_name(live_server_url, page, demo):
    response = page.goto(live_server_url + "/")
    assert response is not None and response.status == 200
    assert page.viewport_size == {"width": 390, "height": 844}
    assert page.locator("html").get_attribute("lang").lower() == "zh-hans"
    # The page fits the phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    login(page, live_server_url, "rider1")
    page.goto(live_server_url + "/")
    assert page.locator(".member-name").inner_text().strip() == "张伟"


def test_wrong_password_shows_an_error_and_no_name(live_server_url, page, demo):
    login(page, live_server_url, "rider1", password="wrong-password")
    assert page.locator(".member-name").count() == 0
    assert "/accounts/login/" in page.url
