"""The fast send path on fake Twisted transports and fake Daphne protocols: the frame bytes
against an independent encoder (``websockets``), what goes to the socket at once and what
is left to Twisted's buffered write, and when the path must not be taken."""

import functools

import pytest
from websockets.frames import OP_TEXT, Frame

from bargaining import fastpath


class FakeTransport:
    """The parts of ``twisted.internet.tcp.Connection`` the fast path uses. ``capacity`` is
    how many bytes the kernel takes at once; ``socket`` is what it took, ``buffered`` what
    went through Twisted's ``write`` (sent later by the reactor)."""

    def __init__(self, capacity=1 << 30, connected=True, disconnecting=False, error=None):
        self.capacity = capacity
        self.connected = connected
        self.disconnecting = disconnecting
        self.error = error
        self.dataBuffer = b""
        self._tempDataBuffer = []
        self.socket = bytearray()
        self.direct_calls = 0

    def writeSomeData(self, data):
        self.direct_calls += 1
        if self.error is not None:
            return self.error
        taken = bytes(data[: self.capacity])
        self.socket += taken
        return len(taken)

    def write(self, data):
        if not self.connected:
            return  # Twisted drops writes on a closed connection
        self._tempDataBuffer.append(bytes(data))

    @property
    def buffered(self) -> bytes:
        return self.dataBuffer + b"".join(self._tempDataBuffer)


class FakeProtocol:
    STATE_OPEN = 1
    STATE_CLOSING = 2

    def __init__(self, transport=None, state=1, send_queue=(), extensions=None):
        self.transport = transport or FakeTransport()
        self.state = state
        self.send_queue = list(send_queue)
        self.websocket_extensions_in_use = extensions


def handle_reply(protocol, message):  # stands in for daphne.server.Server.handle_reply
    raise AssertionError("the fast path must not call the ASGI send")


handle_reply.__module__ = "daphne.server"


def reference(text: str) -> bytes:
    return Frame(OP_TEXT, text.encode("utf-8")).serialize(mask=False, extensions=[])


