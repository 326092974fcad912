"""The live bargaining room. Thin: authenticate, check the user may be in the room, register
with the process's RoomHub for the audiences the user may hear, and route each frame to one
service call. Services commit; bargaining.events broadcasts after commit."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from bargaining import events, selectors, services
from bargaining.models import Case
from unionhome import roles
from unionhome.errors import DomainError

logger = logging.getLogger("bargaining.consumers")

# Closing codes (4000-4999 are the application's).
CLOSE_NOT_FOUND = 4404
CLOSE_AUTH_REQUIRED = 4401
CLOSE_ABUSE = 4429
CLOSE_LOGGED_OUT = 4410
CLOSE_MFA_REQUIRED = 4403

# A per-socket token bucket: BURST commands at once, refilled at RATE per second. Far past it
# (the bucket owes ABUSE_DEBT commands) the socket is closed.
RATE = 5.0
BURST = 20.0
ABUSE_DEBT = 50.0
MAX_RESUME_BATCH = 500
MAX_LIVE_SEQS = 4 * MAX_RESUME_BATCH
PRESENCE_TTL = 6 * 3600

COMMANDS = {"offer.submit", "item.accept", "item.reopen", "chat.send", "round.close", "round.open"}


class TokenBucket:
    def __init__(self, rate: float = RATE, burst: float = BURST):
        self.rate, self.burst = rate, burst
        self.tokens, self.debt = burst, 0.0
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.debt = max(0.0, self.debt - 1)
            return True
        self.debt += 1
        return False


# Per user and process: several sockets of one user share one budget.
_user_buckets: dict[int, TokenBucket] = {}


def _bucket_for(user_id: int) -> TokenBucket:
    bucket = _user_buckets.get(user_id)
    if bucket is None:
        if len(_user_buckets) > 10000:
            _user_buckets.clear()  # bounded memory; a reset only forgives a little
        bucket = _user_buckets[user_id] = TokenBucket()
    return bucket


def daphne_protocol(send):
    """The Daphne WebSocket protocol behind an ASGI ``send`` callable, or None.

    Daphne passes ``partial(server.handle_reply, protocol)``; Channels' session middleware
    wraps it (``real_send``). Knowing the protocol lets the hub write an event's frame, built
    once, straight to each socket's transport; elsewhere (tests, other servers) sockets use
    the ordinary ASGI send."""
    for _depth in range(8):
        if isinstance(send, functools.partial):
            protocol = send.args[0] if send.args else None
            needed = ("transport", "sendMessage", "STATE_OPEN", "send_queue")
            if all(hasattr(protocol, name) for name in needed):
                return protocol
            return None
        owner = getattr(send, "__self__", None)
        send = getattr(owner, "real_send", None)
        if send is None:
            return None
    return None


def write_now(transport, data: bytes) -> None:
    """Write to a Twisted TCP transport, trying the socket at once when nothing is queued.

    Twisted's ``write`` only buffers and registers the socket with the reactor (two epoll
    changes and a loop turn per write); at 500 listeners that was most of a frame's cost.
    ``writeSomeData`` is the transport's own non-blocking send; whatever it does not take
    (or any other kind of transport, e.g. TLS) goes through ``write`` as usual."""
    direct = getattr(transport, "writeSomeData", None)
    if (
        direct is None
        or getattr(transport, "dataBuffer", b"")
        or getattr(transport, "_tempDataBuffer", True)
        or not getattr(transport, "connected", False)
        or getattr(transport, "disconnecting", True)
    ):
        transport.write(data)
        return
    sent = direct(data)
    if isinstance(sent, int):
        if sent < len(data):
            transport.write(data[sent:])
        return
    transport.write(data)  # an error: the transport's own write path reports the loss


@database_sync_to_async
def _viewer(user, case_id: int):
    try:
        case, viewer = selectors.case_get_visible(user=user, case_id=case_id)
    except DomainError:
        return None, None
    return case, viewer


@database_sync_to_async
def _user_from_token(token: str):
    from allauth.headless.internal.sessionkit import authenticate_by_x_session_token

    if not isinstance(token, str) or not token or len(token) > 256:
        return None
    result = authenticate_by_x_session_token(token)
    if result is None or not getattr(result.user, "is_authenticated", False):
        return None
    return result.user


@database_sync_to_async
def _replay(case_id: int, user, after: int) -> tuple[list[tuple[int, str]], bool]:
    """The visible events after ``after``, encoded; the user's role is read afresh."""
    case, viewer = selectors.case_get_visible(user=user, case_id=case_id)
    rows = list(
        selectors.events_visible(case=case, viewer=viewer, after=after, limit=MAX_RESUME_BATCH + 1)
    )
    more = len(rows) > MAX_RESUME_BATCH
    frames = [(e.seq, events.encode(events.event_frame(e))) for e in rows[:MAX_RESUME_BATCH]]
    return frames, more


