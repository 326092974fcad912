"""The live bargaining room. Thin: authenticate, check the user may be in the room, register
with the process's RoomHub for the audiences the user may hear, and route each frame to one
service call. Services commit; bargaining.events broadcasts after commit."""

from __future__ import annotations

import asyncio
import json
import logging
import time

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from bargaining import events, fastpath, selectors, services, watching
from bargaining.command_budget import ABUSE_DEBT, TokenBucket, _bucket_for
from bargaining.models import Case
from unionhome.core import roles
from unionhome.core.errors import DomainError

logger = logging.getLogger("bargaining.consumers")

# Closing codes (4000-4999 are the application's).
CLOSE_NOT_FOUND = 4404
CLOSE_AUTH_REQUIRED = 4401
CLOSE_ABUSE = 4429
CLOSE_LOGGED_OUT = 4410
CLOSE_MFA_REQUIRED = 4403
# A listener that stopped reading: its outgoing buffer stayed over the cap. It should
# reconnect and send ``resume`` with its last seq (docs/api/bargaining.md).
CLOSE_SLOW_CONSUMER = 4408
# The standard "try again later" (RFC 6455 7.4.1): the database was away at connect.
CLOSE_TRY_AGAIN = 1013
# How long a socket may stay over WEBSOCKET_MAX_BUFFER_BYTES before it is dropped; past
# SLOW_HARD_FACTOR times the cap it is dropped at once (server memory stays bounded).
SLOW_GRACE_SECONDS = 5.0
SLOW_HARD_FACTOR = 4

MAX_RESUME_BATCH = 500
MAX_LIVE_SEQS = 4 * MAX_RESUME_BATCH
WATCHER_AUDIENCES = frozenset({"table"})

COMMANDS = {"offer.submit", "item.accept", "item.reopen", "chat.send", "round.close", "round.open"}


def _client_id_of(raw, size: int) -> str | None:
    """The client_id of a frame within the size cap (parsing it costs no more than handling
    it would have); None when there is none to read."""
    if size > settings.WEBSOCKET_MAX_FRAME_BYTES:
        return None
    try:
        frame = json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        return None
    client_id = frame.get("client_id") if isinstance(frame, dict) else None
    return client_id if isinstance(client_id, str) else None


@database_sync_to_async
def _viewer(user, case_id: int):
    try:
        case, viewer = selectors.case_get_visible(user=user, case_id=case_id)
    except DomainError:
        return None, None
    return case, viewer


@database_sync_to_async
def _user_from_token(token: str):

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


async def _watch_replay(
    case_id: int, user, after: int, joined_at: float
) -> tuple[list[tuple[int, str]], bool]:
    """The public face of the table events after ``after``. The right to watch is checked as
    at connect (the cached decision and session state: a closed session or a logout closes
    the socket anyway); the events are read once for all the watchers resuming together."""
    if not await watching.watch_access(case_id, user):
        raise DomainError("not_found", _("No such bargaining case."), status=404)
    frames = await watching.shared_replay().public_page(
        case_id, after, MAX_RESUME_BATCH + 1, joined_at
    )
    if frames is None:
        raise DomainError("not_found", _("No such bargaining case."), status=404)
    return frames[:MAX_RESUME_BATCH], len(frames) > MAX_RESUME_BATCH


