"""Mixed load on the production topology: two Daphne processes (plus the task worker and the
scheduler) on PostgreSQL and Redis, started by ``deploy/local-cluster.sh``, loopback only.

For a fixed time, at once:
- members browsing public pages (home, legal aid, English home);
- VOTERS members (default 2,000) voting in one ballot, spread over VOTE_WINDOW seconds
  (default 120);
- OBSERVERS sockets (default 200) watching one bargaining room while 6 negotiators submit
  offers at RATE a second in total (default 10);
- BOOKERS members (default 100) racing for a few legal-aid slots (default 10).

Reported: throughput, p50/p99 latency and errors per action; then checked from the database:
every vote counted exactly once (participations == successful votes, tally sums to turnout),
no slot booked twice, the room's event log contiguous with every acknowledged offer in it,
and every observer received every table event.

Baseline in the same run: a GET of /healthz (no database, no templates) measured by the
same clients, so latencies read as ratios of the bare request cost on this machine.

Set DATABASE_URL to a PostgreSQL database this run may fill (it is migrated and seeded; the
demo seed is idempotent) and REDIS_URL (default redis://127.0.0.1:6379/6).
Run:   python bench/bench_load.py [--scale 0.1] [--seconds 120]
A quick run: --scale 0.05 --seconds 20 (100 voters, 10 observers, 5 bookers).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.config.settings")


def _free_ports(count: int) -> tuple[int, ...]:
    """Loopback ports nobody listens on now: a fixed pair could meet another run's servers."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return tuple(sock.getsockname()[1] for sock in socks)
    finally:
        for sock in socks:
            sock.close()


PORTS = _free_ports(2)
NEGOTIATORS = (
    "union_chief",
    "union_rep2",
    "union_rep3",
    "platform_chief",
    "platform_rep2",
    "platform_rep3",
)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    def add(self, action: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            if error is None:
                self.samples.setdefault(action, []).append(seconds)
            else:
                self.errors.setdefault(action, []).append(error)

    def report(self, wall: float) -> list[dict]:
        rows = []
        base = self.samples.get("baseline /healthz") or [0.0]
        base_p50 = statistics.median(base) or 1e-9
        for action in sorted(set(self.samples) | set(self.errors)):
            values = sorted(self.samples.get(action, []))
            p50 = statistics.median(values) if values else float("nan")
            p99 = values[min(len(values) - 1, int(len(values) * 0.99))] if values else float("nan")
            rows.append(
                {
                    "action": action,
                    "ok": len(values),
                    "errors": len(self.errors.get(action, [])),
                    "per_s": len(values) / wall,
                    "p50_ms": p50 * 1000,
                    "p99_ms": p99 * 1000,
                    "p50_x_baseline": p50 / base_p50,
                }
            )
        return rows


def http(method, port, path, body=None, token="") -> tuple[int, dict | str]:
    headers = {"Accept-Language": "zh-CN"}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    if token:
        headers["X-Session-Token"] = token
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw[:200].decode(errors="replace")


def timed(stats: Stats, action: str, expect: set[int], fn, *args, **kwargs):
    start = time.perf_counter()
    try:
        status, body = fn(*args, **kwargs)
    except Exception as exc:
        stats.add(action, 0, repr(exc))
        return None, None
    elapsed = time.perf_counter() - start
    if status in expect:
        stats.add(action, elapsed)
    else:
        stats.add(action, elapsed, f"{status} {str(body)[:120]}")
    return status, body


# -- set-up (in this process, on DATABASE_URL) ----------------------------------------------


def prepare(voters: int, bookers: int, slots: int) -> dict:
    """Seed the demo, add members, open a fresh ballot, pick contended slots, make tokens."""
    import django

    django.setup()
    # Imported here, not at the top: models load only after django.setup(), which must run
    # after this script has set VAR_DIR for the run.
    import datetime as dt

    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from bargaining import demo as bargaining_demo
    from cms import demo as cms_demo
    from legalaid import demo as legalaid_demo
    from legalaid.models import Booking, Slot
    from unionhome.ballots import demo as ballots_demo
    from unionhome.ballots import services as ballots
    from unionhome.core import demo
    from unionhome.membership import demo as membership_demo
    from unionhome.membership.models import Membership

    # Only the parts this load needs (and the complaints demo does not seed on PostgreSQL).
    ctx = demo.seed_core()
    for module in (membership_demo, bargaining_demo, ballots_demo, legalaid_demo, cms_demo):
        module.seed(ctx)
    union, case = ctx["union"], ctx["case"]
    run = uuid.uuid4().hex[:6]
    User = get_user_model()
    users = [User(username=f"load{run}-{n}") for n in range(max(voters, bookers))]
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users, batch_size=1000)
    today = timezone.localdate()
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                union=union,
                status="active",
                member_no=f"L{run}{n:05d}",
                since=today,
                full_name=f"负载测试{n}",
                phone=f"1390000{n:04d}",
                worker_type="independent",
            )
            for n, user in enumerate(users)
        ],
        batch_size=1000,
    )
    now = timezone.now()
    ballot = ballots.ballot_create(
        union=union,
        title=f"负载测试表决 {run}",
        kind="yes_no",
        rule="simple_majority",
        description_html="<p>负载测试</p>",
        opens_at=now - dt.timedelta(minutes=1),
        closes_at=now + dt.timedelta(days=1),
        created_by=ctx.get("union_admin"),
    )
    ballots.ballot_open(ballot=ballot)
    options = list(ballot.options.values_list("id", flat=True))
    free = list(
        Slot.objects.filter(start__gt=now + dt.timedelta(hours=30))
        .exclude(pk__in=Booking.objects.values("slot_id"))
        .order_by("start")
        .values("id", "channel")[:slots]
    )

    def token(user) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    # Read afresh: a later seed step may have changed their passwords, and a session signed
    # with a stale password hash is refused (4401).
    staff = list(User.objects.filter(pk__in=[ctx["union_admin"].pk, ctx["admin"].pk]))
    by_name = {u.username: u for u in User.objects.filter(username__in=NEGOTIATORS)}
    return {
        "case": case.pk,
        "item": case.items.get(topic="pay").pk,
        "ballot": ballot.pk,
        "options": options,
        "slots": free,
        "voter_tokens": [token(u) for u in users[:voters]],
        "booker_tokens": [token(u) for u in users[:bookers]],
        "observer_tokens": [token(u) for u in staff],
        "negotiator_tokens": [token(by_name[name]) for name in NEGOTIATORS],
        "run": run,
    }


