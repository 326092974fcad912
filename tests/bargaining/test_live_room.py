"""Real WebSocket clients (the ``websockets`` package) against a live Daphne process on the
test database: what each client receives is checked against the event log."""

import asyncio
import random
import uuid

import pytest

from bargaining.models import CommandReceipt, Event, Offer
from tests.bargaining.live import Peer, app_token, daphne_processes

pytestmark = pytest.mark.django_db(transaction=True)

PORT = 8181
USERS = ("union_chief", "union_rep2", "platform_chief", "platform_rep2", "union_admin")


@pytest.fixture
def server(tmp_path, demo):
    with daphne_processes((PORT,), var_dir=tmp_path) as ports:
        yield ports[0]


@pytest.fixture
def tokens(demo):
    return {name: app_token(name) for name in USERS}


def visible_seqs(case, audiences, after: int) -> list[int]:
    """What the event log says a viewer with ``audiences`` should have been sent."""
    return list(
        Event.objects.filter(case=case, seq__gt=after, audience__in=audiences)
        .order_by("seq")
        .values_list("seq", flat=True)
    )


def received_seqs(peer: Peer) -> list[int]:
    return [f["seq"] for f in peer.events()]


async def open_peers(port, case, tokens, names=USERS) -> dict[str, Peer]:
    return {name: await Peer.open(port, case.pk, tokens[name], name) for name in names}


async def settle(peers, sender: Peer) -> int:
    """A table chat that everyone receives: every earlier broadcast has been delivered."""
    frame = {"type": "chat.send", "room": "table", "text": "end", "client_id": str(uuid.uuid4())}
    ack = await sender.command(frame)
    while ack.get("code") == "rate_limited":  # the per-user budget (5 a second) refills
        await asyncio.sleep(0.5)
        ack = await sender.command(frame)
    assert ack["type"] == "ack", ack
    for peer in peers:
        await peer.until(lambda f: f["type"] == "event" and f["seq"] == ack["seq"])
    return ack["seq"]


def random_command(rng: random.Random, items: dict) -> dict:
    kind = rng.choice(["offer", "offer", "chat_table", "chat_caucus", "chat_caucus", "accept"])
    if kind == "offer":
        if rng.random() < 0.5:
            return {
                "type": "offer.submit",
                "item": items["pay"],
                "value": f"{rng.randint(780, 920) / 100:.2f}",
            }
        return {"type": "offer.submit", "item": items["rest"], "value": rng.choice([15, 20, 25])}
    if kind == "accept":
        return {"type": "item.accept", "item": rng.choice(list(items.values()))}
    room = "table" if kind == "chat_table" else "caucus"
    return {"type": "chat.send", "room": room, "text": f"{room}-{rng.random():.6f}"}


async def drive(rng, peers: dict[str, Peer], senders: list[str], items: dict, n: int) -> list:
    """``n`` random commands from random senders, one after another (each answered)."""
    answers = []
    for _ in range(n):
        name = rng.choice(senders)
        answers.append((name, await peers[name].command(random_command(rng, items))))
        await asyncio.sleep(0.05)  # stay within the per-user rate limit
    return answers


def item_ids(case) -> dict:
    by_topic = {item.topic: item.pk for item in case.items.all()}
    return {
        "pay": by_topic["pay"],
        "rest": by_topic["protection"],
        "appeal": by_topic["rewards_penalties"],
        "subsidy": by_topic["safety"],
    }


def test_two_sides_see_each_others_offers(server, case, tokens):
    pay = case.items.get(topic="pay").pk

    async def scenario():
        peers = await open_peers(server, case, tokens, ("union_chief", "platform_chief"))
        union, employer = peers["union_chief"], peers["platform_chief"]
        ack = await union.command({"type": "offer.submit", "item": pay, "value": "8.40"})
        assert ack["type"] == "ack", ack
        seen = await employer.until(lambda f: f["type"] == "event" and f["seq"] == ack["seq"])
        assert (seen["kind"], seen["side"], seen["value"], seen["item"]) == (
            "offer",
            "union",
            "8.40",
            pay,
        )
        ack2 = await employer.command({"type": "offer.submit", "item": pay, "value": "8.10"})
        assert ack2["type"] == "ack", ack2
        back = await union.until(lambda f: f["type"] == "event" and f["seq"] == ack2["seq"])
        assert (back["kind"], back["side"], back["value"]) == ("offer", "employer", "8.10")
        for peer in peers.values():
            await peer.close()

    asyncio.run(scenario())


