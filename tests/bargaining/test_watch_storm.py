"""A storm of watchers connecting together: their decisions are read in one cache round trip
and, when cold, computed in one database trip, deciding exactly as the one-user rule does."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bargaining import watching
from bargaining.models import Representative
from tests.bargaining.conftest import connect, in_own_thread, receive_until, session_cookie
from unionhome.core import roles
from unionhome.core.cache import shared_cache
from unionhome.membership.models import Membership, Union, UnionStaff

pytestmark = pytest.mark.django_db(transaction=True)


def member_of(union, username, **extra):
    user = get_user_model().objects.create_user(username=username, password="x", **extra)
    Membership.objects.create(
        user=user, union=union, status="active", full_name=username, phone="", id_number=""
    )
    return user


def crowd(demo, case) -> list:
    """Users of every kind the rule tells apart, most of them members of the case's union."""
    union = case.union
    other = Union.objects.create(name="其他工会", kind="enterprise")
    users = [*demo["riders"], *demo["union_side"], *demo["platform_side"], demo["union_admin"]]
    users.append(get_user_model().objects.create_user(username="outsider", password="x"))
    users.append(member_of(other, "other-member"))
    suspended = member_of(union, "suspended")
    Membership.objects.filter(user=suspended).update(status="suspended")
    users.append(suspended)
    users.append(member_of(union, "staff-member", is_staff=True))
    users.append(member_of(union, "super-member", is_superuser=True))
    negotiator = member_of(union, "negotiator-member")
    negotiator.groups.add(Group.objects.get_or_create(name=roles.NEGOTIATORS)[0])
    users.append(negotiator)
    federation = member_of(union, "federation-member")
    federation.groups.add(Group.objects.get_or_create(name=roles.FEDERATION_STAFF)[0])
    users.append(federation)
    grouped = member_of(union, "other-group-member")
    grouped.groups.add(Group.objects.get_or_create(name="Readers")[0])
    users.append(grouped)
    runs_other = member_of(union, "runs-other-union")
    UnionStaff.objects.create(union=other, user=runs_other)
    users.append(runs_other)
    runs_own = member_of(union, "runs-own-union")
    UnionStaff.objects.create(union=union, user=runs_own)
    users.append(runs_own)
    unseated = member_of(union, "unseated")
    Representative.objects.create(case=case, user=unseated, side="union", active=False)
    users.append(unseated)
    seated = member_of(union, "seated")
    Representative.objects.create(case=case, user=seated, side="employer")
    users.append(seated)
    users.extend(member_of(union, f"plain-{i}") for i in range(5))
    return users


@pytest.mark.parametrize("mfa", [False, True])
def test_many_decisions_equal_the_one_user_rule(demo, case, mfa):
    users = crowd(demo, case)
    with override_settings(MFA_REQUIRED_FOR_STAFF=mfa):
        one_by_one = {user.pk: watching._member_decision(user, case) for user in users}
        together = watching.member_decisions(case=case, users=users)
    assert together == one_by_one
    assert any(one_by_one.values()) and not all(one_by_one.values())


def test_plain_members_cost_a_fixed_number_of_queries(demo, case):
    union = case.union
    few = [member_of(union, f"few-{i}") for i in range(3)]
    many = [member_of(union, f"many-{i}") for i in range(40)]
    counts = []
    for users in (few, many):
        with CaptureQueriesContext(connection) as queries:
            decided = watching.member_decisions(case=case, users=users)
        assert all(decided.values())
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4


@in_own_thread
async def test_watchers_connecting_together_share_one_cache_read_and_one_database_trip(
    demo, case, monkeypatch
):
    def setup():
        watching.session_consent(case=case, by=demo["union_side"][0])
        watching.session_consent(case=case, by=demo["platform_side"][0])
        members = [member_of(case.union, f"storm-{i}") for i in range(12)]
        return [session_cookie(user) for user in members]

    cookies = await database_sync_to_async(setup)()
    cache = shared_cache()
    cache.clear()  # cold: every decision comes from the database
    reads, trips = [], []
    real_get_many, real_from_db = cache.get_many, watching.watch_access_many_from_db

    def counting_get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        return real_get_many(keys, *args, **kwargs)

    def counting_from_db(wanted):
        trips.append(list(wanted))
        return real_from_db(wanted)

    monkeypatch.setattr(cache, "get_many", counting_get_many)
    monkeypatch.setattr(watching, "watch_access_many_from_db", counting_from_db)

    async def watch(cookie):
        ws = await connect(case.pk, cookie=cookie)
        ready, _ = await receive_until(ws, lambda f: f.get("type") == "ready", within=10)
        return ws, ready

    sockets = await asyncio.gather(*(watch(cookie) for cookie in cookies))
    assert all(ready["watcher"] is True for _, ready in sockets)
    assert len(reads) == 1 and len(reads[0]) == 13  # 12 decisions, the session's state
    assert len(trips) == 1 and len(trips[0]) == 12
    for ws, _ in sockets:
        await ws.disconnect()
    # Warm: the next storm is answered by the cache alone.
    sockets = await asyncio.gather(*(watch(cookie) for cookie in cookies))
    assert len(reads) == 2 and len(trips) == 1
    for ws, _ in sockets:
        await ws.disconnect()


@in_own_thread
async def test_a_database_error_in_a_storm_closes_every_waiting_watcher(demo, case, monkeypatch):
    from django.db import OperationalError

    def setup():
        watching.session_consent(case=case, by=demo["union_side"][0])
        watching.session_consent(case=case, by=demo["platform_side"][0])
        members = [member_of(case.union, f"down-{i}") for i in range(4)]
        return [session_cookie(user) for user in members]

    cookies = await database_sync_to_async(setup)()
    shared_cache().clear()

    def down(wanted):
        raise OperationalError("database away")

    monkeypatch.setattr(watching, "watch_access_many_from_db", down)

    async def refused(cookie):
        ws = await connect(case.pk, cookie=cookie)
        while True:
            message = await ws.receive_output(timeout=10)
            if message["type"] == "websocket.close":
                return message["code"]

    codes = await asyncio.wait_for(asyncio.gather(*(refused(c) for c in cookies)), 30)
    assert codes == [1013] * 4  # try again later
