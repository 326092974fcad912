"""A live Daphne process: room events must reach the clients through the fast send path.
If an upgrade of Daphne, autobahn or Twisted makes the room fall back to the ordinary ASGI
send, this test fails (the ``off`` case shows it does)."""

import asyncio

import pytest

from tests.bargaining.live import Peer, app_token, daphne_processes

pytestmark = pytest.mark.django_db(transaction=True)

PORT = 8192


async def room_traffic(port, case, pay, tokens) -> dict:
    union = await Peer.open(port, case.pk, tokens["union_chief"], "union")
    listeners = [
        await Peer.open(port, case.pk, tokens[name], name)
        for name in ("platform_chief", "platform_rep2", "union_admin")
    ]
    acks = []
    for value in ("8.30", "8.40", "8.50"):
        ack = await union.command({"type": "offer.submit", "item": pay, "value": value})
        assert ack["type"] == "ack", ack
        acks.append(ack["seq"])
        await asyncio.sleep(0.25)  # within the per-user rate limit
    for peer in listeners:
        for seq in acks:
            await peer.until(lambda f, seq=seq: f["type"] == "event" and f["seq"] == seq)
    await union.send({"type": "ping"})
    pong = await union.until(lambda f: f["type"] == "pong")
    for peer in [union, *listeners]:
        await peer.close()
    return pong["fast_path"]


def run_room(mode, monkeypatch, tmp_path, case) -> dict:
    monkeypatch.setenv("BARGAINING_FAST_SEND", mode)
    names = ("union_chief", "platform_chief", "platform_rep2", "union_admin")
    tokens = {name: app_token(name) for name in names}
    pay = case.items.get(topic="pay").pk  # read here: no database access in the event loop
    with daphne_processes((PORT,), var_dir=tmp_path) as ports:
        return asyncio.run(room_traffic(ports[0], case, pay, tokens))


def test_events_are_written_by_the_fast_path(monkeypatch, tmp_path, case):
    stats = run_room("required", monkeypatch, tmp_path, case)
    # 3 offers to 4 sockets (sender included), plus their presence notices.
    assert stats["direct"] + stats["buffered"] >= 12, stats
    assert stats["direct"] >= 12, stats  # idle local sockets take each frame at once
    assert stats["fallback"] == 0, stats


def test_a_room_without_the_fast_path_is_detected(monkeypatch, tmp_path, case):
    """What an upgrade that silently falls back looks like: the events still arrive, and
    the counters the test above checks say so."""
    stats = run_room("off", monkeypatch, tmp_path, case)
    assert stats["direct"] == 0 and stats["buffered"] == 0, stats
    assert stats["fallback"] >= 12, stats
