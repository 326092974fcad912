"""Which external services (PostgreSQL, Redis, Chromium) the tests can reach."""

import functools
import os
import shutil
import socket
from urllib.parse import urlparse

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@functools.cache
def redis_available() -> bool:
    url = urlparse(TEST_REDIS_URL)
    if not _port_open(url.hostname or "127.0.0.1", url.port or 6379):
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=2).ping())
    except Exception:
        return False


@functools.cache
def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def postgres_configured() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def libreoffice_available() -> bool:
    return shutil.which("soffice") is not None
