"""Open sessions: both chiefs consent, members of the covered union watch the table read-only
(public face, counted not listed), never a caucus; closing disconnects them at once."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from bargaining import watching
from bargaining.events import CLOSE_SESSION_CLOSED
from bargaining.models import Case, Event, Side
from tests.bargaining.conftest import cid, connect, in_own_thread, receive_until
from unionhome.core.errors import DomainError
from unionhome.membership.models import Membership, Union

pytestmark = pytest.mark.django_db(transaction=True)


def member_of(union, username):
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(
        user=user, union=union, status="active", full_name=username, phone="", id_number=""
    )
    return user


def open_session(case, demo):
    watching.session_consent(case=case, by=demo["union_side"][0])
    return watching.session_consent(case=case, by=demo["platform_side"][0])


def is_type(kind):
    return lambda frame: frame.get("type") == kind


async def closed_code(ws):
    """The close code of a socket the server refused or closed (frames before it skipped)."""
    while True:
        message = await ws.receive_output(timeout=3)
        if message["type"] == "websocket.close":
            return message["code"]


# --- consent and closing (services) ---------------------------------------------------------


def test_both_chiefs_must_consent(demo, case):
    union_chief, employer_chief = demo["union_side"][0], demo["platform_side"][0]
    first = watching.session_consent(case=case, by=union_chief)
    case.refresh_from_db()
    assert case.watch_opened_at is None
    assert Event.objects.get(case=case, seq=first.seq).kind == "session.consented"
    with pytest.raises(DomainError) as again:
        watching.session_consent(case=case, by=union_chief)
    assert again.value.code == "already_consented"
    second = watching.session_consent(case=case, by=employer_chief)
    case.refresh_from_db()
    assert case.watch_opened_at is not None
    opened = Event.objects.get(case=case, seq=second.seq)
    assert (opened.kind, opened.audience, opened.payload["side"]) == (
        "session.opened",
        "table",
        Side.EMPLOYER,
    )


@pytest.mark.parametrize("who", ["union_rep", "employer_rep", "staff", "member"])
def test_only_chiefs_consent_or_close(demo, case, who):
    user = {
        "union_rep": demo["union_side"][1],
        "employer_rep": demo["platform_side"][1],
        "staff": demo["union_admin"],
        "member": demo["riders"][0],
    }[who]
    with pytest.raises(DomainError):
        watching.session_consent(case=case, by=user)
    open_session(case, demo)
    with pytest.raises(DomainError):
        watching.session_close(case=case, by=user)
    case.refresh_from_db()
    assert case.watch_opened_at is not None


def test_either_chief_closes(demo, case):
    open_session(case, demo)
    result = watching.session_close(case=case, by=demo["platform_side"][0])
    case.refresh_from_db()
    assert case.watch_opened_at is None
    assert case.watch_union_consent_at is None and case.watch_employer_consent_at is None
    assert Event.objects.get(case=case, seq=result.seq).kind == "session.closed"
    with pytest.raises(DomainError) as closed:
        watching.session_close(case=case, by=demo["union_side"][0])
    assert closed.value.code == "session_closed"


def test_who_may_watch(demo, case):
    rider = demo["riders"][0]
    outsider = get_user_model().objects.create_user(username="outsider", password="x")
    other_union = Union.objects.create(name="其他工会", kind="enterprise")
    other_member = member_of(other_union, "other-member")
    assert not watching.may_watch(user=rider, case=case)  # not open yet
    open_session(case, demo)
    case.refresh_from_db()
    assert watching.may_watch(user=rider, case=case)
    assert not watching.may_watch(user=outsider, case=case)
    assert not watching.may_watch(user=other_member, case=case)
    # Participants use the room, not the watch view.
    assert not watching.may_watch(user=demo["union_side"][1], case=case)
    assert not watching.may_watch(user=demo["union_admin"], case=case)
    Membership.objects.filter(user=rider).update(status="suspended")
    assert not watching.may_watch(user=rider, case=case)


# --- the WebSocket ---------------------------------------------------------------------------


@in_own_thread
async def test_closed_session_refuses_members(demo, case):
    ws = await connect(case.pk, demo["riders"][0])
    assert await closed_code(ws) == 4404


@in_own_thread
async def test_non_members_and_other_unions_are_refused(demo, case):
    await database_sync_to_async(open_session)(case, demo)
    outsider = await database_sync_to_async(get_user_model().objects.create_user)(
        username="outsider", password="x"
    )

    def other():
        return member_of(Union.objects.create(name="其他工会", kind="enterprise"), "other-member")

    other_member = await database_sync_to_async(other)()
    for user in (outsider, other_member):
        ws = await connect(case.pk, user)
        assert await closed_code(ws) == 4404


@in_own_thread
async def test_watcher_sees_the_public_table_and_never_a_caucus(demo, case):
    pay = await database_sync_to_async(lambda: case.items.get(topic="pay").pk)()
    await database_sync_to_async(open_session)(case, demo)
    union = await connect(case.pk, demo["union_side"][1])
    await receive_until(union, is_type("ready"))
    watcher = await connect(case.pk, demo["riders"][0])
    ready, _ = await receive_until(watcher, is_type("ready"))
    assert ready["watcher"] is True and ready["side"] is None
    assert all("name" not in p and "user" not in p for p in ready["present"])

    await union.send_json_to(
        {"type": "chat.send", "room": "caucus", "text": "底线", "client_id": cid()}
    )
    await receive_until(union, is_type("ack"))
    await union.send_json_to(
        {"type": "offer.submit", "item": pay, "value": "8.60", "client_id": cid()}
    )
    ack, _ = await receive_until(union, is_type("ack"))
    offer, before = await receive_until(watcher, lambda f: f.get("type") == "event")
    # The caucus chat came first and was not sent; the offer is the first event.
    assert offer["seq"] == ack["seq"] and offer["kind"] == "offer"
    assert offer["actor"] == {"side": "union"}
    assert offer["value"] == "8.60"

    # Read-only: a command is refused, nothing written.
    await watcher.send_json_to(
        {"type": "chat.send", "room": "table", "text": "x", "client_id": "w1"}
    )
    error, _ = await receive_until(watcher, is_type("error"))
    assert error["code"] == "read_only"
    count = await database_sync_to_async(Event.objects.filter(case=case, kind="chat").count)()

    # Resume replays the public face of the table only.
    await watcher.send_json_to({"type": "resume", "after": 0})
    resumed, frames = await receive_until(watcher, is_type("resumed"))
    replayed = [f for f in frames if f.get("type") == "event"]
    assert replayed and {f["audience"] for f in replayed} == {"table"}
    assert all(f["actor"] is None or set(f["actor"]) == {"side"} for f in replayed)
    caucus = await database_sync_to_async(
        lambda: Event.objects.filter(case=case).exclude(audience="table").count()
    )()
    assert caucus >= 1  # there were caucus events to leak
    assert (
        count == await database_sync_to_async(Event.objects.filter(case=case, kind="chat").count)()
    )
    await union.disconnect()
    await watcher.disconnect()


@in_own_thread
async def test_case_may_show_names(demo, case):
    def setup():
        Case.objects.filter(pk=case.pk).update(watch_shows_names=True)
        case.refresh_from_db()
        open_session(case, demo)

    await database_sync_to_async(setup)()
    union = await connect(case.pk, demo["union_side"][0])
    await receive_until(union, is_type("ready"))
    watcher = await connect(case.pk, demo["riders"][1])
    await receive_until(watcher, is_type("ready"))
    await union.send_json_to(
        {"type": "chat.send", "room": "table", "text": "你好", "client_id": cid()}
    )
    event, _ = await receive_until(watcher, lambda f: f.get("type") == "event")
    assert event["actor"]["id"] == demo["union_side"][0].pk
    await union.disconnect()
    await watcher.disconnect()


@in_own_thread
async def test_closing_disconnects_watchers_at_once_and_keeps_negotiators(demo, case):
    await database_sync_to_async(open_session)(case, demo)
    union = await connect(case.pk, demo["union_side"][1])
    await receive_until(union, is_type("ready"))
    watchers = []
    for rider in demo["riders"][:3]:
        ws = await connect(case.pk, rider)
        await receive_until(ws, is_type("ready"))
        watchers.append(ws)
    await database_sync_to_async(watching.session_close)(case=case, by=demo["union_side"][0])
    for ws in watchers:
        assert await closed_code(ws) == CLOSE_SESSION_CLOSED
    # The negotiator stays, and a member who comes back now is refused.
    await union.send_json_to({"type": "ping"})
    pong, _ = await receive_until(union, is_type("pong"))
    assert pong["type"] == "pong"
    again = await connect(case.pk, demo["riders"][0])
    assert await closed_code(again) == 4404
    await union.disconnect()


@in_own_thread
async def test_watchers_share_one_cache_client(demo, case):
    """Django's ``cache`` is context-local: each socket's task would get a backend (with Redis,
    a connection) of its own and hold it while the socket is open. The permission read uses
    one client for the process."""
    import asyncio
    import contextvars
    from unittest import mock

    from django.core.cache import caches

    from tests.bargaining.conftest import session_cookie

    def setup():
        open_session(case, demo)
        riders = demo["riders"][:3]
        return [session_cookie(user) for user in riders]

    cookies = await database_sync_to_async(setup)()
    original = caches.create_connection
    created = []

    def counting(alias):
        created.append(alias)
        return original(alias)

    with mock.patch.object(caches, "create_connection", side_effect=counting):
        sockets = []
        for cookie in cookies:
            # Under Daphne each socket's task starts from a context where no cache was used.
            ws = await asyncio.get_running_loop().create_task(
                connect(case.pk, cookie=cookie), context=contextvars.Context()
            )
            ready, _ = await receive_until(ws, is_type("ready"))
            assert ready["watcher"] is True
            sockets.append(ws)
    assert len(created) <= 1
    for ws in sockets:
        await ws.disconnect()
