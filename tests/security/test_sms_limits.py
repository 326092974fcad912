"""Finding 9: nobody can make the site text a number over and over, or text many numbers
from one address: every code allauth texts and the ballot's voting code count per phone
number and per client address (429 with a detail), and numbers without an account are never
texted."""

import json

import pytest
from django.test import override_settings

from unionhome.core import sms
from unionhome.core.demo import RIDERS

pytestmark = pytest.mark.django_db

CODE_REQUEST = "/_allauth/app/v1/auth/code/request"


def _ask(client, phone, address="203.0.113.7"):
    return client.post(
        CODE_REQUEST,
        data=json.dumps({"phone": phone}),
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def _texts_to(phone):
    return [to for to, _message in sms.outbox if to.endswith(phone)]


@override_settings(
    SMS_RATE_LIMITS={"phone": (2, 3600)},
    ACCOUNT_RATE_LIMITS={"request_login_code": "100/m/ip,100/m/key"},
)
def test_one_number_gets_at_most_its_quota_of_texts(client, demo):
    sms.outbox.clear()
    phone = RIDERS[0][2]
    for address in ("203.0.113.1", "203.0.113.2"):
        assert _ask(client, phone, address).status_code in (200, 401)
    response = _ask(client, phone, "203.0.113.3")
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["code"] == "sms_rate_limited" and body["detail"]
    assert len(_texts_to(phone)) == 2


@override_settings(
    SMS_RATE_LIMITS={"address": (2, 3600)},
    ACCOUNT_RATE_LIMITS={"request_login_code": "100/m/ip,100/m/key"},
)
def test_one_address_gets_at_most_its_quota_of_texts(client, demo):
    sms.outbox.clear()
    phones = [phone for _u, _n, phone in RIDERS[:3]]
    assert _ask(client, phones[0]).status_code in (200, 401)
    assert _ask(client, phones[1]).status_code in (200, 401)
    response = _ask(client, phones[2])
    assert response.status_code == 429
    assert response.json()["detail"]
    assert _texts_to(phones[2]) == []
    # Another client is not affected.
    assert _ask(client, phones[2], "198.51.100.9").status_code in (200, 401)
    assert len(_texts_to(phones[2])) == 1


def test_numbers_without_an_account_are_never_texted(client, db):
    sms.outbox.clear()
    for _ in range(3):
        assert _ask(client, "13987650000").status_code in (200, 401, 429)
    assert _texts_to("13987650000") == []


@override_settings(SMS_RATE_LIMITS={"phone": (1, 3600), "address": (3, 3600)})
def test_the_quota_counts_by_number_and_by_address():
    sms.sms_quota_take(phone="+8613800000001", address="a")
    with pytest.raises(sms.SmsRateLimited) as caught:
        sms.sms_quota_take(phone="+8613800000001", address="b")
    assert caught.value.status == 429
    sms.sms_quota_take(phone="+8613800000002", address="a")
    sms.sms_quota_take(phone="+8613800000003", address="a")
    with pytest.raises(sms.SmsRateLimited):
        sms.sms_quota_take(phone="+8613800000004", address="a")