@database_sync_to_async
def _command(case_id: int, user, frame: dict) -> services.CommandResult:
    """Route one command frame to its service. The service re-checks the user's role."""
    case = Case.objects.get(pk=case_id)
    kind = frame["type"]
    client_id = frame.get("client_id") or ""
    if not isinstance(client_id, str):
        raise DomainError("invalid_client_id", _("client_id must be a string."), field="client_id")
    common = {"case": case, "by": user, "client_id": client_id}
    if kind == "offer.submit":
        if "item" not in frame or "value" not in frame:
            raise DomainError("missing_field", _("item and value are required."))
        note = frame.get("note") or ""
        if not isinstance(note, str):
            raise DomainError("invalid_note", _("The note must be text."), field="note")
        return services.offer_submit(
            item_id=frame["item"], value=frame["value"], note=note, **common
        )
    if kind == "item.accept":
        if "item" not in frame:
            raise DomainError("missing_field", _("item is required."))
        override = frame.get("override") or ""
        if not isinstance(override, str):
            raise DomainError("invalid_override", _("The override must be text."))
        return services.item_accept(item_id=frame["item"], override=override, **common)
    if kind == "item.reopen":
        if "item" not in frame:
            raise DomainError("missing_field", _("item is required."))
        return services.item_reopen(item_id=frame["item"], **common)
    if kind == "chat.send":
        return services.chat_send(room=frame.get("room"), text=frame.get("text"), **common)
    if kind == "round.close":
        return services.round_close(**common)
    if kind == "round.open":
        return services.round_open(**common)
    raise DomainError("unknown_type", _("Unknown frame type."))


