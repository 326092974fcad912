"""The only place that broadcasts bargaining events.

Design (docs/performance.md, "Bargaining room fan-out"): the event log in the database is the
truth; the channel layer only carries notifications. Each event is encoded to its JSON frame ONCE, when
its transaction commits, and sent to one group per (case, audience). Each server process holds
one ``RoomHub`` per event loop: a single channel-layer subscription that joins the groups of
the rooms its local sockets are in, and fans each frame out to those sockets itself. So the
layer carries one message per process, not one per socket, and nothing is re-encoded per
listener. Under Daphne the WebSocket frame's bytes are built once per event too
and written straight to each socket's transport (bargaining.fastpath).

Every hub also joins one group for the whole site, ``USERS_GROUP``: ``close_user_sockets``
(sent on logout, see bargaining.signals) reaches every process, and each closes the user's
local sockets. A group per user would cost a channel-layer round trip per connecting socket
(thousands at once when an open session starts); logouts are rare next to connects.

When the channel layer fails (a Redis restart), the hub re-joins its groups once Redis answers
and tells each local socket to replay, from the log, every event after the last one it had
before the failure: clients see the events they missed without doing anything.

Open sessions (bargaining/watching.py): members of the covered union may watch the table.
A table event of an open session carries a second text, its public face (the side, not the
negotiator), which the hub hands to watching sockets; ``watch_state_changed`` closes every
watcher of a case in every process when the session closes. Presence (bargaining/presence.py)
is counted per process and sent at most once a second per room.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from bargaining import presence as presence_book
from unionhome.core.cache import shared_cache

logger = logging.getLogger("bargaining.events")

AUDIENCES = ("table", "union_caucus", "employer_caucus")
REFRESH_SECONDS = 3600
# Back-off while the channel layer (Redis) is away, between attempts to re-subscribe.
RESUBSCRIBE_MIN_SECONDS = 0.5
RESUBSCRIBE_MAX_SECONDS = 5.0
# Table events that name the negotiators themselves: not part of the public face.
NAMING_KINDS = frozenset({"representatives.changed"})
# The close code watchers get when the session closes (4000-4999 are the application's).
CLOSE_SESSION_CLOSED = 4409


def group_name(case_id: int, audience: str) -> str:
    return f"bargaining.{case_id}.{audience}"


# The group every hub joins, for closing one user's sockets in every process.
USERS_GROUP = "bargaining.users"


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


def public_frame(frame: dict, side: str | None) -> dict:
    """The public face of an event frame for watching members: the side that acted, not the
    person (unless the case shows names, decided by the caller)."""
    public = dict(frame)
    if public.get("actor") is not None:
        public["actor"] = {"side": side}
    return public


def watch_state_key(case_id: int) -> str:
    return f"bargaining:watch:{case_id}"


def encode(frame: dict) -> str:
    return json.dumps(frame, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def publish(event) -> None:
    """Broadcast ``event`` once its transaction has committed (never before)."""
    frame = event_frame(event)
    message = {
        "type": "bargaining.fanout",
        "case": event.case_id,
        "audience": event.audience,
        "seq": event.seq,
        "kind": event.kind,
        "text": encode(frame),
    }
    case = event.case
    if (
        event.audience == "table"
        and case.watch_opened_at is not None
        and (case.watch_shows_names or event.kind not in NAMING_KINDS)
    ):
        # Watching members are in the room: encode the public face once, here, too.
        if case.watch_shows_names:
            message["public"] = message["text"]
        else:
            message["public"] = encode(public_frame(frame, actor_side(event)))
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


def actor_side(event) -> str | None:
    """The side the event's actor sat on (the payload says so for most kinds)."""
    side = event.payload.get("side")
    if side or not event.actor_id:
        return side
    return (
        event.case.representatives.filter(user_id=event.actor_id)
        .order_by("-active", "-id")
        .values_list("side", flat=True)
        .first()
    )


def watch_state_changed(case_id: int, state: dict) -> None:
    """After commit: store the case's open-session state for the sockets' cached permission
    read, THEN tell every process to close the watchers if the session closed. A watcher that
    joins the room before the message gets it; one that reads the state after it sees it
    closed (consumers join the hub before reading)."""

    def apply():
        try:
            shared_cache().set(watch_state_key(case_id), state, None)
        except Exception:  # the consumer falls back to the database on a miss
            logger.exception("storing the watch state failed")
            try:
                shared_cache().delete(watch_state_key(case_id))
            except Exception:
                logger.exception("clearing the watch state failed")
        if not state.get("open"):
            message = {
                "type": "bargaining.close_watchers",
                "case": case_id,
                "code": CLOSE_SESSION_CLOSED,
            }
            _send(group_name(case_id, "table"), message)

    transaction.on_commit(apply)


