"""Accounts: phone sign-up with an SMS code, login by code, rate limits, MFA for staff."""

import json
import re

import pytest
from django.test import override_settings

from unionhome.core import sms
from unionhome.membership.models import PhoneNumber

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"


def post(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def last_code(phone: str) -> str:
    sent = [message for to, message in sms.outbox if to == phone]
    assert sent, f"no SMS to {phone}"
    return re.search(r"\b(\d{6})\b", sent[-1]).group(1)


def test_signup_by_phone_and_sms_code_then_api_accepts_the_token(client):
    started = post(client, f"{APP}/auth/signup", {"phone": "139 1234 5678"})
    assert started.status_code == 401  # pending phone verification
    flows = {flow["id"]: flow for flow in started.json()["data"]["flows"]}
    assert flows["verify_phone"]["is_pending"]
    token = started.json()["meta"]["session_token"]

    verified = post(
        client,
        f"{APP}/auth/phone/verify",
        {"code": last_code("+8613912345678")},
        HTTP_X_SESSION_TOKEN=token,
    )
    assert verified.status_code == 200, verified.content
    session_token = verified.json()["meta"]["session_token"]
    assert verified.json()["data"]["user"]["username"].startswith("m5678")
    assert PhoneNumber.objects.get(phone="+8613912345678").verified

    client.logout()
    # The API knows the user through X-Session-Token alone.
    anonymous = client.get("/api/v1/me/membership")
    assert anonymous.status_code == 401
    assert "detail" in anonymous.json()
    with_token = client.get("/api/v1/me/membership", HTTP_X_SESSION_TOKEN=session_token)
    assert with_token.status_code != 401


def test_wrong_sms_code_is_refused(client):
    started = post(client, f"{APP}/auth/signup", {"phone": "13912345670"})
    token = started.json()["meta"]["session_token"]
    code = last_code("+8613912345670")
    wrong = "000000" if code != "000000" else "111111"
    refused = post(client, f"{APP}/auth/phone/verify", {"code": wrong}, HTTP_X_SESSION_TOKEN=token)
    assert refused.status_code == 400
    assert not PhoneNumber.objects.filter(phone="+8613912345670", verified=True).exists()


@pytest.mark.parametrize("phone", ["12345678901", "02112345678", "+14155550100", "abc"])
def test_signup_refuses_numbers_that_are_not_mainland_mobiles(client, phone):
    response = post(client, f"{APP}/auth/signup", {"phone": phone})
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "phone"
    assert not PhoneNumber.objects.exists()


def test_login_by_sms_code(client, demo):
    requested = post(client, f"{APP}/auth/code/request", {"phone": "13800138001"})
    assert requested.status_code == 401
    token = requested.json()["meta"]["session_token"]
    confirmed = post(
        client,
        f"{APP}/auth/code/confirm",
        {"code": last_code("+8613800138001")},
        HTTP_X_SESSION_TOKEN=token,
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["data"]["user"]["username"] == "rider1"


def test_browser_client_login_sets_session_for_api(client, demo):
    response = post(
        client,
        "/_allauth/browser/v1/auth/login",
        {"username": "rider2", "password": "demo-pass-2026"},
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me/membership").status_code != 401


def test_too_many_failed_logins_are_rate_limited(client, demo):
    codes = [
        post(client, f"{APP}/auth/login", {"username": "rider3", "password": "wrong"}).json()[
            "errors"
        ][0]["code"]
        for _ in range(6)
    ]
    assert codes[0] == "username_password_mismatch"
    assert codes[-1] == "too_many_login_attempts"
    # Once limited, even the right password is refused for a while.
    right = post(client, f"{APP}/auth/login", {"username": "rider3", "password": "demo-pass-2026"})
    assert right.status_code == 400
    assert right.json()["errors"][0]["code"] == "too_many_login_attempts"


def test_malformed_json_on_every_json_endpoint_is_a_422_with_detail(client, demo):
    client.login(username="admin", password="demo-pass-2026")
    schema = client.get("/api/v1/openapi.json").json()
    checked = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method not in ("post", "put", "patch") or "application/json" not in content:
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            response = client.generic(
                method.upper(), url, data="{not json", content_type="application/json"
            )
            assert response.status_code == 422, (url, response.status_code, response.content)
            assert response.json()["detail"]
            checked.append(url)
    assert checked, "no JSON endpoints found in the schema"


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
def test_negotiators_must_enrol_mfa_when_required(client, demo):
    client.login(username="union_chief", password="demo-pass-2026")
    response = client.get("/bargaining/")
    assert response.status_code == 302
    assert "totp/activate" in response["Location"]


@override_settings(MFA_REQUIRED_FOR_STAFF=False)
def test_embedded_default_lets_staff_in_by_password(client, demo):
    client.login(username="union_admin", password="demo-pass-2026")
    assert client.get("/admin/").status_code == 200


def test_mfa_is_available_to_members(client, demo):
    client.login(username="rider1", password="demo-pass-2026")
    assert client.get("/en/accounts/2fa/").status_code == 200
    # Activating TOTP first asks for the password again (allauth reauthentication).
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
