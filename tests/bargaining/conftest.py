import asyncio
import functools
import threading
import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from bargaining.models import Side


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def app_session_token(username: str, password: str = "demo-pass-2026") -> str:
    client = Client()
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


async def connect(
    case_id: int, user=None, *, cookie: str | None = None, origin=b"http://testserver"
):
    """A connected communicator; with ``user`` it carries that user's session cookie."""
    from channels.db import database_sync_to_async

    from unionhome.config.asgi import application

    headers = [(b"host", b"testserver")]
    if origin:
        headers.append((b"origin", origin))
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/bargaining/{case_id}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive_until(communicator, predicate, within=3):
    """Frames up to and including the first that matches."""
    seen = []
    while True:
        frame = await communicator.receive_json_from(timeout=within)
        seen.append(frame)
        if predicate(frame):
            return frame, seen


def in_own_thread(fn):
    """Run a test in a thread of its own: an async test gets a fresh event loop there, and a
    sync Playwright test gets a thread without one. (A session-scoped sync Playwright elsewhere
    in the suite leaves an event loop "running" in the main thread for the rest of the run.)"""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        outcome: dict = {}

        def target():
            try:
                if asyncio.iscoroutinefunction(fn):
                    asyncio.run(fn(*args, **kwargs))
                else:
                    fn(*args, **kwargs)
            except BaseException as exc:  # re-raised in the test's thread
                outcome["error"] = exc
            finally:
                from django.db import connections

                connections.close_all()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]

    return wrapper


def cid() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def demo(db):
    """The core demo (users, unions) plus this app's demo case; lighter than seed_all and safe
    under transactional tests (which flush the rows other apps' migrations create)."""
    from bargaining import demo as bargaining_demo
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    bargaining_demo.seed(ctx)
    return ctx


@pytest.fixture
def case(demo):
    return demo["case"]


@pytest.fixture
def sides(demo):
    return {Side.UNION: demo["union_side"], Side.EMPLOYER: demo["platform_side"]}
