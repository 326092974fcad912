"""Open sessions at scale: members watching a bargaining table, on two Daphne processes
sharing Redis, against a bare `websockets` server holding the same sockets, in one run.

Phases, each printed with its ratio against the bare server measured in the same run:

1. connect storm: W watcher sockets (session cookies of the demo union's members) open at
   once, half on each Daphne process, until every one has its ``ready`` frame; the bare
   server gets the same W handshakes;
2. idle memory: server RSS with 0 and with W idle sockets (both Daphne processes summed);
3. broadcast: one sender at R offers a second for S seconds (each offer validated, committed
   and broadcast through Redis to both processes); p50/p99 latency from the send to each
   watcher's receipt, server CPU (both processes) per delivered frame, frames lost;
4. reconnect storm with resume: every watcher drops, the table moves on by B offers, and all
   reconnect at once, each sending ``resume`` from the last event it saw; checked: each got
   every missed offer exactly once (no ratio: the bare server has no log to resume from).

Run: python -m bench.bench_watchers [--watchers 2000] [--rate 2] [--seconds 10] [--behind 20]
     (or: python bench/run.py bench_watchers). Needs Redis (REDIS_URL, default
     redis://127.0.0.1:6379/7). Ports 8192, 8193 (Daphne) and 8194 (bare).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_room  # noqa: E402
from bench.bench_room import (  # noqa: E402
    DEFAULT_REDIS,
    base_env,
    cpu_seconds,
    redis_reachable,
    wait_port,
)

# BENCH_WATCHERS_PORT moves the three ports (Daphne, Daphne, bare) to another base.
_BASE = int(os.environ.get("BENCH_WATCHERS_PORT", "8192"))
DAPHNE_PORTS = (_BASE, _BASE + 1)
BARE_PORT = _BASE + 2
SENDERS = ("union_chief", "platform_chief", "union_rep2", "platform_rep2")

SETUP_SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from django.test import Client
from unionhome.core.demo import seed_core
from bargaining import demo, watching
ctx = seed_core()
demo.seed(ctx)
case = ctx["case"]
for chief in (ctx["union_side"][0], ctx["platform_side"][0]):
    watching.session_consent(case=case, by=chief)
users = {u.username: u for u in [*ctx["union_side"], *ctx["platform_side"]]}
cookies = {}
for name, user in users.items():
    client = Client()
    client.force_login(user)
    cookies[name] = client.cookies["sessionid"].value
# One member per watcher (each with a session, as after a login): like the real crowd, every
# socket is its own user, with its own rate-limit bucket and permission decision.
import os
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from unionhome.membership.models import Membership
User = get_user_model()
count = int(os.environ["BENCH_WATCHERS"])
made = User.objects.bulk_create(
    [User(username=f"watcher{i}", password="!", first_name="W") for i in range(count)]
)
made = list(User.objects.filter(username__startswith="watcher").order_by("id"))
Membership.objects.bulk_create([
    Membership(user=u, union=ctx["union"], status="active", full_name=u.username, phone="",
               id_number="", worker_type="independent")
    for u in made
])
members = []
for user in made:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    members.append(store.session_key)
print("BENCH-SETUP " + json.dumps({
    "case": case.pk,
    "pay": case.items.get(topic="pay").pk,
    "cookies": cookies,
    "members": members,
}))
"""


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def prepare(var_dir: str, redis_url: str, prefixes: dict, watchers: int) -> dict:
    env = {
        **base_env(var_dir),
        "DEBUG": "1",
        "REDIS_URL": redis_url,
        "BENCH_WATCHERS": str(watchers),
        **prefixes,
    }
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
def servers(var_dir: str, redis_url: str, prefixes: dict, trace: bool = False):
    env = {
        **base_env(var_dir),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": redis_url,
        # The demo negotiators have no TOTP device; production would require one.
        "MFA_REQUIRED_FOR_STAFF": "0",
        **prefixes,
    }
    daphne = [str(Path(sys.executable).parent / "daphne")]
    if os.environ.get("BENCH_PROFILE"):  # cProfile of each server, <path>.<port> on exit
        daphne = [sys.executable, "-m", "cProfile", "-o", os.environ["BENCH_PROFILE"], *daphne]
    if trace:  # tracemalloc snapshots on SIGUSR1 (see bench/traced_daphne.py)
        env["BENCH_TRACE_DIR"] = var_dir
        daphne = [sys.executable, str(ROOT / "bench" / "traced_daphne.py")]
    procs = [
        subprocess.Popen(
            [
                *[f"{a}.{port}" if a == os.environ.get("BENCH_PROFILE") else a for a in daphne],
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                # Daphne refuses (403) a handshake the application has not accepted within
                # 5 s; thousands at once on 2 shared cores need longer (see the doc).
                "--websocket_connect_timeout",
                "60",
                "unionhome.config.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(var_dir) / f"daphne-{port}.log", "ab"),  # noqa: SIM115
        )
        for port in DAPHNE_PORTS
    ]
    bare = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "bench_room.py"), "--serve-bare", str(BARE_PORT)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for port, proc in zip((*DAPHNE_PORTS, BARE_PORT), (*procs, bare), strict=True):
            wait_port(port, proc, timeout=240)  # a loaded machine starts Django slowly
        yield procs, bare
    finally:
        for proc in procs:
            proc.send_signal(2)  # SIGINT: lets cProfile write its output
        bare.terminate()
        for proc in (*procs, bare):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def snapshots(var_dir: str, pids: list[int], number: int) -> list:
    """A tracemalloc snapshot of each Daphne process (started with --trace)."""
    import signal
    import tracemalloc

    taken = []
    for pid in pids:
        os.kill(pid, signal.SIGUSR1)
        path = Path(var_dir) / f"{pid}-{number}.snap"
        for _ in range(3000):  # the process writes it when the signal is handled
            if path.is_file():
                break
            await asyncio.sleep(0.2)
        taken.append(tracemalloc.Snapshot.load(str(path)))
    return taken