@pytest.mark.parametrize("size", [0, 1, 125, 126, 1000, 65535, 65536, 70000, 200_000])
def test_frame_bytes_match_an_independent_encoder(size):
    text = ("协" * (size // 3)) + ("x" * (size % 3))  # multi-byte UTF-8: length in bytes
    frame = fastpath.ws_text_frame(text)
    assert frame == reference(text)
    assert len(text.encode()) == size
    header = 2 if size < 126 else 4 if size < 65536 else 10
    assert len(frame) == header + size


def test_frame_is_built_once_per_text_object():
    text = "".join(["event", "-1"])
    first = fastpath.ws_text_frame(text)
    assert fastpath.ws_text_frame(text) is first
    other = "".join(["event", "-2"])
    assert fastpath.ws_text_frame(other) == reference(other)
    # An equal but different object is encoded afresh (identity, not comparison).
    again = "".join(["event", "-1"])
    assert fastpath.ws_text_frame(again) == first


@pytest.mark.parametrize("size", [10, 300, 65535, 65 * 1024 + 7])
def test_idle_socket_takes_the_whole_frame_at_once(size):
    transport = FakeTransport()
    data = reference("a" * size)
    assert fastpath.write_now(transport, data) is True
    assert bytes(transport.socket) == data
    assert transport.buffered == b""


def test_large_frame_partly_taken_leaves_the_rest_to_twisted_in_order():
    transport = FakeTransport(capacity=65536)
    data = reference("b" * (100 * 1024))
    assert fastpath.write_now(transport, data) is False
    assert len(transport.socket) == 65536
    assert bytes(transport.socket) + transport.buffered == data
    # The next frame must queue behind the remainder, never overtake it.
    later = reference("next")
    fastpath.write_now(transport, later)
    assert transport.direct_calls == 1
    assert bytes(transport.socket) + transport.buffered == data + later


@pytest.mark.parametrize("pending", ["dataBuffer", "_tempDataBuffer"])
def test_pending_buffer_sends_everything_through_twisted(pending):
    transport = FakeTransport()
    if pending == "dataBuffer":
        transport.dataBuffer = b"earlier"
    else:
        transport._tempDataBuffer.append(b"earlier")
    data = reference("after")
    assert fastpath.write_now(transport, data) is False
    assert transport.direct_calls == 0
    assert transport.buffered == b"earlier" + data


@pytest.mark.parametrize(
    "kwargs", [{"connected": False}, {"disconnecting": True}], ids=["closed", "closing"]
)
def test_closed_or_closing_transport_is_never_written_directly(kwargs):
    transport = FakeTransport(**kwargs)
    assert fastpath.write_now(transport, reference("x")) is False
    assert transport.direct_calls == 0
    assert bytes(transport.socket) == b""


def test_lost_connection_error_goes_to_twisted_write():
    transport = FakeTransport(error=ConnectionResetError())
    data = reference("x")
    assert fastpath.write_now(transport, data) is False
    assert transport.buffered == data


def test_transport_of_another_kind_uses_its_write():
    class TLSLike:
        def __init__(self):
            self.written = []

        def write(self, data):
            self.written.append(data)

    transport = TLSLike()
    assert fastpath.write_now(transport, b"frame") is False
    assert transport.written == [b"frame"]


def test_send_text_writes_on_an_open_idle_socket():
    protocol = FakeProtocol()
    assert fastpath.send_text(protocol, "hello") is True
    assert bytes(protocol.transport.socket) == reference("hello")


@pytest.mark.parametrize(
    "protocol",
    [
        None,
        FakeProtocol(state=FakeProtocol.STATE_CLOSING),
        FakeProtocol(send_queue=[(b"frame", False)]),
        FakeProtocol(extensions=["permessage-deflate"]),
    ],
    ids=["no-protocol", "closing", "autobahn-queue", "compression"],
)
def test_send_text_refuses_when_the_socket_is_not_ready(protocol):
    assert fastpath.send_text(protocol, "hello") is False
    if protocol is not None:
        assert bytes(protocol.transport.socket) == b""
        assert protocol.transport.buffered == b""


class SessionWrapper:
    """Channels' session middleware keeps Daphne's send as ``real_send``."""

    def __init__(self, real_send):
        self.real_send = real_send

    async def send(self, message):
        await self.real_send(message)


def test_protocol_found_behind_daphne_and_middleware():
    protocol = FakeProtocol()
    send = functools.partial(handle_reply, protocol)
    assert fastpath.protocol_for(send) is protocol
    assert fastpath.protocol_for(SessionWrapper(send).send) is protocol
    assert fastpath.protocol_for(SessionWrapper(SessionWrapper(send).send).send) is protocol


def test_no_protocol_under_another_server():
    async def plain_send(message):
        return None

    assert fastpath.protocol_for(plain_send) is None
    assert fastpath.protocol_for(SessionWrapper(plain_send).send) is None


def test_switched_off_never_finds_a_protocol(settings):
    settings.BARGAINING_FAST_SEND = "off"
    assert fastpath.protocol_for(functools.partial(handle_reply, FakeProtocol())) is None


def test_incomplete_protocol_is_refused_and_raises_when_required(settings):
    class Changed:  # an upgrade renamed what the path relies on
        transport = FakeTransport()
        STATE_OPEN = 1
        state = 1

    send = functools.partial(handle_reply, Changed())
    assert fastpath.protocol_for(send) is None
    settings.BARGAINING_FAST_SEND = "required"
    with pytest.raises(fastpath.FastPathUnavailable):
        fastpath.protocol_for(send)


def test_transport_without_nonblocking_send_is_refused_when_required(settings):
    class PlainTransport:
        def write(self, data):
            pass

    send = functools.partial(handle_reply, FakeProtocol(transport=PlainTransport()))
    assert fastpath.protocol_for(send) is None
    settings.BARGAINING_FAST_SEND = "required"
    with pytest.raises(fastpath.FastPathUnavailable):
        fastpath.protocol_for(send)
