"""The sockets' session middleware: the user of the session cookie, read the way Django's
AuthenticationMiddleware reads it, in one trip; anonymous otherwise."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from unionhome.core.websocket import SessionAuthMiddleware

pytestmark = pytest.mark.django_db(transaction=True)


def user_seen(cookie: str | None):
    seen = {}

    async def inner(scope, receive, send):
        seen["user"] = scope["user"]
        seen["session"] = "session" in scope

    headers = [(b"host", b"testserver")]
    if cookie is not None:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    scope = {"type": "websocket", "path": "/ws/", "headers": headers}
    # A thread of its own: a fresh event loop even if the suite left one running here.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, SessionAuthMiddleware(inner)(scope, None, None)).result()
    return seen


def test_user_of_the_session_cookie():
    user = get_user_model().objects.create_user(username="ws-auth", password="pass-1-long")
    client = Client()
    client.force_login(user)
    seen = user_seen(client.cookies["sessionid"].value)
    assert seen["user"].pk == user.pk and seen["user"].is_authenticated
    assert seen["session"] is False  # not kept per socket


@pytest.mark.parametrize("cookie", [None, "", "no-such-session"])
def test_anonymous_without_a_valid_session(cookie):
    assert not user_seen(cookie)["user"].is_authenticated


def test_a_changed_password_ends_the_session():
    user = get_user_model().objects.create_user(username="ws-auth2", password="pass-1-long")
    client = Client()
    client.force_login(user)
    user.set_password("pass-2-long")
    user.save()
    assert not user_seen(client.cookies["sessionid"].value)["user"].is_authenticated
