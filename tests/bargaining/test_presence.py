"""Presence: O(1) per join, at most one frame per room per tick, watchers counted, and the
picture merged across processes (two hubs on one channel layer)."""

import asyncio
import json

import pytest
from channels.layers import InMemoryChannelLayer

from bargaining import presence
from bargaining.events import RoomHub

CASE = 7


class Listener:
    def __init__(self, user_id, watcher=False):
        self.user_id = user_id
        self.watcher = watcher
        self.audiences = frozenset({"table"})
        self.frames = []

    async def deliver(self, seq, text, kind=None):
        self.frames.append(json.loads(text))

    def presence_frames(self):
        return [f for f in self.frames if f["type"] == "presence"]


def test_counts_named_once_per_user_and_watchers_by_number():
    book = presence.Presence()
    chief = {"user": 1, "name": "Chief", "side": "union"}
    book.arrive(CASE, chief)
    book.arrive(CASE, chief)  # a second tab of the same person
    for _ in range(1000):
        book.arrive(CASE, None)
    named, watchers = book.merged(CASE)
    assert named == [{"user": 1, "name": "Chief", "side": "union"}]
    assert watchers == 1000
    book.depart(CASE, chief)
    assert book.merged(CASE)[0] == [{"user": 1, "name": "Chief", "side": "union"}]
    book.depart(CASE, chief)
    book.depart(CASE, None)
    assert book.merged(CASE) == ([], 999)


def test_public_presence_frame_has_sides_not_names():
    full, public = presence.frames([{"user": 1, "name": "Chief", "side": "union"}], 12)
    assert full["present"][0]["name"] == "Chief"
    assert public == {"type": "presence", "present": [{"side": "union"}], "watchers": 12}


@pytest.mark.asyncio
async def test_many_joins_make_one_presence_frame_per_socket():
    hub = RoomHub(InMemoryChannelLayer())
    listeners = [Listener(i, watcher=i > 3) for i in range(1, 301)]
    try:
        for listener in listeners:
            await hub.join(CASE, listener)
            entry = None if listener.watcher else {"user": listener.user_id, "name": "n"}
            hub.arrive(CASE, entry)
        # Nothing was sent per join.
        assert all(not listener.frames for listener in listeners)
        await hub.flush_presence()
        for listener in listeners:
            frames = listener.presence_frames()
            assert len(frames) == 1, listener.user_id
            assert frames[0]["watchers"] == 297
        assert len(listeners[0].presence_frames()[0]["present"]) == 3
        assert "name" not in listeners[-1].presence_frames()[0]["present"][0]
        # No change, no frame.
        await hub.flush_presence()
        assert all(len(listener.presence_frames()) == 1 for listener in listeners)
        hub.depart(CASE, None)
        await hub.flush_presence()
        assert listeners[0].presence_frames()[-1]["watchers"] == 296
    finally:
        for listener in listeners:
            await hub.leave(CASE, listener)


async def wait_for(predicate, within=5.0):
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - polls a hub fed by the layer
            await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_two_processes_see_the_sum():
    layer = InMemoryChannelLayer()
    first, second = RoomHub(layer), RoomHub(layer)
    a = [Listener(1), *[Listener(100 + i, watcher=True) for i in range(5)]]
    b = [Listener(2), *[Listener(200 + i, watcher=True) for i in range(7)]]
    try:
        for hub, group in ((first, a), (second, b)):
            for listener in group:
                await hub.join(CASE, listener)
                entry = None if listener.watcher else {"user": listener.user_id, "name": "x"}
                hub.arrive(CASE, entry)
        await first.flush_presence()
        await second.flush_presence()
        # Each hub receives the other's snapshot through the layer, then sends the sum.
        await wait_for(lambda: len(first.presence.rooms[CASE].remote) == 1)
        await wait_for(lambda: len(second.presence.rooms[CASE].remote) == 1)
        await first.flush_presence()
        await second.flush_presence()
        for listener in a + b:
            last = listener.presence_frames()[-1]
            assert last["watchers"] == 12
            assert len(last["present"]) == 2
        # A process whose last socket leaves is dropped from the others' picture at once.
        for listener in b:
            second.depart(CASE, None if listener.watcher else {"user": listener.user_id})
            await second.leave(CASE, listener)
        await wait_for(lambda: not first.presence.rooms[CASE].remote)
        await first.flush_presence()
        assert a[0].presence_frames()[-1]["watchers"] == 5
    finally:
        for listener in a:
            await first.leave(CASE, listener)