@database_sync_to_async
def _command(case_id: int, user, frame: dict) -> services.CommandResult:
    """Route one command frame to its service. The service re-checks the user's role."""
    case = Case.objects.get(pk=case_id)
    kind = frame["type"]
    client_id = frame.get("client_id") or ""
    if not isinstance(client_id, str):
        raise DomainError("invalid_client_id", _("client_id must be a string."), field="client_id")
    common = {"case": case, "by": user, "client_id": client_id}
    if isinstance(frame.get("item"), bool):
        # JSON true would otherwise name the item with id 1.
        raise DomainError("invalid_item", _("item must be a number."), field="item")
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

    async def __call__(self, scope, receive, send):
        """Channels' loop, without what a socket with no layer channel does not need.

        Channels awaits the socket's messages through ``await_many_dispatch``: a second task
        per socket (next to the one Daphne runs the application in) and a wait set per
        message. And before each message it closes stale database connections in the one
        thread Django's sync code shares, a trip per frame that a connect storm queues
        thousands of; every database call here goes through ``database_sync_to_async``,
        which closes them around itself."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                message = await receive()
                handler = getattr(self, get_handler_name(message), None)
                if handler is None:
                    raise ValueError(f"No handler for message type {message['type']}")
                await handler(message)
        except StopConsumer:
            pass

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
        self.over_cap_since: float | None = None
        # The newest seq this socket was sent, and where to replay from after the channel
        # layer failed (set by the hub, see events.RoomHub._resubscribe).
        self.last_seq = 0
        self.gap_after: int | None = None
        self.bucket = TokenBucket()
        self.watcher = self.watch_pending = self.watch_revoked = False
        # False: not counted in presence; None: counted as a watcher; a dict: by name.
        self.presence_entry: dict | None | bool = False
        # Accept first so that app clients can authenticate with a first frame.
        await self.accept()
        self.wire = fastpath.protocol_for(self.base_send)
        user = self.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            await self._enter(user)
        else:
            # A socket that never authenticates is closed, rather than held open for free.
            self.auth_timer = asyncio.get_running_loop().call_later(
                settings.WEBSOCKET_AUTH_TIMEOUT_SECONDS,
                lambda: asyncio.ensure_future(self._close_if_anonymous()),
            )

    async def _close_if_anonymous(self) -> None:
        if self.user is None:
            await self.close(code=CLOSE_AUTH_REQUIRED)

    async def disconnect(self, code):
        if getattr(self, "auth_timer", None) is not None:
            self.auth_timer.cancel()
        if self.joined:
            self.joined = False
            if self.presence_entry is not False:
                events.hub().depart(self.case_id, self.presence_entry)
                self.presence_entry = False
            await events.hub().leave(self.case_id, self)

    async def _enter(self, user) -> bool:
        try:
            return await self._enter_room(user)
        except (OperationalError, InterfaceError):
            await self._error("unavailable", _("The service is briefly unavailable; try again."))
            await self.close(code=CLOSE_TRY_AGAIN)
            return False

    async def _enter_room(self, user) -> bool:
        if await self._enter_as_watcher(user):
            return True
        if self.logged_out:
            return False
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
        self.last_seq = case.last_seq
        await events.hub().join(self.case_id, self)
        self.joined = True
        # Presence is counted in the process, and sent to the room at most once a second.
        self.presence_entry = {
            "user": user.pk,
            "name": user.get_full_name() or user.username,
            "side": viewer.side,
        }
        present, watchers = events.hub().arrive(self.case_id, self.presence_entry)
        await self._send_json(
            {
                "type": "ready",
                "case": self.case_id,
                "last_seq": case.last_seq,
                "side": viewer.side,
                "chief": viewer.is_chief,
                "observer": not viewer.is_representative,
                "present": present,
                "watchers": watchers,
            }
        )
        return True

    async def _enter_as_watcher(self, user) -> bool:
        """A member watching an open session (bargaining.watching): one cached read. The
        socket joins the hub BEFORE reading, so a close sent after the read reaches it."""
        self.user_id = user.pk
        self.watch_pending = True
        await events.hub().join(self.case_id, self)
        self.joined = True
        # Every event committed after this moment reaches the socket live (see _watch_replay).
        self.joined_at = time.monotonic()
        # A watcher has no seq of its own until its client resumes: a gap after a layer
        # failure counts from the newest event the hub had, not from the start of the log.
        self.last_seq = max(self.last_seq, events.hub().latest.get(self.case_id, 0))
        try:
            allowed = await watching.watch_access(self.case_id, user)
        finally:
            self.watch_pending = False
        if not allowed:
            return False
        if self.watch_revoked:
            await self.shut(events.CLOSE_SESSION_CLOSED)
            return True
        self.user = user
        self.watcher = True
        self.audiences = WATCHER_AUDIENCES
        self.bucket = _bucket_for(user.pk)
        self.presence_entry = None
        present, watchers = events.hub().arrive(self.case_id, None)
        await self._send_json(
            {
                "type": "ready",
                "case": self.case_id,
                "last_seq": None,  # a watcher resumes from the page it loaded
                "side": None,
                "chief": False,
                "observer": True,
                "watcher": True,
                "present": [{"side": p.get("side")} for p in present],
                "watchers": watchers,
            }
        )
        return True

    async def session_closed(self, code: int) -> None:
        """The open session closed (events.watch_state_changed): watchers leave at once."""
        if self.watcher:
            await self.shut(code)
        elif self.watch_pending:
            self.watch_revoked = True

    # -- from the hub -----------------------------------------------------------------------

    def _too_slow(self) -> bool:
        """True once this socket's unsent output stayed over the cap (see CLOSE_SLOW_CONSUMER).

        Twisted buffers without limit for a peer that stops reading; without this check one
        stalled phone in a busy room would grow the server's memory for as long as it stays."""
        wire = self.wire
        if wire is None:
            return False
        cap = settings.WEBSOCKET_MAX_BUFFER_BYTES
        pending = fastpath.pending_bytes(wire.transport)
        if pending <= cap:
            self.over_cap_since = None
            return False
        now = time.monotonic()
        if self.over_cap_since is None:
            self.over_cap_since = now
        return pending > SLOW_HARD_FACTOR * cap or now - self.over_cap_since > SLOW_GRACE_SECONDS

    async def _drop_slow(self) -> None:
        """Stop writing to a stalled socket, tell it why (if it ever reads again) and free its
        buffer: the connection is aborted shortly after the close frame is queued."""
        logger.warning("closing a slow bargaining socket (case %s)", self.case_id)
        self.audiences = frozenset()
        self.logged_out = True
        transport = self.wire.transport
        await self.close(code=CLOSE_SLOW_CONSUMER)
        abort = getattr(transport, "abortConnection", None) or transport.loseConnection
        asyncio.get_running_loop().call_later(1.0, abort)

    async def deliver(self, seq: int | None, text: str, kind: str | None = None) -> None:
        if self.logged_out:
            return
        if self._too_slow():
            await self._drop_slow()
            return
        if self.replaying:
            self.buffer.append((seq, text))
        else:
            if seq is not None:
                self.last_seq = max(self.last_seq, seq)
                if len(self.live_seqs) >= MAX_LIVE_SEQS:
                    self.live_seqs.clear()  # bounded; clients also de-duplicate by seq
                self.live_seqs.add(seq)
            # The hot path: the frame's bytes are shared by every socket of the process,
            # written in order with the ASGI sends (both write to the transport at once).
            if not fastpath.send_text(self.wire, text):
                await self.send(text_data=text)
        if kind == "representatives.changed":
            # The user on a socket is fixed at connect: re-read the role when teams change.
            asyncio.get_running_loop().create_task(self._recheck())

    def mark_gap(self) -> None:
        """The channel layer failed: events after ``last_seq`` may not reach this socket."""
        if self.gap_after is None:
            self.gap_after = self.last_seq

    async def catch_up(self) -> None:
        """The hub re-subscribed: replay what the socket missed meanwhile (a server-side
        ``resume``; events it did get live are not sent again)."""
        after, self.gap_after = self.gap_after, None
        if after is None or self.user is None or self.logged_out or self.replaying:
            return
        await self._resume(after)

    async def shut(self, code: int) -> None:
        """The user logged out (events.close_user_sockets): no more frames either way."""
        self.audiences = frozenset()
        self.logged_out = True
        await self.close(code=code)

    async def _recheck(self) -> None:
        if self.user is None or self.watcher:
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
        # Every frame counts against the limit, before any parsing: malformed or oversized
        # frames must not be a free way to keep the server busy.
        raw = text_data if text_data is not None else bytes_data
        size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw or b"")
        if not self.bucket.take():
            if self.bucket.debt > ABUSE_DEBT:
                await self.close(code=CLOSE_ABUSE)
                return
            # The refusal names the command it refuses, so a client that waits for the ack or
            # error of each client_id learns to send it again instead of waiting forever.
            await self._error(
                "rate_limited", _("Too many frames; slow down."), _client_id_of(raw, size)
            )
            return
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
            pong = {"type": "pong"}
            if settings.DEBUG:
                # How this process sent its frames: lets a live test see the fast path taken.
                pong["fast_path"] = dict(fastpath.stats)
            await self._send_json(pong)
            return
        if kind not in COMMANDS:
            await self._error("unknown_type", _("Unknown frame type."), client_id)
            return
        if self.watcher:
            await self._error(
                "read_only", _("Members watch the session; they cannot act."), client_id
            )
            return
        try:
            result = await _command(self.case_id, self.user, frame)
        except DomainError as exc:
            await self._error(exc.code, exc.detail, client_id)
            return
        except Case.DoesNotExist:
            await self._error("not_found", _("No such bargaining case."), client_id)
            return
        except (OperationalError, InterfaceError):
            # The database is away: nothing was committed; the client may resend the same
            # client_id later (applied once).
            logger.warning("bargaining command: database unavailable")
            await self._error(
                "unavailable", _("The service is briefly unavailable; try again."), client_id
            )
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
        try:
            user = await _user_from_token(frame.get("session_token"))
        except (OperationalError, InterfaceError):
            await self._error("unavailable", _("The service is briefly unavailable; try again."))
            await self.close(code=CLOSE_TRY_AGAIN)
            return
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
                    if self.watcher:
                        frames, more = await _watch_replay(
                            self.case_id, self.user, after, self.joined_at
                        )
                    else:
                        frames, more = await _replay(self.case_id, self.user, after)
                except DomainError as exc:
                    await self._error(exc.code, exc.detail)
                    await self.close(code=CLOSE_NOT_FOUND)
                    return
                except (OperationalError, InterfaceError):
                    await self._error(
                        "unavailable", _("The service is briefly unavailable; try again.")
                    )
                    return
                for seq, text in frames:
                    after = seq
                    self.last_seq = max(self.last_seq, seq)
                    if seq in self.live_seqs:
                        continue  # sent live between "ready" and this resume
                    sent.add(seq)
                    # Sent on this socket now: a later replay (a server-side catch-up after a
                    # layer failure) must not send it again.
                    self.live_seqs.add(seq)
                    await self._send_text(text)
                if not more:
                    break
                await asyncio.sleep(0)
        finally:
            buffered, self.buffer, self.replaying = self.buffer, [], False
        for seq, text in buffered:
            if seq is None or seq not in sent:
                if seq is not None:
                    self.live_seqs.add(seq)
                await self._send_text(text)
        await self._send_json({"type": "resumed", "last_seq": after})

    async def _send_text(self, text: str) -> None:
        """A replayed frame: the fast path as for live ones (a reconnect storm replays
        thousands), in order with the other writes to the socket."""
        if not fastpath.send_text(self.wire, text):
            await self.send(text_data=text)

    async def _send_json(self, frame: dict) -> None:
        await self.send(text_data=events.encode(frame))

    async def _error(self, code: str, detail: str, client_id=None) -> None:
        frame = {"type": "error", "code": code, "detail": str(detail)}
        if isinstance(client_id, str | int):
            frame["client_id"] = client_id
        await self._send_json(frame)