class BargainingConsumer(AsyncWebsocketConsumer):
    # No per-socket channel: the RoomHub holds one subscription for the whole process.
    channel_layer_alias = "bargaining-no-per-socket-channel"

    async def connect(self):
        self.case_id = int(self.scope["url_route"]["kwargs"]["case_id"])
        self.user = None
        self.audiences: frozenset = frozenset()
        self.joined = False
        self.replaying = False
        self.buffer: list[tuple[int | None, str]] = []
        # Seqs already sent live on this socket: a later resume does not send them again.
        self.live_seqs: set[int] = set()
        self.logged_out = False
        self.bucket = TokenBucket()
        # Accept first so that app clients can authenticate with a first frame.
        await self.accept()
        self.wire = daphne_protocol(self.base_send)
        user = self.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            await self._enter(user)

    async def disconnect(self, code):
        if self.joined:
            self.joined = False
            await events.hub().leave(self.case_id, self)
            present = await self._presence_count(-1)
            if self.user.pk not in {p["user"] for p in present}:
                await self._presence("left")

    async def _enter(self, user) -> bool:
        if await database_sync_to_async(roles.mfa_missing)(user):
            # Same rule as the pages: negotiators enrol TOTP before they may sit in a room.
            await self._error("mfa_required", _("Set up two-factor authentication first."))
            await self.close(code=CLOSE_MFA_REQUIRED)
            return False
        case, viewer = await _viewer(user, self.case_id)
        if viewer is None:
            await self._error("not_found", _("No such bargaining case."))
            await self.close(code=CLOSE_NOT_FOUND)
            return False
        self.user = user
        self.user_id = user.pk
        self.viewer = viewer
        self.audiences = viewer.audiences
        self.bucket = _bucket_for(user.pk)
        await events.hub().join(self.case_id, self)
        self.joined = True
        present = await self._presence_count(+1)
        await self._send_json(
            {
                "type": "ready",
                "case": self.case_id,
                "last_seq": case.last_seq,
                "side": viewer.side,
                "chief": viewer.is_chief,
                "observer": not viewer.is_representative,
                "present": present,
            }
        )
        await self._presence("joined")
        return True

    async def _presence_count(self, delta: int) -> list[dict]:
        """Who is in the room, across processes (the shared cache; best effort, expires)."""
        key = f"bargaining:presence:{self.case_id}"
        try:
            present = await cache.aget(key) or {}
            uid = str(self.user.pk)
            entry = present.get(uid) or {
                "user": self.user.pk,
                "name": self.user.get_full_name() or self.user.username,
                "side": self.viewer.side,
                "n": 0,
            }
            entry["n"] += delta
            if entry["n"] > 0:
                present[uid] = entry
            else:
                present.pop(uid, None)
            await cache.aset(key, present, PRESENCE_TTL)
        except Exception:  # presence must never break the room
            return []
        return [{k: v for k, v in e.items() if k != "n"} for e in present.values()]

    async def _presence(self, state: str) -> None:
        name = self.user.get_full_name() or self.user.username
        frame = {
            "type": "presence",
            "state": state,
            "user": self.user.pk,
            "name": name,
            "side": self.viewer.side,
        }
        with contextlib.suppress(Exception):  # presence is best effort
            await events.publish_presence(self.case_id, frame)

    # -- from the hub -----------------------------------------------------------------------

    async def deliver(self, seq: int | None, text: str, kind: str | None = None) -> None:
        if self.replaying:
            self.buffer.append((seq, text))
        else:
            if seq is not None:
                if len(self.live_seqs) >= MAX_LIVE_SEQS:
                    self.live_seqs.clear()  # bounded; clients also de-duplicate by seq
                self.live_seqs.add(seq)
            wire = self.wire
            if (
                wire is not None
                and wire.state == wire.STATE_OPEN
                and not wire.send_queue
                and not getattr(wire, "websocket_extensions_in_use", None)
            ):
                # The hot path: the frame's bytes are shared by every socket of the process.
                # Written in order with the ASGI sends (both write to the transport at once).
                write_now(wire.transport, events.ws_text_frame(text))
            else:
                await self.send(text_data=text)
        if kind == "representatives.changed":
            # The user on a socket is fixed at connect: re-read the role when teams change.
            asyncio.get_running_loop().create_task(self._recheck())

    async def shut(self, code: int) -> None:
        """The user logged out (events.close_user_sockets): no more frames either way."""
        self.audiences = frozenset()
        self.logged_out = True
        await self.close(code=code)

    async def _recheck(self) -> None:
        if self.user is None:
            return
        _case, viewer = await _viewer(self.user, self.case_id)
        if viewer is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.viewer = viewer
        self.audiences = viewer.audiences

    # -- from the client --------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.logged_out:
            return  # frames that were already queued when the session ended
        raw = text_data if text_data is not None else bytes_data
        size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw or b"")
        if size > settings.WEBSOCKET_MAX_FRAME_BYTES:
            await self._error("frame_too_large", _("The frame is too large."))
            return
        try:
            frame = json.loads(raw)
        except (ValueError, TypeError, RecursionError):
            await self._error("invalid_json", _("The frame is not valid JSON."))
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self._error("invalid_frame", _("A frame is a JSON object with a type."))
            return
        kind = frame["type"]
        client_id = frame.get("client_id")
        if not self.bucket.take():
            if self.bucket.debt > ABUSE_DEBT:
                await self.close(code=CLOSE_ABUSE)
                return
            await self._error("rate_limited", _("Too many frames; slow down."), client_id)
            return
        if kind == "auth":
            await self._auth(frame)
            return
        if self.user is None:
            await self._error("not_authenticated", _("Authenticate first."), client_id)
            return
        if kind == "resume":
            await self._resume(frame.get("after", 0))
            return
        if kind == "ping":
            await self._send_json({"type": "pong"})
            return
        if kind not in COMMANDS:
            await self._error("unknown_type", _("Unknown frame type."), client_id)
            return
        try:
            result = await _command(self.case_id, self.user, frame)
        except DomainError as exc:
            await self._error(exc.code, exc.detail, client_id)
            return
        except Case.DoesNotExist:
            await self._error("not_found", _("No such bargaining case."), client_id)
            return
        except Exception:
            # Nothing was committed (the service's transaction rolled back); keep the socket.
            logger.exception("bargaining command failed")
            await self._error("server_error", _("The command failed; try again."), client_id)
            return
        # The service returned: the command and its event are committed.
        await self._send_json({"type": "ack", "client_id": client_id, "seq": result.seq})

    async def _auth(self, frame: dict) -> None:
        if self.user is not None:
            await self._error("already_authenticated", _("Already authenticated."))
            return
        user = await _user_from_token(frame.get("session_token"))
        if user is None:
            await self._error("not_authenticated", _("Invalid session token."))
            await self.close(code=CLOSE_AUTH_REQUIRED)
            return
        await self._enter(user)

    async def _resume(self, after) -> None:
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            await self._error("invalid_after", _("after must be a non-negative integer."))
            return
        # Live frames that arrive while replaying are held back, then sent unless replayed.
        self.replaying = True
        sent: set[int] = set()
        try:
            while True:
                try:
                    frames, more = await _replay(self.case_id, self.user, after)
                except DomainError as exc:
                    await self._error(exc.code, exc.detail)
                    await self.close(code=CLOSE_NOT_FOUND)
                    return
                for seq, text in frames:
                    after = seq
                    if seq in self.live_seqs:
                        continue  # sent live between "ready" and this resume
                    sent.add(seq)
                    await self.send(text_data=text)
                if not more:
                    break
                await asyncio.sleep(0)
        finally:
            buffered, self.buffer, self.replaying = self.buffer, [], False
        for seq, text in buffered:
            if seq is None or seq not in sent:
                if seq is not None:
                    self.live_seqs.add(seq)
                await self.send(text_data=text)
        await self._send_json({"type": "resumed", "last_seq": after})

    async def _send_json(self, frame: dict) -> None:
        await self.send(text_data=events.encode(frame))

    async def _error(self, code: str, detail: str, client_id=None) -> None:
        frame = {"type": "error", "code": code, "detail": str(detail)}
        if isinstance(client_id, str | int):
            frame["client_id"] = client_id
        await self._send_json(frame)
