"""The users of many session keys in one database trip, for sockets connecting together.

Each WebSocket reads its session and user once at connect (``websocket.SessionAuthMiddleware``).
Those reads run in the one thread Channels gives Django's sync code, one after another: in a
storm of thousands of sockets each waits for every read before it. ``user_for_session`` gathers
the keys of the sockets that connect in the same moment and reads them all at once: one query
for the sessions, one for their users, with the checks ``django.contrib.auth.get_user`` makes
(Django 5.2: backend listed, user found and allowed by its backend, session hash, fallback
secrets).
"""

from __future__ import annotations

from importlib import import_module

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends import db as db_sessions
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from unionhome.core import batching

# A batch waits this long for more keys before it is read (a storm's sockets start within
# the same few loop iterations; one socket alone loses no more than this).
GATHER_SECONDS = 0.002
# Keys per query: SQLite allows 32,766 parameters (999 before 3.32); PostgreSQL more.
MAX_BATCH = 500


def session_store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def batchable(store_class) -> bool:
    """The database engine (or a subclass that still loads the same way): its rows can be
    read many at once. Others (cache, cached_db, signed cookies) are read one by one."""
    return (
        store_class.load is db_sessions.SessionStore.load
        and store_class._get_session_from_db is db_sessions.SessionStore._get_session_from_db
    )


def valid_key(store_class, key: str | None) -> bool:
    """Django's own test (a key it would not look up costs no trip): the store drops it."""
    return store_class(key).session_key is not None


def _session_user_ids(sessions: dict[str, dict]) -> dict[str, tuple[object, str]]:
    """(user id, backend path) per session that names a listed backend."""
    pk_field = get_user_model()._meta.pk
    found = {}
    for key, data in sessions.items():
        try:
            user_id = pk_field.to_python(data[SESSION_KEY])
            backend_path = data[BACKEND_SESSION_KEY]
        except (KeyError, ValidationError):
            # Django raises on an id it cannot convert; here that socket alone is anonymous.
            continue
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            found[key] = (user_id, backend_path)
    return found


def _users(wanted: dict[str, tuple[object, str]]) -> dict[str, object]:
    """The user per session key, as each session's backend's ``get_user`` returns it: the
    ModelBackend family in one query, any other backend by its own ``get_user``."""
    backends = {path: load_backend(path) for _, path in wanted.values()}
    model_ids = {
        user_id
        for user_id, path in wanted.values()
        if type(backends[path]).get_user is ModelBackend.get_user
    }
    by_pk = {}
    if model_ids:
        manager = get_user_model()._default_manager
        by_pk = {user.pk: user for user in manager.filter(pk__in=model_ids)}
    users = {}
    for key, (user_id, path) in wanted.items():
        backend = backends[path]
        if type(backend).get_user is ModelBackend.get_user:
            user = by_pk.get(user_id)
            user = user if user is not None and backend.user_can_authenticate(user) else None
        else:
            user = backend.get_user(user_id)
        if user is not None:
            users[key] = user
    return users


def _hash_verified(user, data: dict) -> bool:
    """``get_user``'s session check: the current secret, else one of SECRET_KEY_FALLBACKS."""
    if not hasattr(user, "get_session_auth_hash"):
        return True
    session_hash = data.get(HASH_SESSION_KEY)
    if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    # Django, on a fallback match, also rotates the session key and stores the new hash. A
    # socket cannot set the new cookie: rotating here would delete the session the browser
    # holds. The socket is let in as Django lets the request in; the next page rotates it.
    return bool(session_hash) and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )


def users_for_sessions(keys: list[str]) -> dict[str, object]:
    """The authenticated user per session key; keys without one are absent. Sync: one query
    for the sessions, one for the users (plus a delete when a session failed its hash)."""
    store_class = session_store_class()
    model = store_class.get_model_class()
    decoder = store_class()
    rows = model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
    sessions = {key: decoder.decode(data) for key, data in rows.values_list("pk", "session_data")}
    wanted = _session_user_ids(sessions)
    users = _users(wanted) if wanted else {}
    failed = [key for key, user in users.items() if not _hash_verified(user, sessions[key])]
    if failed:
        # Django flushes a session whose hash no longer matches (a password change): the
        # same row is deleted here, so no later request or socket accepts it.
        model.objects.filter(session_key__in=failed).delete()
        for key in failed:
            del users[key]
    return users


async def _read(batch: dict) -> dict[str, object]:
    return await database_sync_to_async(users_for_sessions)(list(batch))


# AnonymousUser keeps no state: one serves every socket without a user.
ANONYMOUS = AnonymousUser()


async def user_for_session(key: str):
    """The session's user (or AnonymousUser), read together with the keys of the sockets
    connecting in the same moment on this event loop."""
    gather = batching.on_loop(
        "session_users",
        lambda: batching.Gather(_read, size=MAX_BATCH, wait=GATHER_SECONDS, default=ANONYMOUS),
    )
    return await gather.get(key)
