"""Schemathesis against /api/v1/openapi.json, in process (WSGI), as an anonymous client, a
member and union staff: no 500s, and every response matches its documented schema and
content type. Bounded (FUZZ_MAX_EXAMPLES per operation and role) and deterministic, so it
finishes in a few minutes on two cores; raise FUZZ_MAX_EXAMPLES locally to search deeper."""

import json
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", 6))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
ROLES = {"anonymous": None, "member": "rider1", "staff": "union_admin"}


def app_token(client, username: str) -> str:
    response = client.post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({"username": username, "password": "demo-pass-2026"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def test_the_schema_says_where_the_app_token_goes(client):
    schema = client.get("/api/v1/openapi.json").json()
    token = schema["components"]["securitySchemes"]["SessionTokenAuth"]
    assert token == {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
    loaded = schemathesis.openapi.from_dict(schema)
    assert all(hasattr(result, "ok") for result in loaded.get_all_operations())


def test_response_schemas_of_the_same_name_do_not_overwrite_each_other(client):
    """Ninja names components by class name: two apps' `EventOut` or `CreatedOut` made one
    overwrite the other, so documented responses did not match what was sent (found by
    fuzzing: the deletion request and the care file history)."""
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    created = schema["paths"]["/api/v1/me/deletion-request"]["post"]["responses"]["201"]
    ref = created["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(components[ref]["required"]) == {"id", "status"}
    history = components["FileOut"]["properties"]["history"]["anyOf"][0]["items"]["$ref"]
    assert set(components[history.rsplit("/", 1)[-1]]["properties"]) == {
        "kind",
        "actor",
        "detail",
        "at",
    }


def fuzz_operation(operation, headers: dict) -> list[str]:
    """Run one operation's examples; the distinct failures found."""
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=["explicit", "generate"],
    )
    def run(case):
        try:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
        # Schemathesis raises a FailureGroup (a BaseExceptionGroup): collect it and the rest.
        except (Exception, BaseExceptionGroup) as error:
            text = f"{case.method} {case.formatted_path} body={case.body!r} query={case.query!r}: {error}"
            if not any(text.split(":", 1)[0] in seen for seen in failures):
                failures.append(text[:2000])

    run()
    return failures


# Transactional: the WSGI handler opens and closes connections per request, as in production.
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
# A login per operation and role would hit allauth's login rate limits (tested elsewhere).
@override_settings(MFA_REQUIRED_FOR_STAFF=False, ACCOUNT_RATE_LIMITS=False)
def test_the_api_survives_fuzzing_as_every_role(client, demo):
    found = fuzz_all(client)
    assert found == [], "\n\n".join(found)


def fuzz_all(client) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    results = list(schema.get_all_operations())
    # An operation the schema describes so that no request can be built is a failure too.
    found = [f"invalid schema: {result.err()}" for result in results if not hasattr(result, "ok")]
    operations = [result.ok() for result in results if hasattr(result, "ok")]
    assert len(operations) > 50
    for role, username in ROLES.items():
        for operation in operations:
            # A fresh token each time: some operations end sessions.
            headers = {"X-Session-Token": app_token(client, username)} if username else {}
            found += [f"[{role}] {failure}" for failure in fuzz_operation(operation, headers)]
    return found
