"""Who is in a room: O(1) per join, one update per room per second.

Each process (its ``RoomHub``) counts its own sockets per room: the named participants
(representatives, recorder, union staff: a handful, listed by name) and the watching members
(thousands, only counted). Nothing is written or broadcast per join. Once a second the hub
publishes each changed local snapshot to the room (one channel-layer message per process),
merges the snapshots of every process, and sends the merged picture to its local sockets
only if it changed. So 2,000 joins cost 2,000 counter updates and, per second, one frame per
socket, instead of 2,000 broadcasts to everyone already present (O(N^2) frames).
"""

from __future__ import annotations

import time
import uuid

PRESENCE_INTERVAL = 1.0  # seconds: at most one presence frame per room per interval
HEARTBEAT_SECONDS = 30.0  # each process re-publishes its snapshots this often
STALE_SECONDS = 90.0  # a process silent this long (crashed) is forgotten


class RoomPresence:
    """The local counts of one room, and the last snapshots of the other processes."""

    def __init__(self):
        self.named: dict[int, dict] = {}  # user id -> {"user", "name", "side", "n"}
        self.watchers = 0
        self.remote: dict[str, tuple[list[dict], int, float]] = {}
        self.local_dirty = False
        self.view_dirty = False
        self.sent: tuple | None = None  # the last merged picture sent to local sockets

    def snapshot(self) -> tuple[list[dict], int]:
        named = [{k: v for k, v in e.items() if k != "n"} for e in self.named.values()]
        return named, self.watchers


class Presence:
    """The presence book of one hub (one process and event loop)."""

    def __init__(self):
        self.hub_id = uuid.uuid4().hex
        self.rooms: dict[int, RoomPresence] = {}
        self.heartbeat_at = time.monotonic()

    def room(self, case_id: int) -> RoomPresence:
        room = self.rooms.get(case_id)
        if room is None:
            room = self.rooms[case_id] = RoomPresence()
        return room

    def arrive(self, case_id: int, entry: dict | None) -> None:
        """A socket is in: ``entry`` {"user", "name", "side"} for a named participant (several
        sockets of one user count once), None for a watching member."""
        room = self.room(case_id)
        if entry is None:
            room.watchers += 1
        else:
            named = room.named.setdefault(entry["user"], {**entry, "n": 0})
            named["n"] += 1
        room.local_dirty = room.view_dirty = True

    def depart(self, case_id: int, entry: dict | None) -> None:
        room = self.rooms.get(case_id)
        if room is None:
            return
        if entry is None:
            room.watchers = max(0, room.watchers - 1)
        else:
            named = room.named.get(entry["user"])
            if named is not None:
                named["n"] -= 1
                if named["n"] <= 0:
                    del room.named[entry["user"]]
        room.local_dirty = room.view_dirty = True

    def forget(self, case_id: int) -> None:
        self.rooms.pop(case_id, None)

    def merged(self, case_id: int) -> tuple[list[dict], int]:
        """Everyone in the room across processes: named participants (a user with sockets in
        two processes once) and the number of watchers."""
        room = self.rooms.get(case_id)
        if room is None:
            return [], 0
        named, watchers = room.snapshot()
        seen = {e["user"] for e in named}
        for other_named, other_watchers, _stamp in room.remote.values():
            watchers += other_watchers
            for entry in other_named:
                if entry["user"] not in seen:
                    seen.add(entry["user"])
                    named.append(entry)
        named.sort(key=lambda e: (e.get("side") or "", e["user"]))
        return named, watchers

    def receive(self, case_id: int, hub_id: str, named: list, watchers: int) -> None:
        """Another process's snapshot of a room. An unknown process also gets ours back, so a
        process that has just joined learns who is already there."""
        if hub_id == self.hub_id:
            return
        room = self.rooms.get(case_id)
        if room is None:
            return
        if hub_id not in room.remote and (room.named or room.watchers):
            room.local_dirty = True
        if named or watchers:
            room.remote[hub_id] = (list(named), int(watchers), time.monotonic())
        else:
            room.remote.pop(hub_id, None)
        room.view_dirty = True

    def due(self) -> tuple[list[tuple[int, dict]], list[int]]:
        """What one tick has to do: the local snapshots to publish (as layer messages) and
        the rooms whose merged picture may have changed."""
        now = time.monotonic()
        if now - self.heartbeat_at >= HEARTBEAT_SECONDS:
            self.heartbeat_at = now
            for room in self.rooms.values():
                room.local_dirty = True
        publish, changed = [], []
        for case_id, room in self.rooms.items():
            for hub_id, (_n, _w, stamp) in list(room.remote.items()):
                if now - stamp > STALE_SECONDS:
                    del room.remote[hub_id]
                    room.view_dirty = True
            if room.local_dirty:
                room.local_dirty = False
                named, watchers = room.snapshot()
                publish.append((case_id, self.message(case_id, named, watchers)))
            if room.view_dirty:
                room.view_dirty = False
                picture = self.merged(case_id)
                key = (tuple(e["user"] for e in picture[0]), picture[1])
                if key != room.sent:
                    room.sent = key
                    changed.append(case_id)
        return publish, changed

    def message(self, case_id: int, named: list, watchers: int) -> dict:
        return {
            "type": "bargaining.presence",
            "case": case_id,
            "hub": self.hub_id,
            "named": named,
            "watchers": watchers,
        }


def frames(named: list[dict], watchers: int) -> tuple[dict, dict]:
    """The presence frame for the participants, and its public face for watching members
    (sides only, no names)."""
    full = {"type": "presence", "present": named, "watchers": watchers}
    public = {
        "type": "presence",
        "present": [{"side": e.get("side")} for e in named],
        "watchers": watchers,
    }
    return full, public
