"""The production topology under the faults it will meet: Redis restarting mid-session,
PostgreSQL away for a few seconds, a listener that stops reading. Real processes: Daphne ×2
(and the task worker and scheduler for the database outage), a private redis-server on this
test's own port, PostgreSQL reached through a TCP proxy the test can cut. Every port is picked
free at run time: a stranger already listening on a fixed port (a local cluster, a parallel
run) would answer in place of the server the test stops, and the test would check the wrong
server."""

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from websockets.asyncio.client import connect

from bargaining import demo as bargaining_demo
from bargaining.consumers import CLOSE_SLOW_CONSUMER
from bargaining.models import Event, Offer
from legalaid.tasks import send_legalaid_reminders
from tests.bargaining.live import (
    ROOT,
    Peer,
    app_token,
    daphne_processes,
    database_url,
    ensure_port_free,
    free_ports,
)
from unionhome.core.demo import seed_core

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

TCP_ESTABLISHED = 1  # tcp_info.tcpi_state (linux/tcp_states.h)


# -- helpers ------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test's own (no persistence): stopping it loses every group
    membership and queued message, as a real restart without persistence does."""

    def __init__(self, port: int, workdir):
        self.port, self.workdir, self.proc = port, workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        ensure_port_free(self.port)
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server on {self.port} exited")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


class CuttableProxy:
    """A TCP proxy to PostgreSQL. ``cut()`` drops every connection and refuses new ones (the
    database restarting or failing over); ``restore()`` accepts again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.up = threading.Event()
        self.up.set()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.up.is_set():
                client.close()  # refused: as if nothing listened
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, server))
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up.clear()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def restore(self) -> None:
        self.up.set()

    def close(self) -> None:
        self.running = False
        self.cut()
        self.listener.close()
        self.thread.join(timeout=5)


