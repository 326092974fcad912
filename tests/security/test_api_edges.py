"""Finding 9, HTTP part: unknown API paths answer a JSON 404 (never a redirect or a 500), and
the site never texts a number that has no account."""

import json

import pytest
from django.test import override_settings

from unionhome.core import sms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize("debug", [True, False])
def test_unknown_api_path_is_a_json_404(client, method, debug):
    with override_settings(DEBUG=debug):
        response = client.generic(
            method.upper(),
            "/api/v1/no-such-thing",
            data=json.dumps({"a": 1}),
            content_type="application/json",
        )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_login_code_for_a_number_without_an_account_sends_no_sms(client, db):
    sms.outbox.clear()
    response = client.post(
        "/_allauth/app/v1/auth/code/request",
        data=json.dumps({"phone": "13987654321"}),
        content_type="application/json",
    )
    # A pending login-by-code flow, whether or not the number has an account (no enumeration).
    assert response.status_code == 401, response.content
    assert [to for to, _message in sms.outbox] == []
