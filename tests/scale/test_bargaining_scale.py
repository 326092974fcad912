"""Two Daphne processes on one PostgreSQL database and one Redis channel layer: a client on
each, offers made on one arrive on the other; caucus privacy, resume and idempotency over a
real WebSocket."""

import asyncio
import json
import os
import random
import uuid

import pytest
from django.test import Client

from tests.bargaining.live import daphne_processes

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

PORTS = (8130, 8131)
REDIS_DB_URL = os.environ.get("BARGAINING_SCALE_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.fixture
def daphnes(tmp_path):
    with daphne_processes(PORTS, var_dir=tmp_path, redis_url=REDIS_DB_URL) as ports:
        yield ports


@pytest.fixture
def live_demo(db):
    from bargaining import demo as bargaining_demo
    from unionhome.core.demo import seed_core

    ctx = seed_core()
    bargaining_demo.seed(ctx)
    return ctx


def token_for(username: str) -> str:
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"username": username, "password": "demo-pass-2026"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


class Peer:
    def __init__(self, ws):
        self.ws = ws
        self.frames: list[dict] = []

    @classmethod
    async def open(cls, port: int, case_id: int, token: str) -> "Peer":
        from websockets.asyncio.client import connect

        ws = await connect(
            f"ws://127.0.0.1:{port}/ws/bargaining/{case_id}/",
            origin=f"http://127.0.0.1:{port}",
            open_timeout=10,
        )
        peer = cls(ws)
        await ws.send(json.dumps({"type": "auth", "session_token": token}))
        ready = await peer.until(lambda f: f["type"] in ("ready", "error"))
        assert ready["type"] == "ready", ready
        peer.ready = ready
        return peer

    async def until(self, predicate, within: float = 10) -> dict:
        async with asyncio.timeout(within):
            while True:
                frame = json.loads(await self.ws.recv())
                self.frames.append(frame)
                if predicate(frame):
                    return frame

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    def events(self) -> list[dict]:
        return [f for f in self.frames if f["type"] == "event"]


def test_two_processes_share_a_room(daphnes, live_demo):
    case = live_demo["case"]
    pay = case.items.get(topic="pay")
    tokens = {
        name: token_for(name)
        for name in ("union_chief", "union_rep2", "platform_chief", "platform_rep2")
    }

    async def scenario():
        union = await Peer.open(daphnes[0], case.pk, tokens["union_chief"])
        employer = await Peer.open(daphnes[1], case.pk, tokens["platform_chief"])
        employer2 = await Peer.open(daphnes[1], case.pk, tokens["platform_rep2"])

        # An offer made through process A arrives through process B.
        client_id = str(uuid.uuid4())
        await union.send(
            {"type": "offer.submit", "item": pay.pk, "value": "8.60", "client_id": client_id}
        )
        ack = await union.until(lambda f: f["type"] == "ack")
        seen = await employer.until(lambda f: f["type"] == "event" and f["kind"] == "offer")
        assert seen["seq"] == ack["seq"] and seen["value"] == "8.60"

        # The same client_id again: acked with the same seq, applied once.
        await union.send(
            {"type": "offer.submit", "item": pay.pk, "value": "8.60", "client_id": client_id}
        )
        again = await union.until(lambda f: f["type"] == "ack")
        assert again["seq"] == ack["seq"]

        # Many random events; the employer side never receives a union caucus event.
        union2 = await Peer.open(daphnes[1], case.pk, tokens["union_rep2"])
        rng = random.Random(5)
        last = ack["seq"]
        await employer2.ws.close()  # drops out; resumes later
        dropped_after = last
        for n in range(30):
            sender = rng.choice([union, union2, employer])
            room = rng.choice(["table", "caucus"])
            await sender.send(
                {"type": "chat.send", "room": room, "text": f"m{n}", "client_id": str(uuid.uuid4())}
            )
            last = max(last, (await sender.until(lambda f: f["type"] == "ack"))["seq"])
        await union.send(
            {"type": "chat.send", "room": "table", "text": "end", "client_id": str(uuid.uuid4())}
        )
        end = (await union.until(lambda f: f["type"] == "ack"))["seq"]
        await employer.until(lambda f: f["type"] == "event" and f["seq"] == end)
        await union2.until(lambda f: f["type"] == "event" and f["seq"] == end)
        assert not [f for f in employer.events() if f["audience"] == "union_caucus"]
        assert [f for f in union2.events() if f["audience"] == "union_caucus"]
        assert not [f for f in union2.events() if f["audience"] == "employer_caucus"]

        # The dropped client resumes and gets exactly the visible events it missed, once each.
        back = await Peer.open(daphnes[0], case.pk, tokens["platform_rep2"])
        await back.send({"type": "resume", "after": dropped_after})
        await back.until(lambda f: f["type"] == "resumed")
        replayed = [f["seq"] for f in back.events()]
        expected = sorted({f["seq"] for f in employer.events() if f["seq"] > dropped_after})
        assert replayed == expected
        for peer in (union, employer, union2, back):
            await peer.ws.close()

    asyncio.run(scenario())

    from bargaining.models import Event, Offer

    assert Offer.objects.filter(item=pay, value="8.60").count() == 1
    seqs = list(Event.objects.filter(case=case).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_logout_on_one_process_closes_the_users_sockets_on_the_other(daphnes, live_demo):
    """allauth's headless logout sent to process A closes the user's socket held by B."""
    import urllib.error
    import urllib.request

    from bargaining.consumers import CLOSE_LOGGED_OUT
    from tests.bargaining.live import Peer as LivePeer

    case = live_demo["case"]
    token = token_for("platform_rep2")
    other = token_for("union_chief")

    def logout() -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{daphnes[0]}/_allauth/app/v1/auth/session",
            method="DELETE",
            headers={"X-Session-Token": token},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    async def scenario():
        held = await LivePeer.open(daphnes[1], case.pk, token, "held")
        bystander = await LivePeer.open(daphnes[1], case.pk, other, "bystander")
        status = await asyncio.to_thread(logout)
        code, _reason = await held.wait_closed()
        start = len(bystander.frames)
        await bystander.send({"type": "ping"})
        await bystander.until(lambda f: f["type"] == "pong", start=start)
        await bystander.close()
        return status, code

    status, code = asyncio.run(scenario())
    assert status == 401
    assert code == CLOSE_LOGGED_OUT