def close_user_sockets(user_id: int, code: int) -> None:
    """Close every bargaining socket of the user, in every process (after commit, if any)."""
    message = {"type": "bargaining.close", "user": user_id, "code": code}
    transaction.on_commit(lambda: _send(USERS_GROUP, message))


class RoomHub:
    """One channel-layer subscription per process (and event loop), fanning out locally."""

    def __init__(self, layer):
        self.layer = layer
        self.channel: str | None = None
        self.rooms: dict[int, set] = {}
        self.users: dict[int, set] = {}
        self.task: asyncio.Task | None = None
        self.refresher: asyncio.Task | None = None
        self.ticker: asyncio.Task | None = None
        self.lock = asyncio.Lock()
        # True while the hub's group memberships may be missing (the channel layer failed):
        # the pump re-subscribes, then every local socket catches up from the event log.
        self.stale = False
        self.presence = presence_book.Presence()
        # The newest event seq fanned out per case: where a socket that joins now starts
        # counting a gap (events before it are the client's own ``resume``).
        self.latest: dict[int, int] = {}

    async def join(self, case_id: int, listener) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("bargaining-hub")
                loop = asyncio.get_running_loop()
                self.task = loop.create_task(self._pump())
                self.refresher = loop.create_task(self._refresh())
                self.ticker = loop.create_task(self._tick())
                await self._subscribe([USERS_GROUP])
            if case_id not in self.rooms:
                self.rooms[case_id] = set()
                await self._subscribe([group_name(case_id, a) for a in AUDIENCES])
            self.rooms[case_id].add(listener)
            user_id = getattr(listener, "user_id", None)
            if user_id is not None:
                self.users.setdefault(user_id, set()).add(listener)

    async def _subscribe(self, groups: list[str]) -> None:
        """Join groups; if the layer is away, the socket is admitted anyway (it is served from
        the log) and the pump re-subscribes when the layer is back."""
        try:
            for group in groups:
                await self.layer.group_add(group, self.channel)
        except Exception:
            logger.warning("channel layer unavailable; hub will re-subscribe", exc_info=True)
            self._mark_stale()

    def _mark_stale(self) -> None:
        if not self.stale:
            self.stale = True
            for listeners in self.rooms.values():
                for listener in listeners:
                    mark = getattr(listener, "mark_gap", None)
                    if mark is not None:
                        mark()

    def _groups(self) -> list[str]:
        groups = [group_name(c, a) for c in self.rooms for a in AUDIENCES]
        return [*groups, USERS_GROUP]

    async def _resubscribe(self) -> None:
        """Re-join every group (a restarted Redis forgot them), retrying with back-off until
        the layer answers; then each local socket replays what it missed from the log."""
        delay = RESUBSCRIBE_MIN_SECONDS
        while True:
            async with self.lock:
                try:
                    for group in self._groups():
                        await self.layer.group_add(group, self.channel)
                except Exception:
                    logger.info("channel layer still unavailable; retrying in %.1fs", delay)
                else:
                    self.stale = False
                    listeners = [x for members in self.rooms.values() for x in members]
                    break
            await asyncio.sleep(delay)
            delay = min(RESUBSCRIBE_MAX_SECONDS, delay * 2)
        logger.info("channel layer back: hub re-subscribed %d sockets", len(listeners))
        loop = asyncio.get_running_loop()
        for listener in listeners:
            catch_up = getattr(listener, "catch_up", None)
            if catch_up is not None:
                loop.create_task(catch_up())

    async def leave(self, case_id: int, listener) -> None:
        async with self.lock:
            user_id = getattr(listener, "user_id", None)
            sockets = self.users.get(user_id)
            if sockets is not None:
                sockets.discard(listener)
                if not sockets:
                    del self.users[user_id]
            members = self.rooms.get(case_id)
            if members is None:
                return
            members.discard(listener)
            if members:
                return
            del self.rooms[case_id]
            self.latest.pop(case_id, None)
            self.presence.forget(case_id)
            await self._unsubscribe([group_name(case_id, a) for a in AUDIENCES])
            # The other processes drop this one's snapshot of the room at once.
            message = self.presence.message(case_id, [], 0)
            with contextlib.suppress(Exception):
                await self.layer.group_send(group_name(case_id, "table"), message)
            if not self.rooms and self.task is not None:
                await self._unsubscribe([USERS_GROUP])
                self.task.cancel()
                self.refresher.cancel()
                self.ticker.cancel()
                self.task, self.refresher, self.ticker, self.channel = None, None, None, None

    # -- presence (bargaining/presence.py) ---------------------------------------------------

    def arrive(self, case_id: int, entry: dict | None) -> tuple[list[dict], int]:
        """Count a socket in (no I/O); the room's picture as this process knows it now."""
        self.presence.arrive(case_id, entry)
        return self.presence.merged(case_id)

    def depart(self, case_id: int, entry: dict | None) -> None:
        self.presence.depart(case_id, entry)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(presence_book.PRESENCE_INTERVAL)
            try:
                await self.flush_presence()
            except Exception:
                logger.exception("presence update failed")

    async def flush_presence(self) -> None:
        """One tick: publish the changed local snapshots (one layer message per room), then
        send each room whose merged picture changed one presence frame per local socket."""
        publish, changed = self.presence.due()
        for case_id, message in publish:
            try:
                await self.layer.group_send(group_name(case_id, "table"), message)
            except Exception:
                logger.exception("publishing presence failed")
        for case_id in changed:
            full, public = presence_book.frames(*self.presence.merged(case_id))
            texts = (encode(full), encode(public))
            for listener in list(self.rooms.get(case_id, ())):
                if not listener.audiences:
                    continue  # not yet admitted, or shut
                text = texts[1] if getattr(listener, "watcher", False) else texts[0]
                try:
                    await listener.deliver(None, text)
                except Exception:
                    logger.exception("delivery to a socket failed")

    async def _unsubscribe(self, groups: list[str]) -> None:
        try:
            for group in groups:
                await self.layer.group_discard(group, self.channel)
        except Exception:
            # Harmless: the group membership expires, and stray messages find no socket.
            logger.warning("channel layer unavailable while leaving groups", exc_info=True)

    async def _refresh(self) -> None:
        """Group memberships expire in channels_redis (group_expiry, a day by default) while a
        room may stay open longer: re-join the groups of the open rooms every hour."""
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            async with self.lock:
                for group in self._groups():
                    try:
                        await self.layer.group_add(group, self.channel)
                    except Exception:
                        logger.exception("hub group refresh failed")

    async def _pump(self) -> None:
        channel = self.channel
        while True:
            if self.stale:
                await self._resubscribe()
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis restarting: it forgets group memberships, and events broadcast
                # meanwhile are lost to the layer (not to the log).
                logger.warning("hub receive failed; re-subscribing", exc_info=True)
                async with self.lock:
                    self._mark_stale()
                await asyncio.sleep(RESUBSCRIBE_MIN_SECONDS)
                continue
            await self.fan_out(message)

    async def fan_out(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "bargaining.close":
            await self.close_user(message.get("user"), message.get("code"))
            return
        if kind == "bargaining.presence":
            self.presence.receive(
                message.get("case"),
                message.get("hub"),
                message.get("named") or [],
                message.get("watchers") or 0,
            )
            return
        if kind == "bargaining.close_watchers":
            await self.close_watchers(message.get("case"), message.get("code"))
            return
        audience = message.get("audience")
        seq, case_id = message.get("seq"), message.get("case")
        if isinstance(seq, int) and seq > self.latest.get(case_id, 0):
            self.latest[case_id] = seq
        text, public = message["text"], message.get("public")
        for listener in list(self.rooms.get(message.get("case"), ())):
            if audience in listener.audiences:
                if getattr(listener, "watcher", False):
                    if public is None:
                        continue  # a table event of a closed session: not for members
                    chosen = public
                else:
                    chosen = text
                try:
                    await listener.deliver(message.get("seq"), chosen, message.get("kind"))
                except Exception:
                    logger.exception("delivery to a socket failed")

    async def close_watchers(self, case_id, code) -> None:
        for listener in list(self.rooms.get(case_id, ())):
            if hasattr(listener, "session_closed"):
                try:
                    await listener.session_closed(code)
                except Exception:
                    logger.exception("closing a socket failed")

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
