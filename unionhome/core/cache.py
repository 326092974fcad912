"""A Redis cache that fails open: while Redis is away (a restart, a failover) the site keeps
serving instead of answering 500.

What lives in this cache is all best effort: rate-limit history (allauth), bargaining-room
presence, cached fragments. Without Redis a read misses, a write is dropped, and ``add``
reports success (allauth's rate-limit lock spins until ``add`` succeeds). Rate limits are
therefore not enforced for the seconds Redis is down; the log says so, once per outage."""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("unionhome.cache")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
_WARN_EVERY_SECONDS = 30.0


def _fail_open(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE:
                self._warn(method.__name__)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default_of_get(key, default=None, version=None):
    return default


class ResilientRedisCache(RedisCache):
    _warned_at = 0.0

    def _warn(self, operation: str) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._warned_at > _WARN_EVERY_SECONDS:
            ResilientRedisCache._warned_at = now
            logger.warning("Redis cache unavailable (%s); serving without it", operation)

    get = _fail_open(_default_of_get)(RedisCache.get)
    set = _fail_open(None)(RedisCache.set)
    add = _fail_open(True)(RedisCache.add)
    touch = _fail_open(False)(RedisCache.touch)
    delete = _fail_open(False)(RedisCache.delete)
    get_many = _fail_open({})(RedisCache.get_many)
    has_key = _fail_open(False)(RedisCache.has_key)
    set_many = _fail_open([])(RedisCache.set_many)
    delete_many = _fail_open(None)(RedisCache.delete_many)
    clear = _fail_open(None)(RedisCache.clear)


_shared: dict = {}


def shared_cache():
    """The default cache as one object for the whole process.

    ``django.core.cache.cache`` is context-local (asgiref ``Local``): under ASGI each asyncio
    task that first touches it gets a backend of its own, and with Redis its own connection
    pool. A WebSocket consumer's task lives as long as its socket, so every socket that read
    the cache held a Redis connection (and its client objects) open: 2,000 watchers, 2,000
    Redis connections, each opened during the connect storm. Code on the sockets' path uses
    this one instead (redis-py's pool is thread-safe; the local-memory cache of tests shares
    its storage by name)."""
    found = _shared.get("default")
    if found is None:
        found = _shared["default"] = caches.create_connection("default")
    return found


@receiver(setting_changed)
def _forget_shared(setting, **kwargs) -> None:
    if setting == "CACHES":
        _shared.clear()
