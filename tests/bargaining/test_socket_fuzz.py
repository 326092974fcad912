"""Random frames against the bargaining room (valid and malformed commands of every type).
Properties: the socket stays open or closes with a documented code, nothing is written
without an ack (and every ack names a committed event), and the other side never receives
an event of this side's caucus. Bounded: WS_FUZZ_EXAMPLES scenarios (default 50)."""

import json
import os

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bargaining import command_budget, consumers
from bargaining.consumers import COMMANDS
from bargaining.models import Event
from tests.bargaining.conftest import connect, in_own_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

EXAMPLES = int(os.environ.get("WS_FUZZ_EXAMPLES", 50))
# The closing codes documented in docs/api/bargaining.md.
DOCUMENTED_CLOSE_CODES = {
    consumers.CLOSE_NOT_FOUND,
    consumers.CLOSE_AUTH_REQUIRED,
    consumers.CLOSE_ABUSE,
    consumers.CLOSE_LOGGED_OUT,
    consumers.CLOSE_MFA_REQUIRED,
    consumers.CLOSE_SLOW_CONSUMER,
    consumers.CLOSE_TRY_AGAIN,
}
TYPES = sorted(COMMANDS) + ["auth", "resume", "bogus", ""]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def frames(item_ids: list[int]):
    def either(valid):
        return valid | json_values

    command = st.fixed_dictionaries(
        {"type": st.sampled_from(TYPES)},
        optional={
            "client_id": either(st.uuids().map(str)),
            "item": either(st.sampled_from(item_ids) | st.integers(-1, 10**9)),
            "value": either(st.sampled_from(["8.40", "9", "0", "-1", "1e400", "abc", "NaN"])),
            "note": either(st.text(max_size=30)),
            "override": either(st.text(max_size=30)),
            "room": either(st.sampled_from(["table", "caucus", "employer_caucus"])),
            "text": either(st.text(max_size=80)),
            "after": either(st.integers(-3, 10**6)),
            "session_token": json_values,
        },
    )
    return st.one_of(
        command.map(json.dumps),
        json_values.map(json.dumps),
        # Channels' test client cannot send an empty text frame.
        st.text(min_size=1, max_size=200),
    )


async def until_pongs(communicator, pongs: int):
    """Every frame up to the given number of pongs; the close code if the socket closed."""
    seen = []
    while pongs:
        # Generous: a loaded two-core CI machine runs the commands in a database thread.
        output = await communicator.receive_output(timeout=30)
        if output["type"] == "websocket.close":
            return seen, output.get("code")
        frame = json.loads(output["text"])
        seen.append(frame)
        pongs -= frame.get("type") == "pong"
    return seen, None


def pings_in(text: str) -> int:
    try:
        frame = json.loads(text)
    except ValueError:
        return 0
    return int(isinstance(frame, dict) and frame.get("type") == "ping")


@database_sync_to_async
def committed_seqs(case_id: int) -> set[int]:
    return set(Event.objects.filter(case_id=case_id).values_list("seq", flat=True))


async def scenario(case_id: int, sender, observer, texts: list[str]) -> None:
    # Each scenario starts with a fresh per-user frame budget (the rate limit has its own
    # tests); otherwise the scenarios' pings are refused and never answered.
    command_budget._user_buckets.clear()
    union_ws = await connect(case_id, sender)
    employer_ws = await connect(case_id, observer)
    for ws in (union_ws, employer_ws):
        _, closed = await until_ready(ws)
        assert closed is None
    try:
        for text in texts:
            before = await committed_seqs(case_id)
            await union_ws.send_to(text_data=text)
            await union_ws.send_json_to({"type": "ping"})
            replies, closed = await until_pongs(union_ws, 1 + pings_in(text))
            after = await committed_seqs(case_id)
            acks = {frame["seq"] for frame in replies if frame.get("type") == "ack"}
            assert acks <= after, (text, replies)  # an ack names a committed event
            if after - before:
                assert acks, f"written without an ack: {text!r} -> {replies}"
            if closed is not None:
                assert closed in DOCUMENTED_CLOSE_CODES, (text, closed)
                break
        await employer_ws.send_json_to({"type": "ping"})
        heard, closed = await until_pongs(employer_ws, 1)
        assert closed is None
        leaked = [
            f for f in heard if f.get("type") == "event" and f.get("audience") == "union_caucus"
        ]
        assert leaked == []
    finally:
        await union_ws.disconnect()
        await employer_ws.disconnect()


async def until_ready(communicator):
    while True:
        output = await communicator.receive_output(timeout=30)
        if output["type"] == "websocket.close":
            return None, output.get("code")
        if json.loads(output["text"]).get("type") == "ready":
            return output, None


def test_random_frames_never_crash_write_unacked_or_leak_the_caucus(demo, case):
    item_ids = list(case.items.values_list("pk", flat=True))
    sender, observer = demo["union_side"][0], demo["platform_side"][1]

    @given(texts=st.lists(frames(item_ids), min_size=1, max_size=6))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(texts):
        in_own_thread(scenario)(case.pk, sender, observer, texts)

    run()


def test_the_caucus_check_sees_a_caucus_line(demo, case):
    """The leak check is not vacuous: the union side's caucus line reaches the union side as
    an event with the union_caucus audience (the frame the other side must never get)."""

    async def check():
        union_ws = await connect(case.pk, demo["union_side"][0])
        await until_ready(union_ws)
        await union_ws.send_json_to({"type": "chat.send", "room": "caucus", "text": "hold at 9"})
        await union_ws.send_json_to({"type": "ping"})
        heard, _ = await until_pongs(union_ws, 1)
        await union_ws.disconnect()
        assert any(f.get("type") == "event" and f.get("audience") == "union_caucus" for f in heard)
        assert any(f.get("type") == "ack" for f in heard)

    in_own_thread(check)()
