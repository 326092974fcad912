"""End-to-end broadcast in a live bargaining room on a real Daphne process, against a bare
`websockets` broadcast server doing the same, side by side in one run.

For each channel layer (in-memory; Redis when reachable) and each N (default 10, 100, 500):

- one Daphne process serves the project (``unionhome.config.asgi``) on a database made for the run;
  N listener sockets join one case's room, and one sender (four representative sockets in
  turn, to stay within the per-user command rate limit) submits offers at 10 a second for a
  few seconds; each offer is validated, committed to the event log and broadcast;
- a bare `websockets` server in its own process gets the same traffic from the same client
  code: it decodes each command, encodes one event frame of the same shape, broadcasts it to
  every socket and acks the sender.

All clients run in this one asyncio process (no compression on either side). Reported per
configuration: broadcast latency p50/p99 (from the sender's send to a listener's receipt, the
same clock), the server process's CPU time (user + system, from /proc/<pid>/stat, all
threads) per delivered frame, lost frames, and the ratios Daphne/bare.

Database: a temporary SQLite file by default (VAR_DIR in a temporary directory; migrate and
the bargaining demo seed run in a subprocess). With ``DATABASE_URL`` set (PostgreSQL), that
database is migrated and seeded instead (the demo seed is idempotent).
Redis: ``REDIS_URL`` (default ``redis://127.0.0.1:6379/7``), with a fresh key prefix per run.

Run: python -m bench.bench_room [--listeners 10,100,500] [--seconds 6] [--rate 10]
     [--layers memory,redis]   (or: python bench/run.py bench_room)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAPHNE_PORT = 8190
BARE_PORT = 8191
SENDERS = ("union_chief", "platform_chief", "union_rep2", "platform_rep2")
LISTENER_USERS = ("union_rep3", "platform_rep3", "union_admin")
CONNECT_BATCH = 25
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"

SETUP_SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from django.test import Client
from unionhome.core.demo import seed_core
from bargaining import demo
ctx = seed_core()
demo.seed(ctx)
case = ctx["case"]
users = {u.username: u for u in [*ctx["union_side"], *ctx["platform_side"], ctx["union_admin"]]}
cookies = {}
for name, user in users.items():
    client = Client()
    client.force_login(user)
    cookies[name] = client.cookies["sessionid"].value
print("BENCH-SETUP " + json.dumps(
    {"case": case.pk, "pay": case.items.get(topic="pay").pk, "cookies": cookies}
))
"""


# --- servers ---------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited ({proc.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not start")


# One key for the seeding subprocess and the server: sessions are signed with it.
SECRET_KEY = secrets.token_urlsafe(40)


