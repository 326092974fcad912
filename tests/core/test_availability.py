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


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_503_reads_the_database_no_more_after_it_failed(client, settings, signed_in):
    """One failed read, then the answer: no error page that reads the user, the session or
    the frames' querysets, each waiting again for a database that is away (with DEBUG on,
    as in the fault test's servers, Django's debug page did)."""
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    if signed_in:
        client.force_login(get_user_model().objects.create_user("walker", password="x-9Lq2pW"))
    with database_down() as execute:
        response = client.get("/legal-aid/")
    assert response.status_code == 503
    assert execute.call_count == 1


def test_the_error_report_of_an_unreachable_database_reads_nothing():
    """Reports (the debug page, mails to admins) of a database that is away are brief; any
    other error keeps Django's full report."""
    import sys

    def report(exc):
        try:
            raise exc
        except Exception:
            return availability.ExceptionReporter(None, *sys.exc_info())

    brief = report(OperationalError("could not connect to server"))
    assert brief.get_traceback_text() == (
        "Database unavailable: OperationalError: could not connect to server"
    )
    assert brief.get_traceback_html() == brief.get_traceback_text()
    full = report(RuntimeError("a bug"))
    assert "Traceback" in full.get_traceback_text()
