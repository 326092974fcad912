"""Signal receivers of the bargaining app (connected in BargainingConfig.ready)."""

from __future__ import annotations

from bargaining import events
from bargaining.consumers import CLOSE_LOGGED_OUT


def close_sockets_on_logout(sender, request=None, user=None, **kwargs) -> None:
    """A user who logs out (the web logout, or allauth's headless logout, which both end the
    session through django.contrib.auth.logout) keeps no live bargaining socket anywhere: a
    socket's user is fixed at connect, so it would otherwise go on hearing the room."""

    if user is None or getattr(user, "pk", None) is None:
        return
    events.close_user_sockets(user.pk, CLOSE_LOGGED_OUT)


def close_sockets_on_sessions_ended(sender, user_ids=(), **kwargs) -> None:
    """Sessions ended without a logout (password changed, sessions ended from the account
    page, account deactivated): close the users' sockets as logout does."""

    for user_id in user_ids:
        events.close_user_sockets(user_id, CLOSE_LOGGED_OUT)