def base_env(var_dir: str) -> dict:
    env = {
        **os.environ,
        "VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "unionhome.config.settings",
        "SECRET_KEY": SECRET_KEY,
    }
    for name in ("REDIS_URL", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_DB_NAME"):
        env.pop(name, None)
    return env


def prepare_database(var_dir: str) -> dict:
    env = {**base_env(var_dir), "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", SETUP_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-SETUP "):
            return json.loads(line.removeprefix("BENCH-SETUP "))
    raise RuntimeError(f"database setup failed:\n{done.stderr[-3000:]}")


@contextlib.contextmanager
def daphne(var_dir: str, redis_url: str = ""):
    env = {
        **base_env(var_dir),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        # The demo negotiators have no TOTP device; with DEBUG off the project would require
        # one (MFA_REQUIRED_FOR_STAFF) and refuse their sockets (4403).
        "MFA_REQUIRED_FOR_STAFF": "0",
        "CHANNEL_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
        "CACHE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    command = [
        str(Path(sys.executable).parent / "daphne"),
        "-b",
        "127.0.0.1",
        "-p",
        str(DAPHNE_PORT),
        "unionhome.config.asgi:application",
    ]
    if os.environ.get("BENCH_PROFILE"):  # cProfile of the server, written on exit
        command = [sys.executable, "-m", "cProfile", "-o", os.environ["BENCH_PROFILE"], *command]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_port(DAPHNE_PORT, proc)
        yield proc
    finally:
        proc.send_signal(2)  # SIGINT: lets cProfile write its output
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def bare_server():
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve-bare", str(BARE_PORT)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(BARE_PORT, proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def serve_bare(port: int) -> None:
    """The baseline: decode each command, encode one event frame, broadcast it, ack."""
    from websockets.asyncio.server import broadcast, serve

    clients: set = set()
    state = {"seq": 0}

    async def handler(ws):
        clients.add(ws)
        try:
            async for text in ws:
                frame = json.loads(text)
                if frame.get("type") != "offer.submit":
                    continue
                state["seq"] += 1
                event = {
                    "type": "event",
                    "seq": state["seq"],
                    "kind": "offer",
                    "audience": "table",
                    "round": 2,
                    "at": time.time(),
                    "actor": {"id": 1, "name": "bench"},
                    "item": frame.get("item"),
                    "side": "union",
                    "value": frame.get("value"),
                    "display": f"{frame.get('value')} 元/单",
                    "note": frame.get("note", ""),
                    "findings": [],
                    "breaks_floor": False,
                }
                broadcast(clients, json.dumps(event, ensure_ascii=False, separators=(",", ":")))
                ack = {"type": "ack", "client_id": frame.get("client_id"), "seq": state["seq"]}
                await ws.send(json.dumps(ack))
        finally:
            clients.discard(ws)

    async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None):
        await asyncio.Future()


# --- clients ---------------------------------------------------------------------------------


class Listener:
    def __init__(self, ws, sent_at: dict, latencies: list):
        self.ws = ws
        self.got: set[str] = set()
        self.sent_at = sent_at
        self.latencies = latencies
        self.last_frame = time.perf_counter()
        self.task = asyncio.get_running_loop().create_task(self.read())

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for text in self.ws:
                now = time.perf_counter()
                self.last_frame = now
                if '"kind":"offer"' not in text:
                    continue
                note = json.loads(text).get("note", "")
                sent = self.sent_at.get(note)
                if sent is not None and note not in self.got:
                    self.got.add(note)
                    self.latencies.append(now - sent)


class Sender:
    def __init__(self, ws):
        self.ws = ws
        self.acked: set[str] = set()
        self.errors = 0
        self.task = asyncio.get_running_loop().create_task(self.read())

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for text in self.ws:
                if '"type":"ack"' in text or '"type": "ack"' in text:
                    self.acked.add(json.loads(text)["client_id"])
                elif '"type":"error"' in text or '"type": "error"' in text:
                    self.errors += 1


async def open_socket(url: str, cookie: str | None, auth: bool):
    from websockets.asyncio.client import connect

    headers = {"Cookie": f"sessionid={cookie}"} if cookie else None
    ws = await connect(
        url,
        origin=f"http://127.0.0.1:{url.split(':')[2].split('/')[0]}",
        additional_headers=headers,
        compression=None,
        open_timeout=30,
        max_queue=None,
        ping_interval=None,
    )
    if auth:
        # The Daphne room says "ready" once the socket has joined.
        while '"type":"ready"' not in await ws.recv():
            pass
    return ws


async def measure(server_pid: int, url: str, setup: dict | None, n: int, seconds: float, rate):
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    auth = setup is not None
    cookies = setup["cookies"] if setup else {}
    listeners: list[Listener] = []
    for start in range(0, n, CONNECT_BATCH):
        batch = range(start, min(n, start + CONNECT_BATCH))
        sockets = await asyncio.gather(
            *(
                open_socket(url, cookies.get(LISTENER_USERS[i % len(LISTENER_USERS)]), auth)
                for i in batch
            )
        )
        listeners += [Listener(ws, sent_at, latencies) for ws in sockets]
    senders = [Sender(await open_socket(url, cookies.get(name), auth)) for name in SENDERS]
    # Let the joins' presence notices drain before measuring.
    while time.perf_counter() - max(li.last_frame for li in listeners) < 1.0:  # noqa: ASYNC110
        await asyncio.sleep(0.2)

    item = setup["pay"] if setup else 1
    messages = int(seconds * rate)
    cpu0 = cpu_seconds(server_pid)
    t0 = time.perf_counter()
    for k in range(messages):
        sender = senders[k % len(senders)]
        # Union offers 9.xx, the employer 7.xx: never equal, so the item stays open.
        value = f"{9 if k % 2 == 0 else 7}.{k % 100:02d}"
        note = f"bench-{k}"
        client_id = f"{uuid.uuid4()}"
        frame = {
            "type": "offer.submit",
            "item": item,
            "value": value,
            "note": note,
            "client_id": client_id,
        }
        sent_at[note] = time.perf_counter()
        await sender.ws.send(json.dumps(frame))
        sent_at[client_id] = note
        delay = t0 + (k + 1) / rate - time.perf_counter()
        await asyncio.sleep(max(delay, 0))
    acked_notes = lambda: {  # noqa: E731
        sent_at[c] for s in senders for c in s.acked if isinstance(sent_at.get(c), str)
    }
    deadline = time.perf_counter() + 15
    while time.perf_counter() < deadline:
        done = acked_notes()
        if len(done) + sum(s.errors for s in senders) >= messages and all(
            done <= li.got for li in listeners
        ):
            break
        await asyncio.sleep(0.05)
    cpu = cpu_seconds(server_pid) - cpu0
    done = acked_notes()
    expected = len(done) * n
    delivered = sum(len(li.got & done) for li in listeners)
    for ws in [*(li.ws for li in listeners), *(s.ws for s in senders)]:
        await ws.close()
    for task in [*(li.task for li in listeners), *(s.task for s in senders)]:
        with contextlib.suppress(Exception):
            await task
    ordered = sorted(latencies)
    return {
        "n": n,
        "sent": messages,
        "committed": len(done),
        "errors": sum(s.errors for s in senders),
        "delivered": delivered,
        "lost": expected - delivered,
        "cpu_ms_per_frame": cpu * 1000 / max(delivered, 1),
        "p50_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000
        if ordered
        else float("nan"),
    }


def redis_reachable(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1).ping()
    except Exception:
        return False
    return True


def report(layer: str, room: dict, bare: dict) -> None:
    cpu_ratio = room["cpu_ms_per_frame"] / max(bare["cpu_ms_per_frame"], 1e-9)
    p99_ratio = room["p99_ms"] / max(bare["p99_ms"], 1e-9)
    for name, r in (("daphne", room), ("bare", bare)):
        print(
            f"{layer:6} {r['n']:>4} | {name:6} {r['cpu_ms_per_frame']:>9.4f} {r['p50_ms']:>8.2f} "
            f"{r['p99_ms']:>8.2f} {r['lost']:>5} {r['committed']:>3}/{r['sent']:<3}",
            end="",
        )
        print(f" | {cpu_ratio:6.1f}x {p99_ratio:6.1f}x" if name == "daphne" else "", flush=True)


async def run_all(listeners, seconds, rate, layers, setup, var_dir) -> list[dict]:
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    if "redis" in layers and not redis_reachable(redis_url):
        print(f"(Redis at {redis_url} not reachable: in-memory layer only)")
        layers = [layer for layer in layers if layer != "redis"]
    header = (
        f"{'layer':6} {'N':>4} | {'server':6} {'cpu ms/fr':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'lost':>5} {'ok/sent':7} | daphne/bare: cpu, p99"
    )
    print(header)
    print("-" * len(header), flush=True)
    rows = []
    room_url = f"ws://127.0.0.1:{DAPHNE_PORT}/ws/bargaining/{setup['case']}/"
    bare_url = f"ws://127.0.0.1:{BARE_PORT}/"
    with bare_server() as bare_proc:
        for layer in layers:
            with daphne(var_dir, redis_url if layer == "redis" else "") as proc:
                for n in listeners:
                    room = await measure(proc.pid, room_url, setup, n, seconds, rate)
                    await asyncio.sleep(1.0)  # the leaving sockets' presence notices
                    bare = await measure(bare_proc.pid, bare_url, None, n, seconds, rate)
                    report(layer, room, bare)
                    rows.append({"layer": layer, "n": n, "daphne": room, "bare": bare})
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", default="10,100,500")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--layers", default="memory,redis")
    parser.add_argument("--serve-bare", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv or [])
    if args.serve_bare:
        asyncio.run(serve_bare(args.serve_bare))
        return []
    listeners = [int(x) for x in args.listeners.split(",") if x]
    layers = [x for x in args.layers.split(",") if x]
    var_dir = tempfile.mkdtemp(prefix="bench-room-")
    try:
        started = time.perf_counter()
        setup = prepare_database(var_dir)
        print(f"(database ready in {time.perf_counter() - started:.0f} s)", flush=True)
        return asyncio.run(run_all(listeners, args.seconds, args.rate, layers, setup, var_dir))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
