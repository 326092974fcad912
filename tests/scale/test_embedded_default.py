"""The embedded default as ``make run`` runs it — Daphne, the task worker and the scheduler as
separate processes on one SQLite file (in a temporary VAR_DIR, no DATABASE_URL or REDIS_URL) —
under 50 concurrent writers: membership applications, votes, legal-aid bookings and room
commands. No writer may see an error ("database is locked" was the failure), and every write
must be in the file afterwards."""

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from websockets.sync.client import connect

from bargaining.models import Event
from legalaid.lines import ServiceLine
from legalaid.models import Booking, Slot
from tests.bargaining.live import ROOT, _wait_port
from tests.membership.helpers import application, token_for, valid_id
from unionhome.ballots import demo as ballots_demo
from unionhome.ballots.models import Ballot, BallotParticipation
from unionhome.membership.models import Membership

pytestmark = [pytest.mark.slow, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

PORT = 8163
APPLICANTS = 20
ROOM_WRITERS = 20
CHATS_EACH = 4
RIDERS = [f"rider{n}" for n in range(1, 6)]
NEGOTIATORS = ["union_chief", "union_rep2", "union_rep3", "platform_chief", "platform_rep2"]
PASSWORD = "demo-pass-2026"


@pytest.fixture
def seeded(demo):
    """The demo content plus 20 applicant accounts."""
    for n in range(APPLICANTS):
        get_user_model().objects.create_user(f"writer{n}", password=PASSWORD)
    return demo


def copy_database(target: Path) -> None:
    source = sqlite3.connect(connection.settings_dict["NAME"])
    with contextlib.closing(source), contextlib.closing(sqlite3.connect(target)) as copy:
        source.backup(copy)


@contextlib.contextmanager
def make_run(var_dir: Path):
    """Daphne + db_worker + run_scheduler exactly as the Makefile's ``run`` starts them."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "TEST_DB_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"VAR_DIR": str(var_dir), "DEBUG": "1", "TESTING": "0"})
    env.pop("TASKS_BACKEND", None)
    bin_dir = Path(sys.executable).parent
    commands = [
        [sys.executable, "manage.py", "db_worker"],
        [sys.executable, "manage.py", "run_scheduler"],
        [
            str(bin_dir / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(PORT),
            "unionhome.config.asgi:application",
        ],
    ]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for cmd in commands
    ]
    try:
        _wait_port(PORT, procs[2])
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


def call(method: str, path: str, body: dict | None = None, token: str = "") -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    if token:
        headers["X-Session-Token"] = token
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, {"raw": raw.decode(errors="replace")[:300]}


def session_token(username: str) -> str:
    """An app session token (X-Session-Token is the session key), made in the database
    before the copy: 50 logins at once would trip allauth's 30-a-minute per-address limit."""
    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def test_fifty_concurrent_writers_on_the_embedded_default(seeded, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default is SQLite; this run uses another database")
    union = seeded["union"]
    case = seeded["case"]
    join_token = token_for(union)
    ballot = Ballot.objects.get(union=union, title=ballots_demo.OPEN_TITLE)
    option = ballot.options.order_by("pk").first()
    free = list(
        # Legal-aid slots: the writers book through the legal-aid API, which refuses the
        # counselling line's slots (which of the two comes first depends on the hour).
        Slot.objects.filter(
            start__gt=timezone.now() + timezone.timedelta(hours=30),
            volunteer__service=ServiceLine.LEGAL_AID,
        )
        .exclude(pk__in=Booking.objects.values("slot_id"))
        .order_by("start")[: len(RIDERS)]
    )
    assert len(free) == len(RIDERS)
    tokens = {
        name: [session_token(name) for _ in range(4)]
        for name in [f"writer{n}" for n in range(APPLICANTS)] + RIDERS + NEGOTIATORS
    }
    copy_database(tmp_path / "db.sqlite3")

    def login(username: str) -> str:
        return tokens[username].pop()

    errors: list = []
    done: dict[str, list] = {"apply": [], "vote": [], "book": [], "chat": []}
    # A writer that fails before the start breaks the barrier for all instead of leaving
    # the others waiting forever.
    start = threading.Barrier(APPLICANTS + 2 * len(RIDERS) + ROOM_WRITERS, timeout=120)

    def guarded(kind, work):
        def run():
            try:
                work()
            except BaseException as exc:  # every failure of a writer is a failed write
                errors.append((kind, repr(exc)))

        return run

    def applicant(n: int):
        token = login(f"writer{n}")
        start.wait()
        body = application(token=join_token, phone=f"1391234{n:04d}", id_number=valid_id(100 + n))
        status, answer = call("POST", "/api/v1/memberships/apply", body, token)
        assert status == 201, (status, answer)
        done["apply"].append(answer["id"])

    def voter(username: str):
        token = login(username)
        start.wait()
        status, answer = call(
            "POST", f"/api/v1/ballots/{ballot.pk}/vote", {"option_ids": [option.pk]}, token
        )
        assert status == 201, (status, answer)
        done["vote"].append(answer["receipt"])

    def booker(username: str, slot):
        token = login(username)
        start.wait()
        body = {
            "slot_id": slot.pk,
            "topic": "wage_arrears",
            "description": "拖欠工资",
            "channel": slot.channel,
        }
        status, answer = call("POST", "/api/v1/legalaid/bookings", body, token)
        assert status == 201, (status, answer)
        done["book"].append(answer["id"])

    def room_writer(n: int):
        token = login(NEGOTIATORS[n % len(NEGOTIATORS)])
        with connect(
            f"ws://127.0.0.1:{PORT}/ws/bargaining/{case.pk}/",
            origin=f"http://127.0.0.1:{PORT}",
            open_timeout=30,
        ) as ws:
            ws.send(json.dumps({"type": "auth", "session_token": token}))
            while json.loads(ws.recv(timeout=30))["type"] != "ready":
                pass
            start.wait()
            for i in range(CHATS_EACH):
                client_id = str(uuid.uuid4())
                ws.send(
                    json.dumps(
                        {
                            "type": "chat.send",
                            "room": "table",
                            "text": f"w{n}-{i}",
                            "client_id": client_id,
                        }
                    )
                )
                while True:
                    frame = json.loads(ws.recv(timeout=60))
                    if frame.get("client_id") == client_id:
                        assert frame["type"] == "ack", frame
                        done["chat"].append(frame["seq"])
                        break

    threads = [
        threading.Thread(target=guarded("apply", lambda n=n: applicant(n)))
        for n in range(APPLICANTS)
    ]
    threads += [threading.Thread(target=guarded("vote", lambda u=u: voter(u))) for u in RIDERS]
    threads += [
        threading.Thread(target=guarded("book", lambda u=u, s=s: booker(u, s)))
        for u, s in zip(RIDERS, free, strict=True)
    ]
    threads += [
        threading.Thread(target=guarded("chat", lambda n=n: room_writer(n)))
        for n in range(ROOM_WRITERS)
    ]
    assert len(threads) == 50

    with make_run(tmp_path) as procs:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 300
        for thread in threads:
            thread.join(timeout=max(0, deadline - time.monotonic()))
        alive = [proc.poll() is None for proc in procs]

    assert not errors, errors[:5]
    assert alive == [True, True, True]
    assert len(done["apply"]) == APPLICANTS
    assert len(done["chat"]) == ROOM_WRITERS * CHATS_EACH

    # Every acknowledged write is in the file.
    with contextlib.closing(sqlite3.connect(tmp_path / "db.sqlite3")) as db:

        def ids(model, column, values):
            marks = ",".join("?" * len(values))
            table = model._meta.db_table
            sql = f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IN ({marks})'  # noqa: S608
            return db.execute(sql, list(values)).fetchone()[0]

        assert ids(Membership, "id", done["apply"]) == APPLICANTS
        assert ids(Booking, "id", done["book"]) == len(RIDERS)
        seqs = [
            row[0]
            for row in db.execute(
                f'SELECT seq FROM "{Event._meta.db_table}" WHERE case_id = ? ORDER BY seq',  # noqa: S608
                [case.pk],
            )
        ]
        assert set(done["chat"]) <= set(seqs)
        assert seqs == list(range(1, len(seqs) + 1))
        assert ids(BallotParticipation, "receipt", done["vote"]) == len(RIDERS)