def print_growth(before: list, after: list, sockets: int, top: int = 30) -> None:
    """What the idle sockets hold: the largest allocation sites, in bytes per socket."""
    totals: dict = {}
    for old, new in zip(before, after, strict=True):
        for stat in new.compare_to(old, "traceback"):
            key = tuple(str(frame) for frame in stat.traceback[-3:])
            totals[key] = totals.get(key, 0) + stat.size_diff
    grown = sum(totals.values())
    print(f"tracemalloc: {grown / sockets:.0f} B per socket in all", flush=True)
    for key, size in sorted(totals.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {size / sockets:8.0f} B  " + " <- ".join(reversed(key)), flush=True)


class Watcher:
    """One socket; records offers (by note) with their receipt time, and every seq."""

    def __init__(self, ws, sent_at: dict):
        self.ws = ws
        self.sent_at = sent_at
        self.notes: dict[str, float] = {}
        self.seqs: list[int] = []
        self.resumed = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self.read())

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for text in self.ws:
                if '"type":"event"' in text:
                    now = time.perf_counter()
                    frame = json.loads(text)
                    self.seqs.append(frame["seq"])
                    note = frame.get("note")
                    if note and note not in self.notes:
                        self.notes[note] = now
                elif '"type":"resumed"' in text:
                    self.resumed.set()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close()
        with contextlib.suppress(Exception):
            await self.task


# Notes are unique to the run: a kept database holds the offers of earlier runs, which a
# socket's catch-up after a channel-layer hiccup may replay (they must not count as receipts).
RUN = uuid.uuid4().hex[:6]
RETRIES = {"n": 0}  # handshakes refused or reset, retried (reported with each storm)