# -- the load ---------------------------------------------------------------------------------


def browse(stats, stop, n):
    paths = ("/", "/legal-aid/", "/en/")
    i = n
    while not stop.is_set():
        port = PORTS[i % 2]
        timed(stats, "browse page", {200}, http, "GET", port, paths[i % len(paths)])
        timed(stats, "baseline /healthz", {200}, http, "GET", port, "/healthz")
        i += 1


def vote_all(stats, setup, window, results):
    tokens = setup["voter_tokens"]
    gap = window / max(1, len(tokens))
    started = time.monotonic()

    def one(n, token):
        delay = started + n * gap - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        option = setup["options"][n % len(setup["options"])]
        status, _ = timed(
            stats,
            "vote",
            {201},
            http,
            "POST",
            PORTS[n % 2],
            f"/api/v1/ballots/{setup['ballot']}/vote",
            {"option_ids": [option]},
            token,
        )
        if status == 201:
            results["votes"].append(option)

    with concurrent.futures.ThreadPoolExecutor(max_workers=48) as pool:
        list(pool.map(one, range(len(tokens)), tokens))


def book_all(stats, setup, results):
    slots = setup["slots"]
    barrier = threading.Barrier(len(setup["booker_tokens"]))

    def one(n, token):
        slot = slots[n % len(slots)]
        barrier.wait()
        status, body = timed(
            stats,
            "book (contended)",
            {201, 409},
            http,
            "POST",
            PORTS[n % 2],
            "/api/v1/legalaid/bookings",
            {
                "slot_id": slot["id"],
                "topic": "wage_arrears",
                "description": "负载测试",
                "channel": slot["channel"],
            },
            token,
        )
        if status == 201:
            results["bookings"].append(body["id"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(setup["booker_tokens"])) as p:
        list(p.map(one, range(len(setup["booker_tokens"])), setup["booker_tokens"]))


async def room(stats, setup, observers, seconds, rate, results):
    async def open_socket(n, token):
        port = PORTS[n % 2]
        ws = await connect(
            f"ws://127.0.0.1:{port}/ws/bargaining/{setup['case']}/",
            origin=f"http://127.0.0.1:{port}",
            open_timeout=60,
            max_size=2**22,
        )
        await ws.send(json.dumps({"type": "auth", "session_token": token}))
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "ready":
                return ws
            if frame["type"] == "error":
                raise RuntimeError(frame)

    watchers = []
    for n in range(observers):
        token = setup["observer_tokens"][n % len(setup["observer_tokens"])]
        watchers.append(await open_socket(n, token))
    seen = [set() for _ in watchers]

    closing = asyncio.Event()  # set when the bench itself closes its sockets

    def note_close(role: str, ws) -> None:
        """A socket the server ended during the run (e.g. 4408 slow consumer, 4429 flood):
        the frames it missed are the client's loss, not the room's."""
        if not closing.is_set():
            results["closed"].append((role, ws.close_code))

    async def watch(i, ws):
        try:
            async for text in ws:
                frame = json.loads(text)
                if frame.get("type") == "event":
                    seen[i].add(frame["seq"])
        except Exception:
            pass
        note_close("observer", ws)

    watch_tasks = [asyncio.create_task(watch(i, ws)) for i, ws in enumerate(watchers)]
    negotiators = [
        await open_socket(n, token) for n, token in enumerate(setup["negotiator_tokens"])
    ]
    pending: dict[str, tuple[float, str]] = {}

    async def read_acks(ws):
        try:
            async for text in ws:
                frame = json.loads(text)
                cid = frame.get("client_id")
                if cid in pending and frame["type"] in ("ack", "error"):
                    sent_at, _name = pending.pop(cid)
                    if frame["type"] == "ack":
                        stats.add("offer (ack)", time.perf_counter() - sent_at)
                        results["offers"].append(frame["seq"])
                    else:
                        stats.add("offer (ack)", 0, frame.get("code"))
        except Exception:
            pass
        note_close("negotiator", ws)

    ack_tasks = [asyncio.create_task(read_acks(ws)) for ws in negotiators]
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        ws = negotiators[n % len(negotiators)]
        cid = str(uuid.uuid4())
        pending[cid] = (time.perf_counter(), "offer")
        value = f"{8 + (n % 300) / 100:.2f}"
        await ws.send(
            json.dumps(
                {"type": "offer.submit", "item": setup["item"], "value": value, "client_id": cid}
            )
        )
        n += 1
        await asyncio.sleep(1 / rate)
    # Polling is fine here: a benchmark's wind-down, bounded to 30 s.
    deadline = time.monotonic() + 30
    while pending and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    for _cid in list(pending):
        stats.add("offer (ack)", 0, "no ack within 30 s")
    last = max(results["offers"], default=0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(last in s for s in seen):  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    results["observer_seen"] = seen
    closing.set()
    for ws in watchers + negotiators:
        await ws.close()
    for task in watch_tasks + ack_tasks:
        task.cancel()


def verify(setup, results) -> list[str]:
    # Django was set up by prepare() (see there).
    from django.db.models import Count

    from bargaining.models import Event
    from legalaid.models import Booking
    from unionhome.ballots.models import Ballot, BallotParticipation
    from unionhome.ballots.selectors import ballot_tally

    problems = []
    ballot = Ballot.objects.get(pk=setup["ballot"])
    participations = BallotParticipation.objects.filter(ballot=ballot).count()
    counts, turnout = ballot_tally(ballot=ballot)
    if participations != len(results["votes"]):
        problems.append(f"votes: {participations} counted, {len(results['votes'])} accepted")
    if sum(counts.values()) != len(results["votes"]) or turnout != len(results["votes"]):
        problems.append(f"tally {counts} / turnout {turnout} != {len(results['votes'])} votes")
    slot_ids = [s["id"] for s in setup["slots"]]
    doubled = (
        Booking.objects.filter(slot_id__in=slot_ids)
        .exclude(status="cancelled")
        .values("slot_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    if doubled:
        problems.append(f"double-booked slots: {list(doubled)}")
    if len(results["bookings"]) > len(slot_ids):
        problems.append("more bookings accepted than slots")
    seqs = list(
        Event.objects.filter(case_id=setup["case"]).order_by("seq").values_list("seq", flat=True)
    )
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append("event log has gaps")
    if not set(results["offers"]) <= set(seqs):
        problems.append("an acknowledged offer is missing from the log")
    table = set(
        Event.objects.filter(
            case_id=setup["case"], audience="table", seq__in=results["offers"]
        ).values_list("seq", flat=True)
    )
    missing = [i for i, s in enumerate(results.get("observer_seen", [])) if not table <= s]
    if missing:
        problems.append(f"{len(missing)} observers missed acknowledged offers")
    return problems


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every head count")
    parser.add_argument("--seconds", type=float, default=120, help="room and browsing time")
    parser.add_argument("--rate", type=float, default=10, help="offers a second in the room")
    parser.add_argument("--browsers", type=int, default=8, help="browsing client threads")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database this run may fill")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
    voters = max(2, int(2000 * args.scale))
    observers = max(2, int(200 * args.scale))
    bookers = max(2, int(100 * args.scale))
    slots = max(1, bookers // 10)

    var_dir = tempfile.mkdtemp(prefix="unionhome-load-")
    env = {
        **os.environ,
        "VAR_DIR": var_dir,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + uuid.uuid4().hex,
        "SECURE_SSL_REDIRECT": "0",
        "MFA_REQUIRED_FOR_STAFF": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CHANNEL_PREFIX": f"uh-load-{uuid.uuid4().hex[:6]}",
        "CACHE_PREFIX": f"uh-load-{uuid.uuid4().hex[:6]}",
        "BIN": str(Path(sys.executable).parent),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("TESTING", None)
    cluster = str(ROOT / "deploy" / "local-cluster.sh")
    subprocess.run([cluster, "start", *map(str, PORTS)], env=env, check=True, cwd=ROOT)
    try:
        # The same settings as the cluster (SECRET_KEY signs the sessions made in prepare()).
        os.environ.update({k: v for k, v in env.items() if k != "BIN"})
        setup = prepare(voters, bookers, slots)
        stats = Stats()
        results = {"votes": [], "bookings": [], "offers": [], "closed": []}
        stop = threading.Event()
        window = min(120.0, args.seconds)
        started = time.monotonic()
        browsers = [
            threading.Thread(target=browse, args=(stats, stop, n), daemon=True)
            for n in range(args.browsers)
        ]
        work = [
            threading.Thread(target=vote_all, args=(stats, setup, window, results)),
            threading.Thread(target=book_all, args=(stats, setup, results)),
            threading.Thread(
                target=lambda: asyncio.run(
                    room(stats, setup, observers, args.seconds, args.rate, results)
                )
            ),
        ]
        for thread in browsers + work:
            thread.start()
        for thread in work:
            thread.join()
        stop.set()
        for thread in browsers:
            thread.join(timeout=60)
        wall = time.monotonic() - started
    finally:
        subprocess.run([cluster, "stop"], env=env, check=False, cwd=ROOT)
    rows = stats.report(wall)
    print(
        f"mixed load: {voters} voters in {window:.0f} s, {observers} observers + 6 negotiators "
        f"at {args.rate:g} offers/s for {args.seconds:g} s, {bookers} bookers on {slots} "
        f"slots, {args.browsers} browsing threads; wall {wall:.1f} s"
    )
    print(
        f"{'action':<20}{'ok':>7}{'errors':>8}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p50 x base':>12}"
    )
    for r in rows:
        print(
            f"{r['action']:<20}{r['ok']:>7}{r['errors']:>8}{r['per_s']:>9.1f}"
            f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['p50_x_baseline']:>12.1f}"
        )
    for action, errors in stats.errors.items():
        print(f"  {action}: first errors {errors[:3]}")
    problems = verify(setup, results)
    print(
        f"votes accepted {len(results['votes'])}, bookings accepted {len(results['bookings'])} "
        f"of {slots} slots, offers acked {len(results['offers'])}"
    )
    if results["closed"]:
        print(f"sockets closed by the server during the run (role, code): {results['closed']}")
    print("verified: " + ("OK" if not problems else "; ".join(problems)))
    return rows


if __name__ == "__main__":
    main()
