"""/healthz, /readyz and the 503 answered while the database is away
(unionhome.core.availability)."""

from unittest import mock

import pytest
from django.db.backends.utils import CursorWrapper
from django.db.utils import OperationalError
from django.test import Client

from unionhome.core import availability


def database_down():
    """Every query fails as it does when PostgreSQL has gone away mid-connection."""
    return mock.patch.object(
        CursorWrapper,
        "execute",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    )


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_healthz_answers_without_the_database(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_channel_layer_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "channel_layer": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_with_detail_when_the_database_is_away(client):
    with database_down():
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "unavailable"
    assert body["checks"]["database"].startswith("unavailable")
    assert body["checks"]["channel_layer"] == "ok"
    assert "database" in body["detail"]


@pytest.mark.django_db
def test_readyz_is_503_when_the_channel_layer_is_away(client, monkeypatch):
    async def broken():
        raise ConnectionError("redis down")

    monkeypatch.setattr(availability, "_channel_layer_ok", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "channel_layer": "unavailable: ConnectionError",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "title"), [("/legal-aid/", "暂时无法访问"), ("/en/legal-aid/", "Briefly unavailable")]
)
def test_a_page_is_a_styled_translated_503_while_the_database_is_away(client, path, title):
    with database_down():
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(availability.RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert "site.css" in html  # the site's own chrome, not a bare error
    assert 'http-equiv="refresh"' in html  # a GET page reloads itself


@pytest.mark.django_db
def test_an_api_call_gets_json_503_while_the_database_is_away(client):
    with database_down():
        response = client.get("/api/v1/unions")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response.json()["detail"]


@pytest.mark.django_db
def test_other_server_errors_stay_500(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=RuntimeError("a bug")):
        response = client.get("/legal-aid/")
    assert response.status_code == 500
