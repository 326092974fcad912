"""Watchers resuming together share one read of the public events; a read that started
before a socket joined the room is never used for it (an event committed in between would
be lost to it)."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from bargaining import events, watching
from tests.bargaining.conftest import cid, connect, in_own_thread, receive_until
from tests.bargaining.test_watching import is_type, open_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reads(monkeypatch):
    """Counts the database reads of public events."""
    calls = []
    original = watching.public_events

    def counted(**kwargs):
        calls.append(kwargs["after"])
        return original(**kwargs)

    monkeypatch.setattr(watching, "public_events", counted)
    return calls


async def replayed_seqs(ws, after=0):
    await ws.send_json_to({"type": "resume", "after": after})
    resumed, frames = await receive_until(ws, is_type("resumed"))
    return [f["seq"] for f in frames if f.get("type") == "event"], resumed


@in_own_thread
async def test_watchers_resuming_together_share_one_read(demo, case, reads):
    await database_sync_to_async(open_session)(case, demo)
    watchers = []
    for rider in demo["riders"][:3]:
        ws = await connect(case.pk, rider)
        await receive_until(ws, is_type("ready"))
        watchers.append(ws)
    results = await asyncio.gather(*(replayed_seqs(ws) for ws in watchers))
    seqs = [r[0] for r in results]
    assert seqs[0], "the table has public events to replay"
    assert seqs[0] == seqs[1] == seqs[2]
    assert reads == [0]  # one read for the three sockets
    for ws in watchers:
        await ws.disconnect()


@in_own_thread
async def test_a_read_older_than_the_socket_is_not_reused(demo, case, reads):
    pay = await database_sync_to_async(lambda: case.items.get(topic="pay").pk)()
    await database_sync_to_async(open_session)(case, demo)
    union = await connect(case.pk, demo["union_side"][1])
    await receive_until(union, is_type("ready"))
    first = await connect(case.pk, demo["riders"][0])
    await receive_until(first, is_type("ready"))
    before, _ = await replayed_seqs(first)

    # Committed after the first read; the second watcher joins after it was broadcast.
    await union.send_json_to(
        {"type": "offer.submit", "item": pay, "value": "8.70", "client_id": cid()}
    )
    ack, _ = await receive_until(union, is_type("ack"))
    second = await connect(case.pk, demo["riders"][1])
    await receive_until(second, is_type("ready"))
    after, resumed = await replayed_seqs(second)

    assert ack["seq"] not in before
    assert ack["seq"] in after  # a fresh read: the offer is not lost to the late socket
    assert resumed["last_seq"] == ack["seq"]
    assert reads == [0, 0]
    for ws in (union, first, second):
        await ws.disconnect()


@in_own_thread
async def test_a_layer_failure_replays_a_new_watcher_only_what_followed_its_join(demo, case):
    pay = await database_sync_to_async(lambda: case.items.get(topic="pay").pk)()
    await database_sync_to_async(open_session)(case, demo)
    union = await connect(case.pk, demo["union_side"][1])
    await receive_until(union, is_type("ready"))
    await union.send_json_to(
        {"type": "offer.submit", "item": pay, "value": "8.80", "client_id": cid()}
    )
    early, before = await receive_until(union, is_type("ack"))
    # The hub has fanned the offer out before the watcher joins (its frame may precede the ack).
    if not any(f.get("type") == "event" and f["seq"] == early["seq"] for f in before):
        await receive_until(union, lambda f: f.get("type") == "event" and f["seq"] == early["seq"])
    watcher = await connect(case.pk, demo["riders"][0])
    await receive_until(watcher, is_type("ready"))
    (socket,) = [x for x in events.hub().rooms[case.pk] if getattr(x, "watcher", False)]

    socket.mark_gap()  # the channel layer failed; then an offer, heard live
    await union.send_json_to(
        {"type": "offer.submit", "item": pay, "value": "8.90", "client_id": cid()}
    )
    late, _ = await receive_until(union, is_type("ack"))
    await socket.catch_up()  # the hub re-subscribed
    await watcher.send_json_to({"type": "ping"})
    _, frames = await receive_until(watcher, is_type("pong"))
    seqs = [f["seq"] for f in frames if f.get("type") == "event"]

    assert seqs == [late["seq"]]  # live once; nothing from before the watcher joined
    for ws in (union, watcher):
        await ws.disconnect()
