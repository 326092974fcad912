"""The fast send path: one event's WebSocket frame, built once, written straight to each
Daphne socket's TCP transport.

This is what makes a room of hundreds of listeners cheap (docs/performance.md), and it rests
on private internals of three libraries, pinned in pyproject.toml for that reason:

- Daphne: the ASGI ``send`` it hands an application is ``partial(server.handle_reply,
  protocol)``; Channels' session middleware wraps it (``real_send``).
- autobahn: the protocol's ``state``/``STATE_OPEN``, ``send_queue`` (frames it still holds)
  and ``websocket_extensions_in_use`` (a negotiated compression would change the frame).
- Twisted: the TCP transport's ``writeSomeData`` (a non-blocking ``send``), ``dataBuffer`` /
  ``_tempDataBuffer`` (what it still has to write), ``connected`` and ``disconnecting``.

Everything else takes the ordinary ASGI send. ``settings.BARGAINING_FAST_SEND`` switches the
path: ``on`` (default), ``off`` (always the ASGI send: the way out if an upgrade breaks it),
``required`` (CI: a socket on which the path cannot be taken is an error, so an upgrade that
silently falls back fails the live test instead of a benchmark months later).
"""

from __future__ import annotations

import functools
import logging
import pprint
import struct

import txaio
from autobahn.websocket import protocol as autobahn_protocol
from django.conf import settings

logger = logging.getLogger("bargaining.fastpath")

PROTOCOL_ATTRS = ("transport", "state", "STATE_OPEN", "send_queue")
TRANSPORT_ATTRS = ("writeSomeData", "dataBuffer", "_tempDataBuffer", "connected", "disconnecting")

# Per process: how many frames went each way (read by tests and benchmarks).
stats = {"direct": 0, "buffered": 0, "fallback": 0}


class FastPathUnavailable(RuntimeError):
    """The fast path is required but a Daphne socket cannot take it."""


def mode() -> str:
    return getattr(settings, "BARGAINING_FAST_SEND", "on")


# The last frame built: (text, bytes). One cell, replaced whole, so a reader on another loop
# sees either the old pair or the new one.
_last_frame: list[tuple[str | None, bytes]] = [(None, b"")]


def ws_text_frame(text: str) -> bytes:
    """``text`` as one unmasked, uncompressed WebSocket text frame (RFC 6455 section 5.2).

    The hub hands the same ``str`` object to every local socket, so the last frame is kept
    and shared (an identity check, not a comparison)."""
    cached = _last_frame[0]  # one read of a tuple: safe if several loops share the module
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
    _last_frame[0] = (text, frame)
    return frame


def _is_daphne_reply(send) -> bool:
    func = getattr(send, "func", None)
    return getattr(func, "__module__", "").startswith("daphne")


def protocol_for(send):
    """The Daphne WebSocket protocol behind an ASGI ``send`` callable, or None.

    With the path ``required``, a Daphne ``send`` whose protocol lacks what the path needs
    raises ``FastPathUnavailable``; a send from another server (the test communicator) is
    simply None."""
    if mode() == "off":
        return None
    for _depth in range(8):
        if isinstance(send, functools.partial):
            protocol = send.args[0] if send.args else None
            if all(hasattr(protocol, name) for name in PROTOCOL_ATTRS):
                transport = protocol.transport
                if all(hasattr(transport, name) for name in TRANSPORT_ATTRS):
                    return protocol
            if mode() == "required":
                raise FastPathUnavailable(f"no usable protocol behind {send!r}")
            return None
        owner = getattr(send, "__self__", None)
        send = getattr(owner, "real_send", None)
        if send is None:
            break
    if mode() == "required" and send is not None and _is_daphne_reply(send):
        raise FastPathUnavailable("Daphne's send is no longer reachable")
    return None


def can_write(protocol) -> bool:
    """Whether a frame may go straight to the transport now: the socket is open, autobahn
    holds nothing that would have to go first, and no extension changes the frame."""
    return (
        protocol.state == protocol.STATE_OPEN
        and not protocol.send_queue
        and not getattr(protocol, "websocket_extensions_in_use", None)
    )


def write_now(transport, data: bytes) -> bool:
    """Write to a Twisted TCP transport, trying the socket at once when nothing is queued.
    True if the socket took all of it at once.

    Twisted's ``write`` only buffers and registers the socket with the reactor (two epoll
    changes and a loop turn per write); at 500 listeners that was most of a frame's cost.
    ``writeSomeData`` is the transport's own non-blocking send; whatever it does not take
    (or any other kind of transport, e.g. TLS) goes through ``write`` as usual, so order is
    kept: once anything is buffered, every later write is buffered behind it."""
    direct = getattr(transport, "writeSomeData", None)
    if (
        direct is None
        or getattr(transport, "dataBuffer", b"")
        or getattr(transport, "_tempDataBuffer", True)
        or not getattr(transport, "connected", False)
        or getattr(transport, "disconnecting", True)
        or getattr(transport, "_writeDisconnected", False)
    ):
        stats["buffered"] += 1
        transport.write(data)
        return False
    sent = direct(data)
    if isinstance(sent, int):
        if sent < len(data):
            stats["buffered"] += 1
            transport.write(data[sent:])
            return False
        stats["direct"] += 1
        return True
    # An error object (the connection is lost): the transport's own write path drops it
    # and the protocol's connectionLost follows, as for any write.
    stats["buffered"] += 1
    transport.write(data)
    return False


def send_text(protocol, text: str) -> bool:
    """Send ``text`` on the fast path if the socket allows it now; False means the caller
    must use the ordinary ASGI send (the frame was not written)."""
    if protocol is None or not can_write(protocol):
        stats["fallback"] += 1
        return False
    write_now(protocol.transport, ws_text_frame(text))
    return True


def pending_bytes(transport) -> int:
    """Bytes a Twisted transport holds that the peer has not taken yet (0 if unknown): what the
    slow-consumer cap in the consumer measures."""
    buffered = getattr(transport, "dataBuffer", b"")
    offset = getattr(transport, "offset", 0)
    temp = getattr(transport, "_tempDataLen", 0)
    if not isinstance(buffered, bytes | bytearray | memoryview) or not isinstance(temp, int):
        return 0
    return max(0, len(buffered) - offset) + temp


def _debug_pformat(value, *args, **kwargs) -> str:
    """``pprint.pformat`` for autobahn's debug messages: only when they can be rendered."""
    try:
        level = txaio.get_global_log_level()
    except RuntimeError:  # no framework chosen yet: not under Daphne, format as before
        level = "debug"
    if level not in ("debug", "trace"):
        return ""
    return pprint.pformat(value, *args, **kwargs)


def quiet_autobahn_debug() -> bool:
    """autobahn formats its options (29 of them) and the transport's details with
    ``pprint.pformat`` for a debug message on every new WebSocket connection, whether or not
    debug logging is on: about 19 ms a connection (under cProfile) in a connect storm on a
    loaded machine, the largest single cost of a handshake (docs/performance.md). Its module's ``pformat`` (used only for debug
    output: those two messages and the ``str`` of its opt-in handshake timings) then formats
    nothing unless the log level is debug. False if autobahn changed (nothing replaced)."""
    current = getattr(autobahn_protocol, "pformat", None)
    if current is _debug_pformat:
        return True
    if current is not pprint.pformat:
        return False
    autobahn_protocol.pformat = _debug_pformat
    return True
