"""Consumer tests (Channels' WebsocketCommunicator): sockets are closed when their user logs
out, and a resume does not resend an event the socket already got live."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from bargaining.consumers import CLOSE_LOGGED_OUT
from tests.bargaining.conftest import app_session_token, cid, connect, in_own_thread, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


async def open_room(case, user=None, *, cookie=None):
    communicator = await connect(case.pk, user, cookie=cookie)
    ready = await communicator.receive_json_from(timeout=3)
    assert ready["type"] == "ready", ready
    return communicator, ready


async def open_with_token(case, token):
    communicator = await connect(case.pk)
    await communicator.send_json_to({"type": "auth", "session_token": token})
    ready, _ = await receive_until(communicator, lambda f: f["type"] in ("ready", "error"))
    assert ready["type"] == "ready", ready
    return communicator


async def close_code(communicator, within=3):
    """Skip text frames up to the close; its code."""
    while True:
        message = await communicator.receive_output(timeout=within)
        if message["type"] == "websocket.close":
            return message.get("code")


async def still_open(communicator) -> bool:
    await communicator.send_json_to({"type": "ping"})
    frame, _ = await receive_until(communicator, lambda f: f["type"] == "pong")
    return frame["type"] == "pong"


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@in_own_thread
async def test_logout_closes_every_socket_of_the_user_only(demo, case):
    chief = demo["union_side"][0]
    client = await database_sync_to_async(logged_in_client)(chief)
    cookie = client.cookies["sessionid"].value
    first, _ = await open_room(case, cookie=cookie)
    # Another socket of the same user, on another session (a second device).
    second, _ = await open_room(case, chief)
    other, _ = await open_room(case, demo["platform_side"][0])

    response = await database_sync_to_async(lambda: client.post("/accounts/logout/"))()
    assert response.status_code == 302

    assert await close_code(first) == CLOSE_LOGGED_OUT
    assert await close_code(second) == CLOSE_LOGGED_OUT
    assert await still_open(other)
    await other.disconnect()


@in_own_thread
async def test_headless_app_logout_closes_the_apps_sockets(demo, case):
    token = await database_sync_to_async(app_session_token)("platform_rep2")
    app_ws = await open_with_token(case, token)
    union_ws, _ = await open_room(case, demo["union_side"][1])

    response = await database_sync_to_async(
        lambda: Client().delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)
    )()
    assert response.status_code == 401  # allauth answers a logout with "not authenticated"

    assert await close_code(app_ws) == CLOSE_LOGGED_OUT
    assert await still_open(union_ws)
    await union_ws.disconnect()


@in_own_thread
async def test_a_socket_closed_on_logout_applies_no_further_command(demo, case):
    chief = demo["platform_side"][0]
    client = await database_sync_to_async(logged_in_client)(chief)
    ws, ready = await open_room(case, cookie=client.cookies["sessionid"].value)
    await database_sync_to_async(lambda: client.post("/accounts/logout/"))()
    await ws.send_json_to({"type": "chat.send", "room": "table", "text": "x", "client_id": cid()})
    assert await close_code(ws) == CLOSE_LOGGED_OUT
    from bargaining.models import Case

    last_seq = await database_sync_to_async(lambda: Case.objects.get(pk=case.pk).last_seq)()
    assert last_seq == ready["last_seq"]


@in_own_thread
async def test_resume_does_not_resend_an_event_already_sent_live(demo, case):
    """An event that arrives between "ready" and the client's "resume" goes out live; the
    replay must not send it a second time."""
    listener, ready = await open_room(case, demo["platform_side"][1])
    talker, _ = await open_room(case, demo["union_side"][0])
    await talker.send_json_to(
        {"type": "chat.send", "room": "table", "text": "live", "client_id": cid()}
    )
    ack, _ = await receive_until(talker, lambda f: f["type"] == "ack")
    await receive_until(listener, lambda f: f.get("type") == "event" and f["seq"] == ack["seq"])
    await listener.send_json_to({"type": "resume", "after": ready["last_seq"] - 3})
    _, replay = await receive_until(listener, lambda f: f["type"] == "resumed")
    seqs = [f["seq"] for f in replay if f["type"] == "event"]
    assert ack["seq"] not in seqs
    assert seqs and max(seqs) < ack["seq"]
    await listener.disconnect()
    await talker.disconnect()


@in_own_thread
async def test_negotiators_without_totp_are_refused_when_mfa_is_required(demo, case, settings):
    from bargaining.consumers import CLOSE_MFA_REQUIRED

    settings.MFA_REQUIRED_FOR_STAFF = True
    communicator = await connect(case.pk, demo["union_side"][0])
    error, _ = await receive_until(communicator, lambda f: f["type"] in ("ready", "error"))
    assert error["type"] == "error" and error["code"] == "mfa_required"
    assert await close_code(communicator) == CLOSE_MFA_REQUIRED

    settings.MFA_REQUIRED_FOR_STAFF = False
    communicator, ready = await open_room(case, demo["union_side"][0])
    assert ready["chief"] is True
    await communicator.disconnect()
