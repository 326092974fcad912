import json

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from bargaining.models import CommandReceipt, Event, Offer
from tests.bargaining.conftest import (
    app_session_token,
    cid,
    connect,
    in_own_thread,
    receive_until,
)

pytestmark = pytest.mark.django_db(transaction=True)


def is_type(kind):
    return lambda frame: frame.get("type") == kind


async def next_frame(communicator):
    """The next frame that is not a presence notice."""
    while True:
        frame = await communicator.receive_json_from(timeout=3)
        if frame.get("type") != "presence":
            return frame


async def open_room(case, user):
    communicator = await connect(case.pk, user)
    ready = await communicator.receive_json_from(timeout=3)
    assert ready["type"] == "ready"
    return communicator, ready


@in_own_thread
async def test_offer_is_acked_after_commit_and_seen_by_the_other_side(demo, case):
    pay = await database_sync_to_async(lambda: case.items.get(topic="pay"))()
    union_ws, ready = await open_room(case, demo["union_side"][0])
    employer_ws, _ = await open_room(case, demo["platform_side"][1])
    client_id = cid()
    await union_ws.send_json_to(
        {
            "type": "offer.submit",
            "item": pay.pk,
            "value": "8.40",
            "note": "n",
            "client_id": client_id,
        }
    )
    ack, _ = await receive_until(union_ws, is_type("ack"))
    assert ack["client_id"] == client_id
    assert ack["seq"] == ready["last_seq"] + 1
    # The ack means committed: the event and the offer are in the database.
    stored = await database_sync_to_async(
        lambda: Event.objects.get(case=case, seq=ack["seq"]).payload
    )()
    assert stored["value"] == "8.40"
    event, _ = await receive_until(
        employer_ws, lambda f: f.get("type") == "event" and f["kind"] == "offer"
    )
    assert event["seq"] == ack["seq"] and event["value"] == "8.40" and event["side"] == "union"
    await union_ws.disconnect()
    await employer_ws.disconnect()


@in_own_thread
async def test_duplicate_client_id_is_applied_once(demo, case):
    pay = await database_sync_to_async(lambda: case.items.get(topic="pay"))()
    ws, _ = await open_room(case, demo["union_side"][1])
    client_id = cid()
    frame = {"type": "offer.submit", "item": pay.pk, "value": 8.3, "client_id": client_id}
    await ws.send_json_to(frame)
    first, _ = await receive_until(ws, is_type("ack"))
    await ws.send_json_to(frame)
    second, _ = await receive_until(ws, is_type("ack"))
    assert first["seq"] == second["seq"]
    count = await database_sync_to_async(
        lambda: Offer.objects.filter(item=pay, value="8.30").count()
    )()
    assert count == 1
    assert (
        await database_sync_to_async(CommandReceipt.objects.filter(client_id=client_id).count)()
        == 1
    )
    await ws.disconnect()


@in_own_thread
async def test_resume_replays_exactly_the_missed_visible_events(demo, case):
    ws, ready = await open_room(case, demo["platform_side"][0])
    await ws.send_json_to({"type": "resume", "after": ready["last_seq"] - 5})
    frames = []
    while True:
        frame = await next_frame(ws)
        if frame["type"] == "resumed":
            break
        if frame["type"] == "event":
            frames.append(frame)
    seqs = [f["seq"] for f in frames]
    visible = await database_sync_to_async(
        lambda: list(
            Event.objects.filter(case=case, seq__gt=ready["last_seq"] - 5)
            .exclude(audience="union_caucus")
            .values_list("seq", flat=True)
        )
    )()
    assert seqs == sorted(visible)
    assert len(set(seqs)) == len(seqs)
    await ws.disconnect()


