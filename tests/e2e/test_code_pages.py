"""allauth's SMS code pages on a 390x844 phone, in Chinese and English: like the join screen,
the button that texts a code says 获取验证码, and the next page's resend button counts down
the server's one-code-a-minute rule. A resend forced before the minute is up (the button
re-enabled by hand) is refused by the server with a readable message and sends nothing."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.browser import OVERFLOWING_JS, screenshot
from tests.e2e.conftest import PHONE_VIEWPORT
from tests.e2e.sms_file import last_code, messages_to
from unionhome.membership.models import PhoneNumber

TEXTS = {
    "": {
        "get": "获取验证码",
        "cancel": "取消",
        "resend": "重新获取验证码",
        "waiting": re.compile(r"^(\d+) 秒后重新获取$"),
        "refused": re.compile(r"验证码刚刚已发送，\d+ 秒后可重新获取。"),
    },
    "/en": {
        "get": "Get verification code",
        "cancel": "Cancel",
        "resend": "Request new code",
        "waiting": re.compile(r"^Resend in (\d+) s$"),
        "refused": re.compile(
            r"A verification code was just sent\. You can ask for a new one in \d+ s\."
        ),
    },
}


@pytest.fixture
def sms_file(settings, tmp_path):
    """Route SMS to a file; set before the live server forks so the server uses it too."""
    path = tmp_path / "sms.jsonl"
    settings.SMS_SENDER = "tests.e2e.sms_file.file_sender"
    settings.E2E_SMS_FILE = str(path)
    return path


@pytest.fixture
def server(sms_file, live_server_url):
    return live_server_url


def assert_counts_down_and_refuses_early_resend(page, texts, sms_file, phone):
    resend = page.locator("button.resend-code")
    # The countdown starts from the server's minute and the button cannot be pressed meanwhile.
    first = resend.inner_text().strip()
    seconds = int(texts["waiting"].match(first).group(1))
    assert 55 <= seconds <= 60
    assert resend.is_disabled()
    page.wait_for_function(
        "(first) => document.querySelector('button.resend-code').textContent.trim() !== first",
        arg=first,
    )
    assert texts["waiting"].match(resend.inner_text().strip())
    assert len(messages_to(sms_file, phone)) == 1

    # Press it early anyway: the server refuses, in words, and texts nothing.
    page.evaluate("() => { document.querySelector('button.resend-code').disabled = false; }")
    resend.click()
    page.wait_for_load_state("networkidle")
    assert texts["refused"].search(page.locator("main").inner_text())
    assert len(messages_to(sms_file, phone)) == 1
    assert texts["waiting"].match(page.locator("button.resend-code").inner_text().strip())
    assert page.locator("button.resend-code").is_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    assert page.evaluate(OVERFLOWING_JS) == []
    assert_cancel_is_a_quiet_link(page, texts)


def assert_cancel_is_a_quiet_link(page, texts):
    """Confirm is the one red button; Cancel is a plain underlined link beside it, so a
    thumb aiming for Confirm does not land on an equally loud Cancel."""
    confirm = page.locator("main form button[type=submit]").first
    cancel = page.locator(".cancel-code")
    assert cancel.inner_text().strip() == texts["cancel"]

    def style(locator, prop):
        return locator.evaluate(f"(el) => getComputedStyle(el).{prop}")

    assert style(cancel, "backgroundColor") == "rgba(0, 0, 0, 0)"
    # Readable on the page's light background (a button's white text would vanish).
    assert style(cancel, "color") not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert cancel.is_visible() and cancel.bounding_box()["height"] >= 44
    assert style(cancel, "textDecorationLine") == "underline"
    assert style(confirm, "backgroundColor") != "rgba(0, 0, 0, 0)"


@pytest.mark.parametrize("lang", ["", "/en"])
def test_sign_in_by_code_counts_down_the_resend_like_the_join_screen(server, sms_file, page, lang):
    texts = TEXTS[lang]
    phone = "13712340001"
    user = get_user_model().objects.create_user(username="m0001")
    PhoneNumber.objects.create(user=user, phone="+86" + phone, verified=True)

    page.goto(f"{server}{lang}/accounts/login/code/")
    button = page.locator("main form button[type=submit]")
    assert button.inner_text().strip() == texts["get"]
    page.fill("input[name=phone]", phone)
    button.click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    screenshot(page, f"code-sign-in{lang.replace('/', '-')}-390")
    assert_counts_down_and_refuses_early_resend(page, texts, sms_file, phone)

    # The code that did arrive still signs the member in.
    page.fill("input[name=code]", last_code(sms_file, phone))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/" not in page.url


@pytest.mark.parametrize("lang", ["", "/en"])
def test_sign_up_phone_verification_counts_down_the_resend(server, sms_file, page, lang):
    texts = TEXTS[lang]
    phone = "13712340002"
    page.goto(f"{server}{lang}/accounts/signup/")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password1]", "a-long-pass-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/phone/verify/"))
    screenshot(page, f"code-sign-up{lang.replace('/', '-')}-390")
    assert_counts_down_and_refuses_early_resend(page, texts, sms_file, phone)