# A socket without its ``ready`` this long after the handshake is dropped and opened again,
# as the web client does (a lost or stuck connection must not hang the run).
READY_SECONDS = 90


async def open_ws(url: str, cookie: str | None, wait_ready: bool, resume_after=None):
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidHandshake

    headers = {"Cookie": f"sessionid={cookie}"} if cookie else None
    port = url.split(":")[2].split("/")[0]
    for attempt in range(10):
        ws = None
        try:
            ws = await connect(
                url,
                origin=f"http://127.0.0.1:{port}",
                additional_headers=headers,
                compression=None,
                open_timeout=120,
                max_queue=None,
                ping_interval=None,
            )
            if wait_ready:
                async with asyncio.timeout(READY_SECONDS):
                    while '"type":"ready"' not in await ws.recv():
                        pass
            break
        except (OSError, InvalidHandshake, TimeoutError, ConnectionClosed):
            RETRIES["n"] += 1
            if attempt == 9:
                raise
            if ws is not None:
                with contextlib.suppress(Exception):
                    await ws.close()
            await asyncio.sleep(0.5 + attempt)
    if wait_ready and resume_after is not None:
        await ws.send(json.dumps({"type": "resume", "after": resume_after}))
    return ws


async def storm(urls, cookies, n: int, wait_ready: bool, sent_at: dict, resume=None):
    """n sockets at once, spread over the urls; (seconds until all ready, watchers)."""
    start = time.perf_counter()
    sockets = await asyncio.gather(
        *(
            open_ws(
                urls[i % len(urls)],
                cookies[i % len(cookies)] if cookies else None,
                wait_ready,
                None if resume is None else resume[i],
            )
            for i in range(n)
        )
    )
    elapsed = time.perf_counter() - start
    if RETRIES["n"]:
        print(f"  ({RETRIES['n']} handshakes retried)", flush=True)
        RETRIES["n"] = 0
    return elapsed, [Watcher(ws, sent_at) for ws in sockets]


async def offers(senders, item: int, count: int, rate: float, sent_at: dict, tag: str) -> None:
    """Send ``count`` offers at ``rate`` a second from the senders in turn."""
    t0 = time.perf_counter()
    for k in range(count):
        ws = senders[k % len(senders)]
        note = f"{tag}-{k}"
        value = f"{9 if k % 2 == 0 else 7}.{k % 100:02d}"
        sent_at[note] = time.perf_counter()
        await ws.send(
            json.dumps(
                {
                    "type": "offer.submit",
                    "item": item,
                    "value": value,
                    "note": note,
                    "client_id": str(uuid.uuid4()),
                }
            )
        )
        delay = t0 + (k + 1) / rate - time.perf_counter()
        await asyncio.sleep(max(delay, 0))


async def drain_acks(ws) -> None:
    with contextlib.suppress(Exception):
        async for _text in ws:
            pass


async def wait_delivered(watchers, notes: list[str], within: float = 30) -> None:
    deadline = time.perf_counter() + within
    while time.perf_counter() < deadline:
        if all(all(n in w.notes for n in notes) for w in watchers):
            return
        await asyncio.sleep(0.1)


def latency_stats(watchers, notes, sent_at) -> tuple[float, float, int]:
    lat = sorted((w.notes[n] - sent_at[n]) * 1000 for w in watchers for n in notes if n in w.notes)
    lost = len(watchers) * len(notes) - len(lat)
    if not lat:
        return float("nan"), float("nan"), lost
    return statistics.median(lat), lat[min(len(lat) - 1, int(0.99 * len(lat)))], lost


