"""The WebSocket origin rule.

Channels' AllowedHostsOriginValidator compares the Origin's host with ALLOWED_HOSTS only: an
``http://`` page, or one on another port of the same host, could open a socket that carries
the user's cookie. Here the Origin must be the socket's own origin (scheme, host and port) or
one of CSRF_TRUSTED_ORIGINS. Native apps send no Origin: their sockets are let in without the
cookie, so they can only authenticate with a session token in their first frame.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.http import parse_cookie
from django.http.request import validate_host

from unionhome.core import session_users


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _origin_tuple(url: str) -> tuple[str, str, int] | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port or _default_port(parts.scheme)
    except ValueError:
        return None
    return parts.scheme, parts.hostname.lower(), port


def _own_origin(scope) -> tuple[str, str, int] | None:
    host = _header(scope, b"host")
    if not host:
        return None
    forwarded = (_header(scope, b"x-forwarded-proto") or "").split(",")[0].strip()
    secure = scope.get("scheme") == "wss" or forwarded == "https"
    scheme = "https" if secure else "http"
    own = _origin_tuple(f"{scheme}://{host}")
    if own is None or not validate_host(own[1], settings.ALLOWED_HOSTS):
        return None
    return own


def origin_allowed(scope) -> bool:
    origin = _origin_tuple(_header(scope, b"origin") or "")
    if origin is None:
        return False
    trusted = {_origin_tuple(url) for url in settings.CSRF_TRUSTED_ORIGINS}
    return origin == _own_origin(scope) or origin in trusted


class OriginValidator:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            if _header(scope, b"origin") is None:
                # No Origin: not a browser page. Drop the cookie so only a token can log in.
                scope = dict(scope)
                scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
            elif not origin_allowed(scope):
                denier = WebsocketDenier()
                return await denier(scope, receive, send)
        return await self.application(scope, receive, send)


def _session_key(scope) -> str | None:
    cookie = _header(scope, b"cookie")
    if not cookie:
        return None
    return parse_cookie(cookie).get(settings.SESSION_COOKIE_NAME) or None


@database_sync_to_async
def _user_for_session(session_key: str):
    """The session's user, read the way Django's AuthenticationMiddleware reads it (session
    hash checked, an invalid session flushed): one trip to the database thread. For session
    engines other than the database one, which cannot be read many at once."""
    store = session_users.session_store_class()(session_key)
    return auth.get_user(SimpleNamespace(session=store))


class SessionAuthMiddleware:
    """Channels' ``AuthMiddlewareStack`` (cookies, session, user) in one layer, for WebSocket
    scopes, with the reads of sockets connecting together done in one trip.

    Channels' stack costs three middleware layers and two trips to the one thread Django's
    sync code shares per socket (one only to construct the session store, one for the user),
    and each layer keeps its own copy of the scope, a lazy session and a lazy user for the
    socket's whole life (its coroutine frame stays suspended). In a connect storm of
    thousands of sockets those trips queue behind one another; here the sessions and users of
    the sockets arriving in the same moment are read in one trip (``session_users``). The
    scope gets ``user`` (the user, or ``AnonymousUser``), resolved at once; no ``session``:
    the sockets only need the user, and logouts reach them through
    ``bargaining.events.close_user_sockets``."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        user = await _user_of(_session_key(scope))
        return await self.application({**scope, "user": user}, receive, send)


async def _user_of(key: str | None):
    store_class = session_users.session_store_class()
    if not key or not session_users.valid_key(store_class, key):
        return AnonymousUser()
    if session_users.batchable(store_class):
        return await session_users.user_for_session(key)
    return await _user_for_session(key)
