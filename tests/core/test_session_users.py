"""Sockets connecting together have their sessions and users read in one database trip, with
the checks of django.contrib.auth.get_user (unionhome.core.session_users)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth import HASH_SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from unionhome.core import session_users
from unionhome.core.websocket import SessionAuthMiddleware

pytestmark = pytest.mark.django_db(transaction=True)


def _login(username: str, **extra) -> tuple:
    user = get_user_model().objects.create_user(username=username, password="pass-1-long", **extra)
    client = Client()
    client.force_login(user)
    return user, client.cookies["sessionid"].value


def _scope(cookie: str | None) -> dict:
    headers = [(b"host", b"testserver")]
    if cookie is not None:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return {"type": "websocket", "path": "/ws/", "headers": headers}


def connect_together(cookies: list, timeout: float = 30.0) -> list:
    """Each cookie's socket connecting at once on one fresh event loop: the user each saw,
    or the exception its connect raised."""

    async def one(cookie):
        seen = {}

        async def inner(scope, receive, send):
            seen["user"] = scope["user"]

        await SessionAuthMiddleware(inner)(_scope(cookie), None, None)
        return seen["user"]

    async def storm():
        tasks = asyncio.gather(*(one(c) for c in cookies), return_exceptions=True)
        return await asyncio.wait_for(tasks, timeout)

    # A thread of its own: a fresh event loop even if the suite left one running here.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, storm()).result()


@pytest.fixture
def trips(monkeypatch):
    """Each database trip of the batcher: the keys it read and the queries it made."""
    recorded = []
    real = session_users.users_for_sessions

    def spy(keys):
        with CaptureQueriesContext(connection) as queries:
            found = real(keys)
        recorded.append({"keys": list(keys), "queries": len(queries)})
        return found

    monkeypatch.setattr(session_users, "users_for_sessions", spy)
    return recorded


def test_sockets_connecting_together_get_their_own_users_in_one_trip(trips):
    logins = [_login(f"storm-{i}") for i in range(40)]
    seen = connect_together([cookie for _, cookie in logins])
    assert [user.pk for user in seen] == [user.pk for user, _ in logins]
    assert all(user.is_authenticated for user in seen)
    assert len(trips) == 1
    assert len(trips[0]["keys"]) == 40
    assert trips[0]["queries"] == 2  # the sessions, then their users


def test_batches_are_bounded(trips, monkeypatch):
    monkeypatch.setattr(session_users, "MAX_BATCH", 10)
    logins = [_login(f"bounded-{i}") for i in range(25)]
    seen = connect_together([cookie for _, cookie in logins])
    assert [user.pk for user in seen] == [user.pk for user, _ in logins]
    assert [len(trip["keys"]) for trip in trips] == [10, 10, 5]


def test_same_session_on_many_sockets_is_read_once(trips):
    user, cookie = _login("tabs")
    seen = connect_together([cookie] * 5)
    assert {u.pk for u in seen} == {user.pk}
    assert trips[0]["keys"] == [cookie]


def test_no_cookie_or_an_impossible_key_costs_no_trip(trips):
    seen = connect_together([None, "", "short"])
    assert not any(user.is_authenticated for user in seen)
    assert trips == []


def test_invalid_sessions_are_anonymous_beside_valid_ones(trips):
    good, good_cookie = _login("good")
    _, expired_cookie = _login("expired")
    Session.objects.filter(pk=expired_cookie).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    inactive, inactive_cookie = _login("inactive")
    inactive.is_active = False
    inactive.save()
    _, tampered_cookie = _login("tampered")
    store = SessionStore(tampered_cookie)
    store[HASH_SESSION_KEY] = "0" * 64
    store.save()
    changed, changed_cookie = _login("changed")
    changed.set_password("pass-2-long")
    changed.save()
    deleted, deleted_cookie = _login("deleted")
    deleted.delete()
    cookies = [
        good_cookie,
        expired_cookie,
        inactive_cookie,
        tampered_cookie,
        changed_cookie,
        deleted_cookie,
        "no-such-session-key",
    ]
    seen = connect_together(cookies)
    assert seen[0].pk == good.pk and seen[0].is_authenticated
    assert not any(user.is_authenticated for user in seen[1:])
    assert len(trips) == 1
    # As Django's get_user flushes them: a session failing its hash is gone.
    assert not Session.objects.filter(pk__in=[tampered_cookie, changed_cookie]).exists()
    assert Session.objects.filter(pk=good_cookie).exists()


def test_a_session_of_a_fallback_secret_is_kept(settings):
    user, cookie = _login("rotated")
    old = settings.SECRET_KEY
    with override_settings(SECRET_KEY="a-new-secret-" + "x" * 40, SECRET_KEY_FALLBACKS=[old]):
        seen = connect_together([cookie])
    assert seen[0].pk == user.pk
    # Not rotated on the socket (the browser could not get the new cookie).
    assert Session.objects.filter(pk=cookie).exists()
    with override_settings(SECRET_KEY="a-new-secret-" + "x" * 40, SECRET_KEY_FALLBACKS=[]):
        assert not connect_together([cookie])[0].is_authenticated


def test_a_database_error_fails_every_waiting_socket_and_the_next_batch_works(monkeypatch):
    logins = [_login(f"down-{i}") for i in range(5)]
    real = session_users.users_for_sessions

    def down(keys):
        raise OperationalError("database away")

    monkeypatch.setattr(session_users, "users_for_sessions", down)
    seen = connect_together([cookie for _, cookie in logins])
    assert all(isinstance(outcome, OperationalError) for outcome in seen)
    monkeypatch.setattr(session_users, "users_for_sessions", real)
    seen = connect_together([cookie for _, cookie in logins])
    assert [user.pk for user in seen] == [user.pk for user, _ in logins]


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
def test_other_session_engines_are_read_one_by_one(trips):
    user, cookie = _login("cached")
    seen = connect_together([cookie, "no-such-session-key"])
    assert seen[0].pk == user.pk and not seen[1].is_authenticated
    assert trips == []
