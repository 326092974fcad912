"""The audit log screen in a browser: fits a phone and a desktop, in Chinese and English."""

import pytest
from wagtail.users.models import UserProfile

from tests.browser import DESKTOP_VIEWPORT, PHONE_VIEWPORT, screenshot
from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    for action in (AuditAction.MEMBERSHIP_APPROVE, AuditAction.ID_NUMBER_VIEW):
        audit_record(
            action=action,
            actor=ctx["union_admin"],
            object_type="unionhome.membership",
            object_id=7,
            union=ctx["union"],
            detail="electors: 12",
        )
    return ctx


def sign_in(context, base_url: str, user) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_audit_log_fits_phone_and_desktop(live_server_url, chromium, demo, language):
    admin = demo["admin"]
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = language
    profile.save()
    for name, viewport in (("phone", PHONE_VIEWPORT), ("desktop", DESKTOP_VIEWPORT)):
        context = chromium.new_context(viewport=viewport)
        sign_in(context, live_server_url, admin)
        page = context.new_page()
        page.goto(f"{live_server_url}/admin/audit/")
        text = page.locator("main").inner_text()
        assert ("审计日志" if language == "zh-hans" else "Audit log") in page.title()
        assert ("查看了完整身份证号" if language == "zh-hans" else "Unmasked ID number") in text
        screenshot(page, f"audit-log-{language}-{name}")
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