async def reconnect_storm(args, setup, room_urls, watchers, senders, sent_at, results):
    """Every watcher drops, the table moves on, all come back at once with ``resume``."""
    n, members = args.watchers, setup["members"]
    last = [max(w.seqs) if w.seqs else 0 for w in watchers]
    for w in watchers:
        await w.close()
    await asyncio.sleep(2)
    await offers(senders, setup["pay"], args.behind, 4.0, sent_at, f"missed{RUN}")
    await asyncio.sleep(1.5)
    missed = [f"missed{RUN}-{k}" for k in range(args.behind)]
    started = time.perf_counter()
    storm_time, back = await storm(room_urls, members, n, True, sent_at, resume=last)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(120):
            await asyncio.gather(*(w.resumed.wait() for w in back))
    resumed = sum(1 for w in back if w.resumed.is_set())
    resumed_time = time.perf_counter() - started
    await wait_delivered(back, missed, within=10)
    complete = sum(1 for w in back if all(m in w.notes for m in missed))
    duplicates = sum(len(w.seqs) - len(set(w.seqs)) for w in back)
    results["reconnect"] = (storm_time, complete, duplicates)
    print(
        f"reconnect storm with resume ({args.behind} offers behind): {n} ready in"
        f" {storm_time:.2f} s, {resumed} resumed in {resumed_time:.2f} s;"
        f" {complete}/{n} got every missed offer; {duplicates} duplicates",
        flush=True,
    )
    return back