def http(port: int, path: str, *, timeout: float = 10) -> tuple[int, str, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": "zh-CN"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def wait_for(predicate, *, within: float, step: float = 0.25):
    deadline = time.monotonic() + within
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s")
        time.sleep(step)


@pytest.fixture
def live_demo(db):
    ctx = seed_core()
    bargaining_demo.seed(ctx)
    return ctx


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(free_ports(1)[0], tmp_path)
    server.start()
    yield server
    server.stop()


# -- Redis restart --------------------------------------------------------------------------


def test_redis_restart_mid_session(live_demo, redis_server, tmp_path):
    """HTTP keeps serving while Redis is down; rooms recover by themselves when it is back,
    and every acknowledged event reaches every listener exactly once."""
    case = live_demo["case"]
    pay = case.items.get(topic="pay")
    tokens = {n: app_token(n) for n in ("union_chief", "platform_chief", "platform_rep2")}

    with daphne_processes(free_ports(2), var_dir=tmp_path, redis_url=redis_server.url) as ports:

        async def scenario():
            union = await Peer.open(ports[0], case.pk, tokens["union_chief"], "union")
            employer = await Peer.open(ports[1], case.pk, tokens["platform_chief"], "employer")
            employer2 = await Peer.open(ports[0], case.pk, tokens["platform_rep2"], "employer2")
            acked = []
            ack = await union.command({"type": "offer.submit", "item": pay.pk, "value": "8.60"})
            assert ack["type"] == "ack", ack
            acked.append(ack["seq"])
            await employer.until(lambda f: f.get("seq") == ack["seq"])

            login_with_redis = await asyncio.to_thread(_login_status, ports[0], "rider1")
            assert login_with_redis < 500
            await asyncio.to_thread(redis_server.stop)
            # Pages, health and commands keep working without Redis (the log is the truth).
            status, _body, _ = await asyncio.to_thread(http, ports[1], "/legal-aid/")
            assert status == 200
            status, _body, _ = await asyncio.to_thread(http, ports[1], "/healthz")
            assert status == 200
            status, body, _ = await asyncio.to_thread(http, ports[1], "/readyz")
            assert status == 503 and "channel_layer" in body
            for n, sender in enumerate((union, employer, union)):
                done = await sender.command({"type": "chat.send", "room": "table", "text": f"o{n}"})
                assert done["type"] == "ack", done
                acked.append(done["seq"])
            # A login (allauth's rate limits live in the Redis cache) answers as with Redis.
            login = await asyncio.to_thread(_login_status, ports[0], "rider1")
            assert login == login_with_redis

            await asyncio.to_thread(redis_server.start)
            await asyncio.to_thread(
                wait_for, lambda: http(ports[0], "/readyz")[0] == 200, within=20
            )
            # Every acknowledged event reaches every listener, without the clients asking.
            last = max(acked)
            # Events, not acks: a sender's ack carries the same seq and arrives first.
            for peer in (union, employer, employer2):
                await peer.until(lambda f, last=last: _is_event(f, last), within=30)
            # New events flow live again, across processes.
            after = await employer.command({"type": "chat.send", "room": "table", "text": "back"})
            assert after["type"] == "ack"
            for peer in (union, employer, employer2):  # the sender hears its own event too
                await peer.until(lambda f: _is_event(f, after["seq"]), within=15)
            acked.append(after["seq"])
            for peer in (union, employer, employer2):
                seqs = [f["seq"] for f in peer.events() if f["audience"] == "table"]
                assert len(seqs) == len(set(seqs)), f"{peer.name} got an event twice"
                assert set(acked) <= set(seqs), f"{peer.name} missed {set(acked) - set(seqs)}"
                await peer.close()

        asyncio.run(scenario())


def _is_event(frame: dict, seq: int) -> bool:
    return frame["type"] == "event" and frame["seq"] == seq


def _login_status(port: int, username: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_allauth/app/v1/auth/login",
        data=f'{{"username": "{username}", "password": "demo-pass-2026"}}'.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# -- PostgreSQL away ------------------------------------------------------------------------


@pytest.fixture
def pg_proxy():
    settings_dict = connection.settings_dict
    proxy = CuttableProxy(
        (settings_dict.get("HOST") or "127.0.0.1", int(settings_dict.get("PORT") or 5432)),
    )
    yield proxy
    proxy.close()


def _via_proxy(proxy: CuttableProxy) -> str:
    real = database_url()
    host_port = real.split("@", 1)[1].split("/", 1)[0]
    return real.replace(host_port, f"127.0.0.1:{proxy.port}", 1)


@contextlib.contextmanager
def worker_and_scheduler(env: dict):
    manage = [sys.executable, "manage.py"]
    procs = [
        subprocess.Popen(
            [*manage, "db_worker", "--max-idle", "1", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        ),
        subprocess.Popen(
            [*manage, "run_scheduler"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        ),
    ]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_postgres_unavailable_for_a_few_seconds(live_demo, redis_server, pg_proxy, tmp_path):
    """Commands get ``unavailable`` frames and pages a styled 503 while PostgreSQL is away;
    the worker and scheduler survive it; service resumes by itself; nothing half-written."""

    case = live_demo["case"]
    pay = case.items.get(topic="pay")
    tokens = {n: app_token(n) for n in ("union_chief", "platform_chief")}
    env_db = {"DATABASE_URL": _via_proxy(pg_proxy), "DATABASE_CONNECT_TIMEOUT": "2"}
    env = {
        **os.environ,
        **env_db,
        "VAR_DIR": str(tmp_path),
        "DEBUG": "1",
        "TESTING": "0",
        "REDIS_URL": redis_server.url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("TEST_DB_NAME", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    with (
        daphne_processes(
            free_ports(2), var_dir=tmp_path, redis_url=redis_server.url, extra_env=env_db
        ) as ports,
        worker_and_scheduler(env) as background,
    ):

        async def scenario():
            union = await Peer.open(ports[0], case.pk, tokens["union_chief"], "union")
            employer = await Peer.open(ports[1], case.pk, tokens["platform_chief"], "employer")
            before = await union.command({"type": "offer.submit", "item": pay.pk, "value": "8.10"})
            assert before["type"] == "ack", before

            await asyncio.to_thread(pg_proxy.cut)
            lost_id = str(uuid.uuid4())
            refused = await union.command(
                {"type": "offer.submit", "item": pay.pk, "value": "8.30", "client_id": lost_id}
            )
            assert refused["type"] == "error" and refused["code"] == "unavailable", refused
            status, body, headers = await asyncio.to_thread(http, ports[1], "/legal-aid/")
            assert status == 503
            assert "暂时无法访问" in body and "site.css" in body
            assert headers.get("Retry-After")
            status, body, _ = await asyncio.to_thread(http, ports[0], "/readyz")
            assert status == 503 and "database" in body
            assert (await asyncio.to_thread(http, ports[0], "/healthz"))[0] == 200
            await asyncio.sleep(3)  # a few seconds away; the worker and scheduler retry
            assert all(proc.poll() is None for proc in background)

            await asyncio.to_thread(pg_proxy.restore)
            await asyncio.to_thread(
                wait_for, lambda: http(ports[1], "/legal-aid/")[0] == 200, within=20
            )
            # Ready again by itself: the first probe after the outage may still time out on
            # the channel layer (one receive of the layer was waiting out the outage), so poll
            # as a proxy does.
            await asyncio.to_thread(
                wait_for, lambda: http(ports[0], "/readyz")[0] == 200, within=20
            )
            # The refused command, sent again with its client_id, is applied exactly once.
            again = await union.command(
                {"type": "offer.submit", "item": pay.pk, "value": "8.30", "client_id": lost_id}
            )
            assert again["type"] == "ack", again
            await employer.until(lambda f: f.get("seq") == again["seq"])
            for peer in (union, employer):
                await peer.close()

        asyncio.run(scenario())

        # The worker survived the outage and serves the queue again.
        assert all(proc.poll() is None for proc in background), [
            p.stderr.read().decode()[-2000:] for p in background if p.poll() is not None
        ]
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            result = send_legalaid_reminders.enqueue()
        wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL", within=30)

    assert Offer.objects.filter(item=pay, value="8.30").count() == 1
    assert Offer.objects.filter(item=pay, value="8.10").count() == 1
    seqs = list(Event.objects.filter(case=case).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no half-written event


# -- slow consumers -------------------------------------------------------------------------


def test_a_listener_that_stops_reading_is_dropped_and_resumes(live_demo, redis_server, tmp_path):
    """A socket whose reader stalls is closed once its buffer stays over the cap; the room
    goes on; the client reconnects, resumes and has every event
    once. Bounded: at most two minutes of traffic."""
    case = live_demo["case"]
    senders_names = (
        "union_chief",
        "union_rep2",
        "union_rep3",
        "platform_chief",
        "platform_rep2",
        "platform_rep3",
    )
    tokens = {n: app_token(n) for n in (*senders_names, "union_admin")}
    text = "慢" * 2000  # about 6 KB per event

    with daphne_processes(
        free_ports(1),
        var_dir=tmp_path,
        redis_url=redis_server.url,
        extra_env={"WEBSOCKET_MAX_BUFFER_BYTES": str(16 * 1024)},
    ) as ports:

        async def scenario():
            # The stalled client: a tiny receive window, and it never reads after "ready".
            raw = socket.socket()
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            raw.connect(("127.0.0.1", ports[0]))
            stalled = await connect(
                f"ws://127.0.0.1:{ports[0]}/ws/bargaining/{case.pk}/",
                origin=f"http://127.0.0.1:{ports[0]}",
                sock=raw,
                max_queue=1,
                max_size=2**20,
            )
            await stalled.send(json.dumps({"type": "auth", "session_token": tokens["union_admin"]}))
            while (frame := json.loads(await stalled.recv()))["type"] != "ready":
                pass
            floor = frame["last_seq"]

            senders = [await Peer.open(ports[0], case.pk, tokens[n], n) for n in senders_names]

            def dropped() -> bool:
                """The server ended the TCP connection (RST or FIN): the client's socket has
                left the ESTABLISHED state, although the client never read or closed."""
                state = raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
                return state != TCP_ESTABLISHED

            sent = []
            deadline = time.monotonic() + 120
            while not dropped():
                assert time.monotonic() < deadline, "the stalled socket was never dropped"
                for peer in senders:
                    # Ack latency is not what this test measures; on a loaded two-core CI
                    # machine six senders' commits can queue well past 15 s.
                    done = await peer.command(
                        {"type": "chat.send", "room": "table", "text": text}, within=60
                    )
                    if done["type"] == "ack":
                        sent.append(done["seq"])
                await asyncio.sleep(0.25)
            # The room went on for the readers.
            last = max(sent)
            for peer in senders:
                await peer.until(lambda f, last=last: f.get("seq") == last, within=30)
            # Whatever the stalled client reads now ends with the connection closed.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(30):
                    while True:
                        await stalled.recv()
            assert stalled.close_code in (CLOSE_SLOW_CONSUMER, 1006), stalled.close_code

            # It reconnects and resumes: every event after its floor, each once.
            back = await Peer.open(ports[0], case.pk, tokens["union_admin"], "back")
            start = len(back.frames)
            await back.send({"type": "resume", "after": floor})
            await back.until(lambda f: f["type"] == "resumed", start=start, within=30)
            got = [f["seq"] for f in back.events()]
            assert len(got) == len(set(got))
            assert set(sent) <= set(got)
            for peer in (*senders, back):
                await peer.close()

        asyncio.run(scenario())
