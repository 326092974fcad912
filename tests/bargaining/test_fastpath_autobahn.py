"""autobahn's per-connection debug formatting is skipped unless debug logging is on."""

import pprint

import pytest
import txaio
from autobahn.websocket import protocol as autobahn_protocol

from bargaining import fastpath

CONFIG = [("openHandshakeTimeout", 5, "WebSocketServerFactory"), ("autoPingInterval", 0, "X")]


@pytest.fixture
def restored(monkeypatch):
    # Whatever a test installs is undone afterwards.
    monkeypatch.setattr(autobahn_protocol, "pformat", autobahn_protocol.pformat)
    return monkeypatch


def test_quiet_when_debug_logging_is_off(restored):
    restored.setattr(autobahn_protocol, "pformat", pprint.pformat)
    assert autobahn_protocol.pformat(CONFIG) != ""  # what autobahn does on its own
    restored.setattr(txaio, "get_global_log_level", lambda: "info")
    assert fastpath.quiet_autobahn_debug() is True
    assert autobahn_protocol.pformat(CONFIG) == ""
    assert fastpath.quiet_autobahn_debug() is True  # installing twice is harmless


def test_debug_logging_still_gets_the_full_text(restored):
    restored.setattr(autobahn_protocol, "pformat", pprint.pformat)
    fastpath.quiet_autobahn_debug()
    for level in ("debug", "trace"):
        restored.setattr(txaio, "get_global_log_level", lambda level=level: level)
        assert autobahn_protocol.pformat(CONFIG) == pprint.pformat(CONFIG)


def test_left_alone_when_autobahn_changed(restored):
    def other(value):
        return "x"

    restored.setattr(autobahn_protocol, "pformat", other)
    assert fastpath.quiet_autobahn_debug() is False
    assert autobahn_protocol.pformat is other
