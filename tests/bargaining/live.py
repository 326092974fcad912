"""Start Daphne processes on the pytest test database (for scale and browser tests)."""

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{user}@"
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def free_ports(count: int) -> list[int]:
    """Distinct loopback ports nobody listens on now (the OS picks them), so parallel runs and
    local clusters do not meet."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


def ensure_port_free(port: int) -> None:
    """Refuse to start a server on a port something else already answers on: the server would
    fail to bind while the readiness probe below connected to the stranger and carried on
    (a test then drives a server with another database and another Redis)."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        raise RuntimeError(f"port {port} is already in use by another process")


def _wait_port(port: int, proc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne on {port} exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne on {port} did not start")


@contextlib.contextmanager
def daphne_processes(ports, *, var_dir, redis_url: str = "", extra_env: dict | None = None):
    """Run one Daphne per port; always terminated on exit. ``extra_env`` overrides the
    environment last (e.g. a DATABASE_URL through a fault-injecting proxy)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "1",
        "VAR_DIR": str(var_dir),
        "TESTING": "0",
        "CHANNEL_PREFIX": f"uh-test-{uuid.uuid4().hex[:8]}",
        "CACHE_PREFIX": f"uh-test-{uuid.uuid4().hex[:8]}",
    }
    env.pop("TEST_DB_NAME", None)
    # The test process allows sync ORM calls in async code; the servers must not.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra_env or {})
    daphne = str(Path(sys.executable).parent / "daphne")
    for port in ports:
        ensure_port_free(port)
    procs = []
    try:
        for port in ports:
            procs.append(
                subprocess.Popen(
                    [
                        daphne,
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "unionhome.config.asgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
        for port, proc in zip(ports, procs, strict=True):
            _wait_port(port, proc)
        # A Daphne that lost a race for its port exits soon after the probe connected.
        time.sleep(0.5)
        for port, proc in zip(ports, procs, strict=True):
            if proc.poll() is not None:
                raise RuntimeError(
                    f"daphne on {port} exited: {proc.stderr.read().decode()[-2000:]}"
                )
        yield list(ports)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def app_token(username: str, password: str = "demo-pass-2026") -> str:
    """An allauth app session token (X-Session-Token) for a WebSocket ``auth`` frame."""
    from django.test import Client

    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


class Peer:
    """A real WebSocket client in a live room. A reader task records every frame it receives
    (in order), so assertions can cover everything a client was sent."""

    def __init__(self, ws, name: str = ""):
        self.ws = ws
        self.name = name
        self.frames: list[dict] = []
        self.closed: tuple[int | None, str] | None = None
        self._changed = asyncio.Condition()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, port: int, case_id: int, token: str, name: str = "") -> "Peer":
        from websockets.asyncio.client import connect

        ws = await connect(
            f"ws://127.0.0.1:{port}/ws/bargaining/{case_id}/",
            origin=f"http://127.0.0.1:{port}",
            open_timeout=10,
            max_size=2**20,
        )
        peer = cls(ws, name)
        await peer.send({"type": "auth", "session_token": token})
        ready = await peer.until(lambda f: f["type"] in ("ready", "error"))
        assert ready["type"] == "ready", ready
        peer.ready = ready
        return peer

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for text in self.ws:
                async with self._changed:
                    self.frames.append(json.loads(text))
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            async with self._changed:
                self.closed = (self.ws.close_code, self.ws.close_reason)
                self._changed.notify_all()

    async def until(self, predicate, within: float = 15, start: int = 0) -> dict:
        """The first frame (from index ``start``) that matches, waiting for it if needed."""
        async with asyncio.timeout(within), self._changed:
            index = start
            while True:
                while index < len(self.frames):
                    if predicate(self.frames[index]):
                        return self.frames[index]
                    index += 1
                if self.closed is not None:
                    raise AssertionError(f"{self.name}: closed {self.closed} while waiting")
                await self._changed.wait()

    async def wait_closed(self, within: float = 15) -> tuple[int | None, str]:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: self.closed is not None)
        return self.closed

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def command(self, frame: dict, within: float = 15) -> dict:
        """Send a command with a fresh client_id; its ack or error frame."""
        frame = {**frame, "client_id": frame.get("client_id") or str(uuid.uuid4())}
        start = len(self.frames)
        await self.send(frame)
        return await self.until(
            lambda f: f["type"] in ("ack", "error") and f.get("client_id") == frame["client_id"],
            within=within,
            start=start,
        )

    def events(self) -> list[dict]:
        return [f for f in self.frames if f["type"] == "event"]

    async def close(self) -> None:
        await self.ws.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader
