"""Security finding 5: a password change (or any other end of the user's sessions) closes the
user's live sockets, as logout does; before, they went on receiving caucus traffic."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client

from bargaining.consumers import CLOSE_LOGGED_OUT
from tests.bargaining.conftest import in_own_thread
from tests.bargaining.test_socket_lifecycle import (
    close_code,
    logged_in_client,
    open_room,
    still_open,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "another-long-pass-2027"


@in_own_thread
async def test_password_change_on_the_account_page_closes_the_users_sockets(demo, case):
    chief = demo["union_side"][0]
    client = await database_sync_to_async(logged_in_client)(chief)
    mine, _ = await open_room(case, chief)
    other, _ = await open_room(case, demo["platform_side"][0])

    response = await database_sync_to_async(
        lambda: client.post(
            "/en/accounts/password/change/",
            {"oldpassword": "demo-pass-2026", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    )()
    assert response.status_code == 302, response.content

    assert await close_code(mine) == CLOSE_LOGGED_OUT
    assert await still_open(other)
    await other.disconnect()


@in_own_thread
async def test_password_set_elsewhere_closes_the_users_sockets(demo, case):
    """The admin, `changepassword` or a reset: any saved change of the password hash."""
    rep = demo["platform_side"][1]
    mine, _ = await open_room(case, rep)

    def change():
        user = get_user_model().objects.get(pk=rep.pk)
        user.set_password(NEW_PASSWORD)
        user.save()

    await database_sync_to_async(change)()
    assert await close_code(mine) == CLOSE_LOGGED_OUT


@in_own_thread
async def test_deactivating_a_user_closes_their_sockets(demo, case):
    rep = demo["union_side"][1]
    mine, _ = await open_room(case, rep)

    def deactivate():
        user = get_user_model().objects.get(pk=rep.pk)
        user.is_active = False
        user.save()

    await database_sync_to_async(deactivate)()
    assert await close_code(mine) == CLOSE_LOGGED_OUT


@in_own_thread
async def test_ending_the_users_sessions_from_the_account_page_closes_their_sockets(demo, case):
    """allauth's "sign out other sessions" ends them through its adapter."""
    from allauth.usersessions.adapter import get_adapter
    from allauth.usersessions.models import UserSession

    rep = demo["union_side"][2]
    mine, _ = await open_room(case, rep)

    def end_all():
        Client().post(
            "/_allauth/browser/v1/auth/login",
            {"username": rep.username, "password": "demo-pass-2026"},
            content_type="application/json",
        )
        sessions = list(UserSession.objects.filter(user=rep))
        assert sessions
        get_adapter().end_sessions(sessions)

    await database_sync_to_async(end_all)()
    assert await close_code(mine) == CLOSE_LOGGED_OUT


@in_own_thread
async def test_saving_a_user_without_touching_the_password_keeps_sockets(demo, case):
    rep = demo["platform_side"][2]
    mine, _ = await open_room(case, rep)

    def rename():
        user = get_user_model().objects.get(pk=rep.pk)
        user.first_name = "新名字"
        user.save()

    await database_sync_to_async(rename)()
    assert await still_open(mine)
    await mine.disconnect()
