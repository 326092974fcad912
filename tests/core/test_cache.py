"""The Redis cache fails open (unionhome.core.cache): with Redis away, pages keep serving."""

import pytest

from unionhome.core.cache import ResilientRedisCache

# Nothing listens here (a port of this test suite's own range that no test binds).
NOWHERE = "redis://127.0.0.1:8179/0"


@pytest.fixture
def cache():
    return ResilientRedisCache(
        NOWHERE, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_reads_miss_and_writes_are_dropped_while_redis_is_away(cache, caplog):
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    cache.set("k", 1)
    cache.delete("k")
    assert "Redis cache unavailable" in caplog.text


def test_add_reports_success_so_lock_loops_end(cache):
    # allauth's rate-limit lock loops `while not cache.add(...)`: False would spin forever.
    assert cache.add("lock", True, timeout=5) is True


async def test_async_calls_fail_open_too(cache):
    assert await cache.aget("k", 7) == 7
    assert await cache.aadd("k", 1) is True
