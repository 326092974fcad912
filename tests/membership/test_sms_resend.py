"""One SMS code per number per minute on every screen: a code allauth texts (sign-in by code,
phone verification) starts the same minute as the join screen's, and the pages' resend is
refused until it is over. Numbers without an account start it too, so the countdown does not
tell whether a number has an account."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from unionhome.accounts import sms_codes
from unionhome.accounts.adapter import AccountAdapter
from unionhome.core.errors import DomainError

PHONE = "+8613712349999"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_code_sent_by_allauth_refuses_a_resend_within_the_minute(db, monkeypatch):
    user = get_user_model().objects.create_user(username="m9999")
    monkeypatch.setattr("time.time", lambda: 1000.0)
    AccountAdapter().send_verification_code_sms(user=user, phone=PHONE, code="123456")

    assert sms_codes.seconds_until_resend_to(phone=PHONE, now=1010.0) == 50
    with pytest.raises(DomainError) as caught:
        sms_codes.claim_send(phone=PHONE, now=1010.0)
    assert caught.value.status == 429
    assert caught.value.extra == {"wait": 50}
    assert "50" in caught.value.detail


def test_a_number_without_an_account_counts_down_the_same(db, monkeypatch):
    monkeypatch.setattr("time.time", lambda: 1000.0)
    AccountAdapter().send_unknown_account_sms(PHONE)
    assert sms_codes.seconds_until_resend_to(phone=PHONE, now=1001.0) == 59
    AccountAdapter().send_account_already_exists_sms("+8613712348888")
    assert sms_codes.seconds_until_resend_to(phone="13712348888", now=1001.0) == 59


def test_after_the_minute_a_resend_is_taken_and_starts_a_new_minute():
    sms_codes.record_sent(phone=PHONE, now=1000.0)
    cache.delete(f"sms-code-sent:{PHONE}")  # what the minute's timeout does
    sms_codes.claim_send(phone=PHONE, now=1061.0)
    assert sms_codes.seconds_until_resend_to(phone=PHONE, now=1061.0) == 60
    with pytest.raises(DomainError):
        sms_codes.claim_send(phone=PHONE, now=1062.0)