@in_own_thread
async def test_caucus_is_private_to_its_side(demo, case):
    union_ws, _ = await open_room(case, demo["union_side"][0])
    employer_ws, _ = await open_room(case, demo["platform_side"][0])
    await union_ws.send_json_to(
        {"type": "chat.send", "room": "caucus", "text": "secret", "client_id": cid()}
    )
    await receive_until(union_ws, lambda f: f.get("kind") == "chat" and f["text"] == "secret")
    await employer_ws.send_json_to(
        {"type": "chat.send", "room": "table", "text": "hello", "client_id": cid()}
    )
    _, seen = await receive_until(
        employer_ws, lambda f: f.get("kind") == "chat" and f["text"] == "hello"
    )
    assert not any(f.get("audience") == "union_caucus" for f in seen)
    assert not any("secret" in json.dumps(f, ensure_ascii=False) for f in seen)
    # Nor on resume.
    await employer_ws.send_json_to({"type": "resume", "after": 0})
    _, replay = await receive_until(employer_ws, is_type("resumed"))
    assert replay and not any(f.get("audience") == "union_caucus" for f in replay)
    await union_ws.disconnect()
    await employer_ws.disconnect()


@in_own_thread
async def test_malformed_json_gets_an_error_and_the_socket_stays_open(demo, case):
    ws, _ = await open_room(case, demo["union_side"][0])
    await ws.send_to(text_data="{not json")
    error = await next_frame(ws)
    assert error == {"type": "error", "code": "invalid_json", "detail": error["detail"]}
    await ws.send_to(text_data='["a list"]')
    assert (await next_frame(ws))["code"] == "invalid_frame"
    await ws.send_json_to({"type": "no.such.thing", "client_id": "x"})
    assert (await next_frame(ws))["code"] == "unknown_type"
    await ws.send_json_to({"type": "ping"})
    assert (await next_frame(ws))["type"] == "pong"
    await ws.disconnect()


@in_own_thread
async def test_oversize_frame_is_refused_and_nothing_is_written(demo, case, settings):
    settings.WEBSOCKET_MAX_FRAME_BYTES = 1024
    ws, ready = await open_room(case, demo["union_side"][0])
    await ws.send_json_to(
        {"type": "chat.send", "room": "table", "text": "x" * 2000, "client_id": cid()}
    )
    error = await next_frame(ws)
    assert error["code"] == "frame_too_large"
    last = await database_sync_to_async(lambda: Event.objects.filter(case=case).count())()
    assert last == ready["last_seq"]
    await ws.send_json_to({"type": "ping"})
    assert (await next_frame(ws))["type"] == "pong"
    await ws.disconnect()


@in_own_thread
async def test_bad_commands_get_error_frames_with_codes(demo, case):
    pay = await database_sync_to_async(lambda: case.items.get(topic="pay"))()
    ws, ready = await open_room(case, demo["union_side"][1])
    bad = [
        ({"type": "offer.submit", "item": pay.pk, "client_id": "a"}, "missing_field"),
        (
            {"type": "offer.submit", "item": pay.pk, "value": "lots", "client_id": "b"},
            "invalid_value",
        ),
        ({"type": "offer.submit", "item": 999999, "value": 1, "client_id": "c"}, "unknown_item"),
        ({"type": "chat.send", "room": "kitchen", "text": "hi", "client_id": "d"}, "invalid_room"),
        ({"type": "round.close", "client_id": "e"}, "not_chief"),
        ({"type": "resume", "after": "x"}, "invalid_after"),
    ]
    for frame, code in bad:
        await ws.send_json_to(frame)
        error, _ = await receive_until(ws, is_type("error"))
        assert error["code"] == code, frame
    count = await database_sync_to_async(lambda: Event.objects.filter(case=case).count())()
    assert count == ready["last_seq"]
    await ws.disconnect()


@in_own_thread
async def test_non_representative_is_refused(demo, case):
    ws = await connect(case.pk, demo["riders"][0])
    error = await next_frame(ws)
    assert error["type"] == "error" and error["code"] == "not_found"
    closed = await ws.receive_output(timeout=3)
    assert closed["type"] == "websocket.close" and closed["code"] == 4404


@in_own_thread
async def test_anonymous_must_authenticate_first(demo, case):
    ws = await connect(case.pk)
    await ws.send_json_to({"type": "chat.send", "room": "table", "text": "hi", "client_id": "z"})
    error = await next_frame(ws)
    assert error["code"] == "not_authenticated"
    await ws.disconnect()