async def run(args, setup: dict, procs, bare) -> dict:
    case = setup["case"]
    room_urls = [f"ws://127.0.0.1:{p}/ws/bargaining/{case}/" for p in DAPHNE_PORTS]
    bare_urls = [f"ws://127.0.0.1:{BARE_PORT}/"]
    members = setup["members"]
    pids = [p.pid for p in procs]
    n, results = args.watchers, {}

    # Warm-up: one participant socket per process (imports, URL routing, first queries), so
    # the storm and the memory measure the sockets, not a process's first request.
    sent_at: dict = {}
    for url in room_urls:
        ws = await open_ws(url, setup["cookies"]["union_rep2"], True)
        await ws.close()
    await asyncio.sleep(1)

    # 1 + 2: connect storms and idle memory.
    mem0 = sum(rss_kib(p) for p in pids)
    bare_mem0 = rss_kib(bare.pid)
    if args.trace:
        before = await snapshots(args.var_dir, pids, 0)
    room_time, watchers = await storm(room_urls, members, n, True, sent_at)
    bare_time, bare_watchers = await storm(bare_urls, None, n, False, sent_at)
    await asyncio.sleep(3)  # presence settles; then idle
    mem1 = sum(rss_kib(p) for p in pids)
    if args.trace:
        print_growth(before, await snapshots(args.var_dir, pids, 1), n)
    bare_mem1 = rss_kib(bare.pid)
    results["connect"] = (room_time, bare_time)
    results["memory"] = ((mem1 - mem0) / n, (bare_mem1 - bare_mem0) / n)
    print(
        f"connect {n} at once: daphne x2 {room_time:.2f} s, bare {bare_time:.2f} s,"
        f" ratio {room_time / bare_time:.1f}x",
        flush=True,
    )
    print(
        f"idle memory per socket: daphne {results['memory'][0]:.1f} KiB, bare"
        f" {results['memory'][1]:.1f} KiB, ratio {results['memory'][0] / results['memory'][1]:.1f}x"
        f" (RSS 0 -> {n}: {mem0} -> {mem1} KiB; bare {bare_mem0} -> {bare_mem1} KiB)",
        flush=True,
    )

    # 3: broadcast at R offers a second.
    cookies = setup["cookies"]
    senders = [await open_ws(room_urls[0], cookies[s], True) for s in SENDERS]
    ack_tasks = [asyncio.get_running_loop().create_task(drain_acks(ws)) for ws in senders]
    bare_sender = await open_ws(bare_urls[0], None, False)
    bare_acks = asyncio.get_running_loop().create_task(drain_acks(bare_sender))
    count = int(args.rate * args.seconds)
    # The client is the instrument: its 2,000 sockets' objects made full collections of its
    # own pause it 150-300 ms mid-phase, stamping one offer late for every watcher. Both
    # phases start with the client's heap frozen, so neither server is charged for it.
    gc.collect()
    gc.freeze()
    cpu0 = sum(cpu_seconds(p) for p in pids)
    await offers(senders, setup["pay"], count, args.rate, sent_at, f"room{RUN}")
    notes = [f"room{RUN}-{k}" for k in range(count)]
    await wait_delivered(watchers, notes)
    cpu = sum(cpu_seconds(p) for p in pids) - cpu0
    p50, p99, lost = latency_stats(watchers, notes, sent_at)
    delivered = n * count - lost
    gc.collect()
    gc.freeze()
    bare_cpu0 = cpu_seconds(bare.pid)
    await offers([bare_sender], setup["pay"], count, args.rate, sent_at, f"bare{RUN}")
    bare_notes = [f"bare{RUN}-{k}" for k in range(count)]
    await wait_delivered(bare_watchers, bare_notes)
    bare_cpu = cpu_seconds(bare.pid) - bare_cpu0
    b50, b99, blost = latency_stats(bare_watchers, bare_notes, sent_at)
    room_cpu_frame = cpu * 1000 / max(delivered, 1)
    bare_cpu_frame = bare_cpu * 1000 / max(n * count - blost, 1)
    results["broadcast"] = (p50, p99, lost, room_cpu_frame, b50, b99, blost, bare_cpu_frame)
    print(
        f"broadcast {count} offers at {args.rate}/s to {n}: daphne p50/p99 {p50:.1f}/{p99:.1f} ms,"
        f" {room_cpu_frame:.4f} ms CPU/frame, lost {lost}; bare p50/p99 {b50:.1f}/{b99:.1f} ms,"
        f" {bare_cpu_frame:.4f} ms CPU/frame, lost {blost};"
        f" ratios p99 {p99 / b99:.1f}x, CPU {room_cpu_frame / bare_cpu_frame:.1f}x",
        flush=True,
    )

    # 4: reconnect storm with resume, each watcher args.behind offers behind.
    back = watchers
    if not args.skip_reconnect:
        back = await reconnect_storm(args, setup, room_urls, watchers, senders, sent_at, results)
    for w in [*back, *bare_watchers]:
        await w.close()
    for ws in [*senders, bare_sender]:
        with contextlib.suppress(Exception):
            await ws.close()
    for task in [*ack_tasks, bare_acks]:
        task.cancel()
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--behind", type=int, default=20)
    parser.add_argument("--var-dir", default="", help="keep (or reuse) the database here")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="run Daphne under tracemalloc and print what the idle sockets hold (slower)",
    )
    parser.add_argument(
        "--skip-reconnect", action="store_true", help="stop after the broadcast phase"
    )
    args = parser.parse_args(argv or [])
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    if not redis_reachable(redis_url):
        print(f"(Redis at {redis_url} not reachable: skipped)")
        return {}
    prefixes = {
        "CHANNEL_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
        "CACHE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
    }
    keep = bool(args.var_dir)
    var_dir = args.var_dir or tempfile.mkdtemp(prefix="bench-watchers-")
    saved = Path(var_dir) / "bench-setup.json"
    try:
        if saved.is_file():
            setup = json.loads(saved.read_text())
        else:
            Path(var_dir).mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            setup = prepare(var_dir, redis_url, prefixes, args.watchers)
            setup["secret"] = bench_room.SECRET_KEY  # sessions are signed with it
            saved.write_text(json.dumps(setup))
            print(f"(database ready in {time.perf_counter() - started:.0f} s)", flush=True)
        bench_room.SECRET_KEY = setup["secret"]
        if len(setup["members"]) < args.watchers:
            raise SystemExit("the kept database has fewer members than --watchers")
        args.var_dir = var_dir
        with servers(var_dir, redis_url, prefixes, args.trace) as (procs, bare):
            return asyncio.run(run(args, setup, procs, bare))
    finally:
        if not keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
