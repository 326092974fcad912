"""Findings 1, 6, 9 (expired token) and 10 of the security review: how accounts get in."""

import json
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from tests.core.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"
BROWSER = "/_allauth/browser/v1"
PASSWORD = "demo-pass-2026"


def post(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def app_token(client, username: str, password: str = PASSWORD) -> str:
    response = post(client, f"{APP}/auth/login", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
@pytest.mark.parametrize("username", ["union_admin", "union_chief", "admin"])
def test_app_token_without_totp_is_refused_by_the_api_when_mfa_is_required(client, demo, username):
    token = app_token(client, username)
    client.cookies.clear()
    for url in ("/api/v1/me/membership", "/api/v1/bargaining/cases"):
        response = client.get(url, HTTP_X_SESSION_TOKEN=token)
        assert response.status_code == 403, (url, response.content)
        assert response.json()["code"] == "mfa_required"


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
def test_members_token_still_reaches_the_api_when_mfa_is_required(client, demo):
    token = app_token(client, "rider1")
    client.cookies.clear()
    response = client.get("/api/v1/me/membership", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200, response.content


@override_settings(MFA_REQUIRED_FOR_STAFF=False)
def test_staff_token_reaches_the_api_when_mfa_is_not_required(client, demo):
    token = app_token(client, "union_admin")
    client.cookies.clear()
    response = client.get("/api/v1/bargaining/cases", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200, response.content


def test_an_expired_token_on_a_post_is_a_401_with_a_code(client, demo):
    token = app_token(client, "rider1")
    post(client, f"{APP}/auth/session", {}, HTTP_X_SESSION_TOKEN=token)
    client.delete(f"{APP}/auth/session", HTTP_X_SESSION_TOKEN=token)
    client.cookies.clear()
    client.handler.enforce_csrf_checks = True
    response = post(client, "/api/v1/memberships/apply", {}, HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "session_expired"
    unknown = post(client, "/api/v1/memberships/apply", {}, HTTP_X_SESSION_TOKEN="not-a-token")
    assert unknown.status_code == 401
    assert unknown.json()["code"] == "session_expired"


def test_createsuperuser_makes_an_admin_who_can_log_in_by_password(client, db):
    call_command("createsuperuser", "--noinput", username="boss", email="boss@example.org")
    user = get_user_model().objects.get(username="boss")
    user.set_password("a-long-admin-pass-2026")
    user.save()
    browser = post(
        client, f"{BROWSER}/auth/login", {"username": "boss", "password": "a-long-admin-pass-2026"}
    )
    assert browser.status_code == 200, browser.content
    assert client.get("/admin/").status_code == 200
    client.logout()
    # The HTML login form as well.
    page = client.post(
        "/en/accounts/login/", {"login": "boss", "password": "a-long-admin-pass-2026"}
    )
    assert page.status_code == 302, page.content
    assert client.get("/admin/").status_code == 200


def test_demo_superuser_can_log_in(client, demo):
    response = post(client, f"{APP}/auth/login", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 200, response.content


def test_members_without_a_verified_phone_still_must_verify(client, demo):
    from unionhome.membership.models import PhoneNumber

    PhoneNumber.objects.filter(user__username="rider2").update(verified=False)
    response = post(client, f"{APP}/auth/login", {"username": "rider2", "password": PASSWORD})
    assert response.status_code == 401
    flows = {flow["id"]: flow for flow in response.json()["data"]["flows"]}
    assert flows["verify_phone"]["is_pending"]


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_failed_logins_behind_the_proxy_lock_out_only_the_forwarded_address(client, demo):
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", "REMOTE_ADDR": "127.0.0.1"}
    for number in range(12):
        post(
            client,
            f"{APP}/auth/login",
            {"username": f"nobody{number}", "password": "wrong"},
            **attacker,
        )
    locked = post(
        client, f"{APP}/auth/login", {"username": "rider1", "password": PASSWORD}, **attacker
    )
    assert locked.status_code == 400
    assert locked.json()["errors"][0]["code"] == "too_many_login_attempts"
    someone_else = post(
        client,
        f"{APP}/auth/login",
        {"username": "rider1", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
        REMOTE_ADDR="127.0.0.1",
    )
    assert someone_else.status_code == 200, someone_else.content


def test_production_settings_trust_the_one_documented_proxy(tmp_path):
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result: subprocess.CompletedProcess = manage(
        "shell", "-c", code, env_extra=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1"
