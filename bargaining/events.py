"""The only place that broadcasts bargaining events.

Design (see docs/performance/bargaining.md): the event log in the database is the truth; the
channel layer only carries notifications. Each event is encoded to its JSON frame ONCE, when
its transaction commits, and sent to one group per (case, audience). Each server process holds
one ``RoomHub`` per event loop: a single channel-layer subscription that joins the groups of
the rooms its local sockets are in, and fans each frame out to those sockets itself. So the
layer carries one message per process, not one per socket, and nothing is re-encoded per
listener. Under Daphne the WebSocket frame's bytes are built once per event too
(``ws_text_frame``) and written straight to each socket's transport (consumers.write_now).

The hub also joins one group per user with a local socket: ``close_user_sockets`` (sent on
logout, see bargaining.signals) closes that user's sockets in every process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import struct
import weakref

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger("bargaining.events")

AUDIENCES = ("table", "union_caucus", "employer_caucus")
REFRESH_SECONDS = 3600


def group_name(case_id: int, audience: str) -> str:
    return f"bargaining.{case_id}.{audience}"


def user_group_name(user_id: int) -> str:
    """The group of the hubs that hold at least one socket of this user."""
    return f"bargaining.user.{user_id}"


def event_frame(event) -> dict:
    """The server -> client frame of a persisted event."""
    frame = {
        "type": "event",
        "seq": event.seq,
        "kind": event.kind,
        "audience": event.audience,
        "round": event.round.number if event.round_id else None,
        "at": event.created_at,
        "actor": (
            {"id": event.actor_id, "name": event.actor.get_full_name() or event.actor.username}
            if event.actor_id
            else None
        ),
    }
    for key, value in event.payload.items():
        frame.setdefault(key, value)
    return frame


def encode(frame: dict) -> str:
    return json.dumps(frame, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


_last_frame: tuple[str | None, bytes] = (None, b"")


def ws_text_frame(text: str) -> bytes:
    """``text`` as one unmasked, uncompressed WebSocket text frame (RFC 6455 5.2), built once
    per event: the hub hands the same text to every local socket, so the bytes are shared."""
    cached = _last_frame  # one tuple read: safe if several loops share the module
    if cached[0] is text:
        return cached[1]
    payload = text.encode("utf-8")
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 65536:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    frame = header + payload
    globals()["_last_frame"] = (text, frame)
    return frame


def publish(event) -> None:
    """Broadcast ``event`` once its transaction has committed (never before)."""
    text = encode(event_frame(event))
    message = {
        "type": "bargaining.fanout",
        "case": event.case_id,
        "audience": event.audience,
        "seq": event.seq,
        "kind": event.kind,
        "text": text,
    }
    group = group_name(event.case_id, event.audience)
    transaction.on_commit(lambda: _send(group, message))


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        # Committed from code running inside an event loop: async_to_sync cannot be used here.
        loop.create_task(layer.group_send(group, message))
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # The log holds the event; clients that miss it get it on resume.
        logger.exception("broadcast to %s failed", group)


def close_user_sockets(user_id: int, code: int) -> None:
    """Close every bargaining socket of the user, in every process (after commit, if any)."""
    message = {"type": "bargaining.close", "user": user_id, "code": code}
    group = user_group_name(user_id)
    transaction.on_commit(lambda: _send(group, message))


def publish_presence(case_id: int, frame: dict) -> None:
    """Presence is not persisted: a best-effort notice to the table (from async code)."""
    message = {
        "type": "bargaining.fanout",
        "case": case_id,
        "audience": "table",
        "seq": None,
        "text": encode(frame),
    }
    layer = get_channel_layer()
    if layer is not None:
        return layer.group_send(group_name(case_id, "table"), message)
    return None


class RoomHub:
    """One channel-layer subscription per process (and event loop), fanning out locally."""

    def __init__(self, layer):
        self.layer = layer
        self.channel: str | None = None
        self.rooms: dict[int, set] = {}
        self.users: dict[int, set] = {}
        self.task: asyncio.Task | None = None
        self.refresher: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    async def join(self, case_id: int, listener) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("bargaining-hub")
                loop = asyncio.get_running_loop()
                self.task = loop.create_task(self._pump())
                self.refresher = loop.create_task(self._refresh())
            if case_id not in self.rooms:
                for audience in AUDIENCES:
                    await self.layer.group_add(group_name(case_id, audience), self.channel)
                self.rooms[case_id] = set()
            self.rooms[case_id].add(listener)
            user_id = getattr(listener, "user_id", None)
            if user_id is not None:
                if user_id not in self.users:
                    await self.layer.group_add(user_group_name(user_id), self.channel)
                    self.users[user_id] = set()
                self.users[user_id].add(listener)

    async def leave(self, case_id: int, listener) -> None:
        async with self.lock:
            user_id = getattr(listener, "user_id", None)
            sockets = self.users.get(user_id)
            if sockets is not None:
                sockets.discard(listener)
                if not sockets:
                    del self.users[user_id]
                    await self.layer.group_discard(user_group_name(user_id), self.channel)
            members = self.rooms.get(case_id)
            if members is None:
                return
            members.discard(listener)
            if members:
                return
            del self.rooms[case_id]
            for audience in AUDIENCES:
                await self.layer.group_discard(group_name(case_id, audience), self.channel)
            if not self.rooms and self.task is not None:
                self.task.cancel()
                self.refresher.cancel()
                self.task, self.refresher, self.channel = None, None, None

    async def _refresh(self) -> None:
        """Group memberships expire in channels_redis (group_expiry, a day by default) while a
        room may stay open longer: re-join the groups of the open rooms every hour."""
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            async with self.lock:
                groups = [group_name(c, a) for c in self.rooms for a in AUDIENCES]
                groups += [user_group_name(u) for u in self.users]
                for group in groups:
                    try:
                        await self.layer.group_add(group, self.channel)
                    except Exception:
                        logger.exception("hub group refresh failed")

    async def _pump(self) -> None:
        channel = self.channel
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub receive failed")
                await asyncio.sleep(0.5)
                continue
            await self.fan_out(message)

    async def fan_out(self, message: dict) -> None:
        if message.get("type") == "bargaining.close":
            await self.close_user(message.get("user"), message.get("code"))
            return
        audience = message.get("audience")
        for listener in list(self.rooms.get(message.get("case"), ())):
            if audience in listener.audiences:
                try:
                    await listener.deliver(message.get("seq"), message["text"], message.get("kind"))
                except Exception:
                    logger.exception("delivery to a socket failed")

    async def close_user(self, user_id, code) -> None:
        for listener in list(self.users.get(user_id, ())):
            try:
                await listener.shut(code)
            except Exception:
                logger.exception("closing a socket failed")


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub() -> RoomHub:
    """The hub of the running event loop (tests run one loop per test)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = RoomHub(get_channel_layer())
        _hubs[loop] = found
    return found