@in_own_thread
async def test_observer_reads_the_table_but_cannot_act(demo, case):
    pay = await database_sync_to_async(lambda: case.items.get(topic="pay"))()
    observer, ready = await open_room(case, demo["union_admin"])
    assert ready["observer"] is True and ready["side"] is None
    await observer.send_json_to(
        {"type": "offer.submit", "item": pay.pk, "value": 9, "client_id": cid()}
    )
    error, _ = await receive_until(observer, is_type("error"))
    assert error["code"] == "not_representative"
    await observer.send_json_to({"type": "resume", "after": 0})
    _, replay = await receive_until(observer, is_type("resumed"))
    audiences = {f["audience"] for f in replay if f["type"] == "event"}
    assert audiences == {"table"}
    await observer.disconnect()


@in_own_thread
async def test_app_client_authenticates_with_a_session_token(demo, case):
    token = await database_sync_to_async(app_session_token)("platform_rep2")
    ws = await connect(case.pk)
    await ws.send_json_to({"type": "auth", "session_token": token})
    ready = await next_frame(ws)
    assert ready["type"] == "ready" and ready["side"] == "employer"
    await ws.disconnect()


@in_own_thread
async def test_bad_session_token_closes(demo, case):
    ws = await connect(case.pk)
    await ws.send_json_to({"type": "auth", "session_token": "nope"})
    error = await next_frame(ws)
    assert error["code"] == "not_authenticated"
    closed = await ws.receive_output(timeout=3)
    assert closed["code"] == 4401


@in_own_thread
async def test_foreign_origin_is_rejected(demo, case):
    from channels.testing import WebsocketCommunicator

    from unionhome.config.asgi import application

    communicator = WebsocketCommunicator(
        application, f"/ws/bargaining/{case.pk}/", headers=[(b"origin", b"http://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected


@in_own_thread
async def test_flood_gets_rate_limited(demo, case):
    ws, _ = await open_room(case, demo["union_side"][0])
    codes = []
    for _ in range(40):
        await ws.send_json_to({"type": "ping"})
    for _ in range(40):
        frame = await next_frame(ws)
        codes.append(frame.get("code") or frame["type"])
    assert "rate_limited" in codes
    await ws.disconnect()


@in_own_thread
async def test_a_rate_limited_command_is_refused_by_its_client_id(demo, case):
    """A client waits for the ack or the error of each client_id; a refusal without it left
    the command unanswered (offers "without an ack" in the mixed load)."""
    ws, _ = await open_room(case, demo["union_side"][0])
    sent = [f"c{n}" for n in range(30)]
    for client_id in sent:
        await ws.send_json_to({"type": "no.such.command", "client_id": client_id})
    frames = [await next_frame(ws) for _ in sent]
    assert [f["client_id"] for f in frames] == sent
    limited = [f for f in frames if f["code"] == "rate_limited"]
    assert limited and all(f["type"] == "error" for f in frames)
    await ws.disconnect()


@in_own_thread
async def test_removed_representative_is_disconnected(demo, case):
    from bargaining import case_setup
    from bargaining.models import Side

    rep3 = demo["union_side"][2]
    ws, _ = await open_room(case, rep3)
    newcomer = await database_sync_to_async(get_user_model().objects.create_user)("newcomer")
    team = [*demo["union_side"][:2], newcomer]
    await database_sync_to_async(case_setup.representatives_set)(
        case=case, side=Side.UNION, users=team, chief=team[0], by=demo["union_admin"]
    )
    while True:
        output = await ws.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 4404


@in_own_thread
async def test_an_unexpected_failure_gives_an_error_frame_and_the_socket_survives(
    demo, case, monkeypatch
):
    from bargaining import services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "chat_send", broken)
    ws, _ = await open_room(case, demo["union_side"][0])
    await ws.send_json_to({"type": "chat.send", "room": "table", "text": "x", "client_id": "f"})
    error, _ = await receive_until(ws, is_type("error"))
    assert error["code"] == "server_error" and error["client_id"] == "f"
    await ws.send_json_to({"type": "ping"})
    assert (await next_frame(ws))["type"] == "pong"
    await ws.disconnect()
