"""In a real browser on a 390x844 phone: a worker opens the demo union's join link, signs up
with their mobile number and the SMS code, applies; union_admin approves the application in
the Wagtail admin; the new member then sees their membership card."""

import datetime as dt
import re
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.e2e.conftest import PHONE_VIEWPORT, login
from tests.e2e.sms_file import last_code
from unionhome.core.idcard import make_id_number
from unionhome.membership.models import Membership, MembershipStatus

PHONE = "13712345678"


@pytest.fixture
def sms_file(settings, tmp_path):
    """Route SMS to a file; set before the live server forks so the server uses it too."""
    path = tmp_path / "sms.jsonl"
    settings.SMS_SENDER = "tests.e2e.sms_file.file_sender"
    settings.E2E_SMS_FILE = str(path)
    # Staff MFA enrolment has its own tests; here union_admin logs in by password as in the demo.
    settings.MFA_REQUIRED_FOR_STAFF = False
    return path


@pytest.fixture
def server(sms_file, live_server_url):
    """The live server, started after ``sms_file``: the forked server inherits its settings."""
    return live_server_url


def on_server(url: str, base_url: str) -> str:
    """The join URL names SITE_BASE_URL; point it at the live server, keeping path and token."""
    parts, base = urlsplit(url), urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def fits_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]


def test_worker_joins_by_phone_and_gets_a_card_after_approval(
    server, sms_file, page, chromium, demo
):
    union = demo["union"]
    page.goto(on_server(demo["join_url"], server))
    assert page.viewport_size == PHONE_VIEWPORT
    assert union.name in page.locator("main").inner_text()
    assert fits_phone(page)

    # Step 1 on the same screen: the number, "获取验证码", the code from the SMS.
    page.fill("input[name=phone]", PHONE)
    button = page.locator("button.send-code")
    assert button.inner_text().strip() == "获取验证码"
    button.click()
    # The button counts down from the server's 60 seconds and cannot be pressed meanwhile.
    page.wait_for_function(
        "() => document.querySelector('button.send-code').textContent.includes('秒后重新获取')"
    )
    assert button.is_disabled()
    seconds = int(re.match(r"\d+", button.inner_text()).group(0))
    assert 55 <= seconds <= 60
    assert "137****5678" in page.locator(".code-status").inner_text()
    assert fits_phone(page)
    page.fill("input[name=code]", last_code(sms_file, PHONE))
    page.locator("button.next-step").click()

    # Back on the join link, now signed in: the application form.
    page.wait_for_selector("form.apply-form")
    assert fits_phone(page)
    id_number = make_id_number("110105", dt.date(1994, 3, 8), 27)
    page.fill("input[name=full_name]", "周晓明")
    assert page.locator("input[name=phone]").input_value() == PHONE
    page.fill("input[name=id_number]", id_number)
    page.check("input[name=worker_type][value=independent]")
    page.fill("input[name=occupation]", "外卖骑手")
    page.fill("input[name=platform]", "美团")
    page.fill("input[name=city]", "杭州")
    page.check("input[name=consent]")
    page.locator("form.apply-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/membership/$"))
    assert fits_phone(page)
    application = Membership.objects.get(user__phone_number__phone__endswith=PHONE, union=union)
    assert application.status == MembershipStatus.PENDING
    assert "待审核" in page.locator("main").inner_text()
    assert page.locator(".member-card").count() == 0

    # union_admin, in a browser of their own, approves it in the Wagtail admin.
    staff = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        admin_page = staff.new_page()
        login(admin_page, server, "union_admin")
        admin_page.goto(f"{server}/admin/membership/applications/")
        row = admin_page.locator(f"tr[data-application='{application.pk}']")
        assert "周晓明" in row.inner_text()
        # The ID number is shown masked to staff.
        assert id_number not in row.inner_text()
        row.locator("form[action$='/approve/'] button[type=submit]").click()
        admin_page.wait_for_load_state("networkidle")
        assert admin_page.locator(f"tr[data-application='{application.pk}']").count() == 0
    finally:
        staff.close()
    application.refresh_from_db()
    assert application.status == MembershipStatus.ACTIVE
    assert application.member_no

    # The member opens their membership page and sees the card with the member number.
    page.goto(f"{server}/membership/")
    card = page.locator(".member-card")
    assert card.count() == 1
    assert union.name in card.inner_text()
    assert page.locator(".member-card .member-no").inner_text().strip() == application.member_no
    assert page.locator(".member-card-qr svg").count() == 1
    assert fits_phone(page)
