"""Security finding 9, WebSocket part: the rate limit counts every frame, unauthenticated
sockets time out, the Origin check compares scheme and port, and a socket without an Origin
may authenticate by token only (never by cookie)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from bargaining.consumers import CLOSE_ABUSE, CLOSE_AUTH_REQUIRED
from tests.bargaining.conftest import (
    app_session_token,
    in_own_thread,
    receive_until,
    session_cookie,
)
from unionhome.config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def raw_connect(case_id, *, origin=None, cookie=None):
    headers = [(b"host", b"testserver")]
    if origin is not None:
        headers.append((b"origin", origin))
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/bargaining/{case_id}/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


@in_own_thread
@pytest.mark.parametrize(
    "origin",
    [b"https://testserver", b"http://testserver:8080", b"ws://testserver", b"http://evil.example"],
)
async def test_origin_must_match_scheme_host_and_port(demo, case, origin):
    communicator, connected = await raw_connect(case.pk, origin=origin)
    assert not connected
    await communicator.disconnect()


@in_own_thread
async def test_same_origin_is_accepted(demo, case):
    cookie = await database_sync_to_async(session_cookie)(demo["union_side"][0])
    communicator, connected = await raw_connect(case.pk, origin=b"http://testserver", cookie=cookie)
    assert connected
    ready = await communicator.receive_json_from(timeout=3)
    assert ready["type"] == "ready"
    await communicator.disconnect()


@in_own_thread
async def test_no_origin_may_authenticate_by_token(demo, case):
    token = await database_sync_to_async(app_session_token)("union_chief")
    communicator, connected = await raw_connect(case.pk)
    assert connected
    await communicator.send_json_to({"type": "auth", "session_token": token})
    ready, _ = await receive_until(communicator, lambda f: f["type"] in ("ready", "error"))
    assert ready["type"] == "ready", ready
    await communicator.disconnect()


@in_own_thread
async def test_no_origin_never_authenticates_by_cookie(demo, case):
    cookie = await database_sync_to_async(session_cookie)(demo["union_side"][0])
    communicator, connected = await raw_connect(case.pk, cookie=cookie)
    assert connected
    # No "ready": the cookie was ignored, the socket waits for a token.
    await communicator.send_json_to({"type": "ping"})
    frame = await communicator.receive_json_from(timeout=3)
    assert frame["type"] == "error" and frame["code"] == "not_authenticated"
    await communicator.disconnect()


@in_own_thread
async def test_unauthenticated_socket_is_closed_after_a_few_seconds(demo, case, settings):
    settings.WEBSOCKET_AUTH_TIMEOUT_SECONDS = 0.5
    communicator, connected = await raw_connect(case.pk, origin=b"http://testserver")
    assert connected
    message = await communicator.receive_output(timeout=3)
    assert message["type"] == "websocket.close"
    assert message["code"] == CLOSE_AUTH_REQUIRED


@in_own_thread
async def test_rate_limit_counts_malformed_and_oversized_frames(demo, case):
    communicator, connected = await raw_connect(case.pk, origin=b"http://testserver")
    assert connected
    codes = []
    for _ in range(200):
        await communicator.send_to(text_data="{not json")
        message = await communicator.receive_output(timeout=3)
        if message["type"] == "websocket.close":
            codes.append(message["code"])
            break
    assert codes == [CLOSE_ABUSE]