def test_caucus_events_reach_only_their_side(server, case, tokens):
    """Many random offers, chats (table and both caucuses) and accepts from both sides: every
    client receives exactly the events its role may see, and the employer side never a union
    caucus event."""
    items = item_ids(case)
    start = case.last_seq

    async def scenario():
        peers = await open_peers(server, case, tokens)
        rng = random.Random(20261129)
        answers = await drive(
            rng, peers, ["union_chief", "union_rep2", "platform_chief", "platform_rep2"], items, 80
        )
        # The observer (union staff) may read but not act: refused, nothing written.
        refused = await peers["union_admin"].command(
            {"type": "chat.send", "room": "caucus", "text": "x"}
        )
        assert refused["type"] == "error", refused
        await settle(peers.values(), peers["union_chief"])
        for peer in peers.values():
            await peer.close()
        return peers, answers

    peers, answers = asyncio.run(scenario())
    audiences = list(Event.objects.filter(case=case, seq__gt=start).values_list("audience"))
    # The drive did make events of every audience (else the test could not fail).
    assert {"table", "union_caucus", "employer_caucus"} <= {a for (a,) in audiences}
    assert sum(1 for _name, a in answers if a["type"] == "ack") >= 40

    expected_audiences = {
        "union_chief": {"table", "union_caucus"},
        "union_rep2": {"table", "union_caucus"},
        "platform_chief": {"table", "employer_caucus"},
        "platform_rep2": {"table", "employer_caucus"},
        "union_admin": {"table"},
    }
    for name, peer in peers.items():
        got = peer.events()
        assert {f["audience"] for f in got} <= expected_audiences[name], name
        if name.startswith("platform"):
            assert not [f for f in got if f["audience"] == "union_caucus"], name
        seqs = received_seqs(peer)
        assert len(seqs) == len(set(seqs)), f"{name} received an event twice"
        assert sorted(seqs) == visible_seqs(case, expected_audiences[name], start), name


def test_resume_gets_exactly_the_missed_events(server, case, tokens):
    items = item_ids(case)
    senders = ["union_chief", "union_rep2", "platform_chief"]

    async def scenario():
        peers = await open_peers(
            server, case, tokens, ("union_chief", "union_rep2", "platform_chief", "platform_rep2")
        )
        rng = random.Random(7)
        await drive(rng, peers, senders, items, 10)
        dropped = peers.pop("platform_rep2")
        await settle([*peers.values(), dropped], peers["union_chief"])
        seen_up_to = max([dropped.ready["last_seq"], *received_seqs(dropped)])
        await dropped.close()
        # Missed while away: offers, table and caucus chats of both sides.
        await drive(rng, peers, senders, items, 25)
        # Back, and the room keeps going while the replay runs.
        back = await Peer.open(server, case.pk, tokens["platform_rep2"], "back")
        traffic = asyncio.create_task(drive(rng, peers, senders, items, 15))
        await back.send({"type": "resume", "after": seen_up_to})
        await traffic
        resumed = await back.until(lambda f: f["type"] == "resumed")
        end = await settle([*peers.values(), back], peers["union_chief"])
        for peer in [*peers.values(), back]:
            await peer.close()
        return back, seen_up_to, resumed, end

    back, seen_up_to, resumed, end = asyncio.run(scenario())
    seqs = received_seqs(back)
    assert len(seqs) == len(set(seqs)), "an event was sent twice"
    expected = visible_seqs(case, {"table", "employer_caucus"}, seen_up_to)
    assert expected[-1] == end
    assert sorted(seqs) == expected
    # The replay came in log order, before the "resumed" frame.
    replayed = [f["seq"] for f in back.frames[: back.frames.index(resumed)] if f["type"] == "event"]
    assert replayed and replayed == sorted(replayed)


def test_repeated_client_id_is_applied_once(server, case, tokens):
    pay = case.items.get(topic="pay").pk
    client_id = str(uuid.uuid4())
    frame = {"type": "offer.submit", "item": pay, "value": "8.77", "client_id": client_id}
    start = case.last_seq

    async def scenario():
        peers = await open_peers(server, case, tokens, ("union_chief", "platform_chief"))
        union, employer = peers["union_chief"], peers["platform_chief"]
        first = await union.command(frame)
        again = await union.command(frame)
        # The same client_id from another socket of the same user (a reconnecting page).
        other = await Peer.open(server, case.pk, tokens["union_chief"], "other")
        third = await other.command(frame)
        end = await settle([union, employer, other], union)
        for peer in (union, employer, other):
            await peer.close()
        return first, again, third, employer, end

    first, again, third, employer, end = asyncio.run(scenario())
    assert first["type"] == again["type"] == third["type"] == "ack"
    assert first["seq"] == again["seq"] == third["seq"]
    assert Offer.objects.filter(item_id=pay, value="8.77").count() == 1
    assert CommandReceipt.objects.filter(client_id=client_id).count() == 1
    # The log holds the offer and the closing chat only; the other side was sent each once.
    assert list(Event.objects.filter(case=case, seq__gt=start).values_list("kind", flat=True)) == [
        "offer",
        "chat",
    ]
    assert [f["seq"] for f in employer.events()] == [first["seq"], end]


def test_app_logout_on_the_server_closes_the_apps_socket(server, case, tokens):
    """allauth's headless logout, sent to the live server, closes that user's sockets there."""
    import urllib.error
    import urllib.request

    from bargaining.consumers import CLOSE_LOGGED_OUT

    def logout(token: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server}/_allauth/app/v1/auth/session",
            method="DELETE",
            headers={"X-Session-Token": token},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    async def scenario():
        peers = await open_peers(server, case, tokens, ("platform_rep2", "union_chief"))
        status = await asyncio.to_thread(logout, tokens["platform_rep2"])
        code, _reason = await peers["platform_rep2"].wait_closed()
        # The other user's socket is untouched.
        union = peers["union_chief"]
        start = len(union.frames)
        await union.send({"type": "ping"})
        pong = await union.until(lambda f: f["type"] == "pong", start=start)
        await union.close()
        return status, code, pong

    status, code, _pong = asyncio.run(scenario())
    assert status == 401  # allauth's answer to a logout: no longer authenticated
    assert code == CLOSE_LOGGED_OUT
